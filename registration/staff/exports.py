"""Attendee lists for staff: what an export holds, not how it is sent.

``attendee_export()`` logs the export (who, when, which filter) and returns an ``Export``: its
header, its rows (read lazily, CHUNK at a time, so memory stays flat however many registrations
there are), the file name and sheet title, and its ExportLog entry, which gets the row count
once the rows have been read. Each caller turns it into its own response
(``registration.staff.downloads.download``). Every cell a spreadsheet could run as a formula is
made inert (``registration.staff.cells``).

One query does the filtering, the ordering, the time formatting and the aggregation of each
registration's picks; Python checks only the cells that can hold what someone typed, builds the
pick cells once per combination of seated forums, and converts each chunk column by column.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agenda.models import Conference, Forum
from agenda.templatetags.program import day_short
from registration.enums import PickStatus
from registration.models import Answer, ExportLog, ExportPreference
from registration.questions import conference_questions
from registration.shown_answers import answer_text
from registration.staff import queries
from registration.staff.cells import neutralise, neutralise_column, neutralise_text
from registration.tickets import format_ticket_code

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
    # One column per registration question, titled with its label (AnswerCells).
    "answers": _("Answers to the registration questions"),
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
    "answers",
]
FORUM_ONLY_COLUMNS = {"pick_status", "waiting_position"}
# Columns holding what an attendee typed: the only registration values that can start a formula
# or hold a control character. Ticket codes, times, yes/no and the forum marks are ours.
TYPED_COLUMNS = {"full_name", "email", "organization", "job_title", "phone", "language"}
# Time columns and the registration field each shows.
TIME_COLUMNS = {"registered_at": "created_at", "checked_in_at": "checked_in_at"}
STATUSES = {"seated": PickStatus.SEATED, "waiting": PickStatus.WAITING}
FILE_FORMATS = ("csv", "xlsx")
# The columns "answers" becomes: "answer:<question id>".
ANSWER_PREFIX = "answer:"
CHUNK = 2000
# A forum column's title keeps this many characters of the forum's title, then its day and time.
FORUM_TITLE_MAX = 32
# Distinct combinations of seated forums whose cells are kept; a program rarely has more, and
# the cap keeps memory flat when it does.
SEATED_CACHE_SIZE = 4096


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


class Export:
    """One logged export: ``header``, ``chunks()`` / ``rows()`` (each readable once),
    ``filename``, ``title``, ``file_format``, ``row_count`` (rows read so far) and ``log``."""

    def __init__(self, request: ExportRequest, *, file_format: str, log: ExportLog):
        self.request = request
        self.file_format = file_format
        self.log = log
        self._rows = AttendeeRows(request)
        scope = request.forum.slug if request.forum else "all"
        self.filename = f"{request.conference.slug}-attendees-{scope}.{file_format}"
        self.title = request.forum.title if request.forum else gettext("Attendees")

    @property
    def header(self) -> list[str]:
        return self._rows.header()

    @property
    def columns(self) -> list[str]:
        """What each header cell is: a column of COLUMNS, "answer:<question id>", or
        "forum:<forum id>" for the forum columns (the Excel file types its cells by it)."""
        return self._rows.column_keys()

    @property
    def row_count(self) -> int:
        return self._rows.row_count

    def chunks(self) -> Iterator[list[Sequence]]:
        """The rows, CHUNK at a time; the log gets the row count when they have been read
        (or the reading stops)."""
        try:
            yield from self._rows.chunks()
        finally:
            ExportLog.objects.filter(pk=self.log.pk).update(row_count=self.row_count)

    def rows(self) -> Iterator[Sequence]:
        for chunk in self.chunks():
            yield from chunk


def attendee_export(
    request: ExportRequest,
    *,
    user,
    file_format: str,
    source: str,
    remember_columns: bool = False,
) -> Export:
    """Start an export of ``request`` as ``file_format`` ("csv" or "xlsx") by ``user`` from
    ``source`` ("staff", "admin"): logged now, rows read when the caller reads them. With
    ``remember_columns`` the user's export form offers these columns next time.
    Raises ValueError for another file format (nothing is logged)."""
    if file_format not in FILE_FORMATS:
        raise ValueError(f"unknown export file format {file_format!r}")
    if remember_columns:
        ExportPreference.objects.update_or_create(
            user=user, defaults={"columns": list(request.columns)}
        )
    log = _log(user=user, request=request, file_format=file_format, source=source)
    return Export(request, file_format=file_format, log=log)


def print_door_list(*, forum: Forum, user) -> queries.DoorList:
    """The door list of ``forum`` (``queries.door_list``), logged as a printed export."""
    door_list = queries.door_list(forum)
    request = ExportRequest(
        conference=forum.conference,
        forum=forum,
        columns=["full_name", "organization", "ticket_code"],
    )
    _log(
        user=user,
        request=request,
        file_format="print",
        source="staff",
        row_count=door_list.row_count,
    )
    return door_list


def _log(
    *, user, request: ExportRequest, file_format: str, source: str, row_count: int | None = None
) -> ExportLog:
    return ExportLog.objects.create(
        row_count=row_count,
        user=user,
        username=user.get_username(),
        conference=request.conference,
        forum=request.forum,
        file_format=file_format,
        source=source,
        filters=request.filters(),
        columns=request.columns,
    )


def forum_heading(forum: Forum, conference: Conference) -> str:
    """A forum column's title: the forum's title, shortened at a word to FORUM_TITLE_MAX
    characters, then its day and times at the venue ("eBPF · Sat 27 May 09:00-12:00", with an
    en dash): two forums of the same name on different days stay apart, and a column stays
    narrow."""
    title = forum.title
    if len(title) > FORUM_TITLE_MAX:
        cut = title[: FORUM_TITLE_MAX - 1]
        # At the last space when there is one in the second half (Chinese has none).
        space = cut.rfind(" ")
        title = (cut[:space] if space > FORUM_TITLE_MAX // 2 else cut).rstrip(" ,.:;-–·") + "…"
    with timezone.override(conference.tzinfo):
        starts, ends = timezone.localtime(forum.starts_at), timezone.localtime(forum.ends_at)
        day = day_short(forum.starts_at)
    return f"{title} · {day} {starts:%H:%M}–{ends:%H:%M}"


class PickCells(NamedTuple):
    """What a registration's picks put in a row: the two list cells and one mark per forum."""

    seated: str
    waiting: str
    marks: list[str]


