"""The sections of a report, each a query over one period. No state changes here."""

from collections import Counter, defaultdict
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from typing import Any

from sqlmodel import Session, select

from matching.history import end_of_day
from matching.models import (
    Organisation,
    TargetGroup,
)
from matching.quarters import parse_quarter
from matching.reports.contingent_counts import as_read_by
from matching.reports.history_reads import (
    OPEN_FLIP_STATES,
    clients_then,
    dwellings_then,
    leases_then,
    lettings_then,
    rounds_then,
)
from matching.reports.period import Period, Reader
from matching.services.planning import contingent_overview, year_quotas
from matching.shared_reads import once
from matching.vocabulary import (
    ClientState,
    DwellingState,
    LeaseState,
    LeaseType,
    OrganisationKind,
)
from matching.workdays import UTRECHT

AMBITION_DAYS = 91  # the three-month waiting ambition, in days


def utc_bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's first and last day in Utrecht, as UTC moments [start, end)."""
    start = datetime.combine(period.first_day, time(0), tzinfo=UTRECHT)
    end = datetime.combine(period.last_day + timedelta(days=1), time(0), tzinfo=UTRECHT)
    return start.astimezone(UTC), end.astimezone(UTC)


def window(period: Period, as_of: date) -> tuple[datetime, datetime]:
    """The period as UTC moments [start, end), cut off at the end of `as_of`: what a report
    as of that day can know of the period."""
    start, end = utc_bounds(period)
    return start, min(end, end_of_day(as_of))


def _names(session: Session, kind: str) -> dict[int, str]:
    rows = session.exec(select(Organisation).where(Organisation.kind == kind))
    return {o.id: o.name for o in rows if o.id is not None}


def _in_period(period: Period, quarter: str | None) -> bool:
    return bool(quarter) and str(quarter).startswith(str(period.year)) and (
        period.kind == "year" or quarter == period.code
    )


def quotas(session: Session, period: Period, reader: Reader, as_of: date
           ) -> list[dict[str, Any]]:
    """Per corporation: quota, submitted, instroom, backlog, withdrawn, released unused, as
    the dwellings stood at the end of `as_of`."""
    before = end_of_day(as_of)
    dwellings = dwellings_then(session, period.year, before)
    # Counted as planning._submitted_counts counts them: released still count, withdrawn not.
    submitted = Counter(
        (corporation, quarter, designation)
        for corporation, quarter, designation, state in dwellings
        if state not in (DwellingState.WITHDRAWN, DwellingState.DRAFT)
    )
    rows = [r for r in once(session, ("year_quotas", period.year, before),
                            lambda: year_quotas(session, period.year, before, counted=submitted))
            if _in_period(period, r.quarter)]
    lost = Counter(
        (corporation, state)
        for corporation, quarter, _designation, state in dwellings
        if state in (DwellingState.WITHDRAWN, DwellingState.RELEASED)
        and _in_period(period, quarter)
    )
    totals: dict[int, dict[str, Any]] = {}
    for row in rows:
        if reader.corporation_id is not None and row.corporation_id != reader.corporation_id:
            continue
        total = totals.setdefault(row.corporation_id, {
            "corporation_id": row.corporation_id, "corporation": row.corporation, "quota": 0,
            "submitted": 0, "instroom_quota": 0, "instroom_submitted": 0, "backlog": 0,
            "instroom_backlog": 0,
        })
        for name in ("quota", "submitted", "instroom_quota", "instroom_submitted"):
            total[name] += getattr(row, name)
        if period.kind == "quarter":  # the backlog carried into the quarter
            total["backlog"], total["instroom_backlog"] = row.backlog, row.instroom_backlog
        elif parse_quarter(row.quarter).last_day <= as_of:
            # A year: the shortfall its ended quarters leave, as the plan carries it; once
            # the year is over, the shortfall at its end (not the backlog carried into Q4).
            total["backlog"], total["instroom_backlog"] = (
                row.backlog_after, row.instroom_backlog_after)
    for corporation_id, total in totals.items():
        total["withdrawn"] = lost[(corporation_id, DwellingState.WITHDRAWN)]
        total["released_unused"] = lost[(corporation_id, DwellingState.RELEASED)]
    return sorted(totals.values(), key=lambda r: r["corporation"])


