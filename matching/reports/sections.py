"""The sections of a report, each a query over one period. No state changes here."""

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from typing import Any

from sqlmodel import Session, col, func, select

from matching.history import end_of_day, last_event_ids, states_as_of
from matching.models import (
    Candidate,
    CandidateEvent,
    Client,
    ClientEvent,
    Dwelling,
    DwellingEvent,
    Lease,
    LeaseEvent,
    Organisation,
    Proposal,
    TargetGroup,
)
from matching.reports.period import Period, Reader
from matching.services.planning import contingent_overview, year_quotas
from matching.vocabulary import (
    ClientState,
    DwellingState,
    LeaseState,
    LeaseType,
    OrganisationKind,
)
from matching.workdays import UTRECHT, local_date, working_days_between

OPEN_FLIP_STATES = (LeaseState.ACTIVE, LeaseState.REVIEW_DUE, LeaseState.EXTENDED)
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
    rows = [r for r in year_quotas(session, period.year, before) if _in_period(period, r.quarter)]
    then = states_as_of(DwellingEvent, "dwelling_id", before)
    lost = Counter(
        (corporation, state)
        for corporation, state, quarter in session.exec(
            select(Dwelling.corporation_id, then.c.state, Dwelling.quarter)
            .join(then, then.c.row_id == Dwelling.id)
            .where(
                col(then.c.state).in_([DwellingState.WITHDRAWN, DwellingState.RELEASED]),
                col(Dwelling.quarter).like(f"{period.year}Q%"),
            )
        )
        if _in_period(period, quarter)
    )
    totals: dict[int, dict[str, Any]] = {}
    for row in rows:
        if reader.corporation_id is not None and row.corporation_id != reader.corporation_id:
            continue
        total = totals.setdefault(row.corporation_id, {
            "corporation_id": row.corporation_id, "corporation": row.corporation, "quota": 0,
            "submitted": 0, "instroom_quota": 0, "instroom_submitted": 0, "backlog": 0,
        })
        for name in ("quota", "submitted", "instroom_quota", "instroom_submitted"):
            total[name] += getattr(row, name)
        total["backlog"] = row.backlog  # the backlog at the end of the period
    for corporation_id, total in totals.items():
        total["withdrawn"] = lost[(corporation_id, DwellingState.WITHDRAWN)]
        total["released_unused"] = lost[(corporation_id, DwellingState.RELEASED)]
    return sorted(totals.values(), key=lambda r: r["corporation"])


