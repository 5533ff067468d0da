"""A deterministic demo year, built entirely through the services (`matching seed demo`).

Every change goes through `matching.services.*` with an explicit `now=`, in the order in which
it would have happened, so the history reads like a real year: care providers register
clients during the year before and the demo year, Het Vierde Huis approves them, the five STUW
corporations submit about a hundred dwellings a quarter, Het Vierde Huis proposes rounds of
three, the corporation rejects a share with reasons and accepts one, the client answers the
one-time offer, and the dwelling is let. A short prelude (SSH campus lets in 2020-2021, the
institution dwellings of Lister and De Tussenvoorziening registered as flip leases since three
years before) and a monthly `tick` make every lease stage visible at the end of the year.

Randomness comes from `random.Random(seed)` only, never from the clock, so the same seed on an
empty database gives the same data. A service refusing a step is a bug in the demo: nothing
here catches TransitionNotAllowed, ValidationFailed or Conflict.
"""

import heapq
import itertools
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, func, select

from matching.models import (
    Candidate,
    Client,
    Dwelling,
    Lease,
    Organisation,
    Proposal,
    ReasonCode,
    TargetGroup,
    User,
)
from matching.parameters import year_parameters
from matching.services.clients import (
    approve_client,
    hold_client,
    register_client,
    reinstate_client,
    resume_client,
    withdraw_client,
)
from matching.services.dwellings import (
    create_dwelling,
    record_offer_answer,
    release_dwelling,
    submit_dwelling,
    withdraw_dwelling,
)
from matching.services.leases import (
    end_lease,
    extend_lease,
    let_dwelling,
    register_institution_lease,
    transfer_lease,
)
from matching.services.planning import set_default_contingents, year_quotas
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.timers import run_tick
from matching.services.users import create_user
from matching.workdays import add_working_days, is_working_day, working_days_between
from matching.workflow.states import LeaseState

DEMO_PASSWORD = "demo-wachtwoord-2025"
MARKER_EMAIL = "matcher@demo.example"
POLICY_VERSION = "demo-fit-1"

# (email, organisation, role, contingent manager): one login per role, printed by the CLI.
LOGINS = (
    ("corporatie@demo.example", "Portaal", "corporation", False),
    (MARKER_EMAIL, "Het Vierde Huis", "matcher", True),
    ("zorg@demo.example", "Lister", "care_provider", False),
    ("analist@demo.example", "Gemeente Utrecht", "analyst", False),
    ("beheer@demo.example", "Het Vierde Huis", "admin", False),
)
CORPORATIONS = {"Mitros": "MIT", "Portaal": "POR", "Bo-Ex": "BOX", "SSH": "SSH", "GroenWest": "GW"}

# Care providers with clients: (name, weight in the referrals, mix of target groups,
# willing to be the tenant of a flip lease). Three large providers and a long tail.
PROVIDERS = (
    ("Lister", 17, "mobw", True), ("De Tussenvoorziening", 17, "mobw", True),
    ("Leger des Heils", 14, "mobw", True), ("Altrecht", 6, "mobw", True),
    ("Kwintes", 5, "mobw", True), ("Moviera", 4, "women", False),
    ("Fivoor", 3, "forensic", True), ("Exodus", 3, "forensic", False),
    ("Jellinek", 3, "mobw", False), ("BACK UP", 3, "mobw", True), ("Youké", 3, "youth", False),
    ("Timon", 2, "youth", True), ("Buurtteams Sociaal", 2, "buurtteam", False),
    ("Lievegoed", 2, "mobw", False), ("Singelzicht", 2, "mobw", False),
    ("Humanitas", 2, "mobw", False), ("Amerpoort", 2, "mobw", False),
    ("Abrona", 1, "mobw", False), ("Reinaerde", 1, "mobw", False), ("Lijn 5", 1, "youth", False),
    ("'s Heerenloo", 1, "mobw", False), ("Wegloophuis", 1, "women", False),
    ("Stichting Umah-hai", 1, "mobw", False), ("Izeboud Wonen", 1, "mobw", False),
    ("Prokino", 1, "mobw", False), ("Philadelphia", 1, "mobw", False),
    ("Nedereind", 1, "mobw", False), ("Plushome", 1, "mobw", False),
    ("De Rading", 1, "youth", False), ("Van der Hoevenkliniek", 1, "forensic", False),
    ("Forensische Zorgspecialisten", 1, "forensic", False),
)
GROUP_MIXES: dict[str, tuple[tuple[str, int], ...]] = {
    "mobw": (("mobw_uitstroom", 50), ("mobw_instroom", 45), ("statushouder", 4),
             ("jongvolwassene", 4), ("corporatiehotel", 3), ("doorstroom_tijdelijk", 4),
             ("wlz_forensisch", 2), ("urgent", 1)),
    "youth": (("jongvolwassene", 80), ("mobw_uitstroom", 20)),
    "women": (("vrouwenopvang", 90), ("mobw_uitstroom", 10)),
    "forensic": (("wlz_forensisch", 55), ("wonen_na_detentie", 20), ("mobw_uitstroom", 25)),
    "buurtteam": (("citydeal", 45), ("statushouder", 35), ("urgent", 20)),
}

