"""Suggestions for one dwelling: the eligible clients, ranked and explained, plus a dry run."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from matching.engine.context import (
    build_context,
    limits_for,
    policy_for,
    waiting_start,
)
from matching.engine.facts import ClientFacts, DwellingFacts, Limits
from matching.engine.pool import exclusion_class, rule_conditions, score_expression
from matching.engine.ranking import RankingContext, RankingPolicy, Score, score
from matching.engine.reasons import why_excluded
from matching.engine.rules import RULE_NAMES, first_failing_rule
from matching.models import Candidate, Client, Dwelling, DwellingEarmark
from matching.parameters import year_parameters
from matching.vocabulary import CandidateState, ClientState

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


def client_facts(row: Client) -> ClientFacts:
    if row.birth_year is None or row.annual_income is None:
        # Retention erases only clients who left the process; the engine reads waiting ones.
        raise ValueError(f"client {row.id} has no personal fields left to match on")
    return ClientFacts(
        id=row.id or 0, care_provider_id=row.care_provider_id, target_group=row.target_group,
        phase=row.phase, adults=row.adults, children=row.children, birth_year=row.birth_year,
        annual_income=row.annual_income, needs=frozenset(row.needs or ()),
        excluded_wijken=frozenset(row.excluded_wijken or ()), flip_lease_ok=row.flip_lease_ok,
        waiting_since=row.waiting_since or row.registered_on,
    )


def dwelling_facts(session: Session, dwelling: Dwelling) -> DwellingFacts:
    earmarks = session.exec(
        select(DwellingEarmark.care_provider_id).where(DwellingEarmark.dwelling_id == dwelling.id)
    ).all()
    rejected = session.exec(
        select(Candidate.client_id).where(
            Candidate.dwelling_id == dwelling.id,
            col(Candidate.state).in_([CandidateState.REJECTED, CandidateState.ACCEPTED]),
        )
    ).all()
    return DwellingFacts(
        id=dwelling.id or 0, wijk=dwelling.wijk, rooms=dwelling.rooms,
        floor_area_m2=dwelling.floor_area_m2, rent=dwelling.rent, floor=dwelling.floor,
        has_lift=dwelling.has_lift, accessible=dwelling.accessible,
        senior_label=dwelling.senior_label, designation=dwelling.designation,
        lease_type=dwelling.lease_type, earmarked_care_provider_ids=frozenset(earmarks),
        rejected_client_ids=frozenset(rejected), self_contained=dwelling.self_contained,
    )


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


def _exclusions(session: Session, facts: DwellingFacts, limits: Limits) -> dict[str, int]:
    """Count the waiting clients by the first rule that excludes them ('eligible' if none)."""
    conditions = rule_conditions(facts, limits)
    names = ["eligible", *conditions]
    cls = exclusion_class(conditions).label("cls")
    rows = session.exec(
        select(cls, func.count()).where(col(Client.state) == ClientState.WAITING).group_by(cls)
    ).all()
    return {names[position]: int(count) for position, count in rows}


def _top(session: Session, run: _Run, size: int) -> list[Client]:
    """Return the `size` best eligible clients, in ranking order.

    Scores are mostly days waited, so the best clients wait long. Any `size` eligible
    clients give a lower bound on the score needed to enter the top; no client whose wait
    plus the largest possible bonus stays below that bound can make it. The final query
    therefore only reads the clients waiting at least that long (an index walk), which is a
    small part of the pool. The result is exactly the full ranking's top, only cheaper.
    """
    eligible = select(Client).where(
        col(Client.state) == ClientState.WAITING,
        *rule_conditions(run.facts, run.limits).values(),
    )
    policy = run.context.policy
    order = (score_expression(session, run.context).desc(), waiting_start(), col(Client.id))
    if size <= 0:
        return []
    probe = session.exec(
        eligible.order_by(col(Client.waiting_since), col(Client.id)).limit(size)
    ).all()
    if len(probe) < size or policy.points_per_waiting_day <= 0:
        return list(session.exec(eligible.order_by(*order).limit(size)).all())
    bound = min(score(client_facts(row), run.context).total for row in probe)
    headroom = (
        policy.ambition_bonus
        + max([0, *run.context.provider_points.values()])
        + max([0, *run.context.group_points.values()])
    )
    min_days = -((headroom - bound) // policy.points_per_waiting_day)  # ceiling division
    cutoff = run.limits.today - timedelta(days=min_days)
    long_waiting = col(Client.waiting_since) <= cutoff
    return list(session.exec(eligible.where(long_waiting).order_by(*order).limit(size)).all())


def suggest(session: Session, dwelling: Dwelling, *, today: date,
            limit: int | None = None) -> Suggestions:
    """Return the top eligible clients for the dwelling, explained, with exclusion counts."""
    parameters = year_parameters(session, today.year)
    facts = dwelling_facts(session, dwelling)
    limits = limits_for(parameters, today)
    counts = _exclusions(session, facts, limits)
    context = build_context(session, policy_for(parameters), today)
    run = _Run(facts, limits, context, parameters.candidates_per_round)
    size = limit if limit is not None else run.round_size
    rows = _top(session, run, size)
    suggestions = []
    for rank, row in enumerate(rows, start=1):
        candidate = client_facts(row)
        suggestions.append(Suggestion(rank, candidate, score(candidate, run.context)))
    return Suggestions(
        dwelling_id=run.facts.id, policy=run.context.policy,
        waiting=sum(counts.values()), eligible=int(counts.get("eligible", 0)),
        excluded={name: int(counts.get(name, 0)) for name in RULE_NAMES},
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
