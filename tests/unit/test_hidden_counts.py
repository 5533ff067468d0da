"""Which counts of a row (districts, quarters) the municipality may not see: a count of one
to four, and, when that is a single cell, the smallest shown one with it (a shown total less
the shown cells would give it away)."""

from matching.reports.period import Reader

ANALYST = Reader(role="analyst", organisation_id=1)
MATCHER = Reader(role="matcher", organisation_id=1)


def test_two_small_districts_are_hidden_and_nothing_else():
    counts = {"Overvecht": 55, "Zuid": 18, "Vleuten-De Meern": 3, "Nieuwegein": 2}
    assert ANALYST.hidden(counts) == {"Vleuten-De Meern", "Nieuwegein"}


def test_a_single_small_district_takes_the_smallest_shown_one_with_it():
    counts = {"Overvecht": 55, "Zuid": 18, "Binnenstad": 7, "Oost": 0, "Nieuwegein": 2}
    # Without Binnenstad, 244-style arithmetic (total from a share, less the shown) gives 2.
    assert ANALYST.hidden(counts) == {"Nieuwegein", "Binnenstad"}


def test_nothing_is_hidden_from_the_agency_or_when_all_counts_are_large_or_zero():
    counts = {"Overvecht": 55, "Zuid": 18, "Nieuwegein": 2}
    assert MATCHER.hidden(counts) == set()
    assert ANALYST.hidden({"Overvecht": 55, "Oost": 0}) == set()
