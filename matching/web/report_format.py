"""How the report pages write their figures: counts, amounts and percentages in the page's
language (1.235 and 22,5% in Dutch, 1,235 and 22.5% in English), half-years as the documents
write them. Registered as template filters by the reports blueprint; the dashboard and the steering
inputs page use them too."""

from typing import Any

from matching.web.i18n import decimal, language
from matching.web.i18n import lazy_text as _l


def figure_number(value: Any, decimals: int = 1) -> str:
    """A count or amount as the page's language writes it: 1.235 / 22,5 (1,235 / 22.5)."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return decimal(value, pattern)


def figure_pct(value: Any) -> str:
    """A percentage with one decimal: 22,5% (22.5%)."""
    if value is None:
        return "–"
    return f"{decimal(value, '#,##0.0')}%"


def half_name(code: str) -> str:
    """`2022H1` as the documents write it, `2022-I`; in English `H1 2022`."""
    year, number = code.split("H", 1)
    if language() == "nl":
        return f"{year}-{'I' * int(number)}"
    return f"H{number} {year}"


# The province's intervention ladder (Beleidskader IBT 2021-2024, domain brief 3.11).
RUNG_NAMES = {
    1: _l("Signalering"),
    2: _l("Informatie opvragen en valideren"),
    3: _l("Actief toezicht"),
    4: _l("Vooraankondiging juridisch ingrijpen"),
    5: _l("Besluit tot indeplaatsstelling"),
    6: _l("Uitvoering sanctie"),
}


def rung_label(rung: Any) -> str:
    """A rung with its name, `3 – Actief toezicht`; an unknown one as it is."""
    name = RUNG_NAMES.get(rung)
    return f"{rung} – {name}" if name is not None else str(rung)
