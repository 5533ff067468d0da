"""Simulate one year of MO/BW matching at Utrecht's volumes, entirely through the services.

    .venv/bin/python benchmarks/simulate_year.py                 # 2019: 385 dwellings, 550 + 400
    .venv/bin/python benchmarks/simulate_year.py --quick --json  # a small smoke run

Every change goes through `matching.services.*` with an explicit `now=` (an aware UTC moment),
in the order in which it would have happened, driven by a queue of timed steps. Randomness
comes from `random.Random(seed)` only, so the same options on a fresh database print the same
figures. The model (see benchmarks/README.md):

- care providers (about ten, Lister, De Tussenvoorziening and Leger des Heils the largest)
  referred a waiting list (the backlog) over the eighteen months before 1 January; Het Vierde
  Huis approved each referral a few working days after it came in, which starts the wait;
- early in January the matcher divides the year's task over the providers
  (`set_default_contingents`: proportional to waiting clients on 1 January);
- new referrals arrive on working days through the year and are approved a few days later;
- the five STUW corporations submit their quarter quotas (task x weight, largest remainder,
  the instroom share as flip leases) on working days spread over each quarter;
- for each submitted dwelling the matcher proposes the engine's top suggestions (no
  motivation needed); when the engine finds nobody eligible the dwelling waits for new
  clients and is tried again after 1, 2, 3, then every 5 working days;
- the corporation decides within a few working days, rejecting each candidate with
  probability `--reject-share` (a landlord reason code from the reference data, with a
  motivation) and accepting the best-ranked one it did not reject; when it rejects all of
  them the matcher proposes a new round;
- the client answers the one-time offer: mostly yes, a small share declines for a valid
  reason (the dwelling gets a new round, the client keeps their place);
- the corporation lets the dwelling one to two weeks later (flip lease for instroom dwellings,
  direct otherwise), the lease starting within a week of signing or when the dwelling is free;
- a weekly `run_tick` escalates rounds left past their deadline.

The simulation stops at 31 December; a dwelling counts as let when its lease was signed in
the year (its lease may start in early January).
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import math
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, func, select

from matching import planning
from matching.db import get_engine
from matching.demo.districts import CORPORATION_WIJKEN, STOCK
from matching.migrations import upgrade
from matching.models import Client, Contingent, Lease, Organisation, Proposal, ReasonCode
from matching.parameters import year_parameters
from matching.services.administration import set_year_parameter
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.errors import NotFound
from matching.services.leases import let_dwelling
from matching.services.matching import suggest_for_dwelling
from matching.services.planning import corporation_weights, set_default_contingents
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.reference import load_reference
from matching.services.timers import run_tick
from matching.services.users import create_user, user_by_email
from matching.workdays import add_working_days, is_working_day

PASSWORD = "simulatie-wachtwoord-2019"
CANDIDATE_DECLINE_SHARE = 0.05  # offers declined by the client, for a reason HVH accepts
AMBITION_MONTHS = 3

# (full run, --quick): dwellings (None: the year's task), backlog on 1 January, arrivals.
FULL = (None, 550, 400)
QUICK = (60, 80, 40)

# Care providers with clients: (name, weight in the referrals, mix of target groups, share
# of clients whose provider agrees to be the tenant of a flip lease).
PROVIDERS: tuple[tuple[str, int, str, float], ...] = (
    ("Lister", 20, "mobw", 0.9),
    ("De Tussenvoorziening", 20, "mobw", 0.9),
    ("Leger des Heils", 16, "mobw", 0.85),
    ("Altrecht", 8, "mobw", 0.8),
    ("Kwintes", 7, "mobw", 0.8),
    ("Moviera", 6, "women", 0.2),
    ("Fivoor", 5, "forensic", 0.7),
    ("Jellinek", 4, "mobw", 0.3),
    ("BACK UP", 4, "mobw", 0.6),
    ("Youké", 4, "youth", 0.3),
    ("Exodus", 3, "forensic", 0.3),
)
GROUP_MIXES: dict[str, tuple[tuple[str, int], ...]] = {
    "mobw": (("mobw_uitstroom", 62), ("mobw_instroom", 26), ("jongvolwassene", 4),
             ("corporatiehotel", 3), ("doorstroom_tijdelijk", 3), ("wlz_forensisch", 2)),
    "youth": (("jongvolwassene", 75), ("mobw_uitstroom", 25)),
    "women": (("vrouwenopvang", 90), ("mobw_uitstroom", 10)),
    "forensic": (("wlz_forensisch", 55), ("wonen_na_detentie", 20), ("mobw_uitstroom", 25)),
}
CORPORATIONS = ("Mitros", "Portaal", "Bo-Ex", "SSH", "GroenWest")
MATCHER_ORGANISATION = "Het Vierde Huis"

# Where each corporation's dwellings are: the demo's district weights (Overvecht the most).
POSTCODES = {"Overvecht": "3562", "Zuidwest": "3526", "Noordwest": "3552", "Zuid": "3523",
             "Leidsche Rijn": "3543", "Oost": "3584", "West": "3531", "Noordoost": "3572",
             "Vleuten-De Meern": "3452", "Binnenstad": "3511"}

# Landlord reasons for rejecting an eligible candidate, with the motivation written down.
REJECTIONS = {
    "area_concentration": "In deze portiek wonen al meerdere begeleide huurders.",
    "liveability_complex": "Complex staat onder druk; eerst een andere keuze voor leefbaarheid.",
    "community_acceptance": "Buurtbeheer vraagt eerst een kennismaking met de bewonerscommissie.",
    "support_not_confirmed": "Begeleiding is nog niet bevestigd door de zorgaanbieder.",
    "support_not_available_at_location": "Ambulante begeleiding kan hier niet dagelijks komen.",
    "support_capacity_chain": "Het buurtteam heeft nu geen ruimte voor extra ondersteuning.",
    "low_stimulus_needed": "Gehorige flat; de cliënt heeft een prikkelarme woonplek nodig.",
    "dwelling_type_not_in_profile": "Bovenwoning met steile trap past niet bij het profiel.",
    "student_complex_cap": "Het complex heeft het maximum van 15% bijzondere doelgroepen bereikt.",
    "mixed_living_fit": "Kandidaat past niet in het concept van gemengd wonen in dit complex.",
    "other": "Eerdere overlastmelding op dit adres; eerst overleg met de zorgaanbieder.",
}
DECLINES = ("location_unsuitable", "dwelling_unsuitable", "candidate_rent_too_high")
DECLINE_MOTIVATION = "Cliënt ziet de woning niet zitten; HVH accepteert de reden."


# --- settings and results --------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    seed: int
    year: int
    reject_share: float
    backlog: int
    arrivals: int
    dwellings: int | None  # None: the year's MO/BW task from the year parameters
    database_url: str | None
    quick: bool
    json: bool = False
    fairness: bool = True  # False: the ranking's provider fairness factor set to 0 points

    def as_dict(self) -> dict[str, Any]:
        return {"seed": self.seed, "year": self.year, "reject_share": self.reject_share,
                "backlog": self.backlog, "arrivals": self.arrivals, "quick": self.quick,
                "fairness": self.fairness}


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware UTC moment on `day`; hours 6-16 UTC are the same calendar day in Utrecht."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) + timedelta(minutes=minute)


def _working_days(first: date, last: date) -> list[date]:
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in days if is_working_day(d)]


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile (the smallest value with at least `fraction` at or below it)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return float(ordered[rank - 1])


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


# --- the simulation --------------------------------------------------------------------------


@dataclass
class _Dwelling:
    corporation: str
    designation: str
    lease_type: str
    available_from: date
    submit_at: datetime
    number: int
    id: int = 0
    state: str = "planned"
    submitted_on: date | None = None
    proposal_id: int | None = None
    candidates: list[int] = field(default_factory=list)
    matched: int | None = None
    no_eligible_since: date | None = None
    no_eligible_days: int = 0
    no_eligible_tries: int = 0
    ever_without_eligible: bool = False
    short_rounds: int = 0


@dataclass
class _Counts:
    rejections: Counter[str] = field(default_factory=Counter)
    declines: int = 0
    accepted_offers: int = 0
    rounds_escalated: int = 0
    searches_without_eligible: int = 0
    steps: int = 0


Step = Callable[..., None]


class Simulation:
    """The year as a queue of timed steps; each step calls one or a few services."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.s = session
        self.cfg = settings
        self.year = settings.year
        self.rng = random.Random(settings.seed)
        self.end = _moment(date(self.year, 12, 31), 23)
        self.queue: list[tuple[datetime, int, Step, tuple[Any, ...]]] = []
        self.seq = itertools.count()
        self.org_id = {o.name: o.id for o in session.exec(select(Organisation))
                       if o.id is not None}
        missing = [n for n in (*CORPORATIONS, MATCHER_ORGANISATION, *(p[0] for p in PROVIDERS))
                   if n not in self.org_id]
        if missing:
            raise SystemExit(f"reference data lacks organisation(s): {', '.join(missing)}")
        reasons = list(session.exec(select(ReasonCode).where(col(ReasonCode.active))
                                    .order_by(col(ReasonCode.code))))
        self.landlord_codes = [r.code for r in reasons if r.kind == "landlord"
                               and r.code != "dwelling_withdrawn"]
        self.candidate_codes = [r.code for r in reasons if r.kind == "candidate"]
        if not self.landlord_codes or not self.candidate_codes:
            raise SystemExit("reference data lacks landlord or candidate reason codes")
        self.params = year_parameters(session, self.year)
        self.dwellings: list[_Dwelling] = []
        self.client_ids: list[int] = []
        self.backlog_ids: list[int] = []
        self.support: dict[int, bool] = {}
        self.counts = _Counts()
        self.users: dict[str, Any] = {}
        # A second run on the same database needs fresh client references.
        existing = session.exec(select(func.count()).select_from(Client)).one()
        self.references = itertools.count(int(existing) + 1)

    # --- the clock -------------------------------------------------------------------------

    def at(self, when: datetime, step: Step, *args: Any) -> None:
        heapq.heappush(self.queue, (when, next(self.seq), step, args))

    def later(self, day: date, working_days: int, hour: int) -> datetime:
        return _moment(add_working_days(day, working_days), hour, self.rng.randrange(60))

    def run(self) -> None:
        self.create_users()
        self.plan_clients()
        self.plan_dwellings()
        first = add_working_days(date(self.year - 1, 12, 31), 1)
        self.at(_moment(first, 7), self.contingents)
        for day in _working_days(date(self.year, 1, 1), date(self.year, 12, 31)):
            if day.weekday() == 0:
                self.at(_moment(day, 5), self.tick)
        while self.queue and self.queue[0][0] < self.end:
            when, _seq, step, args = heapq.heappop(self.queue)
            self.counts.steps += 1
            try:
                step(when, *args)
            except Exception as error:
                error.add_note(f"simulation step {step.__name__} at {when.isoformat()} failed")
                raise
        self.close_waiting_for_eligible(self.end.date())

    # --- users -----------------------------------------------------------------------------

    def user(self, organisation: str, role: str, manager: bool = False) -> Any:
        slug = "".join(ch for ch in organisation.lower() if ch.isalnum())
        email = f"sim.{role}.{slug}@simulatie.example"
        try:
            found = user_by_email(self.s, email)
        except NotFound:
            found = create_user(self.s, email=email, organisation_name=organisation, role=role,
                                password=PASSWORD, contingent_manager=manager,
                                now=_moment(date(self.year - 2, 6, 1), 8))
        self.users[organisation] = found
        return found

    def create_users(self) -> None:
        self.matcher = self.user(MATCHER_ORGANISATION, "matcher", manager=True)
        for name in CORPORATIONS:
            self.user(name, "corporation")
        for provider in PROVIDERS:
            self.user(provider[0], "care_provider")

    # --- clients ---------------------------------------------------------------------------

    def plan_clients(self) -> None:
        y, rng = self.year, self.rng
        before = _working_days(date(y - 2, 7, 1), date(y - 1, 12, 17))
        during = _working_days(date(y, 1, 2), date(y, 12, 20))
        providers = [(p[0], float(p[1])) for p in PROVIDERS]
        plan = [(rng.choice(before), True) for _ in range(self.cfg.backlog)]
        plan += [(rng.choice(during), False) for _ in range(self.cfg.arrivals)]
        for day, backlog in sorted(plan):
            provider = _weighted(rng, providers)
            self.at(_moment(day, 8, rng.randrange(120)), self.register, provider, backlog)

    def client_data(self, provider: str, day: date) -> dict[str, Any]:
        rng = self.rng
        name, _weight, mix, flip_share = next(p for p in PROVIDERS if p[0] == provider)
        group = _weighted(rng, GROUP_MIXES[mix])
        if group == "mobw_instroom" and flip_share < 0.5:
            group = "mobw_uitstroom"  # Beschermd Thuis entrants come where the provider flips
        single = {"vrouwenopvang": 0.4, "jongvolwassene": 0.92}.get(group, 0.8)
        adults, children = 1, 0
        if rng.random() > single:  # a single parent or a couple
            adults = 2 if group != "vrouwenopvang" and rng.random() < 0.45 else 1
            children = rng.randint(1 if adults == 1 else 0, 3)
        ages = {"jongvolwassene": (18, 27), "vrouwenopvang": (20, 50),
                "wlz_forensisch": (25, 62), "wonen_na_detentie": (22, 55)}
        low, high = ages.get(group, (21, 66))
        age = rng.randint(low, high) if group in ages else int(rng.triangular(low, high, 36))
        if adults == 2:
            income = rng.randrange(20_000, 29_000, 10)
        elif children:
            income = rng.randrange(17_000, 23_500, 10)
        elif age < 21:
            income = rng.randrange(8_000, 14_000, 10)
        else:
            income = (rng.randrange(13_000, 22_000, 10) if rng.random() < 0.88
                      else rng.randrange(22_000, 27_000, 10))
        needs = [n for n, p in (("ground_floor", 0.03), ("lift", 0.02), ("wheelchair", 0.01))
                 if rng.random() < p]
        excluded: list[str] = []
        if rng.random() < (0.5 if group == "vrouwenopvang" else 0.08):
            excluded = rng.sample(sorted(STOCK), rng.randint(1, 2))
        flip_ok = rng.random() < (0.97 if group == "mobw_instroom" else flip_share)
        prefix = "".join(ch for ch in name.upper() if ch.isalpha())[:3]
        hotel: dict[str, Any] = {}
        if group == "corporatiehotel":
            # A corporation hotel houses at most three persons; the stay began a month ago.
            children = min(children, 3 - adults)
            hotel = {"hotel_stay_since": day - timedelta(days=30),
                     "hotel_kind": "single" if adults + children == 1 else "family"}
        return {**hotel,
            "reference": f"SIM-{prefix}-{next(self.references):05d}",
            "target_group": group, "adults": adults, "children": children,
            "birth_year": self.year - age, "annual_income": income, "needs": needs,
            "excluded_wijken": excluded, "preferred_wijken": [],
            "flip_lease_ok": flip_ok, "support_confirmed": rng.random() < 0.9,
            "registered_on": day,
        }

    def register(self, when: datetime, provider: str, backlog: bool) -> None:
        data = self.client_data(provider, when.date())
        client = register_client(self.s, data=data, actor=self.users[provider], now=when)
        assert client.id is not None
        self.client_ids.append(client.id)
        self.support[client.id] = data["support_confirmed"]
        if backlog:
            self.backlog_ids.append(client.id)
        self.at(self.later(when.date(), self.rng.randint(2, 6), 10), self.approve, client.id)

    def approve(self, when: datetime, client_id: int) -> None:
        approve_client(self.s, client_id=client_id, actor=self.matcher, now=when)

    def contingents(self, when: datetime) -> None:
        set_default_contingents(self.s, year=self.year, actor=self.matcher, now=when)

    def tick(self, when: datetime) -> None:
        report = run_tick(self.s, now=when)
        self.counts.rounds_escalated += report.fired.get("proposal.escalate", 0)

    # --- dwellings -------------------------------------------------------------------------

    def plan_dwellings(self) -> None:
        y, rng = self.year, self.rng
        weights = corporation_weights(self.s, y)
        names = {self.org_id[n]: n for n in CORPORATIONS}
        stuw = {str(k): v for k, v in weights.items() if k in names}
        if not stuw:
            raise SystemExit(f"reference data has no corporation weights for {y}")
        total = self.cfg.dwellings if self.cfg.dwellings is not None else self.params.mobw_task
        cells = planning.quarter_quotas(total, stuw, self.params.instroom_share_pct)
        for cell in cells:
            corporation = names[int(cell.corporation)]
            first = date(y, 3 * cell.quarter - 2, 1)
            last = (date(y, 12, 20) if cell.quarter == 4
                    else date(y, 3 * cell.quarter + 1, 1) - timedelta(days=1))
            days = _working_days(first, last)
            if cell.quarter == 1:
                days = days[1:]  # the contingents are set on the first working day
            designations = ["instroom"] * cell.instroom_quota
            designations += ["uitstroom"] * (cell.quota - cell.instroom_quota)
            for designation in designations:
                day = rng.choice(days)
                d = _Dwelling(
                    corporation=corporation, designation=designation,
                    lease_type="flip" if designation == "instroom" else "direct",
                    available_from=day + timedelta(days=rng.randint(14, 42)),
                    submit_at=_moment(day, 11, rng.randrange(120)),
                    number=len(self.dwellings) + 1,
                )
                self.dwellings.append(d)
                entered = _moment(day - timedelta(days=rng.randint(0, 3)), 7, rng.randrange(60))
                self.at(min(entered, d.submit_at), self.create, d)

    def dwelling_data(self, d: _Dwelling) -> dict[str, Any]:
        rng, p = self.rng, self.params
        wijk = _weighted(rng, list(CORPORATION_WIJKEN[d.corporation].items()))
        if d.corporation == "SSH":
            rooms, area = 1, rng.randint(30, 40)
            rent = rng.uniform(400, 476)
        else:
            rooms = _weighted(rng, ((1, 15), (2, 45), (3, 30), (4, 10)))
            area = rng.randint(*{1: (30, 42), 2: (40, 60), 3: (55, 75), 4: (70, 90)}[rooms])
            rent = 330 + area * 4.4 + rng.uniform(-40, 40)
            # Most dwellings for these groups are offered at or under the aftoppingsgrens.
            limit = float(p.aftoppingsgrens_low if rooms <= 2 else p.aftoppingsgrens_high)
            if rent > limit and rng.random() < 0.85:
                rent = limit - rng.uniform(0, 25)
        rent = min(720.0, max(400.0, rent))
        floor = 0 if rng.random() < 0.3 else rng.randint(1, 9 if wijk == "Overvecht" else 4)
        lift = floor >= 4 or (floor > 0 and rng.random() < 0.2)
        letters = "ABCEGHJKLMNPRTVWXZ"
        return {
            "address": f"Simulatiestraat {d.number}, Utrecht",
            "postcode": POSTCODES[wijk] + rng.choice(letters) + rng.choice(letters),
            "wijk": wijk, "rooms": rooms, "floor_area_m2": area,
            "rent": f"{Decimal(str(rent)).quantize(Decimal('0.01'))}",
            "floor": floor, "has_lift": lift,
            "accessible": (floor == 0 or lift) and rng.random() < 0.08,
            "senior_label": d.corporation != "SSH" and rng.random() < 0.02,
            "designation": d.designation, "lease_type": d.lease_type,
            "available_from": d.available_from,
        }

    def create(self, when: datetime, d: _Dwelling) -> None:
        actor = self.users[d.corporation]
        made = create_dwelling(self.s, data=self.dwelling_data(d), actor=actor, now=when)
        assert made.id is not None
        d.id, d.state = made.id, "draft"
        self.at(d.submit_at, self.submit, d)

    def submit(self, when: datetime, d: _Dwelling) -> None:
        submit_dwelling(self.s, dwelling_id=d.id, actor=self.users[d.corporation], now=when)
        d.state, d.submitted_on = "submitted", when.date()
        self.at(self.later(when.date(), self.rng.randint(1, 2), 13), self.propose, d)

    # --- rounds ----------------------------------------------------------------------------

    def propose(self, when: datetime, d: _Dwelling) -> None:
        if d.state != "submitted":
            return
        day = when.date()
        suggestions = suggest_for_dwelling(self.s, dwelling_id=d.id, actor=self.matcher,
                                           now=when)
        ids = suggestions.top_ids
        if not ids:
            # Nobody eligible: wait for new clients, trying again after 1, 2, 3, 5, 5, ... days.
            self.counts.searches_without_eligible += 1
            if d.no_eligible_since is None:
                d.no_eligible_since = day
            d.ever_without_eligible = True
            d.no_eligible_tries += 1
            wait = (1, 2, 3)[d.no_eligible_tries - 1] if d.no_eligible_tries <= 3 else 5
            self.at(self.later(day, wait, 13), self.propose, d)
            return
        self.close_waiting_for_eligible(day, d)
        proposal = propose_candidates(self.s, dwelling_id=d.id, client_ids=ids,
                                      actor=self.matcher, now=when)
        assert proposal.id is not None
        if len(ids) < self.params.candidates_per_round:
            d.short_rounds += 1
        d.state, d.proposal_id, d.candidates = "proposed", proposal.id, list(ids)
        late = self.rng.random() < 0.05  # now and then a corporation misses the deadline
        delay = self.rng.randint(6, 8) if late else self.rng.randint(1, 4)
        self.at(self.later(day, delay, 9), self.decide, d)

    def close_waiting_for_eligible(self, day: date, only: _Dwelling | None = None) -> None:
        for d in [only] if only is not None else self.dwellings:
            if d.no_eligible_since is not None:
                d.no_eligible_days += (day - d.no_eligible_since).days
                d.no_eligible_since = None
                d.no_eligible_tries = 0

    def rejection(self, d: _Dwelling, client_id: int) -> str:
        """Pick a landlord reason that fits the dwelling and the candidate."""
        options = ["community_acceptance", "support_capacity_chain", "low_stimulus_needed",
                   "dwelling_type_not_in_profile", "liveability_complex", "other"]
        if d.corporation == "SSH":
            options += ["student_complex_cap", "mixed_living_fit"] * 3
        if d.designation == "instroom":
            options += ["support_not_available_at_location"] * 2
        if not self.support.get(client_id, True):
            options += ["support_not_confirmed"] * 6
        known = [code for code in options if code in self.landlord_codes]
        return self.rng.choice(known or self.landlord_codes)

    def decide(self, when: datetime, d: _Dwelling) -> None:
        assert d.proposal_id is not None
        actor = self.users[d.corporation]
        rejected = [c for c in d.candidates if self.rng.random() < self.cfg.reject_share]
        kept = [c for c in d.candidates if c not in rejected]
        for n, client_id in enumerate(rejected):
            code = self.rejection(d, client_id)
            motivation = REJECTIONS.get(code, "Zie de toelichting in het dossier.")
            decide_candidate(self.s, proposal_id=d.proposal_id, client_id=client_id,
                             decision="reject", reason_code=code, motivation=motivation,
                             actor=actor, now=when + timedelta(minutes=n))
            self.counts.rejections[code] += 1
        if not kept:
            # Every candidate rejected (with reasons): the matcher proposes new clients.
            d.state, d.proposal_id, d.candidates = "submitted", None, []
            self.at(self.later(when.date(), self.rng.randint(1, 2), 13), self.propose, d)
            return
        chosen = kept[0]  # the best-ranked candidate the corporation did not reject
        decide_candidate(self.s, proposal_id=d.proposal_id, client_id=chosen, decision="accept",
                         actor=actor, now=when + timedelta(minutes=len(rejected) + 1))
        d.state, d.matched, d.proposal_id, d.candidates = "matched", chosen, None, []
        self.at(self.later(when.date(), self.rng.randint(1, 5), 14), self.answer, d)

    def answer(self, when: datetime, d: _Dwelling) -> None:
        if self.rng.random() < CANDIDATE_DECLINE_SHARE:
            known = [c for c in DECLINES if c in self.candidate_codes]
            code = self.rng.choice(known or self.candidate_codes)
            record_offer_answer(self.s, dwelling_id=d.id, answer="declined", reason_code=code,
                                valid=True, motivation=DECLINE_MOTIVATION, actor=self.matcher,
                                now=when)
            self.counts.declines += 1
            d.state, d.matched = "submitted", None
            self.at(self.later(when.date(), self.rng.randint(1, 2), 13), self.propose, d)
            return
        record_offer_answer(self.s, dwelling_id=d.id, answer="accepted", actor=self.matcher,
                            now=when)
        self.counts.accepted_offers += 1
        d.state = "offer_accepted"
        self.at(self.later(when.date(), self.rng.randint(5, 10), 11), self.let, d)

    def let(self, when: datetime, d: _Dwelling) -> None:
        start = max(d.available_from, when.date() + timedelta(days=self.rng.randint(1, 7)))
        let_dwelling(self.s, dwelling_id=d.id, lease_start=start, lease_type=d.lease_type,
                     actor=self.users[d.corporation], now=when)
        d.state = "let"


