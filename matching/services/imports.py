"""Bulk import of dwellings and clients: every row is checked first, then all are created or none.

The rows come from `matching.uploads.read_rows` (or any list of dicts keyed by the API's field
names). Each row is checked by the same input schema and reference checks as the create
services, so an import can never accept what the form or the API would refuse. Cells are
turned from spreadsheet text into values first: Dutch and ISO dates, decimal commas, ja/nee.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from matching.access import require_role
from matching.cells import CellError, converter, to_text
from matching.models import Client, Dwelling, TargetGroup
from matching.schemas import ClientInput, DwellingInput
from matching.services.clients import add_client, check_new_client
from matching.services.dwellings import add_dwelling, check_dwelling_references
from matching.services.errors import ValidationFailed
from matching.services.unit_of_work import commit, service
from matching.vocabulary import Role

# The columns a template offers, in the order a person fills them in. Earmarked care
# providers are left out of the dwelling template (a corporation does not know their ids),
# but the column `earmarked_care_provider_ids` is accepted.
DWELLING_COLUMNS = (
    "address", "postcode", "wijk", "complex_code", "rooms", "floor_area_m2", "rent", "floor",
    "has_lift", "accessible", "senior_label", "designation", "lease_type", "self_contained",
    "student_complex", "available_from",
)
DWELLING_EXAMPLE: dict[str, Any] = {
    "address": "Voorbeeldstraat 12 bis, Utrecht", "postcode": "3531AB", "wijk": "Overvecht",
    "complex_code": "C-104", "rooms": 2, "floor_area_m2": 48, "rent": Decimal("560.00"), "floor": 0,
    "has_lift": False, "accessible": False, "senior_label": False, "designation": "uitstroom",
    "lease_type": "direct", "self_contained": True,
    "available_from": date(2026, 1, 13),
}
CLIENT_COLUMNS = tuple(ClientInput.model_fields)
CLIENT_EXAMPLE: dict[str, Any] = {
    "reference": "LIS-2026-001", "target_group": "mobw_uitstroom", "adults": 1, "children": 0,
    "birth_year": 1990, "annual_income": 16000, "needs": ["ground_floor"],
    "excluded_wijken": ["Overvecht"], "preferred_wijken": [], "flip_lease_ok": True,
    "support_confirmed": True, "registered_on": date(2026, 1, 13),
}

HEADER_ROW = 1


@dataclass(frozen=True)
class RowProblem:
    """What is wrong, where: the row as the user sees it in the file, and the column."""

    row: int
    column: str
    problem: str  # an English sentence; `code` and `params` let a page say it in Dutch
    code: str
    params: dict[str, str] = field(default_factory=dict)


class ImportRejected(ValidationFailed):
    """At least one row is wrong, so nothing was imported; `problems` is the report."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.row, p.column))
        super().__init__(
            {f"row {p.row} {p.column}".strip(): p.problem for p in self.problems},
            message="nothing was imported",
        )


# --- checking rows -------------------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _line(row: dict[str, Any], index: int) -> int:
    # SheetRow knows its line; a plain dict is taken to follow the header without gaps.
    return int(getattr(row, "line", index + HEADER_ROW + 1))


def _header_problems(rows: Sequence[dict[str, Any]], model: type[BaseModel]) -> list[RowProblem]:
    if not rows:
        return [RowProblem(HEADER_ROW + 1, "", "the file has no rows below the header",
                           "no_rows")]
    known = set(model.model_fields)
    present = {str(k).strip().lower() for row in rows for k in row}
    problems = [
        RowProblem(HEADER_ROW, name, f"'{name}' is not a known column", "unknown_column",
                   {"name": name})
        for name in sorted(present - known)
    ]
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    problems += [
        RowProblem(HEADER_ROW, name, "this column is required but missing", "missing_column",
                   {"name": name})
        for name in required if name not in present
    ]
    return problems


