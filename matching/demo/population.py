"""Who takes part in the demo: organisations, logins, care providers and the clients they refer."""

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from matching.demo.districts import WIJKEN

DEMO_PASSWORD = "demo-wachtwoord-2025"
MARKER_EMAIL = "matcher@demo.example"

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

CLIENTS = 640  # referrals over the year before and the demo year


@dataclass
class DemoClient:
    """What the demo keeps of a client it registered, to pick candidates without querying."""

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


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def slug(name: str) -> str:
    """Return an organisation's name as lowercase ASCII words joined by hyphens."""
    words = "".join(ch if ch.isalnum() else " " for ch in _ascii(name).lower()).split()
    return "-".join(words)


def weighted(rng: random.Random, pairs: Any) -> Any:
    """Draw one key from (key, weight) pairs."""
    items = list(pairs)
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def client_data(rng: random.Random, provider: str, group: str, day: date, *, year: int,
                refs: Iterator[int], persons: int = 0) -> dict:
    """Draw the registration form `provider` fills in for a client of `group` on `day`."""
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
    data: dict[str, Any] = {
        "reference": f"{prefix}-{day.year}-{next(refs):04d}",
        "target_group": group, "adults": adults, "children": children,
        "birth_year": year - age, "annual_income": income, "needs": needs,
        "excluded_wijken": excluded, "preferred_wijken": preferred,
        "flip_lease_ok": rng.random() < (0.9 if flip_policy else 0.15),
        "support_confirmed": rng.random() < 0.88,
        "registered_on": day - timedelta(days=rng.randint(0, 10)),
    }
    if group == "corporatiehotel":  # the family hotel takes at most three persons
        data["children"] = min(children, 3 - adults)
        data["hotel_kind"] = "single" if adults + min(children, 3 - adults) == 1 else "family"
        data["hotel_stay_since"] = data["registered_on"] - timedelta(days=120)
    return data
