"""An export as the file a browser downloads: the one place an ``Export`` becomes an HTTP
response, for the staff export page and the admin's "export selected" alike.

CSV streams in pieces of a chunk of rows, UTF-8 with a BOM so that Excel shows Chinese names
right; Excel (.xlsx) is written with openpyxl's write-only mode into a spooled temporary file.
Memory stays flat however many rows there are.
"""

import csv
import io
import re
import tempfile
from collections.abc import Iterator

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from registration.staff.exports import Export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def xlsx_file(export: Export):
    """The workbook in a spooled temporary file, rewound, header in bold and frozen."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(export.title))
    bold = Font(bold=True)
    header = []
    for value in export.header:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    sheet.freeze_panes = "A2"
    for row in export.rows():
        # openpyxl writes an element for an empty string but nothing for None: the same empty
        # cell in Excel. The last cell is written even when empty, so that readers still see
        # every row at full width.
        cells = [None if value == "" else value for value in row[:-1]]
        cells.extend(row[-1:])
        sheet.append(cells)
    target = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - returned open
    workbook.save(target)
    target.seek(0)
    return target
