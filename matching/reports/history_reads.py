"""The rows of the history as they stood at a moment, read for the report sections
(matching/reports/sections.py), which count them per reader.

Each read here serves every reader scope of a build alike (reads.once), and the reads of
row states serve every moment the build expects in one pass over the history
(history.states_at): a quarter report reads its own quarter's end and those of the closed
quarters its corrections recompute, closing a quarter reads them for every scope. Columns
are read through Core (`rows_of`), never whole rows: tens of thousands of them.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import select as select_columns  # sqlmodel's select types 4 columns at most
from sqlmodel import Session, col, func, select

from matching.history import end_of_day, states_at, states_then
from matching.models import (
    Candidate,
    CandidateEvent,
    Client,
    ClientEvent,
    Dwelling,
    DwellingEvent,
    Lease,
    LeaseEvent,
    Proposal,
)
from matching.reports.period import Period
from matching.shared_reads import expected_moments, once, remember
from matching.vocabulary import (
    CandidateState,
    ClientState,
    DwellingState,
    LeaseState,
    LeaseType,
    as_utc,
)
from matching.workdays import is_working_day, local_date

OPEN_FLIP_STATES = (LeaseState.ACTIVE, LeaseState.REVIEW_DUE, LeaseState.EXTENDED)


def rows_of(session: Session, query: Any) -> list[Any]:
    """The rows of a select of columns, through Core and all at once: the ORM's handling of
    each row, or fetching them one by one, costs more than reading them, and some reads here
    return tens of thousands."""
    return list(session.connection().execute(query).all())


def dwellings_then(session: Session, year: int, before: datetime
                   ) -> list[tuple[int, str, str, str]]:
    """The year's dwellings made by `before`: corporation, quarter, designation, state then.
    Only the year's dwellings are looked up in the history."""
    of_the_year = select(Dwelling.id).where(col(Dwelling.quarter).like(f"{year}Q%"))
    states = history_then(session, DwellingEvent, "dwelling_id", list(DwellingState), before,
                          among=(f"quarter {year}", of_the_year))
    facts = once(session, ("dwelling facts", year), lambda: rows_of(session, select(
        col(Dwelling.id), Dwelling.corporation_id, Dwelling.quarter, Dwelling.designation
    ).where(col(Dwelling.quarter).like(f"{year}Q%"))))
    return once(session, ("dwellings then", year, before), lambda: [
        (corporation, str(quarter), designation, states[dwelling_id])
        for dwelling_id, corporation, quarter, designation in facts
        if dwelling_id in states])


class RoundRow(NamedTuple):
    """A round as the matching section counts it, with its dwelling's corporation."""

    id: int | None
    dwelling_id: int
    deviates: bool
    corporation_id: int


class Rounds(NamedTuple):
    """The rounds opened in a window, of every corporation, with their candidates."""

    rounds: list[RoundRow]
    candidates: list[tuple[int, str, str | None]]  # round, state then (or pending), reason
    max_round: dict[int, int]  # per dwelling with a round: its highest round by then


ROUND_SPAN = timedelta(days=100)  # longer than a quarter: a round opened within it of its end


def _shared_since(session: Session, start: datetime, end: datetime) -> datetime | None:
    """When the build expects several quarter ends and [start, end) is one of its quarters:
    the moment from which the rounds of all of them are read at once (a quarter before the
    first end); else None, and only this window's rounds are read."""
    moments = expected_moments(session)
    if end in moments and len(moments) > 1 and start >= moments[0] - ROUND_SPAN:
        return moments[0] - ROUND_SPAN
    return None


def _of_rounds_since(since: datetime, until: datetime) -> Any:
    return (select(Candidate.id)
            .join(Proposal, col(Proposal.id) == Candidate.proposal_id)
            .where(col(Proposal.opened_at) >= since, col(Proposal.opened_at) < until))


def _opened_in(start: datetime, end: datetime) -> Any:
    """The ids of the rounds opened in [start, end): a subquery rather than the ids read,
    which as bound values cost more to send than the rows they find."""
    return select(col(Proposal.id)).where(col(Proposal.opened_at) >= start,
                                          col(Proposal.opened_at) < end)


