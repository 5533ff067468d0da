"""Suggestions for one dwelling: the eligible clients, ranked and explained, plus a dry run."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from matching.engine.context import (
    build_context,
    limits_for,
    policy_for,
    waiting_start,
)
from matching.engine.counts import ELIGIBLE, exclusion_counts
from matching.engine.facts import ClientFacts, DwellingFacts, Limits
from matching.engine.pool import rule_conditions, score_expression
from matching.engine.profile import basis_for
from matching.engine.ranking import (
    RankingContext,
    RankingPolicy,
    Score,
    score,
    total_points,
)
from matching.engine.reasons import why_excluded
from matching.engine.rows import client_facts, dwelling_facts
from matching.engine.rules import RULE_NAMES, first_failing_rule
from matching.models import Client, Dwelling
from matching.parameters import year_parameters
from matching.vocabulary import ClientState

# Why a rule excludes a client, for people (Dutch first).
RULE_TEXT: dict[str, tuple[str, str]] = {
    "rejected_before": ("eerder afgewezen voor of afgeslagen bij deze woning",
                        "rejected for or declined this dwelling before"),
    "designation": ("woning past niet bij de fase (instroom/uitstroom) of geen toestemming "
                    "voor een omklapcontract", "dwelling does not fit the phase (inflow/"
                    "outflow) or no consent to a flip lease"),
    "household": ("huishouden te groot voor kamers of oppervlakte",
                  "household too large for the rooms or floor area"),
    "housing_benefit": ("geen recht op huurtoeslag: huur boven de kwaliteitskortingsgrens "
                        "voor jongeren", "no housing-benefit eligibility: rent above the "
                        "young-person limit"),
    "affordability": ("huur te hoog: boven de grens van passend toewijzen of, voor jongeren, "
                      "netto huur boven het maximum", "rent too high: above the household's "
                      "passend-toewijzen limit or, for young adults, a net rent above the most"),
    "needs": ("woning voldoet niet aan de behoeften (begane grond, lift, rolstoel)",
              "dwelling does not meet the needs (ground floor, lift, wheelchair)"),
    "senior_label": ("seniorenlabel (55+) en cliënt is jonger",
                     "senior label (55+) and the client is younger"),
    "district": ("wijk staat op de lijst van uit te sluiten wijken",
                 "district is on the client's list of districts to avoid"),
    "earmark": ("woning is gereserveerd voor andere zorgaanbieders",
                "dwelling is earmarked for other care providers"),
}


@dataclass(frozen=True)
class Suggestion:
    rank: int
    client: ClientFacts
    score: Score


@dataclass(frozen=True)
class Suggestions:
    dwelling_id: int
    policy: RankingPolicy
    waiting: int
    eligible: int
    excluded: dict[str, int]
    suggestions: list[Suggestion]
    context: RankingContext = field(repr=False)

    @property
    def top_ids(self) -> list[int]:
        return [s.client.id for s in self.suggestions]


@dataclass(frozen=True)
class ClientVerdict:
    """The dry run's answer for one named client."""

    client_id: int
    state: str
    status: str  # not_waiting, excluded, suggested or ranked_lower
    rule: str | None
    rank: int | None
    score: Score | None
    text_nl: str
    text_en: str


@dataclass(frozen=True)
class _Run:
    facts: DwellingFacts
    limits: Limits
    context: RankingContext
    round_size: int


def _prepare(session: Session, dwelling: Dwelling, today: date) -> _Run:
    parameters = year_parameters(session, today.year)
    policy = policy_for(parameters)
    return _Run(dwelling_facts(session, dwelling), limits_for(parameters, today),
                build_context(session, policy, today), parameters.candidates_per_round)


# How many eligible clients the first look at the longest waits should find (see _top).
PROBE = 64
# What the ranking reads of a client (ranking.total_points), fetched without the whole row.
_RANKED = (col(Client.id), col(Client.care_provider_id), col(Client.target_group),
           col(Client.waiting_since))


