"""The rows of an uploaded workbook's first sheet, bounded by what is read, whatever the
file claims.

An XLSX file is a zip of XML parts, and five kilobytes of it can claim a sheet of
16384 x 1048576 cells (openpyxl's read-only reader pads every row to the width the sheet's
`<dimension>` claims and fills in every missing row up to the last one), unpack to
gigabytes, or hold millions of tiny styles or shared strings that openpyxl turns into
objects one by one (a 30 KB file kept it busy for 37 s). So an upload is read here with
expat, part by part and event by event, keeping nothing but what it needs: the file may
unpack to so many bytes and hold so many elements, a row may hold `max_columns` cells, and
the caller stops at its row limit (a missing row comes as an empty one, so it counts).
openpyxl still writes the templates; its helpers tell date formats and serial dates.
"""

from matching.xlsx.parsing import MAX_ELEMENTS, MAX_UNPACKED_BYTES, UnreadableWorkbook
from matching.xlsx.sheet import first_sheet_rows

__all__ = ["MAX_ELEMENTS", "MAX_UNPACKED_BYTES", "UnreadableWorkbook", "first_sheet_rows"]