def _candidates_of(session: Session, start: datetime, end: datetime, round_ids: set[Any]
                   ) -> list[tuple[int, int, str | None]]:
    """The candidates of these rounds (opened in [start, end)): id, round, reason code."""
    since = _shared_since(session, start, end)
    if since is None:
        return [tuple(row) for row in rows_of(session, select(
            col(Candidate.id), Candidate.proposal_id, Candidate.reason_code
        ).where(col(Candidate.proposal_id).in_(_opened_in(start, end))))]
    until = expected_moments(session)[-1]

    def read() -> dict[int, list[tuple[int, int, str | None]]]:
        by_round: dict[int, list[tuple[int, int, str | None]]] = defaultdict(list)
        for candidate_id, round_id, reason in rows_of(session, select(
            col(Candidate.id), Candidate.proposal_id, Candidate.reason_code
        ).where(col(Candidate.id).in_(_of_rounds_since(since, until)))):
            by_round[round_id].append((candidate_id, round_id, reason))
        return by_round

    by_round = once(session, ("candidates since", since), read)
    return [candidate for round_id in round_ids for candidate in by_round.get(round_id, [])]


def _candidate_states(session: Session, start: datetime, end: datetime, round_ids: set[Any]
                      ) -> dict[int, str]:
    """The states at `end` of the candidates of these rounds (opened in [start, end)). When
    the build expects several quarter ends, those of all rounds opened from a quarter before
    the first are read at every end in one pass; else only these candidates are looked up."""
    since = _shared_since(session, start, end)
    if since is not None:
        of_rounds = _of_rounds_since(since, expected_moments(session)[-1])
        return history_then(session, CandidateEvent, "candidate_id", list(CandidateState),
                            end, among=(f"rounds since {since.isoformat()}", of_rounds))
    # By their rounds' ids, not `_opened_in`: with that subquery SQLite replayed far more
    # of the history (closing a quarter at ten times Utrecht's volume took a quarter longer).
    then = states_then(session, CandidateEvent, "candidate_id", end, among=select(
        Candidate.id).where(col(Candidate.proposal_id).in_(round_ids)))
    return dict(rows_of(session, select(then.c.row_id, then.c.state)))


def rounds_then(session: Session, start: datetime, end: datetime) -> Rounds:
    """The rounds opened in [start, end) of every corporation, each candidate's decision
    as it stood at `end`, and each of their dwellings' highest round by then."""
    opened = (
        select(col(Proposal.id), Proposal.dwelling_id, Proposal.deviates,
               Dwelling.corporation_id)
        .join(Dwelling, col(Dwelling.id) == Proposal.dwelling_id)
        .where(col(Proposal.opened_at) >= start, col(Proposal.opened_at) < end)
    )
    rounds = [RoundRow(*row) for row in rows_of(session, opened)]
    if not rounds:
        return Rounds([], [], {})
    # Only the columns counted: loading whole candidates would parse every explanation.
    round_ids = {r.id for r in rounds}
    states: dict[Any, str] = _candidate_states(session, start, end, round_ids)
    candidates = [
        (round_id, states.get(candidate_id) or "pending", reason)
        for candidate_id, round_id, reason in _candidates_of(session, start, end, round_ids)
    ]
    max_round = dict(session.exec(
        select(Proposal.dwelling_id, func.max(Proposal.round_no))
        .where(col(Proposal.dwelling_id).in_(select(opened.subquery().c.dwelling_id)),
               col(Proposal.opened_at) < end)
        .group_by(col(Proposal.dwelling_id))
    ).all())
    return Rounds(rounds, candidates, max_round)


def lettings_then(session: Session, period: Period, start: datetime, end: datetime
                  ) -> list[tuple[int, int | None, int]]:
    """Every corporation's dwellings let in the period by `end`: corporation, working days
    from submission to match (None if never matched) and to letting."""
    # Joined rather than `IN`: the database then walks these dwellings' own events.
    let_now = select(DwellingEvent.dwelling_id).where(
        DwellingEvent.to_state == DwellingState.LET,
        col(DwellingEvent.at) >= start, col(DwellingEvent.at) < end,
    ).distinct().subquery()
    events = (
        select(DwellingEvent.dwelling_id, DwellingEvent.to_state, DwellingEvent.at)
        .join(let_now, let_now.c.dwelling_id == DwellingEvent.dwelling_id)
        .where(col(DwellingEvent.to_state).in_([DwellingState.MATCHED, DwellingState.LET]),
               col(DwellingEvent.at) < end)
    )
    first: dict[tuple[int, str], date] = {}
    for dwelling_id, state, at in rows_of(session, events):
        day = local_date(at)
        key = (dwelling_id, state)
        if key not in first or day < first[key]:
            first[key] = day
    let_in_period = {
        dwelling_id for (dwelling_id, state), day in first.items()
        if state == DwellingState.LET and period.first_day <= day <= period.last_day
    }
    if not let_in_period:
        return []
    found = []
    working_days = _WorkingDays()
    for let_id, corporation_id, submitted_at in session.exec(
        select(col(Dwelling.id), Dwelling.corporation_id, Dwelling.submitted_at)
        .join(let_now, let_now.c.dwelling_id == Dwelling.id)
    ):
        if submitted_at is None or let_id is None or let_id not in let_in_period:
            continue
        submitted = local_date(submitted_at)
        matched = first.get((let_id, DwellingState.MATCHED))
        found.append((
            corporation_id,
            working_days.between(submitted, matched) if matched is not None else None,
            working_days.between(submitted, first[(let_id, DwellingState.LET)]),
        ))
    return found


