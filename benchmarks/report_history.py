"""Five years of matching history in bulk, for benchmarks/reports.py (a benchmark fixture, not
product data).

Running tens of thousands of dwellings through the services would take hours, so this module
replays the workflows in memory instead: a discrete-event simulation in time order (a heap of
due moments) in which every transition writes the row's new state and its event, exactly as
`matching.workflow.fire` and `record_creation` would (same triggers, same states, same data
keys the reports read: `review_on` on `due` and `extend`). Every row therefore ends in the
state its last event names, and the event ids rise with time, which is what
`matching.history` relies on. The rows and events are then written with SQLAlchemy Core
`insert()` executemany in chunks.

The model, at scale 1 (ten times Utrecht's volume, `START` to `TODAY`):
- 60,000 clients referred on working days, approved 2-6 working days later (the wait starts
  then); a quarter are withdrawn and some go on hold for a while;
- 25,000 dwellings of the corporations (the five STUW by weight, a few of Woonin) created and
  submitted on working days; 2% withdrawn before a round, some released unmatched;
- rounds of up to three of the longest-waiting clients of the dwelling's phase; the
  corporation rejects each with probability 0.3 (a landlord reason code) and accepts the first
  it keeps; 5% of rounds go overdue first; all rejected reopens the dwelling; 5% of the
  clients decline the offer (valid reason); the rest are housed 5-10 working days later;
- leases of the dwelling's type: flip leases fall due three months before their review (24
  months after the start), then are transferred (60%), extended by 6-12 months (30%) or left
  overdue; campus leases approach their end six months before it; a few direct leases end;
- institution flip leases (Lister, De Tussenvoorziening and others) registered over the
  years, with the same review cycle.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, SQLModel, col, select

from matching.models import (
    AllocationTarget,
    Contingent,
    Organisation,
    ReasonCode,
    StatushouderTask,
    TargetGroup,
    YearParameter,
)
from matching.quarters import quarter_of

START = date(2022, 1, 1)
TODAY = date(2026, 12, 1)  # the benchmark's day: history ends the day before
CHUNK = 5_000

CORPORATION_WEIGHTS = {"Mitros": 34, "Portaal": 28, "Bo-Ex": 19, "GroenWest": 8, "SSH": 8,
                       "Woonin": 3}
PROVIDER_WEIGHTS = {
    "Lister": 18, "De Tussenvoorziening": 16, "Leger des Heils": 14, "Altrecht": 7,
    "Kwintes": 6, "Fivoor": 5, "Jellinek": 4, "BACK UP": 4, "Lievegoed": 3, "Exodus": 3,
    "Singelzicht": 2, "Humanitas": 2, "Youké": 2,
}
INSTITUTION_PROVIDERS = {"Lister": 1, "De Tussenvoorziening": 2, "Leger des Heils": 1}
GROUP_WEIGHTS = {
    "mobw_uitstroom": 50, "mobw_instroom": 22, "statushouder": 9, "jongvolwassene": 6,
    "vrouwenopvang": 3, "wlz_forensisch": 3, "citydeal": 2, "doorstroom_tijdelijk": 2,
    "wonen_na_detentie": 1, "corporatiehotel": 1, "urgent": 1,
}
WIJK_WEIGHTS = {
    "Overvecht": 22, "Zuidwest": 16, "Noordwest": 16, "Zuid": 11, "Leidsche Rijn": 11,
    "Oost": 6, "West": 6, "Noordoost": 5, "Vleuten-De Meern": 4, "Binnenstad": 3,
}
REJECT_SHARE = 0.3
POLICY = "ranking-1/2019"


@dataclass(frozen=True)
class Volumes:
    dwellings: int
    clients: int
    institution_leases: int

    @classmethod
    def at_scale(cls, scale: float) -> Volumes:
        return cls(dwellings=max(40, round(25_000 * scale)),
                   clients=max(100, round(60_000 * scale)),
                   institution_leases=max(5, round(1_500 * scale)))


@dataclass
class Built:
    """What was written: rows per table."""

    rows: dict[str, int]

    @property
    def events(self) -> int:
        return sum(n for table, n in self.rows.items() if table.endswith("_event"))


def _weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    return rng.choices(tuple(weights), cum_weights=_cumulative(weights))[0]


_CUMULATIVE: dict[int, tuple[list[float], Mapping[Any, float]]] = {}


def _cumulative(weights: Mapping[Any, float]) -> list[float]:
    found = _CUMULATIVE.get(id(weights))
    if found is None or found[1] is not weights:
        found = (list(itertools.accumulate(weights.values())), weights)
        _CUMULATIVE[id(weights)] = found
    return found[0]


def _working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class Simulation:
    """The workflows replayed in time order; rows and events kept as plain dicts."""

    def __init__(self, rng: random.Random, volumes: Volumes, ids: dict[str, int],
                 phase_of: dict[str, str], reasons: dict[str, list[str]]) -> None:
        self.rng, self.volumes = rng, volumes
        self.cutoff = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
        self.corporations = {ids[n]: w for n, w in CORPORATION_WEIGHTS.items() if n in ids}
        self.providers = {ids[n]: w for n, w in PROVIDER_WEIGHTS.items() if n in ids}
        self.institution_providers = {ids[n]: w for n, w in INSTITUTION_PROVIDERS.items()}
        self.groups = {g: w for g, w in GROUP_WEIGHTS.items() if g in phase_of}
        self.phase_of, self.reasons = phase_of, reasons
        self.tables: dict[str, list[dict[str, Any]]] = {
            name: [] for name in ("client", "dwelling", "proposal", "candidate", "lease",
                                  "client_event", "dwelling_event", "proposal_event",
                                  "candidate_event", "lease_event")}
        self.queue: list[tuple[datetime, int, Callable[[Any], None], Any]] = []
        self.order = itertools.count()
        # Waiting clients per phase, longest waiting first; stale entries are skipped.
        self.pool: dict[str, list[tuple[date, int]]] = {"uitstroom": [], "instroom": []}
        self.candidates_of: dict[int, list[dict[str, Any]]] = {}

    # --- moments and events ---------------------------------------------------------------

    def moment(self, day: date, *, tick: bool = False) -> datetime:
        """A moment on `day` (a working day, office hours in Utrecht; 05:00 UTC for a tick)."""
        if tick:
            return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=5)
        minutes = 7 * 60 + self.rng.randint(0, 8 * 60)
        return (datetime.combine(_working_day(day), datetime.min.time(), tzinfo=UTC)
                + timedelta(minutes=minutes, seconds=self.rng.randint(0, 59)))

    def later(self, at: datetime, low: int, high: int) -> datetime:
        """A working-day moment `low`-`high` days after `at` (and after `at` itself, so a
        row's events keep their order in time)."""
        moment = self.moment(at.date() + timedelta(days=self.rng.randint(low, high)))
        return max(moment, at + timedelta(minutes=self.rng.randint(5, 90)))

    def at(self, moment: datetime, handler: Callable[[Any], None], arg: Any) -> None:
        if moment < self.cutoff:
            heapq.heappush(self.queue, (moment, next(self.order), handler, arg))

    def fire(self, workflow: str, row: dict[str, Any], trigger: str, to_state: str,
             at: datetime, **data: Any) -> None:
        """Move `row` to `to_state` and record its event (as matching.workflow.fire does)."""
        events = self.tables[f"{workflow}_event"]
        events.append({
            "id": len(events) + 1, f"{workflow}_id": row["id"], "at": at,
            "actor_user_id": None, "trigger": trigger,
            "from_state": row["state"] if trigger != "create" else None,
            "to_state": to_state, "data": data,
        })
        row["state"] = to_state

    def new_row(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        rows = self.tables[table]
        row["id"] = len(rows) + 1
        rows.append(row)
        return row

    def run(self) -> None:
        days = (TODAY - START).days - 3
        for _ in range(self.volumes.clients):
            self.at(self.moment(START + timedelta(days=self.rng.randint(0, days))),
                    self.refer, None)
        for _ in range(self.volumes.dwellings):
            self.at(self.moment(START + timedelta(days=self.rng.randint(0, days))),
                    self.create_dwelling, None)
        for _ in range(self.volumes.institution_leases):
            self.at(self.moment(START + timedelta(days=self.rng.randint(0, days))),
                    self.register_institution_lease, None)
        while self.queue:
            moment, _, handler, arg = heapq.heappop(self.queue)
            self.now = moment
            handler(arg)

    # --- clients ----------------------------------------------------------------------------

    def refer(self, _: Any) -> None:
        rng, group = self.rng, _weighted(self.rng, self.groups)
        shape = rng.random()
        adults, children = ((1, 0) if shape < 0.7 else (2, 0) if shape < 0.82
                            else (1, rng.randint(1, 2)) if shape < 0.93 else (2, rng.randint(1, 3)))
        client = self.new_row("client", {
            "care_provider_id": _weighted(rng, self.providers), "target_group": group,
            "adults": adults, "children": children,
            "birth_year": rng.randint(1998, 2006) if group == "jongvolwassene"
            else rng.randint(1950, 2004),
            "annual_income": rng.randint(13_000, 24_000) if rng.random() < 0.85
            else rng.randint(24_000, 40_000),
            "needs": ["ground_floor"] if rng.random() < 0.05 else [],
            "excluded_wijken": rng.sample(list(WIJK_WEIGHTS), 1) if rng.random() < 0.15 else [],
            "preferred_wijken": rng.sample(list(WIJK_WEIGHTS), rng.randint(0, 2)),
            "flip_lease_ok": rng.random() < 0.5, "support_confirmed": True,
            "phase": self.phase_of[group], "registered_on": self.now.date(),
            "waiting_since": None, "state": "registered", "version": 1, "created_at": self.now,
        })
        client["reference"] = f"BENCH-{client['id']:07d}"
        self.fire("client", client, "create", "registered", self.now)
        self.at(self.later(self.now, 2, 8), self.approve, client)

    def approve(self, client: dict[str, Any]) -> None:
        client["waiting_since"] = self.now.date()
        self.fire("client", client, "approve", "waiting", self.now, waiting_since=None)
        self.enqueue(client)
        if self.rng.random() < 0.25:
            self.at(self.later(self.now, 30, 700), self.withdraw_client, client)
        if self.rng.random() < 0.08:
            self.at(self.later(self.now, 10, 300), self.hold, client)

    def enqueue(self, client: dict[str, Any]) -> None:
        heapq.heappush(self.pool[client["phase"]], (client["waiting_since"], client["id"]))

    def withdraw_client(self, client: dict[str, Any]) -> None:
        if client["state"] in ("waiting", "on_hold"):
            self.fire("client", client, "withdraw", "withdrawn", self.now,
                      reason="niet meer in beeld")

    def hold(self, client: dict[str, Any]) -> None:
        if client["state"] == "waiting":
            self.fire("client", client, "hold", "on_hold", self.now, reason="opname")
            self.at(self.later(self.now, 20, 150), self.resume, client)

    def resume(self, client: dict[str, Any]) -> None:
        if client["state"] == "on_hold":
            self.fire("client", client, "resume", "waiting", self.now)
            self.enqueue(client)

    def take_waiting(self, phase: str, wanted: int) -> list[dict[str, Any]]:
        """Up to `wanted` of the longest-waiting clients of the phase (as the engine ranks)."""
        pool, clients, taken = self.pool[phase], self.tables["client"], []
        seen: set[int] = set()
        while pool and len(taken) < wanted:
            _, client_id = heapq.heappop(pool)
            client = clients[client_id - 1]
            if client["state"] == "waiting" and client_id not in seen:
                seen.add(client_id)
                taken.append(client)
        return taken

    # --- dwellings and rounds ---------------------------------------------------------------

    def create_dwelling(self, _: Any) -> None:
        rng = self.rng
        rooms = rng.choices([1, 2, 3, 4], weights=[15, 45, 30, 10])[0]
        area = max(30, min(95, round(rng.gauss(22 + rooms * 16, 6))))
        instroom = rng.random() < 0.2
        dwelling = self.new_row("dwelling", {
            "corporation_id": _weighted(rng, self.corporations), "postcode": "3500AA",
            "wijk": _weighted(rng, WIJK_WEIGHTS), "complex_code": None, "rooms": rooms,
            "floor_area_m2": area,
            "rent": Decimal(max(400, min(800, round(rng.gauss(330 + area * 5.2, 60))))),
            "floor": rng.choice([0, 0, 1, 2, 3, 4, 6]), "has_lift": rng.random() < 0.4,
            "accessible": rng.random() < 0.1, "senior_label": rng.random() < 0.06,
            "self_contained": True, "student_complex": None,
            "designation": "instroom" if instroom else "uitstroom",
            "lease_type": "flip" if instroom else rng.choices(
                ["direct", "flip", "campus"], weights=[70, 25, 5])[0],
            "available_from": self.now.date() + timedelta(days=rng.randint(14, 60)),
            "state": "draft", "version": 1, "quarter": None, "submitted_at": None,
            "matched_client_id": None, "created_at": self.now,
        })
        dwelling["address"] = f"Benchmarkstraat {dwelling['id']}"
        self.fire("dwelling", dwelling, "create", "draft", self.now)
        self.at(self.later(self.now, 0, 4), self.submit, dwelling)

    def submit(self, dwelling: dict[str, Any]) -> None:
        dwelling["submitted_at"], dwelling["quarter"] = self.now, quarter_of(self.now.date())
        self.fire("dwelling", dwelling, "submit", "submitted", self.now)
        if self.rng.random() < 0.02:
            self.at(self.later(self.now, 1, 2), self.withdraw_dwelling, dwelling)
        self.at(self.later(self.now, 1, 3), self.open_round, dwelling)

    def withdraw_dwelling(self, dwelling: dict[str, Any]) -> None:
        if dwelling["state"] == "submitted":
            self.fire("dwelling", dwelling, "withdraw", "withdrawn", self.now, reason="verkocht")

    def open_round(self, dwelling: dict[str, Any]) -> None:
        if dwelling["state"] != "submitted":
            return
        clients = self.take_waiting(dwelling["designation"], 3)
        if not clients:
            if (self.now - dwelling["submitted_at"]).days >= 45 and self.rng.random() < 0.7:
                self.fire("dwelling", dwelling, "release", "released", self.now,
                          release_after=30, good_friday_off=False)
            else:
                self.at(self.later(self.now, 5, 7), self.open_round, dwelling)
            return
        ids = [c["id"] for c in clients]
        for client in clients:
            self.fire("client", client, "propose", "proposed", self.now,
                      dwelling_id=dwelling["id"])
        self.fire("dwelling", dwelling, "propose", "proposed", self.now, client_ids=ids)
        rounds = self.candidates_of
        deviates = self.rng.random() < 0.05
        proposal = self.new_row("proposal", {
            "dwelling_id": dwelling["id"], "round_no": dwelling.get("rounds", 0) + 1,
            "state": "open", "version": 1, "policy_version": POLICY,
            "motivation": "andere volgorde na overleg" if deviates else None,
            "deviates": deviates, "opened_at": self.now,
            "deadline": _working_day(self.now.date() + timedelta(days=7)),
            "original_deadline": None, "closed_at": None, "proposed_by_user_id": None,
        })
        dwelling["rounds"] = proposal["round_no"]
        self.fire("proposal", proposal, "create", "open", self.now, client_ids=ids)
        rounds[proposal["id"]] = []
        for position, client in enumerate(clients, start=1):
            waited = (self.now.date() - client["waiting_since"]).days
            candidate = self.new_row("candidate", {
                "proposal_id": proposal["id"], "client_id": client["id"],
                "dwelling_id": dwelling["id"], "position": position,
                "score": float(waited + 30), "state": "pending", "version": 1,
                "explanation": {"total": waited + 30, "policy": POLICY,
                                "factors": [{"name": "waiting_days", "points": waited},
                                            {"name": "ambition_bonus", "points": 30}],
                                "suggested_rank": position},
                "reason_code": None, "motivation": None, "decided_at": None,
                "decided_by_user_id": None,
            })
            self.fire("candidate", candidate, "create", "pending", self.now)
            rounds[proposal["id"]].append(candidate)
        if self.rng.random() < 0.05:
            deadline = self.moment(proposal["deadline"] + timedelta(days=1), tick=True)
            self.at(deadline, self.escalate, proposal)
            self.at(self.later(deadline, 1, 3), self.decide, proposal)
        else:
            self.at(self.later(self.now, 1, 4), self.decide, proposal)

    def escalate(self, proposal: dict[str, Any]) -> None:
        if proposal["state"] == "open":
            self.fire("proposal", proposal, "escalate", "overdue", self.now,
                      deadline=proposal["deadline"].isoformat())

    def decide(self, proposal: dict[str, Any]) -> None:
        dwelling = self.tables["dwelling"][proposal["dwelling_id"] - 1]
        candidates = self.candidates_of.pop(proposal["id"])
        clients = self.tables["client"]
        kept = []
        for candidate in candidates:
            if self.rng.random() < REJECT_SHARE:
                code = self.rng.choice(self.reasons["landlord"])
                self.fire("candidate", candidate, "reject", "rejected", self.now,
                          reason_code=code, motivation="")
                candidate.update(reason_code=code, decided_at=self.now)
                self.requeue(clients[candidate["client_id"] - 1], dwelling)
            else:
                kept.append(candidate)
        proposal["closed_at"] = self.now
        if not kept:
            self.fire("proposal", proposal, "reject", "rejected", self.now)
            self.fire("dwelling", dwelling, "reopen", "submitted", self.now,
                      proposal_id=proposal["id"])
            self.at(self.later(self.now, 1, 2), self.open_round, dwelling)
            return
        chosen = kept[0]
        self.fire("candidate", chosen, "accept", "accepted", self.now)
        chosen["decided_at"] = self.now
        self.fire("proposal", proposal, "accept", "accepted", self.now,
                  client_id=chosen["client_id"])
        for other in kept[1:]:
            self.fire("candidate", other, "pass_over", "not_chosen", self.now)
            self.requeue(clients[other["client_id"] - 1], dwelling)
        client = clients[chosen["client_id"] - 1]
        self.fire("client", client, "match", "matched", self.now, dwelling_id=dwelling["id"])
        self.fire("dwelling", dwelling, "match", "matched", self.now, client_id=client["id"])
        dwelling["matched_client_id"] = client["id"]
        self.at(self.later(self.now, 1, 5), self.answer, dwelling)

    def requeue(self, client: dict[str, Any], dwelling: dict[str, Any]) -> None:
        self.fire("client", client, "requeue", "waiting", self.now, dwelling_id=dwelling["id"])
        self.enqueue(client)

    def answer(self, dwelling: dict[str, Any]) -> None:
        client = self.tables["client"][dwelling["matched_client_id"] - 1]
        if self.rng.random() < 0.05:
            data = {"reason_code": self.rng.choice(self.reasons["candidate"]), "valid": True,
                    "client_id": client["id"], "motivation": None}
            self.fire("dwelling", dwelling, "decline_offer", "submitted", self.now, **data)
            dwelling["matched_client_id"] = None
            self.fire("client", client, "decline_offer", "waiting", self.now,
                      dwelling_id=dwelling["id"], **data)
            self.enqueue(client)
            self.at(self.later(self.now, 1, 2), self.open_round, dwelling)
            return
        self.fire("dwelling", dwelling, "accept_offer", "offer_accepted", self.now,
                  client_id=client["id"])
        self.fire("client", client, "accept_offer", "offer_accepted", self.now,
                  dwelling_id=dwelling["id"])
        self.at(self.later(self.now, 5, 10), self.let, dwelling)

    # --- leases -----------------------------------------------------------------------------

    def let(self, dwelling: dict[str, Any]) -> None:
        client = self.tables["client"][dwelling["matched_client_id"] - 1]
        kind = dwelling["lease_type"]
        start = max(self.now.date() + timedelta(days=self.rng.randint(1, 7)),
                    dwelling["available_from"])
        if kind == "flip":
            client["flip_lease_ok"] = True
        lease = self.new_row("lease", {
            "dwelling_id": dwelling["id"], "client_id": client["id"],
            "corporation_id": dwelling["corporation_id"],
            "care_provider_id": client["care_provider_id"],
            "tenant_care_provider_id": client["care_provider_id"] if kind == "flip" else None,
            "lease_type": kind, "is_institution": False, "address": None, "start_on": start,
            "review_on": start + relativedelta(months=24) if kind == "flip" else None,
            "end_on": start + relativedelta(years=5) if kind == "campus" else None,
            "transferred_on": None, "ended_on": None, "state": "active", "version": 1,
            "created_at": self.now,
        })
        self.fire("lease", lease, "create", "active", self.now, dwelling_id=dwelling["id"],
                  client_id=client["id"])
        self.fire("dwelling", dwelling, "let", "let", self.now, lease_type=kind,
                  lease_start=start.isoformat())
        self.fire("client", client, "house", "housed", self.now, dwelling_id=dwelling["id"])
        self.schedule_lease(lease)

    def register_institution_lease(self, _: Any) -> None:
        start = self.now.date() - timedelta(days=self.rng.randint(0, 700))
        provider = _weighted(self.rng, self.institution_providers)
        lease = self.new_row("lease", {
            "dwelling_id": None, "client_id": None,
            "corporation_id": _weighted(self.rng, self.corporations),
            "care_provider_id": provider, "tenant_care_provider_id": provider,
            "lease_type": "flip", "is_institution": True, "start_on": start,
            "review_on": start + relativedelta(months=24), "end_on": None,
            "transferred_on": None, "ended_on": None, "state": "active", "version": 1,
            "created_at": self.now,
        })
        lease["address"] = f"Instellingsweg {lease['id']}"
        self.fire("lease", lease, "create", "active", self.now, institution=True)
        self.schedule_lease(lease)

    def tick_on(self, day: date) -> datetime:
        """The first nightly tick on or after `day` that comes after now."""
        moment = self.moment(day, tick=True)
        return moment if moment > self.now else self.moment(self.now.date() + timedelta(days=1),
                                                            tick=True)

    def schedule_lease(self, lease: dict[str, Any]) -> None:
        if lease["lease_type"] == "flip":
            self.at(self.tick_on(lease["review_on"] - relativedelta(months=3)), self.due, lease)
        elif lease["lease_type"] == "campus":
            self.at(self.tick_on(lease["end_on"] - relativedelta(months=6)),
                    self.approach_end, lease)
        elif self.rng.random() < 0.04:
            self.at(self.later(self.now, 100, 1200), self.end, lease)

    def due(self, lease: dict[str, Any]) -> None:
        if lease["state"] not in ("active", "extended"):
            return
        self.fire("lease", lease, "due", "review_due", self.now,
                  review_on=lease["review_on"].isoformat())
        self.at(self.later(self.now, 10, 120), self.review, lease)

    def review(self, lease: dict[str, Any]) -> None:
        draw = self.rng.random()
        if draw < 0.6:
            on = min(lease["review_on"], self.now.date())
            self.fire("lease", lease, "transfer", "transferred", self.now, on=on.isoformat())
            lease.update(transferred_on=on, tenant_care_provider_id=None)
        elif draw < 0.9:
            new = lease["review_on"] + relativedelta(months=self.rng.randint(6, 12))
            self.fire("lease", lease, "extend", "extended", self.now,
                      review_on=new.isoformat(), reason="nog niet klaar voor omklap")
            lease["review_on"] = new
            self.at(self.tick_on(new - relativedelta(months=3)), self.due, lease)

    def approach_end(self, lease: dict[str, Any]) -> None:
        if lease["state"] == "active":
            self.fire("lease", lease, "approach_end", "ending", self.now,
                      end_on=lease["end_on"].isoformat())
            self.at(self.tick_on(lease["end_on"]), self.end, lease)

    def end(self, lease: dict[str, Any]) -> None:
        if lease["state"] in ("active", "ending"):
            on = lease["end_on"] or self.now.date()
            self.fire("lease", lease, "end", "ended", self.now, on=on.isoformat(),
                      reason="einde huurovereenkomst")
            lease["ended_on"] = on


# --- writing it -------------------------------------------------------------------------------


def _insert(connection: Connection, name: str, rows: list[dict[str, Any]]) -> None:
    """Write `rows` with each value passed through its column type's bind processor first:
    the values SQLAlchemy's own insert() would send, without its per-row overhead. SQLite
    gets executemany in chunks, PostgreSQL a COPY (executemany sends a statement per row)."""
    table, dialect = SQLModel.metadata.tables[name], connection.dialect
    columns = list(table.c)
    quote = dialect.identifier_preparer.quote
    keys = [(c.name, c.type.dialect_impl(dialect).bind_processor(dialect)) for c in columns]
    names = ", ".join(quote(c.name) for c in columns)

    def values(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(process(row.get(key)) if process else row.get(key) for key, process in keys)

    if dialect.name == "postgresql":
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {quote(name)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(values(row))
        return
    sql = f"INSERT INTO {quote(name)} ({names}) VALUES ({', '.join('?' for _ in columns)})"
    for first in range(0, len(rows), CHUNK):
        connection.exec_driver_sql(sql, [values(row) for row in rows[first:first + CHUNK]])


def _reference_fixture(session: Session, volumes: Volumes, ids: dict[str, int]) -> None:
    """Year figures at the benchmark's volume where the reference data has none for the years
    of the history: the MO/BW task, contingents, the verdeelbesluit and statushouder task of
    2026 (a fixture: the seeds stop at 2025)."""
    yearly = round(volumes.dwellings / ((TODAY - START).days / 365.25))
    for year in range(START.year, TODAY.year + 1):
        session.merge(YearParameter(year=year, name="mobw_task", value=Decimal(yearly),
                                    is_assumption=True, source="benchmark fixture"))
        total = sum(PROVIDER_WEIGHTS.values())
        for name, weight in PROVIDER_WEIGHTS.items():
            session.merge(Contingent(year=year, care_provider_id=ids[name],
                                     contingent=max(1, round(yearly * weight / total))))
    latest = session.exec(select(AllocationTarget).where(AllocationTarget.year == 2025)).all()
    for line in latest:
        session.add(AllocationTarget(
            year=TODAY.year, group=line.group, target_group=line.target_group,
            places=max(1, round(line.places * yearly / 1235)),
            requested_from_corporations=line.requested_from_corporations,
            source="benchmark fixture"))
    for half, task in ((f"{TODAY.year - 1}H2", 360), (f"{TODAY.year}H1", 350),
                       (f"{TODAY.year}H2", 340)):
        if session.get(StatushouderTask, half) is None:
            session.add(StatushouderTask(half_year=half, task=task, source="benchmark fixture"))
    session.commit()


def build_history(engine: Engine, volumes: Volumes, seed: int) -> Built:
    """Simulate and write the history into a migrated database with the reference data."""
    with Session(engine) as session:
        ids = {o.name: o.id or 0 for o in session.exec(select(Organisation))}
        phase_of = {g.code: g.phase for g in session.exec(select(TargetGroup))}
        reasons: dict[str, list[str]] = {"landlord": [], "candidate": []}
        for reason in session.exec(select(ReasonCode).where(
                col(ReasonCode.needs_motivation).is_(False))):
            reasons[reason.kind].append(reason.code)
        _reference_fixture(session, volumes, ids)
    simulation = Simulation(random.Random(seed), volumes, ids, phase_of, reasons)
    simulation.run()
    order = ("client", "dwelling", "proposal", "candidate", "lease", "client_event",
             "dwelling_event", "proposal_event", "candidate_event", "lease_event")
    with engine.begin() as connection:
        for name in order:
            _insert(connection, name, simulation.tables[name])
        if connection.dialect.name == "postgresql":
            for name in order:
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {name}))"))
    if engine.dialect.name == "postgresql":
        # What autovacuum does after many inserts: planner statistics and the visibility map.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return Built({name: len(simulation.tables[name]) for name in order})
