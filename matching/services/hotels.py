"""Corporation hotels and the municipality of origin.

A corporation hotel (*corporatiehotel*) houses people who cannot find housing on their own
but need little or no support, for at most twelve months; the agency then makes a one-time
offer. One hotel is for single people, the other for parents with children, at most three
persons. The need assumed is 30 dwellings a year ([001] "Corporatiehotels", domain brief
s2.4 G, s2.7 and s3.7).

Each municipality of the U16 supplies enough outflow dwellings for its own inflow ([001]
Bijlage 4), so a client carries the municipality it comes from: Utrecht or a U16
municipality (the districts of kind `u16`).
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from matching.models import Client, District
from matching.vocabulary import ClientState

HOTEL_GROUP = "corporatiehotel"
SINGLE, FAMILY = "single", "family"
HOTEL_KINDS = (SINGLE, FAMILY)
FAMILY_HOTEL_MAX_PERSONS = 3  # [001]: "maximaal 3 personen"
SINGLE_HOTEL_MAX_PERSONS = 1  # [001]: the other hotel is for single people
HOTEL_STAY_MONTHS = 12  # [001]: "maximaal 12 maanden", then a one-time offer
HOTEL_OUTFLOW_PER_YEAR = 30  # [001] s. Corporatiehotels: "30 woningen per jaar"; table 2019
HOTEL_OUTFLOW_SOURCE = "[001] Plan van Aanpak 2019, corporatiehotels: 30 woningen per jaar"
UTRECHT = "Utrecht"
# A client in these states has no housing yet: the one-time offer is due after 12 months.
WITHOUT_HOUSING = (ClientState.REGISTERED, ClientState.WAITING, ClientState.PROPOSED,
                   ClientState.MATCHED, ClientState.ON_HOLD)


def municipalities(session: Session) -> list[str]:
    """Utrecht first, then the U16 municipalities by name."""
    names = session.exec(select(District.name).where(District.kind == "u16")
                         .order_by(col(District.name))).all()
    return [UTRECHT, *names]


def canonical_municipality(session: Session, name: str | None) -> str | None:
    """The municipality's own spelling, or None when it is neither Utrecht nor in the U16."""
    if name is None:
        return None
    wanted = name.strip().casefold()
    return next((m for m in municipalities(session) if m.casefold() == wanted), None)


def hotel_problems(*, target_group: str, hotel_stay_since: date | None,
                   hotel_kind: str | None, persons: int, today: date) -> dict[str, str]:
    """What is wrong with a client's corporation-hotel fields (empty when nothing is)."""
    problems: dict[str, str] = {}
    if target_group != HOTEL_GROUP:
        if hotel_stay_since is not None:
            problems["hotel_stay_since"] = (
                f"only for a client in a corporation hotel (target group {HOTEL_GROUP})")
        if hotel_kind is not None:
            problems["hotel_kind"] = (
                f"only for a client in a corporation hotel (target group {HOTEL_GROUP})")
        return problems
    if hotel_stay_since is None:
        problems["hotel_stay_since"] = "required for a client in a corporation hotel"
    elif hotel_stay_since > today:
        problems["hotel_stay_since"] = "cannot lie in the future"
    if hotel_kind is None:
        problems["hotel_kind"] = "required for a client in a corporation hotel: single or family"
    elif hotel_kind == FAMILY and persons > FAMILY_HOTEL_MAX_PERSONS:
        problems["hotel_kind"] = (
            f"the family hotel takes at most {FAMILY_HOTEL_MAX_PERSONS} persons; this "
            f"household has {persons}")
    elif hotel_kind == SINGLE and persons > SINGLE_HOTEL_MAX_PERSONS:
        problems["hotel_kind"] = (
            f"the single hotel takes one person; this household has {persons} "
            f"(the family hotel takes at most {FAMILY_HOTEL_MAX_PERSONS})")
    return problems


def one_time_offer_on(client: Client) -> date | None:
    """The day a corporation-hotel stay reaches twelve months, or None for other clients."""
    if client.target_group != HOTEL_GROUP or client.hotel_stay_since is None:
        return None
    return client.hotel_stay_since + relativedelta(months=HOTEL_STAY_MONTHS)


def one_time_offer_due(client: Client, today: date) -> bool:
    """Twelve months in a corporation hotel and still no housing: a one-time offer is due."""
    due_on = one_time_offer_on(client)
    return due_on is not None and due_on <= today and client.state in WITHOUT_HOUSING


def clients_due_one_time_offer(session: Session, today: date) -> list[Client]:
    """Every corporation-hotel client whose one-time offer is due on `today`."""
    # A month counted back from a month's end can land up to three days early (29 February).
    latest_start = today - relativedelta(months=HOTEL_STAY_MONTHS) + timedelta(days=3)
    rows = session.exec(select(Client).where(
        Client.target_group == HOTEL_GROUP,
        col(Client.hotel_stay_since).is_not(None),
        col(Client.hotel_stay_since) <= latest_start,
        col(Client.state).in_(WITHOUT_HOUSING),
    ).order_by(col(Client.hotel_stay_since), col(Client.id))).all()
    return [c for c in rows if one_time_offer_due(c, today)]