class _WorkingDays:
    """`working_days_between` for many pairs of dates: each date's count of working days
    since the first one asked is worked out once, so a pair is one subtraction."""

    def __init__(self) -> None:
        self.origin: date | None = None
        self.counts: list[int] = [0]  # working days in (origin, origin + n days]

    def _count(self, day: date) -> int:
        if self.origin is None or day < self.origin:
            self.origin, self.counts = day - timedelta(days=30), [0]
        offset = (day - self.origin).days
        while len(self.counts) <= offset:
            nxt = self.origin + timedelta(days=len(self.counts))
            self.counts.append(self.counts[-1] + is_working_day(nxt))
        return self.counts[offset]

    def between(self, start: date, end: date) -> int:
        """The working days after `start` up to and including `end` (0 if end <= start)."""
        if end <= start:
            return 0
        low = self._count(start)  # may move the origin back; `end` lies after it then
        return self._count(end) - low


COUNTED_CLIENT_STATES = (ClientState.WAITING, ClientState.PROPOSED)
# What the reports count of a client: target group, care provider id, waiting since
ClientFacts = tuple[str, int, date | None]
# The clients waiting or proposed at a moment (id: state), and their facts
ClientsThen = tuple[dict[int, str], dict[int, ClientFacts]]


def clients_then(session: Session, before: datetime) -> ClientsThen:
    """Every client waiting or proposed at `before`: the waiting sections and the contingents
    count these. Inside a build that expects several moments (a report and the closed
    quarters it compares with), all of them are read from the history in one pass."""
    return once(session, ("clients", before), lambda: _read_clients(session, before))


def _read_clients(session: Session, before: datetime) -> ClientsThen:
    moments = expected_moments(session)
    if before in moments and len(moments) > 1:
        found = states_at(session, ClientEvent, "client_id", moments, list(ClientState),
                          wanted=COUNTED_CLIENT_STATES)
        if found is not None:
            facts: dict[int, ClientFacts] = {
                client_id: (group, provider, since)
                for client_id, group, provider, since in rows_of(session,
                    select(col(Client.id), Client.target_group, Client.care_provider_id,
                           col(Client.waiting_since)))
                if client_id is not None
            }
            for moment, states in found.items():
                remember(session, ("clients", moment), (states, facts))
            return found[before], facts
    then = states_then(session, ClientEvent, "client_id", before)
    states, facts = {}, {}
    for client_id, state, group, provider, since in rows_of(session,
        select_columns(col(Client.id), then.c.state, col(Client.target_group),
                       col(Client.care_provider_id), col(Client.waiting_since))
        .join(then, then.c.row_id == Client.id)
        .where(col(then.c.state).in_(COUNTED_CLIENT_STATES))
    ):
        states[client_id], facts[client_id] = state, (group, provider, since)
    return states, facts


def history_then(session: Session, model: Any, key: str, states: Sequence[str],
                 before: datetime, *, among: tuple[str, Any] | None = None) -> dict[int, str]:
    """Every row's state at `before` (rows made later are absent), read once per build;
    when the build expects several moments, all of them in one pass over the history.
    `among`: (a name for the rows, a select of their ids), to read only those rows."""
    name = (model.__tablename__, among[0] if among else None)

    def read() -> dict[int, str]:
        moments = expected_moments(session)
        if before in moments and len(moments) > 1:
            found = states_at(session, model, key, moments, states,
                              among=among[1] if among else None)
            if found is not None:
                for moment, rows in found.items():
                    remember(session, ("states", name, moment), rows)
                return found[before]
        then = states_then(session, model, key, before, among=among[1] if among else None)
        return dict(rows_of(session, select(then.c.row_id, then.c.state)))

    return once(session, ("states", name, before), read)


