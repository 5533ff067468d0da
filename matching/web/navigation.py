"""The menu of each role: the pages of its daily job, in the order of that job."""

from flask import Flask, current_app, url_for
from flask_login import current_user

from matching.web.i18n import lazy_text as _l

MENUS = {
    "corporation": [
        ("dwellings.quarter", _l("Kwartaal")),
        ("dwellings.index", _l("Woningen")),
        ("proposals.inbox", _l("Voorstellen")),
        ("leases.index", _l("Huurcontracten")),
    ],
    "matcher": [
        ("matcher.queue", _l("Wachtrij woningen")),
        ("matcher.referrals", _l("Aanmeldingen")),
        ("matcher.offers", _l("Aanbiedingen")),
        ("matcher.overdue", _l("Te late rondes")),
        ("contingents.index", _l("Contingenten")),
        ("leases.index", _l("Huurcontracten")),
        ("dashboard.index", _l("Dashboard")),
        ("steering_inputs.index", _l("Invoer stuurcijfers")),
        ("supply.supply_report", _l("Geschikt aanbod")),
        ("year_plan.index", _l("Jaarplanning")),
    ],
    "care_provider": [
        ("clients.index", _l("Cliënten")),
        ("contingents.own", _l("Contingent")),
        ("leases.index", _l("Huurcontracten")),
    ],
    "analyst": [
        ("reports.index", _l("Kerncijfers")),
        ("dashboard.index", _l("Dashboard")),
        ("supply.supply_report", _l("Geschikt aanbod")),
    ],
    "admin": [
        ("admin.users", _l("Gebruikers")),
        ("admin.organisations", _l("Organisaties")),
        ("admin.reason_codes", _l("Redencodes")),
        ("admin.year_parameters", _l("Jaarparameters")),
        ("year_plan.index", _l("Jaarplanning")),
        ("steering_inputs.index", _l("Invoer stuurcijfers")),
    ],
}


def menu() -> list[tuple[str, str, str]]:
    """(endpoint, url, label) for the signed-in user's role, skipping pages not installed."""
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, label in MENUS.get(current_user.role, []):
        if endpoint in current_app.view_functions:
            items.append((endpoint, url_for(endpoint), str(label)))
    return items


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(menu=menu)
