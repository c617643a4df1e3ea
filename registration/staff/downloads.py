"""An export as the file a browser downloads: the one place an ``Export`` becomes an HTTP
response, for the staff export page and the admin's "export selected" alike.

CSV streams in pieces of a chunk of rows, UTF-8 with a BOM so that Excel shows Chinese names
right; Excel (.xlsx) is written with openpyxl's write-only mode into a spooled temporary file,
ready to read: the header row bold, frozen and filtered, columns as wide as their first rows
need, times as Excel dates (at the venue, as the CSV shows them). Memory stays flat however
many rows there are.
"""

import csv
import datetime as dt
import io
import re
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from itertools import chain, islice

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from registration.staff.exports import TIME_COLUMNS, Export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Column widths (in characters) come from the header and this many first rows, within bounds.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 6, 50
TIME_FORMAT = "yyyy-mm-dd hh:mm"


def download(export: Export) -> HttpResponse:
    """The attachment for ``export`` in its file format: a streamed CSV or an Excel file.
    Raises ValueError for any other format."""
    if export.file_format == "csv":
        response = StreamingHttpResponse(csv_chunks(export), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, export.filename)
        return response
    if export.file_format == "xlsx":
        return FileResponse(
            xlsx_file(export), as_attachment=True, filename=export.filename, content_type=XLSX
        )
    raise ValueError(f"no download for the file format {export.file_format!r}")


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_chunks(export: Export) -> Iterator[str]:
    """The CSV: BOM and header first, then one string per chunk of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(export.header)
    yield "\ufeff" + _drain(buffer)
    chunks = export.chunks()
    try:
        for chunk in chunks:
            writer.writerows(chunk)
            yield _drain(buffer)
    finally:
        # A download stopped half way still logs the rows it sent.
        chunks.close()


def sheet_title(title: str) -> str:
    """``title`` as an Excel sheet name: no : \\ / ? * [ ] or control characters, at most 31
    characters, "Attendees" when nothing is left."""
    safe = re.sub(r"[:\\/?*\[\]]", " ", ILLEGAL_CHARACTERS_RE.sub("", title)).strip()[:31]
    return safe or "Attendees"


def display_width(value) -> int:
    """How many character widths ``value`` takes in a cell: CJK characters count two."""
    text = value if isinstance(value, str) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_widths(header: Sequence[str], rows: Sequence[Sequence]) -> list[float]:
    """A width per column that fits its header and the widest of ``rows``, within bounds (a
    long organization name wraps the column at MAX_WIDTH rather than widen it)."""
    widths = [display_width(title) for title in header]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            if value not in ("", None):
                widths[index] = max(widths[index], display_width(value))
    return [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths]


def xlsx_file(export: Export):
    """The workbook in a spooled temporary file, rewound: header in bold, frozen and with a
    filter; column widths from the header and the first rows; times as dates."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(export.title))
    header = export.header
    rows = export.rows()
    first_rows = list(islice(rows, WIDTH_SAMPLE_ROWS))
    # Column sizes are written before the rows (write-only mode streams them).
    for index, width in enumerate(column_widths(header, first_rows), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    title_cells = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        title_cells.append(cell)
    sheet.append(title_cells)
    times = [index for index, key in enumerate(export.columns) if key in TIME_COLUMNS]
    row_count = 0
    for row in chain(first_rows, rows):
        # openpyxl writes an element for an empty string but nothing for None: the same empty
        # cell in Excel. The last cell is written even when empty, so that readers still see
        # every row at full width.
        cells = [None if value == "" else value for value in row[:-1]]
        cells.extend(row[-1:])
        for index in times:
            if cells[index]:
                cells[index] = _time_cell(sheet, cells[index])
        sheet.append(cells)
        row_count += 1
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{row_count + 1}"
    target = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - returned open
    workbook.save(target)
    target.seek(0)
    return target


def _time_cell(sheet, minute: str) -> WriteOnlyCell:
    """An Excel date cell of an export's "YYYY-MM-DD HH:MM" (naive: at the venue, as shown)."""
    cell = WriteOnlyCell(sheet, value=dt.datetime.fromisoformat(minute))
    cell.number_format = TIME_FORMAT
    return cell