class LeaseFacts(NamedTuple):
    """The columns of a lease the leases section counts (whole rows would cost far more)."""

    id: int
    corporation_id: int
    lease_type: str
    is_institution: bool
    review_on: date | None
    transferred_on: date | None


def _lease_facts(session: Session) -> list[LeaseFacts]:
    return once(session, ("lease_facts",), lambda: [
        LeaseFacts(*row) for row in rows_of(session,
            select_columns(col(Lease.id), col(Lease.corporation_id), col(Lease.lease_type),
                           col(Lease.is_institution), col(Lease.review_on),
                           col(Lease.transferred_on)))
    ])


# Per flip lease, its `due` and `extend` events in id order: (at, trigger, review_on named)
ReviewEvents = dict[int, list[tuple[datetime, str, str | None]]]


def _review_events(session: Session) -> ReviewEvents:
    def read() -> ReviewEvents:
        found: ReviewEvents = defaultdict(list)
        for lease_id, at, trigger, text in rows_of(session,
            select(LeaseEvent.lease_id, LeaseEvent.at, LeaseEvent.trigger,
                   col(LeaseEvent.data)["review_on"].as_string())
            .where(col(LeaseEvent.trigger).in_(("due", "extend")))
            .order_by(col(LeaseEvent.id))
        ):
            found[lease_id].append((as_utc(at), trigger, text))
        return found
    return once(session, ("review_events",), read)


def _review_date(events: list[tuple[datetime, str, str | None]], before: datetime,
                 made_with: date | None) -> date | None:
    """A flip lease's review date as it stood at `before`: the one named by its last
    `due` or `extend` event by then (both carry `review_on`); before any, the date the lease
    was made with, which its first `due` event names (or, never due, the lease's own)."""
    named = next((text for _at, trigger, text in events if trigger == "due"), None)
    last = [text for at, _trigger, text in events if at < before]
    if last and last[-1]:
        named = last[-1]
    return date.fromisoformat(str(named)) if named else made_with


class LeasesThen(NamedTuple):
    """Every corporation's leases as they stood at a moment, counted: the leases section
    filters these per reader instead of reading each lease again."""

    # (corporation, lease type, institution, state then, transferred in the period): count
    counts: Counter[tuple[int, str, bool, str, bool]]
    # The flip leases open then: corporation and the review date named by then
    open_flips: list[tuple[int, date | None]]
    # The corporation of each lease extended in the period (once per extension)
    extended: list[int]


def leases_then(session: Session, period: Period, as_of: date, start: datetime,
                end: datetime) -> LeasesThen:
    """Every corporation's leases as they stood at the end of `as_of`, counted; the
    extensions in [start, end) (the period's window, see sections.window)."""
    before = end_of_day(as_of)
    states = history_then(session, LeaseEvent, "lease_id", list(LeaseState), before)
    reviews = _review_events(session)
    facts = _lease_facts(session)
    first, last = period.first_day, period.last_day
    # Counted in C (Counter over zip) rather than lease by lease: tens of thousands of leases
    # for each of up to eight moments a report reads.
    tally = Counter(zip(
        once(session, ("lease kinds",), lambda: [
            (lease.corporation_id, lease.lease_type, lease.is_institution) for lease in facts]),
        map(states.get, once(session, ("lease ids",), lambda: [lease.id for lease in facts])),
        once(session, ("leases transferred", first, last), lambda: [
            lease.transferred_on is not None and first <= lease.transferred_on <= last
            for lease in facts]),
        strict=True,
    ))
    counts: Counter[tuple[int, str, bool, str, bool]] = Counter({
        (corporation, lease_type, institution, state, transferred): number
        for ((corporation, lease_type, institution), state, transferred), number in tally.items()
        if state is not None  # None: made later
    })
    open_flips = []
    for flip in once(session, ("flip leases",), lambda: [
            lease for lease in facts if lease.lease_type == LeaseType.FLIP]):
        if states.get(flip.id) in OPEN_FLIP_STATES:
            open_flips.append((flip.corporation_id, _review_date(
                reviews.get(flip.id, []), before, flip.review_on)))
    # Only the period's extensions: every extension ever would grow with each year of use.
    extended = session.exec(
        select(Lease.corporation_id)
        .join(LeaseEvent, col(LeaseEvent.lease_id) == Lease.id)
        .where(LeaseEvent.trigger == "extend", col(LeaseEvent.at) >= start,
               col(LeaseEvent.at) < end)
    ).all()
    return LeasesThen(counts, open_flips, list(extended))
