"""Attendee lists for staff: one service behind /staff/exports/ and the admin action.

CSV streams in pieces of CHUNK rows (UTF-8 with a BOM so that Excel shows Chinese names right),
so memory stays flat however many registrations there are; Excel uses openpyxl's write-only
mode into a spooled temporary file. Every cell that a spreadsheet would run as a formula is
neutralised. Every export is written to the ExportLog (who, when, which filter, how many rows).

Where the time goes (docs/performance.md, bench/export.py): one query does the filtering, the
ordering, the time formatting and the aggregation of each registration's picks; Python checks
only the cells that can hold what someone typed, builds the pick cells once per combination of
seated forums, and writes each chunk with one writerows().
"""

import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import Aggregate, CharField, F, Func, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, Substr, TruncMinute
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from agenda.models import Conference, Forum
from registration.enums import PickStatus, RegistrationStatus
from registration.models import ExportLog, ForumPick, Registration

COLUMNS: dict[str, str] = {
    "ticket_code": _("Ticket code"),
    "full_name": _("Full name"),
    "email": _("Email"),
    "organization": _("Organization"),
    "job_title": _("Job title"),
    "phone": _("Phone"),
    "language": _("Language"),
    "newsletter": _("Newsletter"),
    "registered_at": _("Registered"),
    "checked_in_at": _("Checked in"),
    "seated_forums": _("Seated forums"),
    "waiting_forums": _("Waiting lists"),
    "pick_status": _("Status in this forum"),
    "waiting_position": _("Waiting-list position"),
}
DEFAULT_COLUMNS = [
    "ticket_code",
    "full_name",
    "email",
    "organization",
    "job_title",
    "seated_forums",
    "waiting_forums",
    "checked_in_at",
]
FORUM_ONLY_COLUMNS = {"pick_status", "waiting_position"}
# Columns holding what an attendee typed: the only registration values that can start a formula
# or hold a control character. Ticket codes, times, yes/no and the forum marks are ours.
TYPED_COLUMNS = {"full_name", "email", "organization", "job_title", "phone", "language"}
# Time columns and the registration field each shows.
TIME_COLUMNS = {"registered_at": "created_at", "checked_in_at": "checked_in_at"}
STATUSES = {"seated": PickStatus.SEATED, "waiting": PickStatus.WAITING}
CHUNK = 2000
# Distinct combinations of seated forums whose cells are kept; a program rarely has more, and
# the cap keeps memory flat when it does.
SEATED_CACHE_SIZE = 4096
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_STARTS = frozenset(FORMULA_PREFIXES)


def neutralise(value) -> object:
    """Make a cell inert in spreadsheets (CSV/formula injection): prefix with a quote; drop
    control characters, which Excel files cannot hold."""
    if isinstance(value, str) and value:
        if not value.isprintable():
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def neutralise_text(value: str) -> str:
    """neutralise() for one text cell, checking first with two C-level tests whether there is
    anything to do (almost never)."""
    if value[:1] in _FORMULA_STARTS or not value.isprintable():
        return neutralise(value)
    return value


def neutralise_column(values: Sequence[str]) -> Sequence[str]:
    """neutralise() for a column of text cells: two C-level passes over the whole column
    instead of Python work per cell, when there is nothing to change (nearly always).

    A printable column holds no control character (nor anything else unprintable: that only
    sends the column through the cell-by-cell path)."""
    if " ".join(values).isprintable() and _FORMULA_STARTS.isdisjoint([v[:1] for v in values]):
        return values
    return [neutralise_text(value) for value in values]


@dataclass
class ExportRequest:
    conference: Conference
    forum: Forum | None = None
    statuses: frozenset[str] = frozenset({"seated", "waiting"})
    columns: list[str] = field(default_factory=lambda: list(DEFAULT_COLUMNS))
    forum_columns: bool = False
    registration_ids: list[int] | None = None  # the admin's "export selected"

    def filters(self) -> dict:
        return {
            "forum": self.forum.slug if self.forum else None,
            "statuses": sorted(self.statuses),
            "forum_columns": self.forum_columns,
            "selected": len(self.registration_ids) if self.registration_ids is not None else None,
        }


class PickCells(NamedTuple):
    """What a registration's picks put in a row: the two list cells and one mark per forum."""

    seated: str
    waiting: str
    marks: list[str]


