"""Who may submit, and peaks of earmarked submissions with a release schedule.

A landlord without performance agreements (prestatieafspraken) on priority groups, such as
the private owner of the Eendrachtlaan project ([002] Tabel 3), lets via WoningNet: the
engine refuses its submissions, whichever page, API call or command asks.

A project is the dwellings of one corporation with the same complex code and the same
earmarked care providers. When the open dwellings of an earmarked project (submitted or in a
round, not yet matched) exceed the year's `submission_peak_threshold`, the agency is told once
per project (`submission_peak`), and the project's release schedule spreads its open
dwellings over months so that the agency's `agency_monthly_capacity` is not exceeded: the
first month keeps room for the other dwellings already waiting in the agency's queue.
Both values are year parameters and assumptions (seeds/year_parameters.csv).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from matching.access import check_dwelling_owner, require_role
from matching.models import Client, Dwelling, DwellingEarmark, Organisation
from matching.notifications.causes import organisation_name
from matching.notifications.notify import agency_ids, already_noticed, notify
from matching.parameters import year_parameters
from matching.services.errors import ValidationFailed
from matching.services.unit_of_work import commit, get_or_404, service
from matching.vocabulary import ClientState, DwellingState, OrganisationKind, Role, utcnow
from matching.workdays import local_date

OPEN_STATES = (DwellingState.SUBMITTED, DwellingState.PROPOSED)
PEAK_KIND = "submission_peak"
NO_AGREEMENTS = "geen prestatieafspraken; aanbieden via WoningNet"


class NoAgreements(ValidationFailed):
    """The landlord has no performance agreements on priority groups: it lets via WoningNet."""

    def __init__(self, landlord: str) -> None:
        self.landlord = landlord
        super().__init__({"corporation_id": f"{landlord}: {NO_AGREEMENTS}"},
                         message="cannot be submitted")


def landlord_may_submit(session: Session, dwelling: Dwelling) -> bool:
    """Whether the dwelling's landlord has the agreements that let it submit to the agency."""
    landlord = session.get(Organisation, dwelling.corporation_id)
    return landlord is None or landlord.has_agreements


def check_may_submit(session: Session, dwelling: Dwelling) -> None:
    """Refuse the submission of a dwelling whose landlord has no agreements."""
    if not landlord_may_submit(session, dwelling):
        landlord = session.get(Organisation, dwelling.corporation_id)
        assert landlord is not None
        raise NoAgreements(landlord.name)


# --- projects and their peaks ---------------------------------------------------------------


@dataclass(frozen=True)
class Project:
    corporation_id: int
    complex_code: str | None
    earmarked_care_provider_ids: tuple[int, ...]

    @property
    def key(self) -> str:
        providers = "-".join(str(i) for i in self.earmarked_care_provider_ids)
        return f"{PEAK_KIND}:project:{self.corporation_id}:{self.complex_code or ''}:{providers}"


def earmarks_of(session: Session, dwelling_id: int | None) -> tuple[int, ...]:
    return tuple(sorted(session.exec(
        select(DwellingEarmark.care_provider_id).where(DwellingEarmark.dwelling_id == dwelling_id)
    )))


def project_of(session: Session, dwelling: Dwelling) -> Project:
    return Project(dwelling.corporation_id, dwelling.complex_code,
                   earmarks_of(session, dwelling.id))


def open_dwellings(session: Session, project: Project) -> list[Dwelling]:
    """The project's dwellings that wait in the agency's queue, oldest submission first."""
    same_complex = (Dwelling.complex_code == project.complex_code
                    if project.complex_code is not None else col(Dwelling.complex_code).is_(None))
    rows = session.exec(
        select(Dwelling).where(
            Dwelling.corporation_id == project.corporation_id, same_complex,
            col(Dwelling.state).in_(OPEN_STATES),
        ).order_by(col(Dwelling.submitted_at), col(Dwelling.id))
    ).all()
    if not rows:
        return []
    earmarks: dict[int, list[int]] = {}
    for dwelling_id, provider_id in session.exec(
        select(DwellingEarmark.dwelling_id, DwellingEarmark.care_provider_id)
        .where(col(DwellingEarmark.dwelling_id).in_([d.id for d in rows]))
    ):
        earmarks.setdefault(dwelling_id, []).append(provider_id)
    wanted = list(project.earmarked_care_provider_ids)
    return [d for d in rows if sorted(earmarks.get(d.id or 0, [])) == wanted]


