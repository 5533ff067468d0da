"""What the report downloads call the report's keys, in Dutch (English via the catalogue).

One dictionary for the column headers and one for the tables' titles: the downloads of the
quarter report, the year report and each steering figure all read them. A key may be named
for one table only (`statushouders.total`) or for every table (`backlog`); a key nobody named
yet still reads as words (`flip_review_due` -> "Flip review due") rather than failing.
"""

from typing import Any

from matching.reports.spreadsheet import Wording
from matching.web.i18n import lazy_text as _l

TITLES: dict[str, Any] = {
    "report": _l("Overzicht"),
    "quotas": _l("Voordracht per corporatie"),
    "matching": _l("Matching"),
    "matching.reasons": _l("Redenen van afwijzing"),
    "speed": _l("Snelheid (werkdagen)"),
    "waiting": _l("Wachtenden per doelgroep"),
    "waiting_per_care_provider": _l("Wachtenden per zorgaanbieder"),
    "contingents": _l("Contingenten per zorgaanbieder"),
    "leases": _l("Huurcontracten"),
    "spreading": _l("Spreiding over de wijken"),
    "institution_flips": _l("Omklap instellingswoningen"),
    "corrections": _l("Correcties op vastgestelde kwartalen"),
    "balance": _l("Voorrang en totale verhuringen (30%)"),
    "allocation": _l("Verdeelbesluit"),
    "allocation.groups": _l("Verdeelbesluit per groep"),
    "statushouders": _l("Statushouders per halfjaar"),
}

