"""Who am I, and the reference lists every role may read."""

from typing import Any

from sqlmodel import Session

from matching.access import get_or_404
from matching.models import Organisation
from matching.queries import api as queries
from matching.web import db_session
from matching.web.api import responses as out
from matching.web.api.auth import api_actor
from matching.web.api.common import resource
from matching.web.api.schemas import OrganisationQuery, PageQuery, ReasonCodeQuery
from matching.web.api.serializers import answer, page_of

blueprint = resource("reference", "The caller, organisations, reason codes, target groups")


def _organisation(row: Organisation) -> out.OrganisationOut:
    assert row.id is not None
    return out.OrganisationOut(id=row.id, name=row.name, kind=row.kind)


@blueprint.get("/me", responses={200: out.MeOut})
def get_me() -> Any:
    """Return the caller: user, role and organisation."""
    user = api_actor()
    session: Session = db_session()
    organisation = get_or_404(session, Organisation, user.organisation_id)
    assert user.id is not None
    return answer(out.MeOut(id=user.id, email=user.email, role=user.role,
                            contingent_manager=user.contingent_manager,
                            user=out.UserOut(id=user.id, email=user.email, role=user.role),
                            organisation=_organisation(organisation)))


@blueprint.get("/organisations", responses={200: out.OrganisationPage})
def list_organisations(query: OrganisationQuery) -> Any:
    """List the organisations with id, name and kind."""
    found = queries.organisations(db_session(), kind=query.kind, page=query.page,
                                  per_page=query.per_page)
    return answer(page_of(out.OrganisationPage, found, _organisation))


@blueprint.get("/reason-codes", responses={200: out.ReasonCodePage})
def list_reason_codes(query: ReasonCodeQuery) -> Any:
    """List the reason codes: landlord (rejected, withdrawn) and candidate (declined)."""
    found = queries.reason_codes(db_session(), kind=query.kind, page=query.page,
                                 per_page=query.per_page)
    return answer(page_of(out.ReasonCodePage, found, lambda r: out.ReasonCodeOut(
        code=r.code, kind=r.kind, label_nl=r.label_nl, label_en=r.label_en,
        needs_motivation=r.needs_motivation, vera_status=r.vera_status)))


@blueprint.get("/target-groups", responses={200: out.TargetGroupPage})
def list_target_groups(query: PageQuery) -> Any:
    """List the target groups with their Dutch and English labels."""
    found = queries.target_groups(db_session(), page=query.page, per_page=query.per_page)
    return answer(page_of(out.TargetGroupPage, found, lambda g: out.TargetGroupOut(
        code=g.code, label_nl=g.label_nl, label_en=g.label_en, phase=g.phase)))