def _check_row(
    row: dict[str, Any], line: int, model: type[BaseModel],
    check_references: Callable[[Any], None],
) -> tuple[Any | None, list[RowProblem]]:
    problems: list[RowProblem] = []
    data: dict[str, Any] = {}
    for raw_name, raw in row.items():
        name = str(raw_name).strip().lower()
        if _is_empty(raw) or name not in model.model_fields:
            continue
        try:
            data[name] = converter(model.model_fields[name].annotation)(raw)
        except CellError as error:
            problems.append(RowProblem(line, name, str(error), error.code, {"value": str(raw)}))
    values: Any = None
    try:
        values = model.model_validate(data)
    except ValidationError as error:
        bad_cells = {p.column for p in problems}
        for item in error.errors():
            column = str(item["loc"][0]) if item["loc"] else ""
            if column not in bad_cells:
                params = {k: str(v) for k, v in (item.get("ctx") or {}).items()}
                params.setdefault("value", str(data.get(column, "")))
                problems.append(RowProblem(line, column, item["msg"], item["type"], params))
    bad = {p.column for p in problems}
    # The reference checks run on the cells that are valid so far, so one report names an
    # unknown district too when the same row also has a bad number.
    checked = values or model.model_construct(**{k: v for k, v in data.items() if k not in bad})
    try:
        check_references(checked)
    except ValidationFailed as error:
        for column, text in error.fields.items():
            if column in bad:
                continue
            value = row.get(column, data.get(column, ""))
            shown = "|".join(map(str, value)) if isinstance(value, list) else str(value)
            problems.append(RowProblem(line, column, text, "reference", {"value": shown}))
    except (AttributeError, TypeError):
        pass  # a cell the check needs is missing or wrong, and already reported
    return (None if problems else values), problems


def _check_all(
    rows: Sequence[dict[str, Any]], model: type[BaseModel],
    check_references: Callable[[Any], None],
    across_rows: Callable[[Sequence[dict[str, Any]]], list[RowProblem]] | None = None,
) -> list[Any]:
    """Check every row; raise ImportRejected with every problem, or return the values."""
    problems = _header_problems(rows, model)
    if problems:
        raise ImportRejected(problems)
    checked: list[Any] = []
    for index, row in enumerate(rows):
        values, found = _check_row(row, _line(row, index), model, check_references)
        problems += found
        checked.append(values)
    if across_rows is not None:
        problems += across_rows(rows)
    if problems:
        raise ImportRejected(problems)
    return checked


def _references_twice(rows: Sequence[dict[str, Any]]) -> list[RowProblem]:
    """A provider uses each reference once: the second use within one file is a problem."""
    first: dict[str, int] = {}
    problems = []
    for index, row in enumerate(rows):
        raw = next((v for k, v in row.items() if str(k).strip().lower() == "reference"), None)
        if _is_empty(raw):
            continue
        reference, line = to_text(raw), _line(row, index)
        if reference in first:
            problems.append(RowProblem(
                line, "reference", f"this reference is also used in row {first[reference]}",
                "duplicate_in_file", {"value": reference, "row": str(first[reference])},
            ))
        else:
            first[reference] = line
    return problems


@service
def import_dwellings(
    session: Session, *, rows: Sequence[dict[str, Any]], actor: Any, now: datetime | None = None
) -> list[Dwelling]:
    """Create a draft dwelling per row for the actor's corporation, all of them or none."""
    require_role(actor, Role.CORPORATION)
    checked = _check_all(
        rows, DwellingInput, lambda values: check_dwelling_references(session, values)
    )
    dwellings = [add_dwelling(session, values=values, actor=actor, now=now) for values in checked]
    commit(session)
    return dwellings


@service
def import_clients(
    session: Session, *, rows: Sequence[dict[str, Any]], actor: Any, now: datetime | None = None
) -> list[Client]:
    """Register a client per row for the actor's care provider, all of them or none."""
    require_role(actor, Role.CARE_PROVIDER)
    groups: dict[str, TargetGroup] = {}

    def check(values: ClientInput) -> None:
        groups[values.target_group] = check_new_client(
            session, values=values, actor=actor, now=now)

    checked = _check_all(rows, ClientInput, check, _references_twice)
    clients = [
        add_client(session, values=values, group=groups[values.target_group], actor=actor,
                   now=now)
        for values in checked
    ]
    commit(session)
    return clients
