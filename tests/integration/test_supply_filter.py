"""Supply filtering: each vacancy counted under the first rule that takes it out, in the fixed
order size, rent, liveability, senior label, rooms; the counts add up to the batch."""

from decimal import Decimal

import pytest
from sqlmodel import Session

from matching.parameters import year_parameters
from matching.services.errors import PermissionDenied, ValidationFailed
from matching.services.supply_filter import (
    RULE_NAMES,
    Vacancy,
    file_supply,
    filter_supply,
    first_removing_rule,
    parse_vacancies,
    quarter_supply,
)
from tests.world import World


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def fits(**changes: object) -> Vacancy:
    """A vacancy every rule lets through in 2019 (two rooms, 48 m2, 560 euros)."""
    values: dict[str, object] = {"rooms": 2, "floor_area_m2": 48, "rent": Decimal("560.00")}
    values.update(changes)
    return Vacancy(**values)  # type: ignore[arg-type]


def test_the_rules_come_in_the_fixed_order():
    assert RULE_NAMES == ("size", "rent", "liveability", "senior_label", "rooms")


@pytest.mark.parametrize(("vacancy", "rule"), [
    (fits(), None),
    (fits(floor_area_m2=11), "size"),  # below one person's 12 m2
    (fits(floor_area_m2=12), None),
    (fits(floor_area_m2=75), None),
    (fits(floor_area_m2=76), "size"),
    (fits(rent=Decimal("597.30")), None),  # the 2019 lower aftoppingsgrens itself
    (fits(rent=Decimal("597.31")), "rent"),
    (fits(liveability_excluded=True), "liveability"),
    (fits(senior_label=True), "senior_label"),
    (fits(rooms=3), None),
    (fits(rooms=4), "rooms"),
    # several failing rules: the first in the order counts
    (fits(floor_area_m2=90, rent=Decimal("800"), senior_label=True, rooms=5), "size"),
    (fits(rent=Decimal("800"), liveability_excluded=True, rooms=5), "rent"),
    (fits(senior_label=True, rooms=5), "senior_label"),
])
def test_first_removing_rule(reference, vacancy, rule):
    assert first_removing_rule(vacancy, year_parameters(reference, 2019)) == rule


def test_the_counts_add_up_and_name_their_thresholds(reference):
    batch = [fits(), fits(), fits(floor_area_m2=90), fits(rent=Decimal("700")),
             fits(senior_label=True), fits(rooms=4), fits(liveability_excluded=True)]
    report = filter_supply(batch, year_parameters(reference, 2019))
    assert report["total"] == 7 and report["eligible"] == 2 and report["removed"] == 5
    assert [(r["rule"], r["removed"]) for r in report["rules"]] == [
        ("size", 1), ("rent", 1), ("liveability", 1), ("senior_label", 1), ("rooms", 1)]
    assert report["eligible_pct"] == 28.6
    rent = report["rules"][1]
    assert rent["reason_code"] == "rent_too_high" and rent["threshold"] == "597.30"
    assert rent["parameters_from"] == {"aftoppingsgrens_low": 2019}


def test_the_thresholds_follow_the_year(reference):
    # 2025's lower aftoppingsgrens (682.96) lets a rent of 650 through; 2019's does not
    vacancy = fits(rent=Decimal("650"))
    assert first_removing_rule(vacancy, year_parameters(reference, 2019)) == "rent"
    assert first_removing_rule(vacancy, year_parameters(reference, 2025)) is None


def test_a_quarters_submissions_are_filtered(world):
    world.submitted(rooms=2)
    world.submitted(rooms=5, floor_area_m2=70)
    world.submitted(senior_label=True)
    world.draft(rooms=5)  # a draft is not supply
    report = quarter_supply(world.session, quarter="2019Q3", actor=world.matcher)
    assert report["quarter"] == "2019Q3" and report["total"] == 3
    assert report["eligible"] == 1
    assert {r["rule"]: r["removed"] for r in report["rules"]}["rooms"] == 1
    assert quarter_supply(world.session, quarter="2019Q4", actor=world.analyst)["total"] == 0
    with pytest.raises(ValidationFailed):
        quarter_supply(world.session, quarter="2019Q5", actor=world.matcher)
    with pytest.raises(PermissionDenied):
        quarter_supply(world.session, quarter="2019Q3", actor=world.portaal)


def test_a_file_is_read_whole_or_refused_with_its_rows(world):
    rows = [{"rooms": "2", "floor_area_m2": "48", "rent": "560,00", "senior_label": "nee"},
            {"rooms": 4, "floor_area_m2": 80.0, "rent": 900, "liveability_excluded": "ja"}]
    report = file_supply(world.session, rows=rows, year=2019, actor=world.analyst)
    assert report["total"] == 2 and report["eligible"] == 1 and report["source"] == "file"
    with pytest.raises(ValidationFailed) as refused:
        parse_vacancies([*rows, {"rooms": "two", "floor_area_m2": "48", "rent": "1"},
                         {"rooms": "2", "floor_area_m2": "48", "rent": "NaN"},
                         {"rooms": "2", "floor_area_m2": "48", "rent": "5", "senior_label": "?"}])
    assert set(refused.value.fields) == {"row 4", "row 5", "row 6"}
    with pytest.raises(ValidationFailed) as missing:
        parse_vacancies([{"rooms": "2", "rent": "500"}])
    assert "floor_area_m2" in missing.value.fields["file"]
    with pytest.raises(ValidationFailed):
        parse_vacancies([])
    with pytest.raises(ValidationFailed):
        file_supply(world.session, rows=rows, year=1800, actor=world.analyst)