# (a chunk's queried values, one tuple per value; its rows' pick cells or None) → a column
ColumnMaker = Callable[[list[tuple], list[PickCells] | None], Sequence]


class AttendeeRows:
    """Header and rows of one export; rows are produced lazily, in chunks of CHUNK."""

    def __init__(self, request: ExportRequest):
        self.request = request
        self.conference = request.conference
        self.columns = [c for c in request.columns if c in COLUMNS]
        if request.forum is None:
            self.columns = [c for c in self.columns if c not in FORUM_ONLY_COLUMNS]
        self.forums = list(queries.conference_forums(self.conference))
        self.forum_titles = {forum.pk: forum.title for forum in self.forums}
        self.forum_ids = [forum.pk for forum in self.forums]
        self.forum_order = {forum_id: index for index, forum_id in enumerate(self.forum_ids)}
        self.answers = AnswerCells(self.conference) if "answers" in self.columns else None
        if self.answers is not None:  # "answers" becomes one column per question
            at = self.columns.index("answers")
            self.columns[at : at + 1] = self.answers.columns
        self.row_count = 0

    def header(self) -> list[str]:
        header = [
            self.answers.titles[c] if c.startswith(ANSWER_PREFIX) else str(COLUMNS[c])
            for c in self.columns
        ]
        if self.request.forum_columns:
            header += [forum_heading(forum, self.conference) for forum in self.forums]
        # Forum titles are typed by organizers: a header cell is a cell like any other.
        return [neutralise(title) for title in header]

    def column_keys(self) -> list[str]:
        if not self.request.forum_columns:
            return list(self.columns)
        return self.columns + [f"forum:{forum.pk}" for forum in self.forums]

    def chunks(self) -> Iterator[list[Sequence]]:
        """The rows, CHUNK at a time, from one streamed query (a server-side cursor on
        PostgreSQL) of plain tuples: no model instances, no dict per row.

        Each chunk is converted column by column, then zipped into rows: a column costs one
        list comprehension, and typed text nothing per cell unless something in it needs
        neutralising."""
        self.positions = queries.waiting_positions(self.conference, chunk_size=CHUNK)
        self._seated_cells: dict[str, PickCells] = {}
        names, annotations = self._values()
        self.at = {name: index for index, name in enumerate(names)}
        makers = [self._column_maker(column) for column in self.columns]
        seated_at, waiting_at = self.at.get("seated"), self.at.get("waiting")
        forum_columns = self.request.forum_columns
        request = self.request
        source = queries.export_source(
            conference=self.conference,
            forum=request.forum,
            statuses=[STATUSES[s] for s in sorted(request.statuses) if s in STATUSES],
            registration_ids=request.registration_ids,
        )
        records = source.annotate(**annotations).values_list(*names).iterator(CHUNK)
        while batch := list(islice(records, CHUNK)):
            values = list(zip(*batch, strict=True))
            cells = None
            if seated_at is not None:
                cells = list(map(self._pick_cells, values[seated_at], values[waiting_at]))
            if self.answers is not None:
                self.answers.load(values[self.at[self._registration_key]])
            columns = [make(values, cells) for make in makers]
            if forum_columns:
                columns += zip(*(pick_cells.marks for pick_cells in cells), strict=True)
            self.row_count += len(batch)
            yield list(zip(*columns, strict=True)) if columns else [()] * len(batch)

    def _values(self) -> tuple[list[str], dict]:
        """The values the chosen columns read, and the annotations among them: only those, so
        an export of names and emails neither joins the picks nor formats times."""
        prefix = "registration__" if self.request.forum is not None else ""
        picks = f"{prefix}picks"
        names = ["pk", "status"] if self.request.forum is not None else []
        self._registration_key = f"{prefix}pk"
        if self.answers is not None and self._registration_key not in names:
            names.append(self._registration_key)
        annotations: dict = {}
        for column in self.columns:
            if column.startswith(ANSWER_PREFIX):
                continue
            if column in TIME_COLUMNS:
                time = queries.LocalMinute(
                    prefix + TIME_COLUMNS[column], tzinfo=self.conference.tzinfo
                )
                annotations[f"local_{column}"] = time
            elif column not in {"seated_forums", "waiting_forums", *FORUM_ONLY_COLUMNS}:
                names.append(f"{prefix}{column}")
        if self.request.forum_columns or {"seated_forums", "waiting_forums"} & set(self.columns):
            annotations["seated"] = queries.PickList(picks, PickStatus.SEATED)
            annotations["waiting"] = queries.PickList(picks, PickStatus.WAITING)
        return names + list(annotations), annotations

    def _column_maker(self, column: str) -> ColumnMaker:
        """(the chunk's queried values, one tuple per value, its pick cells) → the cells of
        ``column``. Built once per export."""
        prefix = "registration__" if self.request.forum is not None else ""
        at, positions = self.at, self.positions
        if column.startswith(ANSWER_PREFIX):
            index, cells_of = at[self._registration_key], self.answers.column(column)
            return lambda values, cells: cells_of(values[index])
        if column in TYPED_COLUMNS:
            index = at[prefix + column]
            return lambda values, cells: neutralise_column(values[index])
        match column:
            case "ticket_code":
                index = at[prefix + "ticket_code"]
                return lambda values, cells: list(map(format_ticket_code, values[index]))
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