def _top(session: Session, run: _Run, size: int, eligible: int) -> list[Client]:
    """Return the `size` best of the `eligible` clients, in ranking order.

    Scores are mostly days waited, so the best clients wait long. The engine first reads the
    eligible clients among the longest waits, a span of days that should hold about PROBE of
    them (widened until it holds `size`). The size-th best score among them is a lower bound
    for the top; no client whose wait plus the largest possible bonus stays below it can make
    it, so only the eligible clients waiting at least that long are ranked: a few days'
    worth. Each read is a range of waiting starts, which both databases plan as an index
    walk. The result is exactly the full ranking's top, only cheaper
    (tests/integration/test_engine.py checks it against the pure ranking).
    """
    if size <= 0 or eligible <= 0:
        return []
    context, policy, today = run.context, run.context.policy, run.limits.today
    conditions = (col(Client.state) == ClientState.WAITING,
                  *rule_conditions(run.facts, run.limits).values())
    if policy.points_per_waiting_day <= 0:  # the wait does not lead: the database ranks all
        order = (score_expression(session, context).desc(), waiting_start(), col(Client.id))
        return list(session.exec(select(Client).where(*conditions).order_by(*order)
                                 .limit(size)).all())
    # Each end by its own subquery: one index probe each (min and max together would scan).
    waiting = col(Client.state) == ClientState.WAITING
    oldest, newest = session.exec(select(
        select(func.min(Client.waiting_since)).where(waiting).scalar_subquery(),
        select(func.max(Client.waiting_since)).where(waiting).scalar_subquery())).one()
    if oldest is None or newest is None:
        return []
    days = (newest - oldest).days + 1
    span = max(1, -(-PROBE * days // eligible))  # days expected to hold PROBE eligible clients
    while True:
        end = oldest + timedelta(days=span)
        found: list[Any] = list(session.exec(
            select(*_RANKED).where(*conditions, col(Client.waiting_since) < end)).all())
        if len(found) >= size or end > newest:
            break
        span *= 4
    if len(found) >= size:
        points = sorted((total_points(context, provider, group, since)
                         for _, provider, group, since in found), reverse=True)
        headroom = (policy.ambition_bonus + max([0, *context.provider_points.values()])
                    + max([0, *context.group_points.values()]))
        min_days = -((headroom - points[size - 1]) // policy.points_per_waiting_day)  # ceil
        cutoff = today - timedelta(days=min_days)
        if cutoff >= end:  # eligible clients between the first span and the cutoff
            found += session.exec(select(*_RANKED).where(
                *conditions, col(Client.waiting_since) >= end,
                col(Client.waiting_since) <= cutoff)).all()
    best = sorted(found, key=lambda c: (-total_points(context, c[1], c[2], c[3]),
                                        c[3], c[0]))[:size]
    ids = [c[0] for c in best]
    rows = {row.id: row for row in session.exec(select(Client).where(col(Client.id).in_(ids)))}
    return [rows[client_id] for client_id in ids]


def suggest(session: Session, dwelling: Dwelling, *, today: date,
            limit: int | None = None) -> Suggestions:
    """Return the top eligible clients for the dwelling, explained, with exclusion counts."""
    parameters = year_parameters(session, today.year)
    facts = dwelling_facts(session, dwelling)
    limits = limits_for(parameters, today)
    counts = exclusion_counts(session, facts, limits, basis_for(limits))
    context = build_context(session, policy_for(parameters), today)
    run = _Run(facts, limits, context, parameters.candidates_per_round)
    size = limit if limit is not None else run.round_size
    rows = _top(session, run, size, counts[ELIGIBLE])
    suggestions = []
    for rank, row in enumerate(rows, start=1):
        candidate = client_facts(row)
        suggestions.append(Suggestion(rank, candidate, score(candidate, run.context)))
    return Suggestions(
        dwelling_id=run.facts.id, policy=run.context.policy,
        waiting=sum(counts.values()), eligible=counts[ELIGIBLE],
        excluded={name: counts[name] for name in RULE_NAMES},
        suggestions=suggestions, context=run.context,
    )


def explain_client(session: Session, dwelling: Dwelling, client: Client, *,
                   today: date, round_size: int) -> ClientVerdict:
    """Say why a named client is or is not among the suggestions (the dry run)."""
    if client.state != ClientState.WAITING:
        return ClientVerdict(
            client.id or 0, client.state, "not_waiting", None, None, None,
            f"cliënt is niet wachtend (status {client.state})",
            f"client is not waiting (state {client.state})",
        )
    run = _prepare(session, dwelling, today)
    facts = client_facts(client)
    rule = first_failing_rule(facts, run.facts, run.limits)
    if rule is not None:
        nl, en = why_excluded(rule, facts, run.facts, run.limits)
        return ClientVerdict(facts.id, client.state, "excluded", rule, None, None, nl, en)
    result = score(facts, run.context)
    points = score_expression(session, run.context)
    ahead = session.exec(
        select(func.count()).select_from(Client).where(
            col(Client.state) == ClientState.WAITING,
            *rule_conditions(run.facts, run.limits).values(),
            or_(points > result.total,
                and_(points == result.total, or_(
                    waiting_start() < facts.waiting_since,
                    and_(waiting_start() == facts.waiting_since,
                         col(Client.id) < facts.id)))),
        )
    ).one()
    rank = int(ahead) + 1
    status = "suggested" if rank <= round_size else "ranked_lower"
    return ClientVerdict(
        facts.id, client.state, status, None, rank, result,
        f"geschikt, plaats {rank} met {result.total} punten",
        f"eligible, ranked {rank} with {result.total} points",
    )