COLUMNS: dict[str, Any] = {
    # the tables of figures, and the report's overview
    "figure": _l("Cijfer"),
    "value": _l("Waarde"),
    "period.kind": _l("Soort periode"),
    "period.code": _l("Periode"),
    "period.from": _l("Van"),
    "period.to": _l("Tot en met"),
    "as_of": _l("Stand per"),
    "generated_at": _l("Gemaakt op"),
    "frozen": _l("Vastgesteld"),
    "closed_at": _l("Vastgesteld op"),
    "closed_by.email": _l("Vastgesteld door"),
    "closed_by.organisation": _l("Organisatie"),
    "scope": _l("Reikwijdte"),
    "suppressed_below": _l("Aantallen kleiner dan dit niet getoond"),
    "suppressed": _l("Niet getoond (minder dan 5)"),
    "source": _l("Bron"),
    "year": _l("Jaar"),
    # quotas and speed, per corporation
    "corporation": _l("Corporatie"),
    "quota": _l("Quotum"),
    "submitted": _l("Voorgedragen"),
    "instroom_quota": _l("Instroom quotum"),
    "instroom_submitted": _l("Instroom voorgedragen"),
    "backlog": _l("Achterstand"),
    "instroom_backlog": _l("Achterstand instroom"),
    "withdrawn": _l("Ingetrokken"),
    "released_unused": _l("Vrijgegeven"),
    "lettings": _l("Verhuringen"),
    "median_working_days_to_match": _l("Mediaan werkdagen tot match"),
    "median_working_days_to_let": _l("Mediaan werkdagen tot verhuur"),
    # matching
    "rounds": _l("Voorstelrondes"),
    "dwellings_with_rounds": _l("Woningen met een ronde"),
    "rounds_per_dwelling": _l("Rondes per woning"),
    "bottleneck_dwellings": _l("Woningen met 2 of meer rondes"),
    "candidates_proposed": _l("Kandidaten voorgesteld"),
    "accepted": _l("Geaccepteerd"),
    "rejected": _l("Afgewezen"),
    "not_chosen": _l("Niet gekozen"),
    "pending": _l("Wacht op besluit"),
    "acceptance_rate": _l("Geaccepteerd (%)"),
    "rejection_rate": _l("Afgewezen (%)"),
    "deviations_from_engine": _l("Afwijkingen van de suggesties"),
    "reason_code": _l("Redencode"),
    "reason": _l("Reden"),
    "count": _l("Aantal"),
    # waiting and contingents
    "target_group": _l("Code doelgroep"),
    "label": _l("Doelgroep"),
    "waiting": _l("Wachtend"),
    "median_days": _l("Mediaan wachttijd (dagen)"),
    "p90_days": _l("90e percentiel wachttijd (dagen)"),
    "share_past_three_months": _l("Langer dan 3 maanden (%)"),
    "care_provider": _l("Zorgaanbieder"),
    "contingent": _l("Contingent"),
    "proposed": _l("Voorgesteld"),
    "housed": _l("Gehuisvest"),
    "remaining": _l("Resterend"),
    # leases
    "flip_active": _l("Omklapcontracten lopend"),
    "flip_review_due": _l("Omklapcontracten met evaluatie nodig"),
    "flip_review_overdue": _l("Omklapcontracten met evaluatie te laat"),
    "flip_transferred_in_period": _l("Omgeklapt in de periode"),
    "flip_extended_in_period": _l("Verlengd in de periode"),
    "institution_flips": _l("Instellingswoningen met omklapcontract"),
    "institution_flips_transferred": _l("Instellingswoningen omgeklapt"),
    "campus_ending": _l("Campuscontracten die aflopen"),
    # spreading and institution flips
    "district": _l("Wijk of gemeente"),
    "share_pct": _l("Aandeel verhuringen (%)"),
    "social_stock_share_pct": _l("Aandeel sociale voorraad (%)"),
    "to_spare": _l("Te ontzien"),
    "target": _l("Doel"),
    "in_period": _l("In de periode"),
    "year_to_date": _l("Dit jaar tot nu"),
    "per_quarter.Q1": _l("K1"),
    "per_quarter.Q2": _l("K2"),
    "per_quarter.Q3": _l("K3"),
    "per_quarter.Q4": _l("K4"),
    "pct_of_target": _l("Van het doel (%)"),
    # corrections
    "quarter": _l("Kwartaal"),
    "published": _l("Gepubliceerd"),
    "current": _l("Nu"),
    # the 30% balance
    "priority_lettings": _l("Voorrangsverhuringen"),
    "total_lettings": _l("Totaal verhuringen"),
    "pct": _l("Aandeel voorrang (%)"),
    "guideline_pct": _l("Richtlijn (%)"),
    "tolerance_pct": _l("Toegestane afwijking (procentpunten)"),
    "deviation_pct": _l("Afwijking van de richtlijn (procentpunten)"),
    "deviates": _l("Afwijking gemeld"),
    # the verdeelbesluit
    "total_places": _l("Plaatsen in het verdeelbesluit"),
    "requested_from_corporations": _l("Gevraagd van de corporaties"),
    "self_search": _l("Zelfzoekers"),
    "allocation.realised": _l("Gerealiseerd (gevraagd van de corporaties)"),
    "realised_self_search": _l("Gerealiseerd (zelfzoekers)"),
    "realised_all": _l("Gerealiseerd (alle verhuringen)"),
    "pct_realised": _l("Gerealiseerd (%)"),
    "per_month_needed": _l("Nodig per maand"),
    "months_left": _l("Maanden te gaan"),
    "monthly_target": _l("Maandtempo volgens het besluit"),
    "forecast_at_pace": _l("Prognose jaareinde bij het tempo tot nu"),
    "forecast_band.low_pct": _l("Prognoseband jaareinde, ondergrens (%)"),
    "forecast_band.high_pct": _l("Prognoseband jaareinde, bovengrens (%)"),
    "forecast_band.low_places": _l("Prognoseband jaareinde, ondergrens (plaatsen)"),
    "forecast_band.high_places": _l("Prognoseband jaareinde, bovengrens (plaatsen)"),
    "forecast_band.shortfall_min": _l("Tekort bij de bovengrens (plaatsen)"),
    "forecast_band.shortfall_max": _l("Tekort bij de ondergrens (plaatsen)"),
    "forecast_band.source": _l("Aanname prognoseband"),
    "group": _l("Groep"),
    "places": _l("Plaatsen"),
    "requested": _l("Gevraagd (plaatsen)"),
    "realised": _l("Gerealiseerd"),
    # the statushouders
    "half": _l("Halfjaar"),
    "task": _l("Taakstelling"),
    "backlog_start": _l("Achterstand aan het begin"),
    "statushouders.total": _l("Totaalopgave"),
    "statushouders.realised": _l("Gerealiseerd (personen)"),
    "pct_of_task": _l("Van de taakstelling (%)"),
    "pct_of_total": _l("Van de totaalopgave (%)"),
    "backlog_end": _l("Achterstand aan het eind"),
    "rung": _l("Trede interventieladder"),
    "rung_note": _l("Toelichting trede"),
    "deescalation_suggested": _l("Afschaling in beeld (de toezichthouder beslist)"),
    "deescalation_note": _l("Toelichting afschaling"),
    "improvement_target": _l("Verbeterplan: in te lopen achterstand (meer dan de helft)"),
    "backlog_caught_up": _l("Achterstand ingelopen (boven de taakstelling)"),
    "pace_needed_per_week": _l("Nodig per week tot het eind van het halfjaar"),
    "extra_target": _l("Extra (vrijwillige) opgave"),
    "total_with_extra": _l("Totaalopgave met de extra opgave"),
    "administratively_housed": _l("Administratief gehuisvest (nog niet door het COA geteld)"),
    "inputs_source": _l("Bron van de ingevoerde sturingsgegevens"),
}

# Coded values a person would not read: the report's scope and its period's kind.
VALUES: dict[str, dict[str, Any]] = {
    "scope": {"all": _l("alle organisaties"), "own_figures": _l("alleen eigen cijfers")},
    "period.kind": {"quarter": _l("kwartaal"), "year": _l("jaar")},
}


def readable(key: str) -> str:
    """A key nobody named yet, as words: `flip_review_due` -> `Flip review due`."""
    words = " ".join(key.replace(".", " ").replace("_", " ").split())
    return words[:1].upper() + words[1:]


def title(table: str) -> str:
    """A table's title in the page's language."""
    found = TITLES.get(table)
    return str(found) if found is not None else readable(table)


def column(table: str, key: str) -> str:
    """A key's header: as named for this table, else as named for every table."""
    for name in (f"{table}.{key}", key):
        if name in COLUMNS:
            return str(COLUMNS[name])
    return readable(key)


def value(key: str, text: str) -> str | None:
    found = VALUES.get(key, {}).get(text)
    return str(found) if found is not None else None


def wording() -> Wording:
    """The downloads' words in the language of the request."""
    return Wording(title=title, column=column, value=value, yes=str(_l("ja")), no=str(_l("nee")))
