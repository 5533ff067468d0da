"""Two report sections: the corporation hotels' outflow against its line of 30 a year, and
each municipality's own inflow.

- Hotel outflow: clients of the target group `corporatiehotel` housed (their `housed` event)
  in the period and in the year up to `as_of`, against the Plan van Aanpak's assumed need of
  30 dwellings a year ([001], corporatiehotels; table of 2015-2019: 41, 13, 30, 27 and 30).
- Origin: per municipality of origin (Utrecht or a U16 municipality), the referrals
  registered in the period, the clients housed in it, and the dwellings let in that
  municipality, so each municipality's own inflow shows beside what it supplies ([001]
  Bijlage 4: each municipality supplies enough outflow dwellings for its own inflow).
  Clients registered before the municipality of origin was asked count as `unknown`.

A corporation reads its own figures elsewhere: both sections are empty for it. For the
municipality a count of 1 to 4 clients is hidden (see Reader.hidden).
"""

from collections import Counter
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from matching.models import Client, ClientEvent, District
from matching.reports.period import Period, Reader
from matching.reports.sections import window
from matching.reports.spreading import CITY, lettings_per_district
from matching.services.hotels import (
    HOTEL_GROUP,
    HOTEL_OUTFLOW_PER_YEAR,
    HOTEL_OUTFLOW_SOURCE,
    UTRECHT,
)
from matching.shared_reads import once
from matching.vocabulary import ClientState

UNKNOWN = "unknown"


def _housed_per_origin(session: Session, period: Period, as_of: date
                       ) -> list[tuple[str | None, str, int]]:
    """Clients housed in the period up to `as_of`: (origin, target group, count)."""
    start, end = window(period, as_of)
    query = (
        select(Client.origin_municipality, Client.target_group,
               func.count(func.distinct(ClientEvent.client_id)))
        .join(Client, col(Client.id) == ClientEvent.client_id)
        .where(ClientEvent.to_state == ClientState.HOUSED,
               col(ClientEvent.at) >= start, col(ClientEvent.at) < end)
        .group_by(col(Client.origin_municipality), col(Client.target_group))
    )
    return [(origin, group, int(n)) for origin, group, n in session.exec(query)]


def _housed(session: Session, period: Period, as_of: date) -> list[tuple[str | None, str, int]]:
    start, end = window(period, as_of)
    return once(session, ("housed per origin", start, end),
                lambda: _housed_per_origin(session, period, as_of))


def hotel_outflow(session: Session, period: Period, reader: Reader, as_of: date
                  ) -> dict[str, Any] | None:
    """The hotel clients housed in the period and in its year, against 30 a year."""
    if reader.corporation_id is not None:
        return None
    year = Period("year", str(period.year), period.year, date(period.year, 1, 1),
                  date(period.year, 12, 31))
    in_period = sum(n for _o, group, n in _housed(session, period, as_of) if group == HOTEL_GROUP)
    in_year = sum(n for _o, group, n in _housed(session, year, as_of) if group == HOTEL_GROUP)
    shown_year = reader.clients(in_year)
    return {
        "target_per_year": HOTEL_OUTFLOW_PER_YEAR,
        "housed_in_period": reader.clients(in_period),
        "housed_year_to_date": shown_year,
        "pct_of_target": round(100 * in_year / HOTEL_OUTFLOW_PER_YEAR, 1)
        if shown_year is not None else None,
        "source": HOTEL_OUTFLOW_SOURCE,
    }


def _registered_per_origin(session: Session, first: date, last: date
                           ) -> list[tuple[str | None, int]]:
    query = (select(Client.origin_municipality, func.count(col(Client.id)))
             .where(Client.registered_on >= first, Client.registered_on <= last)
             .group_by(col(Client.origin_municipality)))
    return [(origin, int(n)) for origin, n in session.exec(query)]


def origin_inflow(session: Session, period: Period, reader: Reader, as_of: date
                  ) -> list[dict[str, Any]]:
    """One row per municipality of origin (Utrecht first, then the U16 municipalities with
    any figure, then `unknown`): referrals registered, clients housed, dwellings let there."""
    if reader.corporation_id is not None:
        return []
    last = min(as_of, period.last_day)
    registered: Counter[str] = Counter()
    for origin, n in once(session, ("registered per origin", period.first_day, last),
                          lambda: _registered_per_origin(session, period.first_day, last)):
        registered[origin or UNKNOWN] += n
    housed: Counter[str] = Counter()
    for origin, _group, n in _housed(session, period, as_of):
        housed[origin or UNKNOWN] += n
    kinds = dict(session.exec(select(District.name, District.kind)).all())
    lettings: Counter[str] = Counter()
    for district, n in lettings_per_district(session, period, reader, as_of).items():
        lettings[UTRECHT if kinds.get(district, CITY) == CITY else district] += n
    region = sorted(name for name, kind in kinds.items()
                    if kind == "u16" and (registered[name] or housed[name] or lettings[name]))
    names = [UTRECHT, *region] + ([UNKNOWN] if registered[UNKNOWN] or housed[UNKNOWN] else [])
    hidden_registered = reader.hidden({name: registered[name] for name in names})
    hidden_housed = reader.hidden({name: housed[name] for name in names})
    hidden_lettings = reader.hidden({name: lettings[name] for name in names if name != UNKNOWN})
    return [{
        "municipality": name,
        "registered": None if name in hidden_registered else registered[name],
        "housed": None if name in hidden_housed else housed[name],
        "lettings": None if name == UNKNOWN or name in hidden_lettings else lettings[name],
        "suppressed": bool({name} & (hidden_registered | hidden_housed | hidden_lettings)),
    } for name in names]
