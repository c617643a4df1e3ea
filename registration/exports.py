"""Attendee lists for staff: one service behind /staff/exports/ and the admin action.

CSV streams row by row (UTF-8 with a BOM so that Excel shows Chinese names right), so memory
stays flat however many registrations there are; Excel uses openpyxl's write-only mode into a
spooled temporary file. Every cell that a spreadsheet would run as a formula is neutralised.
Every export is written to the ExportLog (who, when, which filter, how many rows).
"""

import csv
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Aggregate, CharField, Q, Value
from django.db.models.functions import Cast, Concat
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
STATUSES = {"seated": PickStatus.SEATED, "waiting": PickStatus.WAITING}
CHUNK = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> object:
    """Make a cell inert in spreadsheets (CSV/formula injection): prefix with a quote; drop
    control characters, which Excel files cannot hold."""
    if isinstance(value, str) and value:
        if not value.isprintable():
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


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
        self.row_count = 0

    def header(self) -> list[str]:
        header = [str(COLUMNS[c]) for c in self.columns]
        if self.request.forum_columns:
            header += [forum.title for forum in self.forums]
        return header

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

    def _time(self, value: datetime | None) -> str:
        return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M") if value else ""

    def rows(self) -> Iterator[list]:
        """Rows from one streamed query: plain values (no model instances), each
        registration's live picks aggregated by the database into one text column."""
        positions = self.positions = self._positions()
        self.makers = self._cell_makers()
        order = {forum_id: index for index, forum_id in enumerate(self.forum_ids)}
        statuses = [STATUSES[s] for s in sorted(self.request.statuses) if s in STATUSES]
        if self.request.forum is not None:
            picks = ForumPick.objects.filter(
                forum=self.request.forum,
                status__in=statuses,
                registration__status=RegistrationStatus.CONFIRMED,
            )
            if self.request.registration_ids is not None:
                picks = picks.filter(registration_id__in=self.request.registration_ids)
            source = (
                picks.annotate(live=PickList("registration__picks"))
                .order_by("status", "picked_at", "pk")
                .values_list(
                    "pk",
                    "status",
                    *(f"registration__{name}" for name in REGISTRATION_FIELDS),
                    "live",
                )
            )
            for pick_id, status, *registration, live in source.iterator(chunk_size=CHUNK):
                self.row_count += 1
                yield self._row(registration, _parse(live, order), positions, (pick_id, status))
            return
        registrations = Registration.objects.filter(
            conference=self.conference, status=RegistrationStatus.CONFIRMED
        )
        if self.request.registration_ids is not None:
            registrations = registrations.filter(pk__in=self.request.registration_ids)
        if set(statuses) != {PickStatus.SEATED, PickStatus.WAITING}:
            registrations = registrations.filter(
                pk__in=ForumPick.objects.filter(status__in=statuses).values("registration_id")
            )
        source = (
            registrations.annotate(live=PickList("picks"))
            .order_by("full_name", "pk")
            .values_list(*REGISTRATION_FIELDS, "live")
        )
        for *registration, live in source.iterator(chunk_size=CHUNK):
            self.row_count += 1
            yield self._row(registration, _parse(live, order), positions)

    def _cell_makers(self) -> list:
        """One function per chosen column: (registration, picks, pick) → cell value.

        Built once per export so that each row does only the work its columns need."""
        titles, positions = self.forum_titles, self.positions
        field = {name: index for index, name in enumerate(REGISTRATION_FIELDS)}
        time = self._time

        def plain(name):
            index = field[name]
            return lambda reg, picks, pick: reg[index]

        def ticket(reg, picks, pick):
            code = reg[field["ticket_code"]]
            half = len(code) // 2
            return f"{code[:half]}-{code[half:]}"

        def seated(reg, picks, pick):
            return "; ".join(titles[f] for _, f, status in picks if status == PickStatus.SEATED)

        def waiting(reg, picks, pick):
            return "; ".join(
                f"{titles[f]} (#{positions.get(pick_id, '?')})"
                for pick_id, f, status in picks
                if status == PickStatus.WAITING
            )

        makers = {
            "ticket_code": ticket,
            "full_name": plain("full_name"),
            "email": plain("email"),
            "organization": plain("organization"),
            "job_title": plain("job_title"),
            "phone": plain("phone"),
            "language": plain("language"),
            "newsletter": lambda reg, picks, pick: "yes" if reg[field["newsletter"]] else "no",
            "registered_at": lambda reg, picks, pick: time(reg[field["created_at"]]),
            "checked_in_at": lambda reg, picks, pick: time(reg[field["checked_in_at"]]),
            "seated_forums": seated,
            "waiting_forums": waiting,
            "pick_status": lambda reg, picks, pick: str(PickStatus(pick[1]).label) if pick else "",
            "waiting_position": lambda reg, picks, pick: positions.get(pick[0], "") if pick else "",
        }
        return [makers[column] for column in self.columns]

    def _row(self, registration, picks: list, positions: dict[int, int], pick=None) -> list:
        row = [neutralise(make(registration, picks, pick)) for make in self.makers]
        if self.request.forum_columns:
            by_forum = {forum_id: (pick_id, status) for pick_id, forum_id, status in picks}
            for forum_id in self.forum_ids:
                found = by_forum.get(forum_id)
                if found is None:
                    row.append("")
                elif found[1] == PickStatus.SEATED:
                    row.append("x")
                else:
                    row.append(f"W{positions.get(found[0], '')}")
        return row


REGISTRATION_FIELDS = (
    "pk",
    "ticket_code",
    "full_name",
    "email",
    "organization",
    "job_title",
    "phone",
    "language",
    "newsletter",
    "created_at",
    "checked_in_at",
)


class PickList(Aggregate):
    """A registration's seated and waiting picks as "pick:forum:status,…" (one text column):
    GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def __init__(self, relation: str):
        parts = Concat(
            Cast(f"{relation}__pk", CharField()),
            Value(":"),
            Cast(f"{relation}__forum_id", CharField()),
            Value(":"),
            f"{relation}__status",
            output_field=CharField(),
        )
        live = Q(**{f"{relation}__status__in": [PickStatus.SEATED, PickStatus.WAITING]})
        super().__init__(parts, filter=live)

    def as_postgresql(self, compiler, connection, **extra_context):
        clone = self.copy()
        clone.function = "STRING_AGG"
        clone.template = "%(function)s(%(expressions)s, ',')"
        return clone.as_sql(compiler, connection, **extra_context)


def _parse(blob: str | None, order: dict[int, int]) -> list[tuple[int, int, str]]:
    """'12:3:seated,13:5:waiting' → [(pick id, forum id, status)] in program order."""
    if not blob:
        return []
    picks = []
    for item in blob.split(","):
        pick_id, forum_id, status = item.split(":")
        picks.append((int(pick_id), int(forum_id), status))
    picks.sort(key=lambda pick: order.get(pick[1], 0))
    return picks


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(attendees: AttendeeList, log: ExportLog) -> Iterator[str]:
    """The CSV, line by line, BOM first; the log gets its row count at the end."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(attendees.header())
    try:
        for row in attendees.rows():
            yield writer.writerow(row)
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
        sheet.append(row)
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