def matching(session: Session, period: Period, reader: Reader, as_of: date) -> dict[str, Any]:
    """Rounds, candidates, decisions, reasons, bottlenecks and deviations in the period, with
    each candidate's decision as it stood at the end of `as_of`."""
    start, end = window(period, as_of)
    everything = once(session, ("rounds", start, end), lambda: rounds_then(session, start, end))
    opened = [r for r in everything.rounds
              if reader.corporation_id is None or r.corporation_id == reader.corporation_id]
    round_ids = {r.id for r in opened}
    candidates = [(state, reason) for round_id, state, reason in everything.candidates
                  if round_id in round_ids]
    states = Counter(state for state, _reason in candidates)
    decided = states["accepted"] + states["rejected"]
    per_dwelling = Counter(r.dwelling_id for r in opened)
    max_round = everything.max_round
    reasons = Counter(reason for state, reason in candidates if state == "rejected")
    return {
        "rounds": len(opened),
        "dwellings_with_rounds": len(per_dwelling),
        "rounds_per_dwelling": round(len(opened) / len(per_dwelling), 2) if per_dwelling else None,
        "bottleneck_dwellings": sum(1 for d in per_dwelling if max_round.get(d, 0) >= 2),
        "candidates_proposed": len(candidates),
        "accepted": states["accepted"],
        "rejected": states["rejected"],
        "not_chosen": states["not_chosen"],
        "pending": states["pending"],
        "acceptance_rate": round(states["accepted"] / decided, 3) if decided else None,
        "rejection_rate": round(states["rejected"] / decided, 3) if decided else None,
        "deviations_from_engine": sum(1 for r in opened if r.deviates),
        "reasons": [
            {"reason_code": code, "count": count}
            for code, count in sorted(reasons.items(), key=lambda item: (-item[1], str(item[0])))
        ],
    }


def speed(session: Session, period: Period, reader: Reader, as_of: date
          ) -> list[dict[str, Any]]:
    """Per corporation, for dwellings let in the period: median working days from
    submission to match and to letting (the vacancy the plan wants short)."""
    start, end = window(period, as_of)
    lettings = once(session, ("lettings", period, start, end),
                    lambda: lettings_then(session, period, start, end))
    to_match: dict[int, list[int]] = defaultdict(list)
    to_let: dict[int, list[int]] = defaultdict(list)
    for corporation_id, days_to_match, days_to_let in lettings:
        if reader.corporation_id is not None and corporation_id != reader.corporation_id:
            continue
        if days_to_match is not None:
            to_match[corporation_id].append(days_to_match)
        to_let[corporation_id].append(days_to_let)
    if not to_let:
        return []
    names = _names(session, OrganisationKind.CORPORATION)
    return [
        {
            "corporation_id": corporation_id,
            "corporation": names.get(corporation_id, str(corporation_id)),
            "lettings": len(days),
            "median_working_days_to_match": median(to_match[corporation_id])
            if to_match[corporation_id] else None,
            "median_working_days_to_let": median(days),
        }
        for corporation_id, days in sorted(to_let.items(), key=lambda i: names.get(i[0], ""))
    ]