# The ten Utrecht districts: streets and postcode areas, and where each corporation owns.
WIJKEN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Overvecht": (("Zambesidreef", "Tigrisdreef", "Gambiadreef", "Wolgadreef", "Donaudreef",
                   "Nijldreef", "Neckardreef", "Moezeldreef", "Bernadottelaan", "Ivoordreef"),
                  ("3561", "3562", "3563", "3564")),
    "Zuidwest": (("Marnixlaan", "Columbuslaan", "Aletrinolaan", "Churchilllaan",
                  "Vasco da Gamalaan", "Pijperlaan"), ("3525", "3526", "3527")),
    "Noordwest": (("Amsterdamsestraatweg", "Elisabethstraat", "Prinses Margrietstraat",
                   "Ondiep-Zuidzijde", "Anthoniedijk"), ("3551", "3552", "3553", "3554")),
    "Zuid": (("Briljantlaan", "Smaragdplein", "Hooft Graaflandstraat", "Duurstedelaan",
              "Rijnlaan"), ("3521", "3522", "3523", "3524")),
    "Leidsche Rijn": (("Langerakbaan", "Grauwaartsingel", "Parkzichtlaan", "Terwijdelaan"),
                      ("3541", "3542", "3543", "3544")),
    "Oost": (("Biltstraat", "Burgemeester Reigerstraat", "Koningsweg", "Rubenslaan",
              "Sartreweg"), ("3581", "3582", "3584", "3585")),
    "West": (("Kanaalstraat", "Damstraat", "Vleutenseweg", "Bankastraat", "Cartesiusweg"),
             ("3531", "3532", "3533")),
    "Noordoost": (("Adelaarstraat", "Gruttersdijk", "Kleiweg", "Voorveldselaan",
                   "Blauwkapelseweg"), ("3571", "3572", "3573")),
    "Vleuten-De Meern": (("Meerndijk", "Mereveldseweg", "Hindersteinlaan", "Zandweg"),
                         ("3451", "3452", "3453", "3454")),
    "Binnenstad": (("Oudegracht", "Lange Nieuwstraat", "Twijnstraat", "Breedstraat",
                    "Nieuwegracht"), ("3511", "3512")),
}
_STOCK = {"Overvecht": 24, "Zuidwest": 15, "Noordwest": 15, "Zuid": 11, "Leidsche Rijn": 10,
          "Oost": 6, "West": 6, "Noordoost": 5, "Vleuten-De Meern": 4, "Binnenstad": 3}
CORPORATION_WIJKEN: dict[str, dict[str, int]] = {
    "Mitros": {**_STOCK, "Overvecht": 30},
    "Portaal": {**_STOCK, "Noordwest": 20, "Zuidwest": 18},
    "Bo-Ex": {**_STOCK, "Zuid": 25, "West": 15, "Overvecht": 12},
    "SSH": {"Oost": 40, "Binnenstad": 25, "Zuid": 20, "Noordoost": 15},
    "GroenWest": {"Vleuten-De Meern": 60, "Leidsche Rijn": 40},
}

# Landlord reasons the demo gives, each with the motivation the corporation writes.
REJECTIONS = {
    "area_concentration": "In deze portiek wonen al meerdere begeleide huurders.",
    "liveability_complex": "Complex staat onder druk; eerst andere keuze voor de leefbaarheid.",
    "support_not_confirmed": "Begeleiding is nog niet bevestigd door de zorgaanbieder.",
    "support_not_available_at_location": "Ambulante begeleiding kan hier niet dagelijks komen.",
    "community_acceptance": "Buurtbeheer vraagt eerst een kennismaking met de bewonerscommissie.",
    "support_capacity_chain": "Het buurtteam heeft nu geen ruimte voor extra ondersteuning.",
    "low_stimulus_needed": "Gehorige flat; cliënt heeft een prikkelarme woonplek nodig.",
    "dwelling_type_not_in_profile": "Bovenwoning met steile trap past niet bij het zoekprofiel.",
    "student_complex_cap": "Het complex heeft het maximum van 15% bijzondere doelgroepen bereikt.",
    "mixed_living_fit": "Kandidaat past niet in het concept van gemengd wonen in dit complex.",
    "other": "Eerdere overlast-melding op dit adres; woning eerst opnieuw inspecteren.",
}
VALID_DECLINES = ("location_unsuitable", "dwelling_unsuitable", "candidate_rent_too_high")
INVALID_DECLINES = ("client_declined_offer", "no_response")
HOLD_REASONS = ("Tijdelijke opname in een kliniek", "Detox-traject van enkele weken",
                "Tijdelijk verblijf bij familie buiten de regio")
CLIENT_WITHDRAWALS = ("Cliënt heeft zelf woonruimte gevonden", "Zorgtraject beëindigd",
                      "Cliënt verhuisd naar een andere regio",
                      "Cliënt is doorverwezen naar Wlz-zorg")
DWELLING_WITHDRAWALS = ("Ernstige gebreken bij de mutatie-inspectie; eerst renovatie",
                        "Woning nodig voor herhuisvesting bij sloop elders",
                        "Dubbel voorgedragen; zie de andere voordracht")
REINSTATEMENTS = ("Cliënt was in crisis ten tijde van het aanbod; aanbieder vraagt herstel",
                  "Aanbod kwam niet aan door een verkeerd postadres")
EXTENSIONS = ("Cliënt is nog niet klaar om zelfstandig te huren; begeleiding loopt door",
              "Schuldhulptraject nog niet afgerond", "Terugval; eerst stabiliseren")

CLIENTS = 640  # referrals over the year before and the demo year
INSTITUTION_LEASES = (("Lister", 20), ("De Tussenvoorziening", 35))


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    organisation: str
    password: str


