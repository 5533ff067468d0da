"""Figures: quarter quotas per corporation and contingents per care provider."""

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, TypeVar

from matching.paging import Page
from matching.reports.citydeal import citydeal_year
from matching.reports.contingent_counts import as_read_by, suppressed_below
from matching.reports.period import Reader
from matching.services.planning import contingent_overview, quarter_quotas
from matching.services.provisional_contingents import ensure_year_contingents, is_provisional
from matching.vocabulary import Role, utcnow
from matching.web import db_session
from matching.web.api import responses as out
from matching.web.api.auth import api_actor, roles
from matching.web.api.common import resource
from matching.web.api.schemas import PageQuery, QuarterPath, YearPath
from matching.web.api.serializers import answer, page_of
from matching.workdays import local_date

blueprint = resource("figures", "Quotas per corporation and contingents per care provider")
T = TypeVar("T")


def _page(rows: Sequence[T], query: PageQuery) -> Page[T]:
    start = (query.page - 1) * query.per_page
    return Page(items=list(rows[start:start + query.per_page]), page=query.page,
                per_page=query.per_page, total=len(rows))


@blueprint.get("/quarters/<quarter>/quotas", responses={200: out.QuotaPage})
@roles("corporation", "matcher", "analyst")
def list_quotas(path: QuarterPath, query: PageQuery) -> Any:
    """List quota, submitted, instroom and backlog per corporation (a corporation: its own)."""
    actor = api_actor()
    rows = quarter_quotas(db_session(), path.quarter)
    if actor.role == Role.CORPORATION:
        rows = [row for row in rows if row.corporation_id == actor.organisation_id]
    return answer(page_of(out.QuotaPage, _page(rows, query),
                          lambda row: out.QuotaOut(**asdict(row)), quarter=path.quarter))


@blueprint.get("/contingents/<year>", responses={200: out.ContingentPage})
@roles("care_provider", "matcher", "analyst")
def list_contingents(path: YearPath, query: PageQuery) -> Any:
    """List contingent, proposed, housed, remaining per care provider (a provider: its own)."""
    actor = api_actor()
    if path.year == local_date(utcnow()).year:  # no tick ran yet this year
        ensure_year_contingents(db_session(), year=path.year)
    rows = contingent_overview(db_session(), path.year)
    if actor.role == Role.CARE_PROVIDER:
        rows = [row for row in rows if row.care_provider_id == actor.organisation_id]
    # The municipality sees no count of 1 to 4 clients, as in the reports.
    reader = Reader(role=actor.role, organisation_id=actor.organisation_id)
    citydeal = None if actor.role == Role.CARE_PROVIDER else citydeal_year(
        db_session(), year=path.year, as_of=local_date(utcnow()), reader=reader)
    return answer(page_of(out.ContingentPage, _page(as_read_by(reader, rows), query),
                          lambda row: out.ContingentOut(**asdict(row)), year=path.year,
                          suppressed_below=suppressed_below(reader),
                          citydeal=out.CityDealOut(**citydeal.as_dict()) if citydeal else None,
                          provisional=is_provisional(db_session(), path.year)))
