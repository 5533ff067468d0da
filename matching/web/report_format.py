"""How the report pages write their figures: counts, amounts and percentages in the page's
language (1.235 and 22,5% in Dutch, 1,235 and 22.5% in English), half-years as the documents
write them. Registered as template filters by the reports blueprint."""

from typing import Any

from flask_babel import format_decimal

from matching.web.i18n import language


def figure_number(value: Any, decimals: int = 1) -> str:
    """A count or amount as the page's language writes it: 1.235 / 22,5 (1,235 / 22.5)."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return str(format_decimal(value, format=pattern))


def figure_pct(value: Any) -> str:
    """A percentage with one decimal: 22,5% (22.5%)."""
    if value is None:
        return "–"
    return f"{format_decimal(value, format='#,##0.0')}%"


def half_name(code: str) -> str:
    """`2022H1` as the documents write it, `2022-I`; in English `H1 2022`."""
    year, number = code.split("H", 1)
    if language() == "nl":
        return f"{year}-{'I' * int(number)}"
    return f"H{number} {year}"