def matching(session: Session, period: Period, reader: Reader, as_of: date) -> dict[str, Any]:
    """Rounds, candidates, decisions, reasons, bottlenecks and deviations in the period, with
    each candidate's decision as it stood at the end of `as_of`."""
    start, end = window(period, as_of)
    rounds = select(Proposal, Dwelling.corporation_id).join(
        Dwelling, col(Dwelling.id) == Proposal.dwelling_id
    ).where(col(Proposal.opened_at) >= start, col(Proposal.opened_at) < end)
    if reader.corporation_id is not None:
        rounds = rounds.where(Dwelling.corporation_id == reader.corporation_id)
    opened = list(session.exec(rounds))
    round_ids = [p.id for p, _ in opened]
    # Only the two columns counted: loading whole candidates would parse every explanation.
    then = states_as_of(CandidateEvent, "candidate_id", end)
    candidates = [
        (state or "pending", reason) for state, reason in session.exec(
            select(then.c.state, Candidate.reason_code)
            .outerjoin(then, then.c.row_id == Candidate.id)
            .where(col(Candidate.proposal_id).in_(round_ids))
        )
    ] if round_ids else []
    states = Counter(state for state, _reason in candidates)
    decided = states["accepted"] + states["rejected"]
    per_dwelling = Counter(p.dwelling_id for p, _ in opened)
    max_round = dict(session.exec(
        select(Proposal.dwelling_id, func.max(Proposal.round_no))
        .where(col(Proposal.dwelling_id).in_(list(per_dwelling)), col(Proposal.opened_at) < end)
        .group_by(col(Proposal.dwelling_id))
    ).all()) if per_dwelling else {}
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
        "deviations_from_engine": sum(1 for p, _ in opened if p.deviates),
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
    let_now = select(DwellingEvent.dwelling_id).where(
        DwellingEvent.to_state == DwellingState.LET,
        col(DwellingEvent.at) >= start, col(DwellingEvent.at) < end,
    )
    events = select(DwellingEvent.dwelling_id, DwellingEvent.to_state, DwellingEvent.at).where(
        col(DwellingEvent.to_state).in_([DwellingState.MATCHED, DwellingState.LET]),
        col(DwellingEvent.dwelling_id).in_(let_now), col(DwellingEvent.at) < end,
    )
    first: dict[tuple[int, str], date] = {}
    for dwelling_id, state, at in session.exec(events):
        day = local_date(at)
        key = (dwelling_id, state)
        if key not in first or day < first[key]:
            first[key] = day
    let_in_period = [
        dwelling_id for (dwelling_id, state), day in first.items()
        if state == DwellingState.LET and period.first_day <= day <= period.last_day
    ]
    if not let_in_period:
        return []
    dwellings = session.exec(select(Dwelling).where(col(Dwelling.id).in_(let_in_period)))
    to_match: dict[int, list[int]] = defaultdict(list)
    to_let: dict[int, list[int]] = defaultdict(list)
    for dwelling in dwellings:
        if reader.corporation_id is not None and dwelling.corporation_id != reader.corporation_id:
            continue
        if dwelling.submitted_at is None or dwelling.id is None:
            continue
        submitted = local_date(dwelling.submitted_at)
        matched = first.get((dwelling.id, DwellingState.MATCHED))
        if matched is not None:
            to_match[dwelling.corporation_id].append(working_days_between(submitted, matched))
        to_let[dwelling.corporation_id].append(
            working_days_between(submitted, first[(dwelling.id, DwellingState.LET)])
        )
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


def waiting(session: Session, period: Period, reader: Reader, as_of: date) -> list[dict[str, Any]]:
    """Per target group: clients waiting at the end of `as_of`, median and 90th-percentile
    wait in days up to then, and the share past the three-month ambition. Corporations get
    no client figures."""
    if reader.corporation_id is not None:
        return []
    waits: dict[str, list[int]] = defaultdict(list)
    then = states_as_of(ClientEvent, "client_id", end_of_day(as_of))
    for group, since in session.exec(
        select(Client.target_group, col(Client.waiting_since))
        .join(then, then.c.row_id == Client.id)
        .where(then.c.state == ClientState.WAITING)
    ):
        # Clients approved after the period's end were not waiting yet at its end.
        if since is not None and since <= as_of:
            waits[group].append((as_of - since).days)
    labels = {g.code: g.label_nl for g in session.exec(select(TargetGroup))}
    rows = []
    for group in sorted(labels):
        days = waits.get(group, [])
        shown = reader.clients(len(days))
        rows.append({
            "target_group": group,
            "label": labels[group],
            "waiting": shown,
            "suppressed": shown is None,
            "median_days": median(days) if days and shown is not None else None,
            "p90_days": _percentile(days, 0.9) if shown is not None else None,
            "share_past_three_months": round(
                sum(1 for d in days if d > AMBITION_DAYS) / len(days), 3
            ) if days and shown is not None else None,
        })
    return rows


def contingents(session: Session, period: Period, reader: Reader, as_of: date
                ) -> list[dict[str, Any]]:
    """Per care provider: contingent, proposed, housed, remaining (no corporation view), as
    they stood at the end of `as_of`."""
    if reader.corporation_id is not None:
        return []
    rows = []
    for row in contingent_overview(session, period.year, end_of_day(as_of)):
        proposed, housed = reader.clients(row.proposed), reader.clients(row.housed)
        rows.append({
            "care_provider_id": row.care_provider_id, "care_provider": row.care_provider,
            "contingent": row.contingent, "proposed": proposed, "housed": housed,
            "remaining": row.remaining if housed is not None else None,
            "suppressed": proposed is None or housed is None,
        })
    return rows


