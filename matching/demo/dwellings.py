"""The dwellings the corporations offer: drawn at random, written out for the service, fitted."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from matching.demo.districts import CORPORATION_WIJKEN, WIJKEN
from matching.demo.population import CORPORATIONS, weighted

# The year's limits the fit check needs: the two rent caps (aftoppingsgrenzen), the quality
# discount limit for the under-23s, and the housing-benefit income limits (single, multi).


@dataclass
class DemoDwelling:
    """What the demo keeps of a dwelling, and of the round it is in, to pick candidates."""

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
    # SSH's smallest units are rooms with shared facilities in a student complex.
    self_contained: bool = True
    student_complex: str | None = None


# SSH's student complexes by district (made-up codes; the documents name none).
SSH_COMPLEXES = {"Oost": "SSH-UITHOF", "Binnenstad": "SSH-BINNENSTAD", "Zuid": "SSH-ROSARIUM",
                 "Noordoost": "SSH-NOORDOOST"}
# A unit this small is a room with shared facilities (kitchen, bathroom).
SSH_ROOM_MAX_AREA_M2 = 33


def new_dwelling(rng: random.Random, corporation: str, day: date,
                 earmarks: tuple[int, ...]) -> DemoDwelling:
    """Draw a dwelling of `corporation` that comes free after `day`."""
    wijk = weighted(rng, CORPORATION_WIJKEN[corporation].items())
    rooms = 1 if corporation == "SSH" else weighted(rng, ((1, 14), (2, 46), (3, 30), (4, 10)))
    area = rng.randint(*{1: (30, 40), 2: (40, 60), 3: (55, 75), 4: (70, 90)}[rooms])
    rent = 330 + area * 4.4 + rng.uniform(-30, 30)
    if corporation == "SSH":
        rent = rng.uniform(420, 476)
    floor = 0 if rng.random() < 0.3 else rng.randint(1, 9 if wijk == "Overvecht" else 4)
    lift = floor >= 4 or (floor > 0 and rng.random() < 0.2)
    instroom = corporation != "SSH" and rng.random() < 0.27
    lease_type = "campus" if corporation == "SSH" else \
        "flip" if instroom or rng.random() < 0.2 else "direct"
    # SSH's rooms (no extra draw: the demo's other data stays as it was): no housing benefit,
    # so their rent stays within the young adults' net rent of 250.
    room = corporation == "SSH" and area <= SSH_ROOM_MAX_AREA_M2
    price = rent - 200 if room else rent
    return DemoDwelling(
        id=0, corporation=corporation, wijk=wijk, rooms=rooms, area=area,
        rent=Decimal(f"{min(250.0 if room else 720.0, max(200.0 if room else 420.0, price)):.2f}"),
        floor=floor, lift=lift,
        accessible=(floor == 0 or lift) and rng.random() < 0.08,
        senior=corporation != "SSH" and rng.random() < 0.03,
        designation="instroom" if instroom else "uitstroom", lease_type=lease_type,
        available_from=day + timedelta(days=rng.randint(14, 56)), earmarks=earmarks,
        withdraw=rng.random() < 0.04, self_contained=not room,
        student_complex=SSH_COMPLEXES.get(wijk, "SSH-CAMPUS") if room else None)


def dwelling_data(rng: random.Random, addresses: set[str], d: DemoDwelling,
                  available_from: date | None = None) -> dict:
    """Return the form the corporation fills in for `d`, at an address not used before."""
    streets, areas = WIJKEN[d.wijk]
    address = ""
    while not address or address in addresses:
        suffix = rng.choice(("", "", "", "A", "B", "-1", "-2"))
        address = f"{rng.choice(streets)} {rng.randint(1, 240)}{suffix}, Utrecht"
    addresses.add(address)
    letters = "ABCEGHJKLMNPRTVWXZ"
    return {
        "address": address,
        "postcode": rng.choice(areas) + rng.choice(letters) + rng.choice(letters),
        "wijk": d.wijk,
        "complex_code": f"{CORPORATIONS[d.corporation]}-{d.wijk[:2].upper()}"
                        f"{rng.randint(1, 40):02d}",
        "rooms": d.rooms, "floor_area_m2": d.area, "rent": str(d.rent), "floor": d.floor,
        "has_lift": d.lift, "accessible": d.accessible, "senior_label": d.senior,
        "designation": d.designation, "lease_type": d.lease_type,
        "self_contained": d.self_contained, "student_complex": d.student_complex,
        "available_from": available_from or d.available_from,
        "earmarked_care_provider_ids": list(d.earmarks),
    }