# --- figures ---------------------------------------------------------------------------------


def figures(sim: Simulation) -> dict[str, Any]:
    """Read what the system recorded for this run's dwellings and clients."""
    s, year = sim.s, sim.year
    submitted = [d for d in sim.dwellings if d.submitted_on is not None]
    by_id = {d.id: d for d in submitted}
    dwelling_ids = sorted(by_id)
    leases = list(s.exec(select(Lease).where(col(Lease.dwelling_id).in_(dwelling_ids))
                         .order_by(col(Lease.id)))) if dwelling_ids else []
    housed_ids = [lease.client_id for lease in leases if lease.client_id is not None]
    clients = {c.id: c for c in s.exec(select(Client).where(col(Client.id).in_(housed_ids)))}

    # Lets per care provider against the contingents (set once, early in the year).
    contingents = {row.care_provider_id: row.contingent
                   for row in s.exec(select(Contingent).where(Contingent.year == year))}
    names = {i: n for n, i in sim.org_id.items()}
    lets = Counter(lease.care_provider_id for lease in leases)
    total_contingent = sum(contingents.values())
    total_lets = len(leases)
    providers = []
    for provider_id in sorted(set(contingents) | {p for p in lets if p is not None},
                              key=lambda p: (-contingents.get(p, 0), names.get(p, ""))):
        contingent = contingents.get(provider_id, 0)
        done = lets.get(provider_id, 0)
        if not contingent and not done:
            continue
        c_share, l_share = _share(contingent, total_contingent), _share(done, total_lets)
        providers.append({
            "provider": names.get(provider_id, str(provider_id)), "contingent": contingent,
            "contingent_share": c_share, "lets": done, "let_share": l_share,
            "difference_points": round(100 * (l_share - c_share), 1),
        })

    # Waiting: from the start of the wait to the start of the lease.
    waits: list[float] = []
    within = 0
    for lease in leases:
        client = clients[lease.client_id]
        assert client.waiting_since is not None
        waits.append((lease.start_on - client.waiting_since).days)
        if lease.start_on <= client.waiting_since + relativedelta(months=AMBITION_MONTHS):
            within += 1
    backlog = set(sim.backlog_ids)
    housed_backlog = sum(1 for i in housed_ids if i in backlog)

    # Rounds per dwelling (every round the dwelling had, open ones included).
    rounds = dict(s.exec(select(Proposal.dwelling_id, func.count())
                         .where(col(Proposal.dwelling_id).in_(dwelling_ids))
                         .group_by(col(Proposal.dwelling_id))).all()) if dwelling_ids else {}
    per_dwelling = [int(n) for n in rounds.values()]
    distribution = {"1": sum(1 for n in per_dwelling if n == 1),
                    "2": sum(1 for n in per_dwelling if n == 2),
                    "3+": sum(1 for n in per_dwelling if n >= 3)}

    # Vacancy: from submission to the start of the lease.
    vacancy: list[float] = []
    for lease in leases:
        assert lease.dwelling_id is not None
        d = by_id[lease.dwelling_id]
        assert d.submitted_on is not None
        vacancy.append((lease.start_on - d.submitted_on).days)

    unlet = Counter(d.state for d in submitted if d.state != "let")
    without = [d for d in submitted if d.ever_without_eligible]
    return {
        "seed": sim.cfg.seed, "year": year, "settings": sim.cfg.as_dict(),
        "dwellings": len(submitted),
        "instroom_dwellings": sum(1 for d in submitted if d.designation == "instroom"),
        "clients": {"backlog": len(sim.backlog_ids),
                    "arrivals": len(sim.client_ids) - len(sim.backlog_ids),
                    "housed": len(leases), "housed_from_backlog": housed_backlog},
        "lets": total_lets,
        "providers": providers,
        "wait_days": {"housed": len(waits), "median": percentile(waits, 0.5),
                      "p90": percentile(waits, 0.9)},
        "housed_within_three_months_share": _share(within, len(waits)),
        "rounds_per_dwelling": {
            "dwellings": len(per_dwelling),
            "mean": round(sum(per_dwelling) / len(per_dwelling), 3) if per_dwelling else None,
            "distribution": distribution,
            "without_round": len(submitted) - len(per_dwelling),
            "short_rounds": sum(d.short_rounds for d in submitted),
        },
        "vacancy_days": {"let": len(vacancy), "median": percentile(vacancy, 0.5),
                         "p90": percentile(vacancy, 0.9)},
        "no_eligible_client": {"dwellings": len(without),
                               "days": sum(d.no_eligible_days for d in without),
                               "searches": sim.counts.searches_without_eligible},
        "candidates_rejected": sum(sim.counts.rejections.values()),
        "rejections_by_reason": dict(sorted(sim.counts.rejections.items())),
        "offers_declined": sim.counts.declines,
        "rounds_escalated": sim.counts.rounds_escalated,
        "unlet_at_year_end": sum(unlet.values()),
        "unlet_by_state": dict(sorted(unlet.items())),
    }


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} days"