def note_submission(session: Session, dwelling: Dwelling, now: datetime | None) -> None:
    """After an earmarked dwelling is submitted: tell the agency, once per project, when the
    project's open dwellings exceed the year's peak threshold. No commit."""
    project = project_of(session, dwelling)
    if not project.earmarked_care_provider_ids:
        return
    moment = now or utcnow()
    params = year_parameters(session, local_date(moment).year)
    waiting = open_dwellings(session, project)
    if len(waiting) <= params.submission_peak_threshold:
        return
    if already_noticed(session, [project.key]):
        return
    assert dwelling.id is not None
    try:
        # In a savepoint: when a concurrent submission of the project told the agency first,
        # its notice stands and this submission goes through without a second one.
        with session.begin_nested():
            _tell_agency(session, dwelling, project, len(waiting), params.agency_monthly_capacity,
                         moment)
    except IntegrityError:
        pass


def _tell_agency(session: Session, dwelling: Dwelling, project: Project, count: int,
                 capacity: int, moment: datetime) -> None:
    assert dwelling.id is not None
    notify(session, kind=PEAK_KIND, subject_id=dwelling.id,
           organisation_ids=list(agency_ids(session)), key=project.key, now=moment,
           params={"address": dwelling.address,
                   "corporation": organisation_name(session, dwelling.corporation_id),
                   "project": project.complex_code or dwelling.address,
                   "count": count,
                   "providers": ", ".join(
                       organisation_name(session, i)
                       for i in project.earmarked_care_provider_ids),
                   "capacity": capacity})


# --- the release schedule -------------------------------------------------------------------


def _month_after(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def spread_over_months(count: int, capacity: int, first_month_taken: int, start: date
                       ) -> list[dict[str, Any]]:
    """Spread `count` dwellings over months from `start`, at most `capacity` a month, the
    first month less what other dwellings already take of it."""
    if capacity < 1:
        raise ValidationFailed({"agency_monthly_capacity": "must be at least 1"})
    months: list[dict[str, Any]] = []
    left, month = count, date(start.year, start.month, 1)
    room = max(0, capacity - first_month_taken)
    while left > 0:
        release = min(left, room)
        months.append({"month": month.strftime("%Y-%m"), "release": release,
                       "cumulative": count - left + release})
        left -= release
        month, room = _month_after(month, 1), capacity
    return months


def release_schedule(session: Session, *, dwelling_id: int, actor: Any,
                     now: datetime | None = None) -> dict[str, Any]:
    """The peak of the project this dwelling belongs to, with the suggested release per
    month. The agency sees any project; a corporation its own."""
    require_role(actor, Role.MATCHER, Role.CORPORATION, Role.ADMIN)
    dwelling = get_or_404(session, Dwelling, dwelling_id)
    if actor.role == Role.CORPORATION:
        check_dwelling_owner(actor, dwelling)
    today = local_date(now or utcnow())
    params = year_parameters(session, today.year)
    project = project_of(session, dwelling)
    waiting = open_dwellings(session, project)
    ids = {d.id for d in waiting}
    others = [i for i in session.exec(
        select(Dwelling.id).where(col(Dwelling.state).in_(OPEN_STATES))) if i not in ids]
    providers = list(project.earmarked_care_provider_ids)
    waiting_clients = session.exec(
        select(func.count()).select_from(Client).where(
            col(Client.care_provider_id).in_(providers),
            Client.state == ClientState.WAITING)
    ).one() if providers else None
    return {
        "dwelling_id": dwelling.id,
        "corporation": organisation_name(session, dwelling.corporation_id),
        "complex_code": project.complex_code,
        "earmarked_care_providers": [
            {"id": i, "name": organisation_name(session, i)} for i in providers],
        "open_dwellings": len(waiting),
        "other_open_dwellings": len(others),
        "threshold": params.submission_peak_threshold,
        "capacity": params.agency_monthly_capacity,
        "is_peak": bool(providers) and len(waiting) > params.submission_peak_threshold,
        "waiting_clients_of_earmarked_providers": waiting_clients,
        "months": spread_over_months(len(waiting), params.agency_monthly_capacity,
                                     len(others), today),
        "sources": {name: params.supplied_by.get(name)
                    for name in ("submission_peak_threshold", "agency_monthly_capacity")},
    }


# --- administration ---------------------------------------------------------------------------


@service
def set_has_agreements(session: Session, *, organisation_id: int, has_agreements: bool,
                       actor: Any) -> Organisation:
    """Record whether a landlord has performance agreements (administrator only); without
    them its dwellings can no longer be submitted, those submitted before stay as they are."""
    require_role(actor, Role.ADMIN)
    organisation = get_or_404(session, Organisation, organisation_id)
    if organisation.kind != OrganisationKind.CORPORATION:
        raise ValidationFailed({"has_agreements": "only a landlord has performance agreements"})
    organisation.has_agreements = has_agreements
    commit(session)
    return organisation