@dataclass
class DemoReport:
    """What the demo loaded: volumes by state and the logins to try it with."""

    year: int
    seed: int
    dwellings_by_state: dict[str, int]
    clients_by_state: dict[str, int]
    rounds_by_state: dict[str, int]
    rejections_by_reason: dict[str, int]
    leases_by_type_and_state: dict[str, dict[str, int]]
    logins: list[DemoLogin]
    service_users: list[DemoLogin] = field(default_factory=list)

    @property
    def rounds(self) -> int:
        return sum(self.rounds_by_state.values())

    @property
    def rejections(self) -> int:
        return sum(self.rejections_by_reason.values())

    @property
    def users(self) -> list[DemoLogin]:
        return [*self.logins, *self.service_users]

    def summary(self) -> str:
        """Return the volumes and the logins as text for the command line."""

        def line(title: str, counts: dict[str, int]) -> str:
            listed = ", ".join(f"{name} {n}" for name, n in counts.items())
            return f"{title} ({sum(counts.values())}): {listed}"

        lines = [
            f"demo year {self.year} loaded (seed {self.seed})",
            line("dwellings", self.dwellings_by_state),
            line("clients", self.clients_by_state),
            line("rounds", self.rounds_by_state),
            line("rejected candidates", self.rejections_by_reason),
        ]
        lines += [line(f"{kind} leases", c) for kind, c in self.leases_by_type_and_state.items()]
        lines.append(f"logins (password for all: {DEMO_PASSWORD}):")
        lines += [f"  {u.email:<26} {u.role:<14} {u.organisation}" for u in self.logins]
        lines.append(f"and {len(self.service_users)} internal service users with that password")
        return "\n".join(lines)


@dataclass
class _Client:
    id: int
    provider_id: int
    phase: str
    persons: int
    birth_year: int
    income: int
    needs: tuple[str, ...]
    excluded: tuple[str, ...]
    flip_ok: bool
    support: bool
    registered_on: date
    state: str = "registered"
    waiting_since: date | None = None


@dataclass
class _Dwelling:
    id: int
    corporation: str
    wijk: str
    rooms: int
    area: int
    rent: Decimal
    floor: int
    lift: bool
    accessible: bool
    senior: bool
    designation: str
    lease_type: str
    available_from: date
    earmarks: tuple[int, ...]
    withdraw: bool
    state: str = "draft"
    submitted_on: date | None = None
    proposal_id: int | None = None
    pending: list[int] = field(default_factory=list)
    excluded: set[int] = field(default_factory=set)
    matched: int | None = None
    full_rejections: int = 0


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC) + timedelta(minutes=minute)


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def _slug(name: str) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in _ascii(name).lower()).split()
    return "-".join(words)


def _half_month(day: date) -> date:
    """Return the first 1st or 15th of a month on or after `day`: when leases start."""
    if day.day in (1, 15):
        return day
    return day.replace(day=15) if day.day < 15 else day + relativedelta(months=1, day=1)


def _id(row: Any) -> int:
    assert row.id is not None
    return int(row.id)


def _weighted(rng: random.Random, pairs: Any) -> Any:
    items = list(pairs)
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


class DemoAlreadyLoaded(ValueError):
    """The demo data set is in this database already."""


def role_logins_text() -> str:
    """Return the demo's login per role, for printing when the demo is already loaded."""
    lines = [f"logins (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {email:<26} {role:<14} {org}" for email, org, role, _ in LOGINS]
    return "\n".join(lines)


def build_demo(session: Session, *, seed: int = 2025, year: int = 2025) -> DemoReport:
    """Build the demo year through the services and return what it loaded."""
    if session.exec(select(User).where(User.email == MARKER_EMAIL)).first() is not None:
        raise DemoAlreadyLoaded("demo data is already loaded")
    names = {o.name for o in session.exec(select(Organisation))}
    needed = {*CORPORATIONS, *(p[0] for p in PROVIDERS), "Het Vierde Huis", "Gemeente Utrecht"}
    if not needed <= names:
        raise ValueError("reference data is not loaded: run `matching seed reference` first")
    demo = _Demo(session, random.Random(seed), year)
    demo.run()
    return _report(session, seed, year, demo.logins, demo.service_users)