def _provider_rows(providers: Sequence[dict[str, Any]], width: int) -> list[str]:
    return [f"  {p['provider']:<{width}} {p['contingent']:>10} {p['contingent_share']:>7.1%} "
            f"{p['lets']:>5} {p['let_share']:>7.1%} {p['difference_points']:>+10.1f}"
            for p in providers]


def report_lines(result: dict[str, Any], seconds: float) -> list[str]:
    """The figures as readable lines."""
    c, r = result["clients"], result["rounds_per_dwelling"]
    width = max([22, *(len(p["provider"]) for p in result["providers"])])
    lines = [
        f"Year simulation {result['year']} (seed {result['seed']}, reject share "
        f"{result['settings']['reject_share']}): {result['dwellings']} dwellings submitted "
        f"({result['instroom_dwellings']} instroom), {c['backlog']} clients waiting on 1 "
        f"January, {c['arrivals']} arrivals",
        "",
        "Lets per care provider against its contingent:",
        f"  {'provider':<{width}} {'contingent':>10} {'share':>7} {'lets':>5} {'share':>7} "
        f"{'diff (pts)':>10}",
    ]
    lines += _provider_rows(result["providers"], width)
    if "without_fairness" in result:
        spread_with = result["provider_share_spread"]["with_fairness"]
        spread_without = result["provider_share_spread"]["without_fairness"]
        lines += [
            "",
            "The same year without the fairness factor (0 points for a provider behind its "
            f"contingent; {result['without_fairness']['lets']} lets):",
            f"  {'provider':<{width}} {'contingent':>10} {'share':>7} {'lets':>5} {'share':>7} "
            f"{'diff (pts)':>10}",
            *_provider_rows(result["without_fairness"]["providers"], width),
            "",
            f"Distance of the providers' shares of lets from their contingent shares: with the "
            f"fairness factor largest {spread_with['largest_points']:.1f} pts, mean "
            f"{spread_with['mean_points']:.2f} pts; without it largest "
            f"{spread_without['largest_points']:.1f} pts, mean "
            f"{spread_without['mean_points']:.2f} pts",
        ]
    elif not result["settings"].get("fairness", True):
        lines.insert(2, "(without the fairness factor: 0 points for a provider behind its "
                        "contingent)")
    w, v, n = result["wait_days"], result["vacancy_days"], result["no_eligible_client"]
    dist = r["distribution"]
    mean = "-" if r["mean"] is None else f"{r['mean']:.2f}"
    unlet = ", ".join(f"{k} {x}" for k, x in result["unlet_by_state"].items()) or "none"
    lines += [
        "",
        f"Lets: {result['lets']} of {result['dwellings']} dwellings; clients housed "
        f"{c['housed']} ({c['housed_from_backlog']} from the 1 January backlog)",
        f"Wait of housed clients (waiting start to lease start): median {_days(w['median'])}, "
        f"p90 {_days(w['p90'])}",
        f"Housed within three months of their waiting start: "
        f"{result['housed_within_three_months_share']:.1%}",
        f"Rounds per dwelling: mean {mean} over {r['dwellings']} dwellings with a round; "
        f"1 round {dist['1']}, 2 rounds {dist['2']}, 3+ rounds {dist['3+']} "
        f"({r['without_round']} without any round; {r['short_rounds']} rounds with fewer "
        f"candidates than the round size)",
        f"Candidates rejected: {result['candidates_rejected']}; offers declined by the "
        f"client: {result['offers_declined']}; rounds escalated past their deadline: "
        f"{result['rounds_escalated']}",
        f"Vacancy (submission to lease start): median {_days(v['median'])}, "
        f"p90 {_days(v['p90'])}",
        f"Dwellings that waited for an eligible client: {n['dwellings']} "
        f"({n['days']} days in all, {n['searches']} searches found nobody)",
        f"Unlet at year end: {result['unlet_at_year_end']} ({unlet})",
        f"Run time: {seconds:.1f} s",
    ]
    return lines


