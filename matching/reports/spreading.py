"""Spreading: the period's lettings per district against the district's share of the social
stock, with the districts to spare flagged (Plan van Aanpak 2019: look first at areas with
relatively little social housing; Overvecht holds 22% of the stock and is 61% social rent).
"""

from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from matching.models import District, Dwelling, DwellingEvent
from matching.reports.period import SUPPRESS_BELOW, Period, Reader
from matching.reports.sections import window
from matching.shared_reads import once
from matching.vocabulary import DwellingState

CITY = "wijk"  # the ten Utrecht districts; the U16 municipalities are kind "u16"


def _lettings_then(session: Session, start: datetime, end: datetime
                   ) -> list[tuple[int, str, int]]:
    """Every corporation's dwellings let in [start, end), per corporation and district."""
    query = (
        select(Dwelling.corporation_id, Dwelling.wijk,
               func.count(func.distinct(DwellingEvent.dwelling_id)))
        .join(Dwelling, col(Dwelling.id) == DwellingEvent.dwelling_id)
        .where(DwellingEvent.to_state == DwellingState.LET,
               col(DwellingEvent.at) >= start, col(DwellingEvent.at) < end)
        .group_by(col(Dwelling.corporation_id), col(Dwelling.wijk))
    )
    return [(corporation, wijk, int(number)) for corporation, wijk, number in session.exec(query)]


def lettings_per_district(session: Session, period: Period, reader: Reader, as_of: date
                          ) -> dict[str, int]:
    """Dwellings let in the period up to the end of `as_of`, by the dwelling's district.
    A dwelling is let once (`let` is the last state of its workflow), so each counts once."""
    start, end = window(period, as_of)
    counts: Counter[str] = Counter()
    for corporation, wijk, number in once(session, ("lettings per district", start, end),
                                          lambda: _lettings_then(session, start, end)):
        if reader.corporation_id is None or corporation == reader.corporation_id:
            counts[wijk] += number
    return dict(counts)


def spreading(session: Session, period: Period, reader: Reader, as_of: date
              ) -> list[dict[str, Any]]:
    """One row per Utrecht district (all ten, even without lettings) and per U16
    municipality with lettings: lettings, share of the period's lettings, the district's
    share of the social stock, and whether it is a district to spare. A corporation sees
    its own lettings; for the municipality a count of 1 to 4 is suppressed."""
    counts = lettings_per_district(session, period, reader, as_of)
    total = sum(counts.values())
    districts = [district for district in session.exec(select(District))
                 if district.kind == CITY or counts.get(district.name)]
    # The shown shares give the total away, and so the sum of the hidden districts.
    hidden = reader.hidden({d.name: counts.get(d.name, 0) for d in districts})
    rows: list[tuple[tuple[bool, float, str], dict[str, Any]]] = []
    for district in districts:
        lettings = counts.get(district.name, 0)
        shown = None if district.name in hidden else lettings
        stock = district.social_stock_share_pct
        # The city's districts first, then the region; most lettings first. A suppressed
        # count sorts as "just under five": its place must not give it away.
        order = (district.kind != CITY,
                 -(shown if shown is not None else SUPPRESS_BELOW - 0.5), district.name)
        rows.append((order, {
            "district": district.name,
            "lettings": shown,
            "share_pct": round(100 * lettings / total, 1) if total and shown is not None
            else None,
            "social_stock_share_pct": float(stock) if stock is not None else None,
            "to_spare": district.to_spare,
            "suppressed": shown is None,
        }))
    return [row for _order, row in sorted(rows, key=lambda pair: pair[0])]
