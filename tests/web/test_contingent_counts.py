"""The contingents page shows the municipality an x, with the reports' explanation, for every
count of 1 to 4 clients and for what would give one away (the remaining contingent, and a
column's total); the agency sees the counts."""

import re

from tests.contingent_data import YEAR, lister_with_small_counts

EXPLANATION = ("Voor de gemeente staat een x voor een aantal van minder dan 5 cliënten, of een "
               "aantal waaruit zo'n klein aantal af te leiden is.")
X = '<abbr title="niet getoond: minder dan 5 cliënten, of daaruit af te leiden">x</abbr>'


def _cells(page: str, header: str) -> list[str]:
    """The cells of the table row headed `header`."""
    row = re.search(rf'<th scope="row">{header}</th>(.*?)</tr>', page, re.S)
    assert row, f"no row {header}"
    return [c.strip() for c in re.findall(r'<td class="num">(.*?)</td>', row.group(1), re.S)]


def test_the_municipality_sees_an_x_for_small_counts_and_what_gives_them_away(
    reference, signed_in
):
    lister_with_small_counts(reference)
    page = signed_in("analyst").get(f"/contingenten?jaar={YEAR}").get_data(as_text=True)
    assert _cells(page, "Lister") == ["10", X, X, X]
    totals = _cells(page, "Totaal")
    assert totals[1:] == [X, X, X]  # the total less the shown rows would give Lister away
    assert EXPLANATION in page


def test_the_agency_sees_the_counts_and_no_explanation(reference, signed_in):
    lister_with_small_counts(reference)
    page = signed_in("matcher").get(f"/contingenten?jaar={YEAR}").get_data(as_text=True)
    assert _cells(page, "Lister") == ["10", "2", "1", "9"]
    assert _cells(page, "Totaal")[1:3] == ["2", "1"]
    assert EXPLANATION not in page and X not in page
