"""A report as CSV (one long table: section, row, metric, value) and as XLSX (a sheet per
section), so spreadsheets and corporations' systems read it without translation."""

import csv
import io
from typing import Any

from openpyxl import Workbook

_HEADER = ["section", "row", "metric", "value"]


def _flat(item: dict[str, Any]) -> dict[str, Any]:
    """A row with its nested figures (institution_flips' per_quarter) as columns of their own:
    `per_quarter.Q1`, ... (a spreadsheet cell holds one value)."""
    flat: dict[str, Any] = {}
    for metric, cell in item.items():
        if isinstance(cell, dict):
            flat.update({f"{metric}.{part}": value for part, value in cell.items()})
        else:
            flat[metric] = cell
    return flat


def _long_rows(report: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for name, value in report.items():
        if isinstance(value, list):
            for index, item in enumerate(value, start=1):
                for metric, cell in _flat(item).items():
                    rows.append([name, index, metric, cell])
        elif isinstance(value, dict):
            for metric, cell in value.items():
                if isinstance(cell, list):
                    for index, item in enumerate(cell, start=1):
                        for sub, subcell in item.items():
                            rows.append([name, f"{metric}.{index}", sub, subcell])
                else:
                    rows.append([name, "", metric, cell])
        else:
            rows.append(["report", "", name, value])
    return rows


def to_csv(report: dict[str, Any]) -> str:
    """The report as CSV text with a header row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_HEADER)
    for row in _long_rows(report):
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue()


def to_xlsx(report: dict[str, Any]) -> bytes:
    """The report as an XLSX workbook: an overview sheet and a sheet per table."""
    book = Workbook()
    overview = book.active
    assert overview is not None
    overview.title = "report"
    overview.append(_HEADER)
    for row in _long_rows(report):
        if row[0] in report and isinstance(report[row[0]], list):
            continue
        overview.append(row)
    for name, value in report.items():
        if isinstance(value, list) and value:
            sheet = book.create_sheet(name[:31])
            columns = list(_flat(value[0]))
            sheet.append(columns)
            for item in value:
                flat = _flat(item)
                sheet.append([flat.get(column) for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