class _Demo:
    """The year as a queue of timed steps; each step calls one or a few services."""

    def __init__(self, session: Session, rng: random.Random, year: int) -> None:
        self.s, self.rng, self.year = session, rng, year
        self.end = _moment(date(year, 12, 31), 17)
        self.queue: list[tuple[datetime, int, Callable[..., None], tuple[Any, ...]]] = []
        self.seq = itertools.count()
        orgs = list(session.exec(select(Organisation)))
        self.org_id = {o.name: o.id for o in orgs if o.id is not None}
        self.phase = {g.code: g.phase for g in session.exec(select(TargetGroup))}
        codes = {r.code for r in session.exec(select(ReasonCode).where(ReasonCode.active))}
        self.rejections = [code for code in REJECTIONS if code in codes] or ["other"]
        self.clients: dict[int, _Client] = {}
        self.waiting: dict[int, _Client] = {}
        self.addresses: set[str] = set()
        self.lease_steps: set[tuple[int, date | None]] = set()
        self.limits: dict[int, tuple[Decimal, Decimal, Decimal, int, int]] = {}
        self.logins: list[DemoLogin] = []
        self.service_users: list[DemoLogin] = []
        self.user_of: dict[int, User] = {}  # organisation id -> the user acting for it
        self.matcher: User  # set by create_users
        self.refs = itertools.count(1)

    # --- the clock -------------------------------------------------------------------------

    def at(self, when: datetime, step: Callable[..., None], *args: Any) -> None:
        heapq.heappush(self.queue, (when, next(self.seq), step, args))

    def later(self, day: date, working_days: int, hour: int) -> datetime:
        return _moment(add_working_days(day, working_days), hour, self.rng.randrange(60))

    def workdays(self, first: date, last: date) -> list[date]:
        days = (first + timedelta(n) for n in range((last - first).days + 1))
        return [d for d in days if is_working_day(d)]

    def run(self) -> None:
        self.create_users()
        self.prelude()
        self.plan_clients()
        self.plan_institution_leases()
        self.plan_dwellings()
        self.plan_ticks()
        # The contingent manager divides the year over the providers early in January.
        self.at(_moment(add_working_days(date(self.year, 1, 1), 2), 9), self.contingents)
        while self.queue and self.queue[0][0] < self.end:
            _when, _seq, step, args = heapq.heappop(self.queue)
            step(_when, *args)
        self.tick(self.end)

    # --- users ------------------------------------------------------------------------------

    def create_users(self) -> None:
        now = _moment(date(self.year - 5, 8, 3), 8)
        for email, org, role, manager in LOGINS:
            user = create_user(self.s, email=email, organisation_name=org, role=role,
                               password=DEMO_PASSWORD, contingent_manager=manager, now=now)
            self.logins.append(DemoLogin(email, role, org, DEMO_PASSWORD))
            if role in ("corporation", "care_provider"):
                self.user_of[user.organisation_id] = user
            if role == "matcher":
                self.matcher = user
        internal = [(c, "corporation", "corporatie") for c in CORPORATIONS]
        internal += [(p[0], "care_provider", "zorg") for p in PROVIDERS]
        for org, role, prefix in internal:
            if self.org_id[org] in self.user_of:
                continue
            email = f"{prefix}.{_slug(org)}@demo.example"
            user = create_user(self.s, email=email, organisation_name=org, role=role,
                               password=DEMO_PASSWORD, now=now)
            self.user_of[user.organisation_id] = user
            self.service_users.append(DemoLogin(email, role, org, DEMO_PASSWORD))

    def corp(self, name: str) -> User:
        return self.user_of[self.org_id[name]]

    # --- prelude: SSH campus lets of 2020-2021, so campus leases near their end exist ------

    def prelude(self) -> None:
        starts = (date(self.year - 5, 10, 1), date(self.year - 4, 1, 1),
                  date(self.year - 4, 4, 1), date(self.year - 4, 8, 1))
        ssh, provider = self.corp("SSH"), self.user_of[self.org_id["Timon"]]
        for start in starts:
            day = add_working_days(start - timedelta(days=70), 0)
            data = self.client_data("Timon", "jongvolwassene", day, persons=1)
            data["birth_year"] = start.year - 23
            client = _id(register_client(self.s, data=data, actor=provider,
                                         now=_moment(day, 9)))
            approve_client(self.s, client_id=client, actor=self.matcher,
                           now=self.later(day, 2, 10))
            dwelling = self.new_dwelling("SSH", day, earmarks=())
            data = self.dwelling_data(dwelling, start - timedelta(days=14))
            made = _id(create_dwelling(self.s, data=data, actor=ssh, now=self.later(day, 5, 9)))
            submit_dwelling(self.s, dwelling_id=made, actor=ssh, now=self.later(day, 6, 10))
            proposal = _id(propose_candidates(
                self.s, dwelling_id=made, client_ids=[client], actor=self.matcher,
                policy_version=POLICY_VERSION, now=self.later(day, 8, 13)))
            decide_candidate(self.s, proposal_id=proposal, client_id=client,
                             decision="accept", actor=ssh, now=self.later(day, 10, 11))
            record_offer_answer(self.s, dwelling_id=made, answer="accepted",
                                actor=self.matcher, now=self.later(day, 12, 15))
            let_dwelling(self.s, dwelling_id=made, lease_start=start, lease_type="campus",
                         actor=ssh, now=self.later(day, 20, 11))

    # --- clients ---------------------------------------------------------------------------

    def client_data(self, provider: str, group: str, day: date, persons: int = 0) -> dict:
        rng, y = self.rng, self.year
        single = {"vrouwenopvang": 0.35, "statushouder": 0.45, "jongvolwassene": 0.92,
                  "citydeal": 0.4}.get(group, 0.78)
        adults, children = 1, 0
        if persons != 1 and rng.random() > single:  # a single parent or a couple
            adults = 2 if group != "vrouwenopvang" and rng.random() < 0.45 else 1
            children = rng.randint(1 if adults == 1 else 0, 3)
        ages = {"jongvolwassene": (18, 27), "statushouder": (19, 55), "vrouwenopvang": (20, 50),
                "wlz_forensisch": (25, 62), "wonen_na_detentie": (22, 55)}
        low, high = ages.get(group, (21, 66))
        age = rng.randint(low, high) if group in ages else int(rng.triangular(low, high, 36))
        if adults == 2:
            income = rng.randrange(21_000, 29_000, 10)
        elif children:
            income = rng.randrange(17_000, 23_500, 10)
        elif age < 21:
            income = rng.randrange(8_000, 14_000, 10)
        else:
            income = rng.randrange(14_000, 22_000, 10) if rng.random() < 0.85 else \
                rng.randrange(22_000, 27_000, 10)
        needs = [n for n, p in (("ground_floor", 0.03), ("lift", 0.02), ("wheelchair", 0.01))
                 if rng.random() < p]
        wijken = list(WIJKEN)
        excluded: list[str] = []
        if rng.random() < (0.5 if group == "vrouwenopvang" else 0.08):
            excluded = rng.sample(wijken, rng.randint(1, 2))
        preferred = rng.sample([w for w in wijken if w not in excluded], rng.randint(1, 3)) \
            if rng.random() < 0.25 else []
        flip_policy = next(p[3] for p in PROVIDERS if p[0] == provider)
        prefix = "".join(ch for ch in _ascii(provider).upper() if ch.isalpha())[:3]
        return {
            "reference": f"{prefix}-{day.year}-{next(self.refs):04d}",
            "target_group": group, "adults": adults, "children": children,
            "birth_year": y - age, "annual_income": income, "needs": needs,
            "excluded_wijken": excluded, "preferred_wijken": preferred,
            "flip_lease_ok": rng.random() < (0.9 if flip_policy else 0.15),
            "support_confirmed": rng.random() < 0.88,
            "registered_on": day - timedelta(days=rng.randint(0, 10)),
        }

    def plan_clients(self) -> None:
        y, rng = self.year, self.rng
        before = self.workdays(date(y - 1, 1, 6), date(y - 1, 12, 19))
        during = self.workdays(date(y, 1, 6), date(y, 12, 23))
        days = sorted(rng.choice(before if n < CLIENTS * 45 // 100 else during)
                      for n in range(CLIENTS))
        providers = [(p[0], p[1]) for p in PROVIDERS]
        for day in days:
            provider = _weighted(rng, providers)
            mix = next(p[2] for p in PROVIDERS if p[0] == provider)
            group = _weighted(rng, GROUP_MIXES[mix])
            if group == "mobw_instroom" and not next(p[3] for p in PROVIDERS if p[0] == provider):
                group = "mobw_uitstroom"  # Beschermd Thuis only where the provider flips
            self.at(_moment(day, 8, rng.randrange(180)), self.register, provider, group)
        for day in rng.sample(before[60:] + during[:-10], 34):
            self.at(_moment(day, 15, rng.randrange(60)), self.hold_or_withdraw)

    def register(self, when: datetime, provider: str, group: str) -> None:
        data = self.client_data(provider, group, when.date())
        actor = self.user_of[self.org_id[provider]]
        client = register_client(self.s, data=data, actor=actor, now=when)
        assert client.id is not None
        self.clients[client.id] = _Client(
            id=client.id, provider_id=client.care_provider_id, phase=self.phase[group],
            persons=data["adults"] + data["children"], birth_year=data["birth_year"],
            income=data["annual_income"], needs=tuple(data["needs"]),
            excluded=tuple(data["excluded_wijken"]), flip_ok=data["flip_lease_ok"],
            support=data["support_confirmed"], registered_on=data["registered_on"])
        late = when.date() >= date(self.year, 12, 15)  # the Christmas weeks are slower
        delay = self.rng.randint(4, 10) if late else self.rng.randint(1, 7)
        self.at(self.later(when.date(), delay, 10), self.approve, client.id)

    def approve(self, when: datetime, client_id: int) -> None:
        c = self.clients[client_id]
        since = c.registered_on if self.rng.random() < 0.15 else None
        client = approve_client(self.s, client_id=client_id, actor=self.matcher,
                                waiting_since=since, now=when)
        c.waiting_since = client.waiting_since
        self.to_waiting(c)

    def to_waiting(self, c: _Client) -> None:
        c.state = "waiting"
        self.waiting[c.id] = c

    def leave_waiting(self, c: _Client, state: str) -> None:
        c.state = state
        del self.waiting[c.id]

    def hold_or_withdraw(self, when: datetime) -> None:
        if not self.waiting:
            return
        c = self.waiting[self.rng.choice(sorted(self.waiting))]
        actor = self.user_of[c.provider_id]
        if self.rng.random() < 0.65:
            hold_client(self.s, client_id=c.id, actor=actor, reason=self.rng.choice(HOLD_REASONS),
                        now=when)
            self.leave_waiting(c, "on_hold")
            if self.rng.random() < 0.6:
                self.at(self.later(when.date(), self.rng.randint(10, 40), 11), self.resume, c.id)
        else:
            withdraw_client(self.s, client_id=c.id, actor=actor,
                            reason=self.rng.choice(CLIENT_WITHDRAWALS), now=when)
            self.leave_waiting(c, "withdrawn")

    def resume(self, when: datetime, client_id: int) -> None:
        c = self.clients[client_id]
        resume_client(self.s, client_id=c.id, actor=self.user_of[c.provider_id], now=when)
        self.to_waiting(c)

    # --- dwellings --------------------------------------------------------------------------

    def new_dwelling(self, corporation: str, day: date, earmarks: tuple[int, ...]) -> _Dwelling:
        rng = self.rng
        wijk = _weighted(rng, CORPORATION_WIJKEN[corporation].items())
        rooms = 1 if corporation == "SSH" else _weighted(rng, ((1, 14), (2, 46), (3, 30), (4, 10)))
        area = rng.randint(*{1: (30, 40), 2: (40, 60), 3: (55, 75), 4: (70, 90)}[rooms])
        rent = 330 + area * 4.4 + rng.uniform(-30, 30)
        if corporation == "SSH":
            rent = rng.uniform(420, 476)
        floor = 0 if rng.random() < 0.3 else rng.randint(1, 9 if wijk == "Overvecht" else 4)
        lift = floor >= 4 or (floor > 0 and rng.random() < 0.2)
        instroom = corporation != "SSH" and rng.random() < 0.27
        lease_type = "campus" if corporation == "SSH" else \
            "flip" if instroom or rng.random() < 0.2 else "direct"
        return _Dwelling(
            id=0, corporation=corporation, wijk=wijk, rooms=rooms, area=area,
            rent=Decimal(f"{min(720.0, max(420.0, rent)):.2f}"), floor=floor, lift=lift,
            accessible=(floor == 0 or lift) and rng.random() < 0.08,
            senior=corporation != "SSH" and rng.random() < 0.03,
            designation="instroom" if instroom else "uitstroom", lease_type=lease_type,
            available_from=day + timedelta(days=rng.randint(14, 56)), earmarks=earmarks,
            withdraw=rng.random() < 0.04)

    def dwelling_data(self, d: _Dwelling, available_from: date | None = None) -> dict:
        streets, areas = WIJKEN[d.wijk]
        address = ""
        while not address or address in self.addresses:
            suffix = self.rng.choice(("", "", "", "A", "B", "-1", "-2"))
            address = f"{self.rng.choice(streets)} {self.rng.randint(1, 240)}{suffix}, Utrecht"
        self.addresses.add(address)
        letters = "ABCEGHJKLMNPRTVWXZ"
        return {
            "address": address,
            "postcode": self.rng.choice(areas) + self.rng.choice(letters) +
            self.rng.choice(letters),
            "wijk": d.wijk,
            "complex_code": f"{CORPORATIONS[d.corporation]}-{d.wijk[:2].upper()}"
                            f"{self.rng.randint(1, 40):02d}",
            "rooms": d.rooms, "floor_area_m2": d.area, "rent": str(d.rent), "floor": d.floor,
            "has_lift": d.lift, "accessible": d.accessible, "senior_label": d.senior,
            "designation": d.designation, "lease_type": d.lease_type,
            "available_from": available_from or d.available_from,
            "earmarked_care_provider_ids": list(d.earmarks),
        }

    def plan_dwellings(self) -> None:
        y, rng = self.year, self.rng
        quotas = {(r.corporation, r.quarter): r.quota for r in year_quotas(self.s, y)}
        earmark = (self.org_id["Lister"], self.org_id["Kwintes"])
        for quarter in range(1, 5):
            first = date(y, 3 * quarter - 2, 1)
            last = date(y, 12, 30) if quarter == 4 else date(y, 3 * quarter + 1, 1) - timedelta(1)
            days = self.workdays(first, last)
            for corporation in CORPORATIONS:
                quota = quotas.get((corporation, f"{y}Q{quarter}"), 0)
                count = max(0, quota + rng.choice((-2, -1, 0, 0, 0, 1, 2)))
                drafts = 1 if rng.random() < 0.4 else 0  # left in draft, never submitted
                for n in range(count + drafts):
                    i = rng.randrange(len(days))  # submitted on days[i], entered a bit before
                    entered, submitted = days[max(0, i - rng.randint(0, 3))], days[i]
                    # A new-build project in Leidsche Rijn, reserved for Lister and Kwintes.
                    project = corporation == "Mitros" and quarter == 3 and n < 4
                    d = self.new_dwelling(corporation, submitted, earmark if project else ())
                    if project:
                        d.wijk, d.withdraw = "Leidsche Rijn", False
                    submit = None if n >= count else _moment(submitted, 11, rng.randrange(60))
                    self.at(_moment(entered, 8, rng.randrange(120)), self.create, d, submit)

    def create(self, when: datetime, d: _Dwelling, submit: datetime | None) -> None:
        made = create_dwelling(self.s, data=self.dwelling_data(d), actor=self.corp(d.corporation),
                               now=when)
        d.id = _id(made)
        if submit is not None:  # otherwise it stays a draft
            self.at(submit, self.submit, d)

    def submit(self, when: datetime, d: _Dwelling) -> None:
        submit_dwelling(self.s, dwelling_id=d.id, actor=self.corp(d.corporation), now=when)
        d.state, d.submitted_on = "submitted", when.date()
        self.at(self.later(when.date(), self.rng.randint(1, 3), 13), self.propose, d)
        if d.withdraw:
            self.at(self.later(when.date(), self.rng.randint(1, 4), 9), self.withdraw, d)

    def withdraw(self, when: datetime, d: _Dwelling) -> None:
        if d.state not in ("submitted", "proposed"):
            return  # matched meanwhile: the corporation keeps it
        withdraw_dwelling(self.s, dwelling_id=d.id, actor=self.corp(d.corporation),
                          reason=self.rng.choice(DWELLING_WITHDRAWALS), now=when)
        for client_id in d.pending:  # the open round was cancelled
            self.to_waiting(self.clients[client_id])
        d.state, d.pending = "withdrawn", []

    # --- rounds -----------------------------------------------------------------------------

    def fit_limits(self, year: int) -> tuple[Decimal, Decimal, Decimal, int, int]:
        if year not in self.limits:
            params = year_parameters(self.s, year)
            self.limits[year] = (
                params.aftoppingsgrens_low, params.aftoppingsgrens_high,
                params.kwaliteitskortingsgrens, params.housing_benefit_income_limit_single,
                params.housing_benefit_income_limit_multi)
        return self.limits[year]

    def fits(self, c: _Client, d: _Dwelling, year: int) -> bool:
        """A simple stand-in for the matching engine's eligibility rules (product.md s6)."""
        low, high, youth, single, multi = self.fit_limits(year)
        age = year - c.birth_year
        checks = (
            c.id not in d.excluded,
            not d.earmarks or c.provider_id in d.earmarks,
            c.phase == d.designation,
            d.lease_type != "flip" or c.flip_ok,
            d.lease_type != "campus" or age <= 27,
            c.persons <= 2 * d.rooms and d.area >= 12 * c.persons and d.rooms <= c.persons + 2,
            age >= 23 or d.rent <= youth,
            c.income >= (single if c.persons == 1 else multi)
            or d.rent <= (low if c.persons <= 2 else high),
            "ground_floor" not in c.needs or d.floor == 0,
            "lift" not in c.needs or d.floor == 0 or d.lift,
            "wheelchair" not in c.needs or d.accessible,
            not d.senior or age >= 55,
            d.wijk not in c.excluded,
        )
        return all(checks)

    def propose(self, when: datetime, d: _Dwelling) -> None:
        if d.state != "submitted":
            return  # withdrawn meanwhile
        day = when.date()
        assert d.submitted_on is not None
        waited = working_days_between(d.submitted_on, day)
        fitting = sorted((c for c in self.waiting.values() if self.fits(c, d, day.year)),
                         key=lambda c: (c.waiting_since or date.min, c.id))
        if not fitting or (len(fitting) < 3 and waited < 10):
            if not fitting and waited >= 30:
                self.at(self.later(day, 1, 10), self.release, d)
            else:
                self.at(self.later(day, self.rng.randint(2, 3), 13), self.propose, d)
            return
        top = fitting[:3]
        chosen, motivation, suggested = top, None, None
        if len(fitting) > 3 and self.rng.random() < 0.12:
            pool = fitting[:6]
            chosen = sorted(self.rng.sample(pool, 3), key=pool.index)
            if chosen != top:
                suggested = [c.id for c in top]
                motivation = "Spreiding over zorgaanbieders: aanbieder met achterstand voorgaan."
        scores: dict[int, tuple[float, dict[str, Any]]] = {}
        for c in chosen:
            days = (day - (c.waiting_since or day)).days
            scores[c.id] = (float(days), {"waiting_days": days, "rank": fitting.index(c) + 1,
                                          "check": "demo fit: household, rent, needs, district"})
        ids = [c.id for c in chosen]
        proposal = propose_candidates(
            self.s, dwelling_id=d.id, client_ids=ids, actor=self.matcher,
            motivation=motivation, suggested_ids=suggested, scores=scores,
            policy_version=POLICY_VERSION, now=when)
        for c in chosen:
            self.leave_waiting(c, "proposed")
        d.state, d.proposal_id, d.pending = "proposed", proposal.id, ids
        # Now and then a corporation misses the deadline; over Christmas many do.
        christmas = day >= date(self.year, 12, 10)
        delay = self.rng.randint(1, 4)
        if self.rng.random() < (0.5 if christmas else 0.06):
            delay = self.rng.randint(9, 14) if christmas else self.rng.randint(6, 9)
        self.at(self.later(day, delay, 9), self.decide, d, proposal.id)

    def rejection(self, d: _Dwelling, c: _Client) -> str:
        """Pick a landlord reason that fits the dwelling and the candidate."""
        options = ["community_acceptance", "support_capacity_chain", "low_stimulus_needed",
                   "dwelling_type_not_in_profile", "liveability_complex", "other"]
        if d.corporation == "SSH":
            options += ["student_complex_cap", "mixed_living_fit"] * 4
        if d.wijk == "Overvecht":
            options += ["area_concentration"] * 5
        if d.designation == "instroom":
            options += ["support_not_available_at_location"] * 2
        if not c.support:
            options += ["support_not_confirmed"] * 8
        known = [code for code in options if code in self.rejections]
        return self.rng.choice(known) if known else "other"

    def reject(self, when: datetime, d: _Dwelling, client_id: int) -> None:
        code = self.rejection(d, self.clients[client_id])
        assert d.proposal_id is not None
        decide_candidate(self.s, proposal_id=d.proposal_id, client_id=client_id,
                         decision="reject", reason_code=code,
                         motivation=REJECTIONS.get(code, "Zie toelichting in het dossier."),
                         actor=self.corp(d.corporation), now=when)
        d.pending.remove(client_id)
        d.excluded.add(client_id)
        self.to_waiting(self.clients[client_id])

    def decide(self, when: datetime, d: _Dwelling, proposal_id: int) -> None:
        if d.state != "proposed" or d.proposal_id != proposal_id:
            return  # the dwelling was withdrawn and the round cancelled
        rng = self.rng
        reject_all = rng.random() < (0.32, 0.25, 0.1)[min(d.full_rejections, 2)]
        if reject_all:
            for n, client_id in enumerate(list(d.pending)):
                self.reject(when + timedelta(minutes=n), d, client_id)
            d.state, d.full_rejections = "submitted", d.full_rejections + 1
            self.at(self.later(when.date(), rng.randint(1, 3), 13), self.propose, d)
            return
        if len(d.pending) > 1 and rng.random() < 0.15:
            self.reject(when, d, rng.choice(d.pending))
        chosen = rng.choices(d.pending, weights=(6, 3, 1)[: len(d.pending)])[0]
        decide_candidate(self.s, proposal_id=proposal_id, client_id=chosen, decision="accept",
                         actor=self.corp(d.corporation), now=when + timedelta(minutes=5))
        for client_id in d.pending:
            if client_id != chosen:
                self.to_waiting(self.clients[client_id])
        self.clients[chosen].state = "matched"
        d.state, d.matched, d.pending = "matched", chosen, []
        d.excluded.add(chosen)
        self.at(self.later(when.date(), rng.randint(1, 5), 14), self.answer, d)

    def answer(self, when: datetime, d: _Dwelling) -> None:
        assert d.matched is not None
        c, r = self.clients[d.matched], self.rng.random()
        if r < 0.88:
            record_offer_answer(self.s, dwelling_id=d.id, answer="accepted", actor=self.matcher,
                                now=when)
            d.state, c.state = "offer_accepted", "offer_accepted"
            self.at(self.later(when.date(), self.rng.randint(4, 12), 11), self.let, d)
            return
        valid = r < 0.95
        code = self.rng.choice(VALID_DECLINES if valid else INVALID_DECLINES)
        record_offer_answer(self.s, dwelling_id=d.id, answer="declined", reason_code=code,
                            valid=valid, actor=self.matcher, now=when)
        d.state, d.matched = "submitted", None
        if valid:
            self.to_waiting(c)
        else:
            c.state = "offer_refused"
            if self.rng.random() < 0.6:
                self.at(self.later(when.date(), self.rng.randint(5, 20), 10), self.reinstate, c)
        self.at(self.later(when.date(), self.rng.randint(1, 3), 13), self.propose, d)

    def reinstate(self, when: datetime, c: _Client) -> None:
        reinstate_client(self.s, client_id=c.id, actor=self.matcher,
                         motivation=self.rng.choice(REINSTATEMENTS), now=when)
        self.to_waiting(c)

    def let(self, when: datetime, d: _Dwelling) -> None:
        assert d.matched is not None
        start = max(_half_month(when.date() + timedelta(days=1)), d.available_from)
        let_dwelling(self.s, dwelling_id=d.id, lease_start=start,
                     lease_type=d.lease_type, actor=self.corp(d.corporation), now=when)
        d.state, self.clients[d.matched].state = "let", "housed"

    def release(self, when: datetime, d: _Dwelling) -> None:
        release_dwelling(self.s, dwelling_id=d.id, actor=self.corp(d.corporation), now=when)
        d.state = "released"

    # --- leases and the monthly tick ---------------------------------------------------------

    def plan_institution_leases(self) -> None:
        y, rng = self.year, self.rng
        days = self.workdays(date(y - 3, 7, 1), date(y - 1, 12, 20))
        landlords = (("Mitros", 46), ("Portaal", 28), ("Bo-Ex", 19))
        for provider, count in INSTITUTION_LEASES:
            for _ in range(count):
                day = rng.choice(days)
                start = date(day.year, day.month, 1)
                wijk = _weighted(rng, _STOCK.items())
                address = ""
                while not address or address in self.addresses:
                    address = f"{rng.choice(WIJKEN[wijk][0])} {rng.randint(1, 240)}, Utrecht"
                self.addresses.add(address)
                landlord = _weighted(rng, landlords)
                self.at(_moment(day, 10, rng.randrange(60)), self.register_lease, provider,
                        landlord, address, start)
        for day in rng.sample(self.workdays(date(y, 2, 1), date(y, 11, 28)), 2):
            self.at(_moment(day, 14), self.end_a_lease)

    def register_lease(self, when: datetime, provider: str, landlord: str, address: str,
                       start: date) -> None:
        register_institution_lease(self.s, care_provider_id=self.org_id[provider],
                                   address=address, start_on=start, actor=self.corp(landlord),
                                   now=when)

    def plan_ticks(self) -> None:
        for month in range(12 * (self.year - 1), 12 * self.year + 12):
            first = date(month // 12, month % 12 + 1, 1)
            self.at(_moment(add_working_days(first - timedelta(days=1), 1), 5), self.tick)

    def contingents(self, when: datetime) -> None:
        set_default_contingents(self.s, year=self.year, actor=self.matcher, now=when)

    def tick(self, when: datetime) -> None:
        run_tick(self.s, now=when)
        if when >= self.end:
            return
        due = self.s.exec(select(Lease).where(Lease.state == LeaseState.REVIEW_DUE)
                          .order_by(col(Lease.id))).all()
        for lease in due:
            key = (lease.id or 0, lease.review_on)
            if key in self.lease_steps:
                continue
            self.lease_steps.add(key)
            r = self.rng.random()
            step = self.later(when.date(), self.rng.randint(5, 35), 11)
            if r < 0.55:
                self.at(step, self.transfer, lease.id)
            elif r < 0.85:
                self.at(step, self.extend, lease.id)

    def transfer(self, when: datetime, lease_id: int) -> None:
        lease = self.s.get(Lease, lease_id)
        assert lease is not None and lease.review_on is not None
        on = max(lease.review_on, date(when.year, when.month, 1) + relativedelta(months=1))
        transfer_lease(self.s, lease_id=lease_id, on=on, actor=self.user_of[lease.corporation_id],
                       now=when)

    def extend(self, when: datetime, lease_id: int) -> None:
        lease = self.s.get(Lease, lease_id)
        assert lease is not None and lease.review_on is not None
        assert lease.tenant_care_provider_id is not None
        months = self.rng.choice((9, 12, 12))
        extend_lease(self.s, lease_id=lease_id, review_on=lease.review_on +
                     relativedelta(months=months), reason=self.rng.choice(EXTENSIONS),
                     actor=self.user_of[lease.tenant_care_provider_id], now=when)

    def end_a_lease(self, when: datetime) -> None:
        active = self.s.exec(select(Lease).where(
            Lease.is_institution, Lease.state == LeaseState.ACTIVE,
        ).order_by(col(Lease.id))).all()
        if active:
            lease = self.rng.choice(active)
            end_lease(self.s, lease_id=_id(lease), on=when.date() + relativedelta(months=1, day=1),
                      reason="Cliënt verhuisd naar een Wlz-instelling",
                      actor=self.user_of[lease.corporation_id], now=when)


def _by_state(session: Session, model: Any) -> dict[str, int]:
    state = col(model.state)
    rows = session.exec(select(state, func.count()).group_by(state).order_by(state)).all()
    return {str(name): int(n) for name, n in rows}


def _report(session: Session, seed: int, year: int, logins: list[DemoLogin],
            service_users: list[DemoLogin]) -> DemoReport:
    leases: dict[str, dict[str, int]] = {}
    kind, state = col(Lease.lease_type), col(Lease.state)
    for name, value, n in session.exec(select(kind, state, func.count()).group_by(kind, state)
                                       .order_by(kind, state)).all():
        leases.setdefault(str(name), {})[str(value)] = int(n)
    rejected = session.exec(
        select(Candidate.reason_code, func.count()).where(Candidate.state == "rejected")
        .group_by(col(Candidate.reason_code)).order_by(col(Candidate.reason_code))).all()
    return DemoReport(
        year=year, seed=seed,
        dwellings_by_state=_by_state(session, Dwelling),
        clients_by_state=_by_state(session, Client),
        rounds_by_state=_by_state(session, Proposal),
        rejections_by_reason={str(code): n for code, n in rejected},
        leases_by_type_and_state=leases, logins=logins, service_users=service_users)