# (a chunk's queried values, one tuple per value; its rows' pick cells or None) → a column
ColumnMaker = Callable[[list[tuple], list[PickCells] | None], Sequence]


class AttendeeList:
    """Header and rows of one export; rows are produced lazily, in chunks of CHUNK."""

    def __init__(self, request: ExportRequest):
        self.request = request
        self.conference = request.conference
        self.columns = [c for c in request.columns if c in COLUMNS]
        if request.forum is None:
            self.columns = [c for c in self.columns if c not in FORUM_ONLY_COLUMNS]
        self.tz = self.conference.tzinfo
        self.forums = list(
            Forum.objects.filter(conference=self.conference).order_by("starts_at", "position", "pk")
        )
        self.forum_titles = {forum.pk: forum.title for forum in self.forums}
        self.forum_ids = [forum.pk for forum in self.forums]
        self.forum_order = {forum_id: index for index, forum_id in enumerate(self.forum_ids)}
        self.row_count = 0

    def header(self) -> list[str]:
        header = [str(COLUMNS[c]) for c in self.columns]
        if self.request.forum_columns:
            header += [forum.title for forum in self.forums]
        # Forum titles are typed by organizers: a header cell is a cell like any other.
        return [neutralise(title) for title in header]

    def rows(self) -> Iterator[Sequence]:
        for chunk in self.chunks():
            yield from chunk

    def chunks(self) -> Iterator[list[Sequence]]:
        """The rows, CHUNK at a time, from one streamed query (a server-side cursor on
        PostgreSQL) of plain tuples: no model instances, no dict per row.

        Each chunk is converted column by column, then zipped into rows: a column costs one
        list comprehension, and typed text nothing per cell unless something in it needs
        neutralising."""
        self.positions = self._positions()
        self._seated_cells: dict[str, PickCells] = {}
        names, annotations = self._values()
        self.at = {name: index for index, name in enumerate(names)}
        makers = self._column_makers()
        seated_at, waiting_at = self.at.get("seated"), self.at.get("waiting")
        forum_columns = self.request.forum_columns
        records = self._source().annotate(**annotations).values_list(*names).iterator(CHUNK)
        while batch := list(islice(records, CHUNK)):
            values = list(zip(*batch, strict=True))
            cells = None
            if seated_at is not None:
                cells = list(map(self._pick_cells, values[seated_at], values[waiting_at]))
            columns = [make(values, cells) for make in makers]
            if forum_columns:
                columns += zip(*(pick_cells.marks for pick_cells in cells), strict=True)
            self.row_count += len(batch)
            yield list(zip(*columns, strict=True)) if columns else [()] * len(batch)

    def _source(self) -> QuerySet:
        """The picks of the chosen forum (seats, then the waiting list in order) or the
        registrations of the conference (by name), filtered as requested."""
        request = self.request
        statuses = [STATUSES[s] for s in sorted(request.statuses) if s in STATUSES]
        if request.forum is not None:
            picks = ForumPick.objects.filter(
                forum=request.forum,
                status__in=statuses,
                registration__status=RegistrationStatus.CONFIRMED,
            )
            if request.registration_ids is not None:
                picks = picks.filter(registration_id__in=request.registration_ids)
            return picks.order_by("status", "picked_at", "pk")
        registrations = Registration.objects.filter(
            conference=self.conference, status=RegistrationStatus.CONFIRMED
        )
        if request.registration_ids is not None:
            registrations = registrations.filter(pk__in=request.registration_ids)
        if set(statuses) != {PickStatus.SEATED, PickStatus.WAITING}:
            registrations = registrations.filter(
                pk__in=ForumPick.objects.filter(status__in=statuses).values("registration_id")
            )
        return registrations.order_by("full_name", "pk")

    def _values(self) -> tuple[list[str], dict]:
        """The values the chosen columns read, and the annotations among them: only those, so
        an export of names and emails neither joins the picks nor formats times."""
        prefix = "registration__" if self.request.forum is not None else ""
        picks = f"{prefix}picks"
        names = ["pk", "status"] if self.request.forum is not None else []
        annotations: dict = {}
        for column in self.columns:
            if column in TIME_COLUMNS:
                time = LocalMinute(prefix + TIME_COLUMNS[column], tzinfo=self.tz)
                annotations[f"local_{column}"] = time
            elif column not in {"seated_forums", "waiting_forums", *FORUM_ONLY_COLUMNS}:
                names.append(f"{prefix}{column}")
        if self.request.forum_columns or {"seated_forums", "waiting_forums"} & set(self.columns):
            annotations["seated"] = PickList(picks, PickStatus.SEATED)
            annotations["waiting"] = PickList(picks, PickStatus.WAITING)
        return names + list(annotations), annotations

    def _positions(self) -> dict[int, int]:
        """Waiting-list position of every waiting pick of the conference (one query)."""
        positions: dict[int, int] = {}
        current_forum, position = None, 0
        waiting = (
            ForumPick.objects.filter(forum__conference=self.conference, status=PickStatus.WAITING)
            .order_by("forum_id", "picked_at", "pk")
            .values_list("pk", "forum_id")
        )
        for pick_id, forum_id in waiting.iterator(chunk_size=CHUNK):
            if forum_id != current_forum:
                current_forum, position = forum_id, 0
            position += 1
            positions[pick_id] = position
        return positions

    def _column_makers(self) -> list[ColumnMaker]:
        """One function per chosen column: (the chunk's queried values, one tuple per value,
        its pick cells) → the column's cells. Built once per export."""
        return [self._column_maker(column) for column in self.columns]

    def _column_maker(self, column: str) -> ColumnMaker:
        prefix = "registration__" if self.request.forum is not None else ""
        at, positions = self.at, self.positions
        if column in TYPED_COLUMNS:
            index = at[prefix + column]
            return lambda values, cells: neutralise_column(values[index])
        match column:
            case "ticket_code":
                index = at[prefix + "ticket_code"]
                return lambda values, cells: [
                    f"{code[: len(code) // 2]}-{code[len(code) // 2 :]}" for code in values[index]
                ]
            case "newsletter":
                index = at[prefix + "newsletter"]
                return lambda values, cells: ["yes" if yes else "no" for yes in values[index]]
            case "registered_at" | "checked_in_at":
                index = at[f"local_{column}"]
                return lambda values, cells: [minute or "" for minute in values[index]]
            case "seated_forums":
                return lambda values, cells: [pick_cells.seated for pick_cells in cells]
            case "waiting_forums":
                return lambda values, cells: [pick_cells.waiting for pick_cells in cells]
            case "pick_status":
                index, labels = at["status"], {s.value: str(s.label) for s in PickStatus}
                return lambda values, cells: [labels[status] for status in values[index]]
            case "waiting_position":
                index = at["pk"]
                return lambda values, cells: [positions.get(pk, "") for pk in values[index]]
        raise ValueError(f"unknown column {column!r}")

    def _pick_cells(self, seated: str | None, waiting: str | None) -> PickCells:
        """The cells of one registration's picks, from the two aggregated columns.

        Registrations share a handful of seated combinations, so those cells are built once per
        combination; waiting picks differ by their place in the queue and are built per row."""
        cells = self._seated_cells.get(seated or "")
        if cells is None:
            cells = self._seated_combination(seated)
            if len(self._seated_cells) >= SEATED_CACHE_SIZE:
                self._seated_cells.clear()
            self._seated_cells[seated or ""] = cells
        if not waiting:
            return cells
        order = self.forum_order
        picks = sorted(
            (tuple(map(int, item.split(":"))) for item in waiting.split(",")),
            key=lambda pick: order.get(pick[1], 0),
        )
        marks = list(cells.marks)
        for pick_id, forum_id in picks:
            if forum_id in order:
                marks[order[forum_id]] = f"W{self.positions.get(pick_id, '')}"
        listed = "; ".join(
            f"{self.forum_titles[forum_id]} (#{self.positions.get(pick_id, '?')})"
            for pick_id, forum_id in picks
        )
        return PickCells(cells.seated, neutralise_text(listed), marks)

    def _seated_combination(self, seated: str | None) -> PickCells:
        forum_ids = sorted(
            (int(forum_id) for forum_id in seated.split(",")) if seated else (),
            key=lambda forum_id: self.forum_order.get(forum_id, 0),
        )
        marks = ["x" if forum_id in forum_ids else "" for forum_id in self.forum_ids]
        listed = "; ".join(self.forum_titles[forum_id] for forum_id in forum_ids)
        return PickCells(neutralise_text(listed), "", marks)


