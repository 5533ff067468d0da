"""What a year parameter's value may be: a plain non-negative number, whole where the
resolver reads a whole number, a percentage at most 100, and so on."""

import re
from dataclasses import fields
from decimal import Decimal, InvalidOperation

from matching.parameters import YearParameters

NOT_A_NUMBER = "not a number"
NOT_WHOLE = "must be a whole number"
NEGATIVE = "must not be negative"
TOO_LARGE = "too large"
TOO_PRECISE = "at most four decimals"
ABOVE_100 = "a percentage is at most 100"
BELOW_ONE = "must be at least 1"
NOT_A_FLAG = "must be 0 (no) or 1 (yes)"
NOT_A_MONTH = "a month is 1 to 12"

# The parameter names the resolver knows, with whether they are whole numbers.
PARAMETER_TYPES: dict[str, bool] = {
    f.name: f.type in (int, "int")
    for f in fields(YearParameters)
    if f.name not in ("year", "supplied_by")
}
# A value of zero would stop the workflow: a round without candidates, a deadline today.
_AT_LEAST_ONE = {
    "candidates_per_round", "persons_per_room_max", "min_floor_area_per_person_m2",
    "decision_working_days", "offer_answer_working_days", "release_working_days",
    "flip_review_months", "campus_max_years",
    # Zero would erase a client's record on the day they left.
    "retention_months",
    # A month of the year; persons per dwelling divides the statushouder task.
    "approach_start_month", "persons_per_dwelling",
    # Zero capacity would schedule a peak's release over no months at all.
    "agency_monthly_capacity", "submission_peak_threshold",
}

# Yes-or-no parameters, stored as 0 or 1.
_FLAGS = {"good_friday_is_holiday"}

_DUTCH = re.compile(r"^\d{1,3}(\.\d{3})*(,\d+)?$|^\d+(,\d+)?$")
_PLAIN = re.compile(r"^\d+(\.\d+)?$")


def parse_number(text: str) -> Decimal:
    """Read a non-negative number written the Dutch way (`1.234,56`, `597,30`) or with a
    decimal point (`597.30`, as in the seeds); raise ValueError otherwise. With a comma the
    dots are thousands separators; without one a dot is the decimal point."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if value.startswith("-"):
        raise ValueError(NEGATIVE)
    if "," in value and _DUTCH.match(value):
        value = value.replace(".", "").replace(",", ".")
    elif not _PLAIN.match(value):
        raise ValueError(NOT_A_NUMBER)
    try:
        return Decimal(value)
    except InvalidOperation as error:
        raise ValueError(NOT_A_NUMBER) from error


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def check_value(name: str, raw: str | Decimal | int) -> Decimal:
    """Return the value for parameter `name`, or raise ValueError with the problem."""
    if isinstance(raw, str):
        # `2.400` for a whole number can only mean two thousand four hundred.
        if PARAMETER_TYPES[name] and _THOUSANDS.match(raw.strip()):
            raw = raw.replace(".", "")
        value = parse_number(raw)
    else:
        value = Decimal(raw)
        if not value.is_finite():  # NaN cannot even be compared
            raise ValueError(NOT_A_NUMBER)
        if value < 0:
            raise ValueError(NEGATIVE)
    if value >= Decimal("1e10"):  # the column is NUMERIC(14, 4)
        raise ValueError(TOO_LARGE)
    if value != value.quantize(Decimal("0.0001")):
        raise ValueError(TOO_PRECISE)
    if PARAMETER_TYPES[name] and value != value.to_integral_value():
        raise ValueError(NOT_WHOLE)
    if name.endswith("_pct") and value > 100:
        raise ValueError(ABOVE_100)
    if name in _AT_LEAST_ONE and value < 1:
        raise ValueError(BELOW_ONE)
    if name in _FLAGS and value > 1:
        raise ValueError(NOT_A_FLAG)
    if name == "approach_start_month" and value > 12:
        raise ValueError(NOT_A_MONTH)
    return value