class AnswerCells:
    """The export's answer columns, one per question of the conference (inactive ones too:
    their answers were collected), titled with the label in the exporter's language. Each
    chunk's answers are read in two queries (``load``); several choices are joined with "; "."""

    def __init__(self, conference: Conference):
        self.questions = {q.pk: q for q in conference_questions(conference.pk)}
        self.columns = [f"{ANSWER_PREFIX}{pk}" for pk in self.questions]
        # Labels and choices are typed by organizers: cells like any other.
        self.titles = {
            f"{ANSWER_PREFIX}{pk}": neutralise_text(question.label)
            for pk, question in self.questions.items()
        }
        self.choice_labels = {
            choice.pk: choice.label
            for question in self.questions.values()
            for choice in question.choices.all()
        }
        self.cells: dict[tuple[int, int], str] = {}

    def load(self, registration_ids: Sequence[int]) -> None:
        """Read the answers of these registrations (one chunk) into ``cells``."""
        answers = Answer.objects.filter(
            registration_id__in=registration_ids, question_id__in=list(self.questions)
        )
        picked: dict[int, list[str]] = {}
        through = Answer.choices.through.objects.filter(answer__in=answers)
        for answer_id, choice_id in through.order_by(
            "questionchoice__position", "questionchoice_id"
        ).values_list("answer_id", "questionchoice_id"):
            picked.setdefault(answer_id, []).append(self.choice_labels[choice_id])
        self.cells = {
            (registration_id, question_id): neutralise_text(
                answer_text(self.questions[question_id], value, picked.get(answer_id, []))
            )
            for answer_id, registration_id, question_id, value in answers.order_by().values_list(
                "pk", "registration_id", "question_id", "value"
            )
        }

    def column(self, column: str) -> Callable[[Sequence[int]], list[str]]:
        """The cells of one answer column, by registration id, from the loaded chunk."""
        question_id = int(column.removeprefix(ANSWER_PREFIX))
        return lambda registration_ids: [
            self.cells.get((registration_id, question_id), "")
            for registration_id in registration_ids
        ]