class LocalMinute(Func):
    """A timestamp as "YYYY-MM-DD HH:MM" text in a time zone, made by the database: parsing
    timestamps into Python datetimes (Django's psycopg loader runs in Python) cost a third of
    a PostgreSQL export. NULL stays NULL."""

    output_field = CharField()

    def __init__(self, expression: str, *, tzinfo: ZoneInfo):
        # Elsewhere (SQLite) Django's own truncation in that zone, which is text there already.
        portable = Substr(Cast(TruncMinute(expression, tzinfo=tzinfo), CharField()), 1, 16)
        super().__init__(F(expression), portable)
        self.tzinfo = tzinfo

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[1])

    def get_group_by_cols(self):
        # Next to an aggregate (the picks) group by the timestamp column, not by this text:
        # the database then formats each registration's time once, after grouping, rather than
        # once per pick before it, and sorts narrower rows.
        return self.source_expressions[0].get_group_by_cols()

    def as_postgresql(self, compiler, connection, **extra_context):
        # to_char, not a cast to text, whose format would follow the server's DateStyle.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char({sql} AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI')", (*params, self.tzinfo.key)


class PickList(Aggregate):
    """A registration's picks of one status as one comma-separated text column: forum ids of
    the seated ones, "pick:forum" for waiting ones (whose position is looked up by pick id).
    GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def __init__(self, relation: str, status: PickStatus):
        forum = Cast(f"{relation}__forum_id", CharField())
        if status == PickStatus.WAITING:
            pick = Cast(f"{relation}__pk", CharField())
            forum = Concat(pick, Value(":"), forum, output_field=CharField())
        super().__init__(forum, filter=Q(**{f"{relation}__status": status}))

    def as_postgresql(self, compiler, connection, **extra_context):
        clone = self.copy()
        clone.function = "STRING_AGG"
        clone.template = "%(function)s(%(expressions)s, ',')"
        return clone.as_sql(compiler, connection, **extra_context)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_chunks(attendees: AttendeeList, log: ExportLog) -> Iterator[str]:
    """The CSV, BOM and header first, then one string per chunk of rows (one writerows() and
    one yield per chunk cost a fraction of one per row); the log gets its row count at the end."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(attendees.header())
    yield "\ufeff" + _drain(buffer)
    try:
        for chunk in attendees.chunks():
            writer.writerows(chunk)
            yield _drain(buffer)
    finally:
        ExportLog.objects.filter(pk=log.pk).update(row_count=attendees.row_count)


