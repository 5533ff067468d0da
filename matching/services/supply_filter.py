"""Supply filtering: how much of a batch of vacancies is suitable for the vulnerable groups.

"2,230 vacancies" ([002]: WoningNet, first ten months of 2024) is not the supply the groups
can be housed in: many are too large, too dear, in a complex the corporation spares for
liveability, or labelled for seniors ([002], domain brief section 4). Each vacancy is counted
under the first rule, in the fixed order below, that takes it out, so the counts add up:
total = eligible + the sum of the removals.

The rules, in order (reason codes of domain brief section 4; thresholds are year
parameters, and where the documents give none the value is an assumption with its source in
seeds/year_parameters.csv):

- size (size_mismatch): the floor area is below one person's minimum
  (min_floor_area_per_person_m2) or above the largest suitable (supply_max_floor_area_m2);
- rent (rent_too_high): the rent is above the lower aftoppingsgrens (aftoppingsgrens_low,
  passend toewijzen for one and two persons; most seekers are single, [004]);
- liveability (liveability_complex): the corporation chose differently for the complex for
  liveability ([002]); given per vacancy;
- senior_label (senior_label): labelled for seniors (55+); the groups' clients are mostly
  younger ([002] Bo-Ex Leidsche Rijn E5);
- rooms (rooms_mismatch): more rooms than the largest suitable (supply_max_rooms; [002]
  footnote 2 names the kamertal).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session, col, select

from matching.access import require_role
from matching.models import Dwelling
from matching.parameters import YearParameters, year_parameters
from matching.quarters import parse_quarter
from matching.services.errors import ValidationFailed
from matching.vocabulary import Role

SUPPLY_ROLES = (Role.MATCHER, Role.ANALYST, Role.ADMIN)

# The largest batch a file may hold (a year of WoningNet turnover is about 2,500).
MAX_VACANCIES = 20000


@dataclass(frozen=True)
class Vacancy:
    rooms: int
    floor_area_m2: int
    rent: Decimal
    senior_label: bool = False
    liveability_excluded: bool = False


@dataclass(frozen=True)
class SupplyRule:
    name: str
    reason_code: str
    takes_out: Callable[[Vacancy, YearParameters], bool]
    threshold: Callable[[YearParameters], str]


RULES: tuple[SupplyRule, ...] = (
    SupplyRule("size", "size_mismatch",
               lambda v, p: not (p.min_floor_area_per_person_m2 <= v.floor_area_m2
                                 <= p.supply_max_floor_area_m2),
               lambda p: f"{p.min_floor_area_per_person_m2}-{p.supply_max_floor_area_m2} m2"),
    SupplyRule("rent", "rent_too_high", lambda v, p: v.rent > p.aftoppingsgrens_low,
               lambda p: f"{p.aftoppingsgrens_low.quantize(Decimal('0.01'))}"),
    SupplyRule("liveability", "liveability_complex", lambda v, _p: v.liveability_excluded,
               lambda _p: ""),
    SupplyRule("senior_label", "senior_label", lambda v, _p: v.senior_label, lambda _p: "55+"),
    SupplyRule("rooms", "rooms_mismatch", lambda v, p: v.rooms > p.supply_max_rooms,
               lambda p: f"{p.supply_max_rooms}"),
)
RULE_NAMES = tuple(rule.name for rule in RULES)
# The parameters each rule reads, whose source the report names.
RULE_PARAMETERS = {
    "size": ("min_floor_area_per_person_m2", "supply_max_floor_area_m2"),
    "rent": ("aftoppingsgrens_low",),
    "liveability": (),
    "senior_label": (),
    "rooms": ("supply_max_rooms",),
}


def first_removing_rule(vacancy: Vacancy, params: YearParameters) -> str | None:
    for rule in RULES:
        if rule.takes_out(vacancy, params):
            return rule.name
    return None


def filter_supply(vacancies: Iterable[Vacancy], params: YearParameters) -> dict[str, Any]:
    """Count per rule the vacancies it takes out first, and the eligible remainder."""
    removed = dict.fromkeys(RULE_NAMES, 0)
    total = eligible = 0
    for vacancy in vacancies:
        total += 1
        name = first_removing_rule(vacancy, params)
        if name is None:
            eligible += 1
        else:
            removed[name] += 1
    return {
        "year": params.year,
        "total": total,
        "rules": [{"rule": rule.name, "reason_code": rule.reason_code,
                   "removed": removed[rule.name], "threshold": rule.threshold(params),
                   "parameters_from": {name: params.supplied_by.get(name)
                                       for name in RULE_PARAMETERS[rule.name]}}
                  for rule in RULES],
        "removed": total - eligible,
        "eligible": eligible,
        "eligible_pct": (float((Decimal(eligible) * 100 / total).quantize(Decimal("0.1")))
                         if total else None),
    }


def vacancy_of(dwelling: Dwelling) -> Vacancy:
    return Vacancy(rooms=dwelling.rooms, floor_area_m2=dwelling.floor_area_m2,
                   rent=Decimal(dwelling.rent), senior_label=dwelling.senior_label)


def quarter_supply(session: Session, *, quarter: str, actor: Any) -> dict[str, Any]:
    """The report over the dwellings submitted in a quarter (no liveability flag is held for
    a submitted dwelling: the corporation does not submit a complex it spares)."""
    require_role(actor, *SUPPLY_ROLES)
    try:
        parsed = parse_quarter(quarter)
    except ValueError as error:
        raise ValidationFailed({"quarter": str(error)}) from error
    year, quarter = parsed.year, str(parsed)
    dwellings = session.exec(
        select(Dwelling).where(Dwelling.quarter == quarter,
                               col(Dwelling.submitted_at).is_not(None))
    ).all()
    report = filter_supply((vacancy_of(d) for d in dwellings), year_parameters(session, year))
    return {**report, "source": "quarter", "quarter": quarter}


_TRUE, _FALSE = {"true", "1", "ja", "yes", "j", "y"}, {"false", "0", "nee", "no", "n", ""}
COLUMNS = ("rooms", "floor_area_m2", "rent", "senior_label", "liveability_excluded")


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(text)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_vacancies(rows: Sequence[Mapping[str, Any]]) -> list[Vacancy]:
    """Read the rows of a file of vacancies (columns COLUMNS, the last two optional);
    refuse the whole file, naming each wrong row, if any value is wrong."""
    header = set().union(*(row.keys() for row in rows)) if rows else set()
    missing = [name for name in COLUMNS[:3] if name not in header]
    if missing:
        raise ValidationFailed({"file": "missing columns: " + ", ".join(missing)})
    problems: dict[str, str] = {}
    vacancies: list[Vacancy] = []
    for index, raw in enumerate(rows, start=2):
        line = getattr(raw, "line", index)
        row = {str(k).strip().lower(): _text(v) for k, v in raw.items()}
        try:
            vacancy = Vacancy(
                rooms=int(row["rooms"]), floor_area_m2=int(row["floor_area_m2"]),
                rent=Decimal(row["rent"].replace(",", ".")),
                senior_label=_flag(row.get("senior_label", "")),
                liveability_excluded=_flag(row.get("liveability_excluded", "")))
            if not vacancy.rent.is_finite():
                raise ValueError("not a number")
            if vacancy.rooms < 1 or vacancy.floor_area_m2 < 1 or vacancy.rent < 0:
                raise ValueError("out of range")
        except (ValueError, InvalidOperation):
            problems[f"row {line}"] = ("rooms and floor_area_m2 must be whole numbers above 0, "
                                       "rent a non-negative amount, the flags true or false")
            if len(problems) >= 20:
                break
            continue
        vacancies.append(vacancy)
    if problems:
        raise ValidationFailed(problems, message="the file was not read")
    if not vacancies:
        raise ValidationFailed({"file": "the file holds no vacancies"})
    if len(vacancies) > MAX_VACANCIES:
        raise ValidationFailed({"file": f"at most {MAX_VACANCIES} vacancies"})
    return vacancies


def file_supply(session: Session, *, rows: Sequence[Mapping[str, Any]], year: int, actor: Any
                ) -> dict[str, Any]:
    """The report over an uploaded list of vacancies, with the thresholds of `year`."""
    require_role(actor, *SUPPLY_ROLES)
    if not 2000 <= year <= 2100:
        raise ValidationFailed({"year": "give a year between 2000 and 2100"})
    report = filter_supply(parse_vacancies(rows), year_parameters(session, year))
    return {**report, "source": "file", "quarter": None}
