"""How many waiting clients each rule excludes for a dwelling, counted over the pool's profile.

The profile (matching/engine/profile.py) answers every rule but two: it holds no care provider
(earmarks) and no client ids (earlier rejections). Those are counted from the few clients they
concern: the earmarked providers' own clients, and the rejected clients still waiting. When the
profile is missing or classified under other income limits, the clients are scanned instead;
both ways give the same counts (tests/integration/test_engine.py).
"""

from collections import Counter
from dataclasses import replace

from sqlalchemy import func, true
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from matching.engine.facts import DwellingFacts, Limits
from matching.engine.pool import CLIENTS, PROFILES, exclusion_class, rule_conditions
from matching.engine.profile import BASIS_COLUMNS, Basis, is_paused
from matching.engine.rows import client_facts
from matching.engine.rules import RULE_NAMES, first_failing_rule
from matching.models import Client, PoolProfile, PoolProfileBasis
from matching.vocabulary import ClientState

ELIGIBLE = "eligible"


def exclusion_counts(session: Session, facts: DwellingFacts, limits: Limits,
                     basis: Basis) -> dict[str, int]:
    """Count the waiting clients by the first rule that excludes them ('eligible' if none);
    `basis` is the income limits of the year ranked for."""
    # A bulk load that left the profile aside has removed its basis: no need to ask.
    counts = None if is_paused(session) else _from_profile(session, facts, limits, basis)
    if counts is None:
        counts = scan_clients(session, facts, limits)
    return {ELIGIBLE: counts[ELIGIBLE], **{name: counts[name] for name in RULE_NAMES}}


def scan_clients(session: Session, facts: DwellingFacts, limits: Limits) -> Counter[str]:
    """The same counts from one pass over every waiting client."""
    conditions = rule_conditions(facts, limits, CLIENTS)
    names = [ELIGIBLE, *conditions]
    cls = exclusion_class(conditions).label("cls")
    rows = session.exec(
        select(cls, func.count()).where(col(Client.state) == ClientState.WAITING).group_by(cls)
    ).all()
    return Counter({names[position]: int(count) for position, count in rows})


def _from_profile(session: Session, facts: DwellingFacts, limits: Limits,
                  basis: Basis) -> Counter[str] | None:
    conditions = rule_conditions(facts, limits, PROFILES)
    names = [ELIGIBLE, *conditions]
    cls = exclusion_class(conditions)
    per_class = sa_select(cls.label("cls"), func.sum(PoolProfile.clients).label("clients")) \
        .group_by(cls).subquery()
    # The basis comes in the same statement, so a rebuild between two reads cannot mix. The
    # profiles are grouped first and the one basis row joined to the few classes after: 3x
    # faster on SQLite than grouping the joined rows by the basis columns too. Without a
    # basis, or with an empty profile, no row comes back and the clients are scanned.
    rows = session.execute(
        sa_select(*BASIS_COLUMNS, per_class.c.cls, per_class.c.clients)
        .select_from(PoolProfileBasis).join(per_class, true())
    ).all()
    width = len(BASIS_COLUMNS)
    if not rows or Basis(*rows[0][:width]) != basis:
        return None
    counts: Counter[str] = Counter()
    for row in rows:
        counts[names[row[width]]] += int(row[width + 1] or 0)
    if facts.earmarked_care_provider_ids:
        _count_earmarks(session, facts, limits, counts)
    if facts.rejected_client_ids:
        _count_rejections(session, facts, limits, counts)
    return counts


def _count_earmarks(session: Session, facts: DwellingFacts, limits: Limits,
                    counts: Counter[str]) -> None:
    """Of the clients the profile found eligible, only the earmarked providers' stay so."""
    conditions = rule_conditions(replace(facts, rejected_client_ids=frozenset()), limits,
                                 CLIENTS)
    kept = int(session.exec(
        select(func.count()).select_from(Client)
        .where(col(Client.state) == ClientState.WAITING, *conditions.values())
    ).one())
    counts["earmark"] += counts[ELIGIBLE] - kept
    counts[ELIGIBLE] = kept


def _count_rejections(session: Session, facts: DwellingFacts, limits: Limits,
                      counts: Counter[str]) -> None:
    """Move each rejected client still waiting from where it was counted to the first rule."""
    others = replace(facts, rejected_client_ids=frozenset())
    for row in session.exec(select(Client).where(
            col(Client.id).in_(sorted(facts.rejected_client_ids)),
            col(Client.state) == ClientState.WAITING)):
        counts[first_failing_rule(client_facts(row), others, limits) or ELIGIBLE] -= 1
        counts["rejected_before"] += 1