def xlsx_file(attendees: AttendeeList, log: ExportLog, title: str):
    """The workbook in a spooled temporary file (rewound), written with openpyxl write-only."""
    workbook = Workbook(write_only=True)
    # Sheet titles cannot hold : \\ / ? * [ ] and stop at 31 characters.
    safe_title = re.sub(r"[:\\/?*\[\]]", " ", ILLEGAL_CHARACTERS_RE.sub("", title)).strip()[:31]
    sheet = workbook.create_sheet(title=safe_title or "Attendees")
    bold = Font(bold=True)
    header = []
    for value in attendees.header():
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    sheet.freeze_panes = "A2"
    for row in attendees.rows():
        # openpyxl writes an element for an empty string but nothing for None: the same empty
        # cell in Excel, at half the work when most forum columns are blank. The last cell is
        # written even when empty, so that readers still see every row at full width.
        cells = [None if value == "" else value for value in row[:-1]]
        cells.extend(row[-1:])
        sheet.append(cells)
    target = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - returned open
    workbook.save(target)
    target.seek(0)
    ExportLog.objects.filter(pk=log.pk).update(row_count=attendees.row_count)
    return target


def start_log(*, user, request: ExportRequest, file_format: str, source: str) -> ExportLog:
    return ExportLog.objects.create(
        user=user,
        username=user.get_username(),
        conference=request.conference,
        forum=request.forum,
        file_format=file_format,
        source=source,
        filters=request.filters(),
        columns=request.columns,
    )


def filename(request: ExportRequest, extension: str) -> str:
    scope = request.forum.slug if request.forum else "all"
    return f"{request.conference.slug}-attendees-{scope}.{extension}"