def _percentile(values: list[int], share: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# (target group, care provider id, days waited) of one waiting client
Waiter = tuple[str, int, int]


def waiting_clients(session: Session, as_of: date) -> list[Waiter]:
    """Every client waiting at the end of `as_of`: target group, care provider and the days
    waited by then. Both waiting sections count these, so a report reads them once."""
    def read() -> list[Waiter]:
        states, facts = clients_then(session, end_of_day(as_of))
        found = []
        for client_id, state in states.items():
            if state == ClientState.WAITING:
                group, provider, since = facts[client_id]
                # Clients approved after the period's end were not waiting yet at its end.
                if since is not None and since <= as_of:
                    found.append((group, provider, (as_of - since).days))
        return found
    return once(session, ("waiting clients", as_of), read)


def _waiting_figures(days: list[int], reader: Reader) -> dict[str, Any]:
    """A row's waiting figures from the days each client has waited: the number waiting,
    median and 90th-percentile wait, share past three months (all hidden when suppressed)."""
    shown = reader.clients(len(days))
    return {
        "waiting": shown,
        "suppressed": shown is None,
        "median_days": median(days) if days and shown is not None else None,
        "p90_days": _percentile(days, 0.9) if shown is not None else None,
        "share_past_three_months": round(
            sum(1 for d in days if d > AMBITION_DAYS) / len(days), 3
        ) if days and shown is not None else None,
    }


def waiting(session: Session, period: Period, reader: Reader, as_of: date
            ) -> list[dict[str, Any]]:
    """Per target group: clients waiting at the end of `as_of`, median and 90th-percentile
    wait in days up to then, and the share past the three-month ambition. Corporations get
    no client figures."""
    if reader.corporation_id is not None:
        return []
    waits: dict[str, list[int]] = defaultdict(list)
    for group, _provider, days in waiting_clients(session, as_of):
        waits[group].append(days)
    labels = {g.code: g.label_nl for g in session.exec(select(TargetGroup))}
    return [
        {"target_group": group, "label": labels[group],
         **_waiting_figures(waits.get(group, []), reader)}
        for group in sorted(labels)
    ]


def waiting_per_care_provider(session: Session, period: Period, reader: Reader, as_of: date
                              ) -> list[dict[str, Any]]:
    """The figures of `waiting` per care provider organisation (product.md 8), every
    provider even without waiting clients, by name. Corporations get no client figures."""
    if reader.corporation_id is not None:
        return []
    waits: dict[int, list[int]] = defaultdict(list)
    for _group, provider, days in waiting_clients(session, as_of):
        waits[provider].append(days)
    names = _names(session, OrganisationKind.CARE_PROVIDER)
    return [
        {"care_provider_id": provider, "care_provider": name,
         **_waiting_figures(waits.get(provider, []), reader)}
        for provider, name in sorted(names.items(), key=lambda item: item[1])
    ]


def contingents(session: Session, period: Period, reader: Reader, as_of: date
                ) -> list[dict[str, Any]]:
    """Per care provider: contingent, proposed, housed, remaining (no corporation view), as
    they stood at the end of `as_of`."""
    if reader.corporation_id is not None:
        return []
    rows = []
    before = end_of_day(as_of)
    states, facts = clients_then(session, before)
    proposed_then = Counter(facts[client_id][1] for client_id, state in states.items()
                            if state == ClientState.PROPOSED)
    everyone = once(session, ("contingents", period.year, before),
                    lambda: contingent_overview(session, period.year, before,
                                                proposed=proposed_then))
    for row in as_read_by(reader, everyone):
        rows.append({**asdict(row), "suppressed": row.suppressed})
    return rows


def leases(session: Session, period: Period, reader: Reader, as_of: date) -> dict[str, Any]:
    """Flip leases active, due, overdue, transferred and extended; campus leases ending: each
    lease as it stood at the end of `as_of` (leases made later do not count)."""
    everyone = once(session, ("leases", period, as_of),
                    lambda: leases_then(session, period, as_of, *window(period, as_of)))
    corporation = reader.corporation_id
    figures: Counter[str] = Counter()
    for (owner, lease_type, institution, state, transferred), count in everyone.counts.items():
        if corporation is not None and owner != corporation:
            continue
        if lease_type == LeaseType.FLIP:
            if state in OPEN_FLIP_STATES:
                figures["flip_active"] += count
            if state == LeaseState.REVIEW_DUE:
                figures["flip_review_due"] += count
            # By the omklap date the transfer names: one recorded late shows as a correction.
            if transferred:
                figures["flip_transferred_in_period"] += count
            if institution:
                figures["institution_flips"] += count
                if state == LeaseState.TRANSFERRED:
                    figures["institution_flips_transferred"] += count
        elif lease_type == LeaseType.CAMPUS and state == LeaseState.ENDING:
            figures["campus_ending"] += count
    return {
        "flip_active": figures["flip_active"],
        "flip_review_due": figures["flip_review_due"],
        "flip_review_overdue": sum(
            1 for owner, day in everyone.open_flips
            if (corporation is None or owner == corporation) and day is not None and day < as_of
        ),
        "flip_transferred_in_period": figures["flip_transferred_in_period"],
        "flip_extended_in_period": sum(
            1 for owner in everyone.extended if corporation is None or owner == corporation),
        "institution_flips": figures["institution_flips"],
        "institution_flips_transferred": figures["institution_flips_transferred"],
        "campus_ending": figures["campus_ending"],
    }