# --- entry point -----------------------------------------------------------------------------


@contextmanager
def _database(url: str | None) -> Iterator[str]:
    if url is not None:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="simulate-year-") as folder:
        fresh = f"sqlite:///{Path(folder) / 'simulation.sqlite'}"
        try:
            yield fresh
        finally:
            get_engine(fresh).dispose()


def _switch_off_fairness(session: Session, year: int) -> None:
    """Give a provider behind its contingent no ranking points this year: what is left of
    the providers' shares then comes from the referrals alone."""
    email = "sim.admin@simulatie.example"
    try:
        admin = user_by_email(session, email)
    except NotFound:
        admin = create_user(session, email=email, organisation_name=MATCHER_ORGANISATION,
                            role="admin", password=PASSWORD,
                            now=_moment(date(year - 2, 6, 1), 8))
    set_year_parameter(session, year=year, name="ranking_provider_fairness", value=0,
                       actor=admin, source="simulation without the fairness factor")


def spread(providers: Sequence[dict[str, Any]]) -> dict[str, float]:
    """How far the providers' shares of the lets lie from their contingent shares (points)."""
    gaps = [abs(p["difference_points"]) for p in providers]
    return {"largest_points": max(gaps, default=0.0),
            "mean_points": round(sum(gaps) / len(gaps), 2) if gaps else 0.0}


