"""The SQL that narrows the waiting pool: the same rules as rules.py, done by the database.

For one dwelling the dwelling's values are constants, so each rule becomes a condition on the
client columns alone. `tests/integration/test_engine.py` checks that these conditions
agree with the pure rules for random clients and dwellings.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import Boolean, String, and_, case, cast, false, not_, or_, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col

from matching.engine.context import days_between, waiting_start
from matching.engine.facts import DwellingFacts, Limits
from matching.engine.profile import NEED_BITS
from matching.engine.ranking import RankingContext
from matching.models import Client, PoolProfile


class text_contains(FunctionElement[bool]):  # noqa: N801 (an SQL function's name)
    """Whether a text holds another, case-sensitively and without LIKE's wildcards, on
    both databases (SQLite's LIKE ignores case, PostgreSQL's does not)."""

    type = Boolean()
    name = "text_contains"
    inherit_cache = True


@compiles(text_contains)
def _instr(element: text_contains, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(instr({compiler.process(element.clauses, **kw)}) > 0)"


@compiles(text_contains, "postgresql")
def _strpos(element: text_contains, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(strpos({compiler.process(element.clauses, **kw)}) > 0)"


def _json_list_contains(column: Any, value: str) -> ColumnElement:
    # A JSON list is stored as text like ["a", "b"]: look for the value as JSON writes it.
    # Most lists are empty; comparing with '[]' first spares the database the search.
    text = cast(column, String)
    return and_(text != "[]", text_contains(text, json.dumps(value)))


@dataclass(frozen=True)
class PoolColumns:
    """What the rules read of a waiting client, as SQL over one source: the clients
    themselves, or the pool's profile (matching/engine/profile.py), which has no client id
    or care provider (so no rejections or earmarks: the engine counts those apart)."""

    persons: Any
    phase: Any
    flip_lease_ok: Any
    birth_year: Any
    below_income_limit: Callable[[Limits], ColumnElement]
    has_need: Callable[[str], ColumnElement]
    avoids_wijk: Callable[[str], ColumnElement]
    client_id: Any | None
    care_provider_id: Any | None


def _client_below_income_limit(limits: Limits) -> ColumnElement:
    persons = col(Client.adults) + col(Client.children)
    limit = case((persons == 1, limits.housing_benefit_income_limit_single),
                 else_=limits.housing_benefit_income_limit_multi)
    return col(Client.annual_income) < limit


CLIENTS = PoolColumns(
    persons=col(Client.adults) + col(Client.children),
    phase=col(Client.phase),
    flip_lease_ok=col(Client.flip_lease_ok),
    birth_year=col(Client.birth_year),
    below_income_limit=_client_below_income_limit,
    has_need=lambda need: _json_list_contains(col(Client.needs), need),
    avoids_wijk=lambda wijk: _json_list_contains(col(Client.excluded_wijken), wijk),
    client_id=col(Client.id),
    care_provider_id=col(Client.care_provider_id),
)

PROFILES = PoolColumns(
    persons=col(PoolProfile.persons),
    phase=col(PoolProfile.phase),
    flip_lease_ok=col(PoolProfile.flip_lease_ok),
    birth_year=col(PoolProfile.birth_year),
    below_income_limit=lambda _limits: col(PoolProfile.below_income_limit).is_(True),
    has_need=lambda need: col(PoolProfile.needs_mask).op("&")(NEED_BITS[need]) != 0,
    avoids_wijk=lambda wijk: text_contains(col(PoolProfile.excluded_wijken), json.dumps(wijk)),
    client_id=None,
    care_provider_id=None,
)


def rule_conditions(dwelling: DwellingFacts, limits: Limits,
                    source: PoolColumns = CLIENTS) -> Mapping[str, ColumnElement]:
    """Return, per rule, the condition a row of `source` must meet to pass it (read-only:
    the same dwelling is asked about again and again, so the answer is kept)."""
    return _rule_conditions(dwelling, limits, source)


# Building the conditions costs about a millisecond of Python; the expressions are immutable,
# so statements may share them.
@lru_cache(maxsize=512)
def _rule_conditions(dwelling: DwellingFacts, limits: Limits,
                     source: PoolColumns) -> Mapping[str, ColumnElement]:
    d, c = dwelling, source
    year = limits.today.year
    persons = c.persons
    designation = c.phase == d.designation
    if d.lease_type == "flip":
        designation = and_(designation, c.flip_lease_ok)
    under_youth_age = c.birth_year > year - limits.youth_age
    within_limit = or_(
        and_(under_youth_age, true() if d.rent <= limits.kwaliteitskortingsgrens else false()),
        and_(not_(under_youth_age), persons <= 2,
             true() if d.rent <= limits.aftoppingsgrens_low else false()),
        and_(not_(under_youth_age), persons > 2,
             true() if d.rent <= limits.aftoppingsgrens_high else false()),
    )
    # Young adults (rules.young_adult, housing_benefit and net_rent): the dwelling's side of
    # each condition is a constant, so only age and income are left to the database.
    young = and_(c.birth_year <= year - limits.youth_min_age, under_youth_age)
    below_income_limit = c.below_income_limit(limits)
    # Under the income limit (the only case the net rent caps) the benefit depends on the
    # dwelling alone.
    benefit = limits.youth_housing_benefit if (
        d.self_contained and d.rent <= limits.kwaliteitskortingsgrens) else 0
    net_ok = d.rent - benefit <= limits.youth_max_net_rent
    youth_net_rent = true() if net_ok else not_(and_(young, below_income_limit))
    lost_benefit = (d.self_contained and d.rent > limits.kwaliteitskortingsgrens
                    and d.rent > limits.youth_max_net_rent)
    needs = []
    if d.floor != 0:
        needs.append(not_(c.has_need("ground_floor")))
        if not d.has_lift:
            needs.append(not_(c.has_need("lift")))
    if not d.accessible:
        needs.append(not_(c.has_need("wheelchair")))
    return MappingProxyType({
        "rejected_before": (
            c.client_id.not_in(sorted(d.rejected_client_ids))
            if d.rejected_client_ids and c.client_id is not None else true()
        ),
        "designation": designation,
        "household": and_(
            persons <= d.rooms * limits.persons_per_room_max,
            persons * limits.min_floor_area_per_person_m2 <= d.floor_area_m2,
        ),
        "housing_benefit": not_(and_(young, below_income_limit)) if lost_benefit else true(),
        "affordability": and_(or_(not_(below_income_limit), within_limit), youth_net_rent),
        "needs": and_(true(), *needs),
        "senior_label": (
            c.birth_year <= year - limits.senior_age if d.senior_label else true()
        ),
        "district": not_(c.avoids_wijk(d.wijk)),
        "earmark": (
            c.care_provider_id.in_(sorted(d.earmarked_care_provider_ids))
            if d.earmarked_care_provider_ids and c.care_provider_id is not None else true()
        ),
    })


def exclusion_class(conditions: Mapping[str, ColumnElement]) -> ColumnElement:
    """Return the position (1, 2, …) of the first rule a row fails in `conditions`, or 0.

    Small integers group faster than names; the caller maps them back.
    """
    return case(*((not_(cond), position) for position, cond in
                  enumerate(conditions.values(), start=1)), else_=0)


def score_expression(session: Session, context: RankingContext) -> ColumnElement:
    """Return the SQL form of ranking.score: the same whole points, summed by the database."""
    policy = context.policy
    since = waiting_start()
    days = days_between(session, since, context.today)
    parts: list[ColumnElement] = [
        days * policy.points_per_waiting_day,
        case((since <= context.ambition_cutoff, policy.ambition_bonus), else_=0),
    ]
    provider = {k: v for k, v in context.provider_points.items() if v}
    if provider:
        parts.append(case(*((col(Client.care_provider_id) == k, v) for k, v in
                            sorted(provider.items())), else_=0))
    group = {k: v for k, v in context.group_points.items() if v}
    if group:
        parts.append(case(*((col(Client.target_group) == k, v) for k, v in
                            sorted(group.items())), else_=0))
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total