def _review_dates(session: Session, lease_ids: list[int], before: datetime) -> dict[int, date]:
    """Each flip lease's review date as it stood at `before`: the one named by its last
    `due` or `extend` event by then (both carry `review_on`); before any, the date the lease
    was made with, which its first `due` event names (or, never due, the lease's own)."""
    if not lease_ids:
        return {}
    last = last_event_ids(LeaseEvent, "lease_id", before, triggers=("due", "extend"))
    first_due = (
        select(col(LeaseEvent.lease_id).label("row_id"),
               func.min(col(LeaseEvent.id)).label("event_id"))
        .where(LeaseEvent.trigger == "due")
        .group_by(col(LeaseEvent.lease_id))
        .subquery()
    )
    dates: dict[int, date] = {}
    for source in (first_due, last):  # the last event by then overrides the first due
        for lease_id, data in session.exec(
            select(LeaseEvent.lease_id, LeaseEvent.data)
            .join(source, col(LeaseEvent.id) == source.c.event_id)
            .where(col(LeaseEvent.lease_id).in_(lease_ids))
        ):
            text = (data or {}).get("review_on")
            if text:
                dates[lease_id] = date.fromisoformat(str(text))
    return dates


def leases(session: Session, period: Period, reader: Reader, as_of: date) -> dict[str, Any]:
    """Flip leases active, due, overdue, transferred and extended; campus leases ending: each
    lease as it stood at the end of `as_of` (leases made later do not count)."""
    before = end_of_day(as_of)
    then = states_as_of(LeaseEvent, "lease_id", before)
    query = select(Lease, then.c.state).join(then, then.c.row_id == Lease.id)
    if reader.corporation_id is not None:
        query = query.where(Lease.corporation_id == reader.corporation_id)
    all_leases = list(session.exec(query))
    flips = [(lease, state) for lease, state in all_leases if lease.lease_type == LeaseType.FLIP]
    open_flips = [(lease, state) for lease, state in flips if state in OPEN_FLIP_STATES]
    reviews = _review_dates(session, [lease.id for lease, _ in open_flips if lease.id], before)
    start, end = window(period, as_of)
    # Only the period's extensions: every extension ever would grow with each year of use.
    extended = session.exec(
        select(LeaseEvent.lease_id).where(
            LeaseEvent.trigger == "extend", col(LeaseEvent.at) >= start, col(LeaseEvent.at) < end
        )
    ).all()
    visible = {lease.id for lease, _ in all_leases}

    def review_on(lease: Lease) -> date | None:
        return reviews.get(lease.id, lease.review_on) if lease.id is not None else None

    return {
        "flip_active": len(open_flips),
        "flip_review_due": sum(1 for _, state in open_flips if state == LeaseState.REVIEW_DUE),
        "flip_review_overdue": sum(
            1 for lease, _ in open_flips
            if (day := review_on(lease)) is not None and day < as_of
        ),
        # By the omklap date the transfer names: one recorded late shows as a correction.
        "flip_transferred_in_period": sum(
            1 for lease, _ in flips if lease.transferred_on is not None
            and period.first_day <= lease.transferred_on <= period.last_day
        ),
        "flip_extended_in_period": sum(1 for lease_id in extended if lease_id in visible),
        "institution_flips": sum(1 for lease, _ in flips if lease.is_institution),
        "institution_flips_transferred": sum(
            1 for lease, state in flips
            if lease.is_institution and state == LeaseState.TRANSFERRED
        ),
        "campus_ending": sum(
            1 for lease, state in all_leases
            if lease.lease_type == LeaseType.CAMPUS and state == LeaseState.ENDING
        ),
    }