def simulate_both(settings: Settings) -> tuple[dict[str, Any], float]:
    """The year with the fairness factor (the figures at the top level) and the same year,
    seed and volumes without it (under "without_fairness"), each on a fresh database."""
    result, seconds = simulate(settings)
    # A fresh database of its own: a given --database-url holds the first run already.
    other, other_seconds = simulate(replace(settings, fairness=False, database_url=None))
    result["without_fairness"] = {"lets": other["lets"], "providers": other["providers"]}
    result["provider_share_spread"] = {"with_fairness": spread(result["providers"]),
                                       "without_fairness": spread(other["providers"])}
    return result, seconds + other_seconds


def simulate(settings: Settings) -> tuple[dict[str, Any], float]:
    """Run the simulation; return its figures and the run time in seconds."""
    started = time.perf_counter()
    with _database(settings.database_url) as url:
        upgrade(url)
        with Session(get_engine(url), expire_on_commit=False) as session:
            load_reference(session)
            if not settings.fairness:
                _switch_off_fairness(session, settings.year)
            sim = Simulation(session, settings)
            sim.run()
            result = figures(sim)
    return result, time.perf_counter() - started


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must lie between 0 and 1")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def parse_args(argv: Sequence[str] | None = None) -> tuple[Settings, bool]:
    """The settings, and whether to run the year a second time without the fairness factor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--year", type=int, default=2019, help="year to simulate (2019)")
    parser.add_argument("--reject-share", type=_fraction, default=0.3,
                        help="chance that the corporation rejects a candidate (0.3)")
    parser.add_argument("--backlog", type=_count, default=None,
                        help="clients waiting on 1 January (550; --quick 80)")
    parser.add_argument("--arrivals", type=_count, default=None,
                        help="clients referred during the year (400; --quick 40)")
    parser.add_argument("--dwellings", type=_count, default=None,
                        help="dwellings submitted (the year's MO/BW task; --quick 60)")
    parser.add_argument("--database-url", default=None,
                        help="database to use (default: a fresh SQLite file, removed after)")
    parser.add_argument("--json", action="store_true",
                        help="also print the figures as one JSON object on the last line")
    parser.add_argument("--fairness", choices=("both", "on", "off"), default="both",
                        help="run with the provider fairness factor, without it (0 points), "
                             "or both and print the shares side by side (default both)")
    parser.add_argument("--quick", action="store_true",
                        help="a small run for a smoke test: 60 dwellings, 80 backlog, "
                             "40 arrivals")
    args = parser.parse_args(argv)
    dwellings, backlog, arrivals = QUICK if args.quick else FULL
    return Settings(
        seed=args.seed, year=args.year, reject_share=args.reject_share,
        backlog=args.backlog if args.backlog is not None else backlog,
        arrivals=args.arrivals if args.arrivals is not None else arrivals,
        dwellings=args.dwellings if args.dwellings is not None else dwellings,
        database_url=args.database_url, quick=args.quick, json=args.json,
        fairness=args.fairness != "off",
    ), args.fairness == "both"


def main(argv: Sequence[str] | None = None) -> int:
    settings, both = parse_args(argv)
    result, seconds = simulate_both(settings) if both else simulate(settings)
    for line in report_lines(result, seconds):
        print(line)
    if settings.json:
        print(json.dumps(result, sort_keys=True, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
