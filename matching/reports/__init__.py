"""Monitoring reports (product.md section 8): the quarter's and the year's figures as data.

`quarter_report` and `year_report` return plain dictionaries (JSON-ready); `export` turns
them into CSV and XLSX. Reports hold aggregates only; for the municipality a cell that
counts fewer than five clients is suppressed.
"""

from matching.reports.build import quarter_report, year_report

__all__ = ["quarter_report", "year_report"]
