"""Build the ranking context from the database: provider and group standings."""

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Date, Integer, cast, func, literal, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from matching.engine.facts import limits_for  # noqa: F401 (its callers import it here)
from matching.engine.ranking import (
    ProviderStanding,
    RankingContext,
    RankingPolicy,
    group_points,
    provider_points,
    rank_groups,
)
from matching.models import (
    Client,
    Contingent,
    Lease,
    Organisation,
    PoolGroupTotal,
    PoolProfileBasis,
    TargetGroup,
)
from matching.parameters import YearParameters
from matching.services.provisional_contingents import provisional_division
from matching.vocabulary import ClientState

POLICY_FAMILY = "ranking-1"


def waiting_start() -> Any:
    """Return the start of the wait (the database guarantees it once a client is approved)."""
    return col(Client.waiting_since)


def days_between(session: Session, start: Any, end: date) -> ColumnElement:
    """Return whole days from a date column to `end`, in the session's SQL dialect."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(end.isoformat()) - func.julianday(start), Integer)
    return cast(literal(end, Date) - start, Integer)  # date - date is whole days in PostgreSQL


def policy_for(parameters: YearParameters) -> RankingPolicy:
    """Return the ranking policy in force, versioned by the year that set its weights."""
    names = ("ranking_points_per_waiting_day", "ranking_ambition_bonus",
             "ranking_provider_fairness", "ranking_group_priority")
    years = [parameters.supplied_by.get(n) for n in names]
    source = max((y for y in years if y is not None), default=None)
    return RankingPolicy(
        version=f"{POLICY_FAMILY}/{source if source is not None else 'default'}",
        points_per_waiting_day=parameters.ranking_points_per_waiting_day,
        ambition_bonus=parameters.ranking_ambition_bonus,
        provider_fairness=parameters.ranking_provider_fairness,
        group_priority=parameters.ranking_group_priority,
        ambition_months=parameters.waiting_ambition_months,
    )


def waiting_by_group(session: Session, today: date) -> dict[str, tuple[int, int]]:
    """Return, per target group, the number of waiting clients and their total days waited.

    Read from the pool's totals per group (matching/engine/profile.py) once they exist:
    the days waited are the clients times today less the sum of their waiting starts."""
    totals = session.exec(
        select(PoolProfileBasis.id, PoolGroupTotal.target_group, PoolGroupTotal.clients,
               PoolGroupTotal.since_ordinal_sum)
        .select_from(PoolProfileBasis).outerjoin(PoolGroupTotal, true())
    ).all()
    if totals:
        day = today.toordinal()
        return {code: (count, count * day - since) for _, code, count, since in totals
                if code is not None and count}
    wait = days_between(session, waiting_start(), today)
    rows = session.exec(
        select(Client.target_group, func.count(), func.sum(wait))
        .where(Client.state == ClientState.WAITING)
        .group_by(col(Client.target_group))
    ).all()
    return {code: (int(count), int(total or 0)) for code, count, total in rows}


def _provisional(session: Session, year: int) -> list[tuple[int, int, str]]:
    division = provisional_division(session, year)
    if division is None:
        return []
    names = dict(session.exec(
        select(Organisation.id, Organisation.name)
        .where(col(Organisation.id).in_(list(division.shares)))).all())
    return [(pid, amount, names[pid]) for pid, amount in division.shares.items()]


def build_context(session: Session, policy: RankingPolicy, today: date) -> RankingContext:
    """Compute each provider's standing against its contingent and each group's priority."""
    year_start = date(today.year, 1, 1)
    elapsed = ((today - year_start).days + 1) / ((date(today.year + 1, 1, 1) - year_start).days)
    contingents = session.exec(
        select(Contingent.care_provider_id, Contingent.contingent, Organisation.name)
        .join(Organisation, col(Organisation.id) == col(Contingent.care_provider_id))
        .where(Contingent.year == today.year)
    ).all()
    if not contingents:
        # A new year no tick has divided yet: rank by the provisional division the first
        # tick or read will write (services/provisional_contingents.py), so the ranking's
        # provider fairness never switches off.
        contingents = _provisional(session, today.year)
    housed = dict(session.exec(
        select(Lease.care_provider_id, func.count())
        .where(col(Lease.client_id).is_not(None), Lease.start_on >= year_start,
               Lease.start_on <= today)
        .group_by(col(Lease.care_provider_id))
    ).all())
    providers = {
        pid: ProviderStanding(pid, name, amount, int(housed.get(pid, 0)), amount * elapsed)
        for pid, amount, name in contingents
    }

    waiting = waiting_by_group(session, today)
    since = today - relativedelta(months=12)
    # The client's group looked up per let (a few hundred a year): a join would have
    # PostgreSQL read the whole client table.
    group = (select(Client.target_group).where(col(Client.id) == col(Lease.client_id))
             .scalar_subquery().label("target_group"))
    lets = {code: count for code, count in session.exec(
        select(group, func.count())
        .where(Lease.start_on > since, Lease.start_on <= today)
        .group_by(group)
    ).all() if code is not None}
    total_lets = sum(lets.values())
    labels = {g.code: (g.label_nl, g.label_en) for g in session.exec(select(TargetGroup))}
    standings = rank_groups([
        (code, *labels.get(code, (code, code)), count, total_days / count,
         (lets.get(code, 0) / total_lets) if total_lets else 0.0)
        for code, (count, total_days) in waiting.items() if count
    ])
    groups = {g.code: g for g in standings}
    return RankingContext(
        today=today,
        policy=policy,
        provider_points={pid: provider_points(policy, s) for pid, s in providers.items()},
        group_points={code: group_points(policy, g) for code, g in groups.items()},
        providers=providers,
        groups=groups,
    )
