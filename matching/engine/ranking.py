"""The ranking policy: a score per eligible client, built from named factors.

Every part of the score is a whole number of points, so the database can order by the same
sum the explanation shows (no float can make the two disagree). Ties break on the earlier
waiting start, then the lower id: the same data always gives the same order.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from dateutil.relativedelta import relativedelta

from matching.engine.facts import ClientFacts


@dataclass(frozen=True)
class RankingPolicy:
    """The weights of one policy version (year parameters; the seeds label them)."""

    version: str
    points_per_waiting_day: int = 1
    ambition_bonus: int = 30  # once past the three-month ambition
    provider_fairness: int = 60  # for a provider that has housed none of its due share
    group_priority: int = 45  # for the group that ranks first on the 2019 criteria
    ambition_months: int = 3


@dataclass(frozen=True)
class ProviderStanding:
    """How far a care provider is behind the share of its contingent due by now."""

    care_provider_id: int
    name: str
    contingent: int
    housed: int
    due_by_now: float

    @property
    def behind(self) -> float:
        """Return the shortfall as a share of the contingent, between -1 and 1."""
        if self.contingent <= 0:
            return 0.0
        return max(-1.0, min(1.0, (self.due_by_now - self.housed) / self.contingent))


@dataclass(frozen=True)
class GroupStanding:
    """A target group on the three criteria of the 2019 plan, and its resulting rank."""

    code: str
    label_nl: str
    label_en: str
    waiting: int
    average_wait_days: float
    recent_share: float  # share of the lettings of the last twelve months
    rank: int  # 1 = first priority
    of: int


@dataclass(frozen=True)
class RankingContext:
    """Everything besides the client that the score depends on, fixed for one run."""

    today: date
    policy: RankingPolicy
    provider_points: dict[int, int] = field(default_factory=dict)
    group_points: dict[str, int] = field(default_factory=dict)
    providers: dict[int, ProviderStanding] = field(default_factory=dict)
    groups: dict[str, GroupStanding] = field(default_factory=dict)

    @cached_property
    def ambition_cutoff(self) -> date:
        """Clients waiting since this date or earlier are past the ambition (computed once:
        the ranking asks for every client it scores)."""
        return self.today - relativedelta(months=self.policy.ambition_months)


def rank_groups(stats: list[tuple[str, str, str, int, float, float]]) -> list[GroupStanding]:
    """Order groups by the 2019 criteria: longer average wait, more waiting, lower recent share.

    `stats` holds (code, label_nl, label_en, waiting, average_wait_days, recent_share).
    """
    ordered = sorted(stats, key=lambda s: (-s[4], -s[3], s[5], s[0]))
    return [
        GroupStanding(code, nl, en, waiting, avg, share, rank=index + 1, of=len(ordered))
        for index, (code, nl, en, waiting, avg, share) in enumerate(ordered)
    ]


def group_points(policy: RankingPolicy, standing: GroupStanding) -> int:
    """Give the first group the full weight, the last none, evenly in between."""
    if standing.of <= 1:
        return 0
    return round(policy.group_priority * (standing.of - standing.rank) / (standing.of - 1))


def provider_points(policy: RankingPolicy, standing: ProviderStanding) -> int:
    return round(policy.provider_fairness * standing.behind)


@dataclass(frozen=True)
class Factor:
    name: str
    points: int
    value: float | int | str
    text_nl: str
    text_en: str


@dataclass(frozen=True)
class Score:
    client_id: int
    total: int
    factors: tuple[Factor, ...]

    def explanation(self, policy: RankingPolicy) -> dict[str, object]:
        """Return the explanation as stored with a proposal and shown to people."""
        return {
            "policy_version": policy.version,
            "score": self.total,
            "factors": [
                {"factor": f.name, "points": f.points, "value": f.value,
                 "nl": f.text_nl, "en": f.text_en}
                for f in self.factors
            ],
        }


def score(client: ClientFacts, context: RankingContext) -> Score:
    """Return the client's score with each factor's contribution in plain words."""
    policy = context.policy
    days = (context.today - client.waiting_since).days
    factors = [
        Factor("waiting_time", days * policy.points_per_waiting_day, days,
               f"Wacht {days} dagen (sinds {client.waiting_since.isoformat()})",
               f"Waiting {days} days (since {client.waiting_since.isoformat()})"),
    ]
    past = client.waiting_since <= context.ambition_cutoff
    factors.append(Factor(
        "ambition", policy.ambition_bonus if past else 0, past,
        f"{'Langer' if past else 'Niet langer'} dan de ambitie van "
        f"{policy.ambition_months} maanden",
        f"{'Past' if past else 'Within'} the {policy.ambition_months}-month ambition",
    ))
    provider = context.providers.get(client.care_provider_id)
    points = context.provider_points.get(client.care_provider_id, 0)
    if provider is not None:
        pct = round(provider.behind * 100)
        nl = f"{provider.name} loopt {pct}% achter op het contingent" if pct >= 0 else (
            f"{provider.name} ligt {-pct}% voor op het contingent")
        en = f"{provider.name} is {pct}% behind its contingent" if pct >= 0 else (
            f"{provider.name} is {-pct}% ahead of its contingent")
        factors.append(Factor("provider_fairness", points, pct, nl, en))
    group = context.groups.get(client.target_group)
    if group is not None:
        factors.append(Factor(
            "group_priority", context.group_points.get(client.target_group, 0), group.rank,
            f"Doelgroep {group.label_nl} staat {group.rank}e van {group.of} "
            f"(gem. wachttijd {group.average_wait_days:.0f} dagen, {group.waiting} wachtend, "
            f"{group.recent_share:.0%} van recente toewijzingen)",
            f"Target group {group.label_en} ranks {group.rank} of {group.of} "
            f"(average wait {group.average_wait_days:.0f} days, {group.waiting} waiting, "
            f"{group.recent_share:.0%} of recent lettings)",
        ))
    return Score(client.id, sum(f.points for f in factors), tuple(factors))


def total_points(context: RankingContext, care_provider_id: int, target_group: str,
                 waiting_since: date) -> int:
    """Return score(client, context).total from the three things it depends on, without
    writing the explanation (the engine ranks many clients to show a few)."""
    policy = context.policy
    past = waiting_since <= context.ambition_cutoff
    return ((context.today - waiting_since).days * policy.points_per_waiting_day
            + (policy.ambition_bonus if past else 0)
            + (context.provider_points.get(care_provider_id, 0)
               if care_provider_id in context.providers else 0)
            + (context.group_points.get(target_group, 0)
               if target_group in context.groups else 0))


def sort_key(result: Score, client: ClientFacts) -> tuple[int, date, int]:
    """Highest score first; ties on the earlier waiting start, then the lower id."""
    return (-result.total, client.waiting_since, client.id)
