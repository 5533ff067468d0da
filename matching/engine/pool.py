"""The SQL that narrows the waiting pool: the same rules as rules.py, done by the database.

For one dwelling the dwelling's values are constants, so each rule becomes a condition on the
client columns alone. `tests/integration/test_engine.py` checks that these conditions
agree with the pure rules for random clients and dwellings.
"""

from typing import Any

from sqlalchemy import String, and_, case, cast, false, not_, or_, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from matching.engine.context import days_between, waiting_start
from matching.engine.facts import DwellingFacts, Limits
from matching.engine.ranking import RankingContext
from matching.models import Client

_persons = col(Client.adults) + col(Client.children)


def _json_list_contains(column: Any, value: str) -> ColumnElement:
    # JSON lists are stored as text like ["a", "b"]: look for the quoted value, portably.
    # Most lists are empty; comparing with '[]' first spares the database the LIKE.
    text = cast(column, String)
    return and_(text != "[]", text.contains(f'"{value}"', autoescape=True))


def rule_conditions(dwelling: DwellingFacts, limits: Limits) -> dict[str, ColumnElement]:
    """Return, per rule, the condition a client row must meet to pass it."""
    d = dwelling
    year = limits.today.year
    designation = col(Client.phase) == d.designation
    if d.lease_type == "flip":
        designation = and_(designation, col(Client.flip_lease_ok))
    under_youth_age = col(Client.birth_year) > year - limits.youth_age
    income_limit = case(
        (_persons == 1, limits.housing_benefit_income_limit_single),
        else_=limits.housing_benefit_income_limit_multi,
    )
    within_limit = or_(
        and_(under_youth_age, true() if d.rent <= limits.kwaliteitskortingsgrens else false()),
        and_(not_(under_youth_age), _persons <= 2,
             true() if d.rent <= limits.aftoppingsgrens_low else false()),
        and_(not_(under_youth_age), _persons > 2,
             true() if d.rent <= limits.aftoppingsgrens_high else false()),
    )
    # Young adults (rules.young_adult, housing_benefit and net_rent): the dwelling's side of
    # each condition is a constant, so only age and income are left to the database.
    young = and_(col(Client.birth_year) <= year - limits.youth_min_age, under_youth_age)
    below_income_limit = col(Client.annual_income) < income_limit
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
        needs.append(not_(_json_list_contains(col(Client.needs), "ground_floor")))
        if not d.has_lift:
            needs.append(not_(_json_list_contains(col(Client.needs), "lift")))
    if not d.accessible:
        needs.append(not_(_json_list_contains(col(Client.needs), "wheelchair")))
    return {
        "rejected_before": (
            col(Client.id).not_in(sorted(d.rejected_client_ids)) if d.rejected_client_ids
            else true()
        ),
        "designation": designation,
        "household": and_(
            _persons <= d.rooms * limits.persons_per_room_max,
            _persons * limits.min_floor_area_per_person_m2 <= d.floor_area_m2,
        ),
        "housing_benefit": not_(and_(young, below_income_limit)) if lost_benefit else true(),
        "affordability": and_(
            or_(col(Client.annual_income) >= income_limit, within_limit), youth_net_rent),
        "needs": and_(true(), *needs),
        "senior_label": (
            col(Client.birth_year) <= year - limits.senior_age if d.senior_label else true()
        ),
        "district": not_(_json_list_contains(col(Client.excluded_wijken), d.wijk)),
        "earmark": (
            col(Client.care_provider_id).in_(sorted(d.earmarked_care_provider_ids))
            if d.earmarked_care_provider_ids else true()
        ),
    }


def exclusion_class(conditions: dict[str, ColumnElement]) -> ColumnElement:
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
