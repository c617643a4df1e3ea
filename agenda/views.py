"""Public program pages: agenda grid, forums, talks, speakers."""

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import partial

from django.db import DEFAULT_DB_ALIAS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from agenda import caching
from agenda.enums import ForumKind
from agenda.models import Conference, Forum, Speaker, Talk
from agenda.queries import (
    forum_page_extensions,
    forum_talk_values,
    forum_talks,
    forum_values,
    forums_from_values,
    program_rows,
    program_speaker,
    program_talk,
    speaker_columns,
    speaker_list_rows,
)
from agenda.templatetags.program import program_urls
from gotc import pagecache

# The grid's rows: five minutes each, so every hour is twelve rows of the same height.
GRID_SLOT = dt.timedelta(minutes=5)
SLOTS_PER_HOUR = 12


def may_preview(user) -> bool:
    """Whether ``user`` sees unpublished editions: active staff who may change the program
    (organizers, superusers). Staff who only read it (the registration desk) see what the
    public sees, a 404."""
    return user.is_active and user.is_staff and user.has_perm("agenda.change_conference")


def get_conference(request: HttpRequest, conference: str | None = None) -> Conference:
    """The conference a program URL is about, with its time zone activated.

    Without a slug: the current (latest published) conference. With one: that edition;
    those who may change the program may also preview an unpublished one (``may_preview``).
    Raises Http404 otherwise.
    """
    if conference is None:
        # Read once per program version and process: nearly every page needs it.
        found = pagecache.remembered(
            "current-conference", caching.PROGRAM, Conference.objects.current
        )
        if found is None:
            raise Http404("No conference is published yet.")
        found.is_current = True
    else:
        queryset = Conference.objects.all()
        if not may_preview(request.user):
            queryset = queryset.published()
        found = get_object_or_404(queryset, slug=conference)
        found.is_current = False
    timezone.activate(found.tzinfo)
    return found


@dataclass(frozen=True)
class GridTalk:
    """A talk on the grid: its rows inside its forum's block (1-based grid lines)."""

    talk: Talk
    row_start: int
    row_end: int


@dataclass(frozen=True)
class GridBreak:
    """Time between two talks of a forum (``row_*``: grid lines inside the forum's block)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    row_start: int
    row_end: int


@dataclass
class GridForum:
    """A forum on its day's grid: room column, rows (grid lines of the day), its talks and
    breaks, and the other forums it runs in parallel with."""

    forum: Forum
    column: int
    row_start: int
    row_end: int
    talks: list[GridTalk] = field(default_factory=list)
    breaks: list[GridBreak] = field(default_factory=list)
    parallel: list[Forum] = field(default_factory=list)
    # Its block on the agenda page, when the page renders it (``_grid_forum_html``).
    html: str = ""

    @property
    def rows(self) -> int:
        return self.row_end - self.row_start

    def memo_key(self) -> tuple:
        """Everything its block shows (agenda.caching.fragment): for program rows only."""
        return (
            self.forum,
            self.column,
            self.row_start,
            self.row_end,
            tuple(self.talks),
            tuple(self.breaks),
            tuple((other.title, other.room.name) for other in self.parallel),
        )


@dataclass
class GridHour:
    starts_at: dt.datetime
    row_start: int
    row_end: int


@dataclass
class TimeSlot:
    """Forums that overlap in time, directly or through one another (the phone list's groups)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    forums: list[GridForum] = field(default_factory=list)

    @property
    def is_parallel(self) -> bool:
        return len(self.forums) > 1


@dataclass
class ProgramDay:
    date: dt.date
    forums: list[Forum]
    rooms: list = field(default_factory=list)
    grid: list[GridForum] = field(default_factory=list)
    hours: list[GridHour] = field(default_factory=list)
    slots: list[TimeSlot] = field(default_factory=list)
    rows: int = 0
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    # Its section of the agenda page, when the page renders it (``_program_day_html``).
    html: str = ""


def _slots_between(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start) / GRID_SLOT


def _line_at(grid_start: dt.datetime, moment: dt.datetime, *, round_up: bool = False) -> int:
    """The grid line of ``moment`` (line 1 is the top of the room headers, line 2 the top of
    the first slot); a time between two lines rounds down, or up for an end."""
    slots = _slots_between(grid_start, moment)
    return 2 + (math.ceil(slots) if round_up else math.floor(slots))


def _place_forum(forum: Forum, column: int, grid_start: dt.datetime) -> GridForum:
    start = _line_at(grid_start, forum.starts_at)
    end = max(start + 1, _line_at(grid_start, forum.ends_at, round_up=True))
    cell = GridForum(forum, column, start, end)
    talks = getattr(forum, "program_talks", None) or []
    previous_end = None
    for talk in talks:
        # Lines inside the forum's block (its first line is 1), kept inside the block.
        talk_start = min(max(_line_at(grid_start, talk.starts_at) - start + 1, 1), cell.rows)
        talk_end = _line_at(grid_start, talk.ends_at, round_up=True) - start + 1
        talk_end = min(max(talk_end, talk_start + 1), cell.rows + 1)
        if previous_end is not None and talk.starts_at - previous_end >= GRID_SLOT:
            # From where the previous talk's block ends to where this one's begins.
            break_start = _line_at(grid_start, previous_end, round_up=True) - start + 1
            if break_start < talk_start:
                cell.breaks.append(GridBreak(previous_end, talk.starts_at, break_start, talk_start))
        cell.talks.append(GridTalk(talk, talk_start, talk_end))
        previous_end = max(previous_end or talk.ends_at, talk.ends_at)
    return cell


def _time_slots(cells: list[GridForum]) -> list[TimeSlot]:
    """Group forums (in start order) into slots of forums that overlap."""
    slots: list[TimeSlot] = []
    for cell in sorted(cells, key=lambda c: (c.forum.starts_at, c.column)):
        forum = cell.forum
        if slots and forum.starts_at < slots[-1].ends_at:
            slots[-1].forums.append(cell)
            slots[-1].ends_at = max(slots[-1].ends_at, forum.ends_at)
        else:
            slots.append(TimeSlot(forum.starts_at, forum.ends_at, [cell]))
    return slots


def build_days(conference: Conference, forums: list[Forum]) -> list[ProgramDay]:
    """Group forums by local day and place them on a time grid.

    Rooms are columns (column 1 holds the times); rows are ``GRID_SLOT`` (5 minutes) each,
    from the hour before the day's first forum to the hour after its last, so every hour is
    the same height. Row 1 is the room headers. Each talk is placed in its own rows inside
    its forum's block."""
    tz = conference.tzinfo
    days: list[ProgramDay] = []
    for day in conference.days:
        todays = [f for f in forums if f.starts_at.astimezone(tz).date() == day]
        if not todays:
            continue
        rooms = sorted({f.room for f in todays}, key=lambda r: (r.position, r.name))
        first = min(f.starts_at for f in todays).astimezone(tz)
        grid_start = first.replace(minute=0, second=0, microsecond=0)
        last = max(f.ends_at for f in todays).astimezone(tz)
        grid_end = last.replace(minute=0, second=0, microsecond=0)
        if grid_end < last:
            grid_end += dt.timedelta(hours=1)
        program_day = ProgramDay(
            date=day, forums=todays, rooms=rooms, starts_at=grid_start, ends_at=grid_end
        )
        program_day.rows = math.ceil(_slots_between(grid_start, grid_end))
        for forum in todays:
            cell = _place_forum(forum, rooms.index(forum.room) + 2, grid_start)
            cell.parallel = [
                other
                for other in todays
                if other is not forum
                and other.starts_at < forum.ends_at
                and forum.starts_at < other.ends_at
            ]
            program_day.grid.append(cell)
        program_day.slots = _time_slots(program_day.grid)
        hour = grid_start
        while hour < grid_end:
            row = _line_at(grid_start, hour)
            program_day.hours.append(GridHour(hour, row, row + SLOTS_PER_HOUR))
            hour += dt.timedelta(hours=1)
        days.append(program_day)
    return days


def _grid_forum_html(cell: GridForum, memoized=caching.fragment) -> str:
    """A forum's block on the agenda (agenda/_grid_forum.html), memoized on what it shows."""
    return memoized(
        ("grid-forum", *cell.memo_key()),
        lambda: render_to_string("agenda/_grid_forum.html", {"cell": cell}),
    )


def _program_day_html(day: ProgramDay, index: int) -> str:
    """A day's section of the agenda (agenda/_program_day.html) with its forums' blocks,
    memoized on what it shows (the blocks by their HTML)."""
    key = (
        "program-day",
        index,
        day.date,
        tuple(day.rooms),
        day.rows,
        day.starts_at,
        day.ends_at,
        tuple((hour.starts_at, hour.row_start, hour.row_end) for hour in day.hours),
        tuple(
            (slot.starts_at, slot.ends_at, tuple(cell.html for cell in slot.forums))
            for slot in day.slots
        ),
    )
    return caching.fragment(
        key, lambda: render_to_string("agenda/_program_day.html", {"day": day, "index": index})
    )


def _formatted_days(conference: Conference, rows: list) -> list[ProgramDay]:
    """``build_days`` with each day's ``html`` (and each forum block's) set."""
    days = build_days(conference, rows)
    memoized = caching.fragments()
    for index, day in enumerate(days, start=1):
        for cell in day.grid:
            cell.html = _grid_forum_html(cell, memoized)
        day.html = _program_day_html(day, index)
    return days


def agenda(request: HttpRequest, conference: str | None = None) -> HttpResponse:
    conf = get_conference(request, conference)
    kind = request.GET.get("kind", "")
    if kind not in ForumKind.values:
        kind = ""
    pagecache.opt_in(request, caching.PROGRAM, params={"kind": kind})
    drafts = may_preview(request.user)
    # Rows, not model instances (three queries); the days are placed and formatted once per
    # content (agenda.caching.fragment), each forum's block and each day's section too.
    rows = program_rows(conf, drafts, kind=kind)
    days = caching.fragment(
        ("agenda-days", rows.key, conf.time_zone, tuple(conf.days)),
        lambda: _formatted_days(conf, rows),
    )
    if kind:
        # The filter's choices are all the kinds present, not only the rows' one.
        # order_by(): the default ordering's columns would otherwise join the DISTINCT.
        present_kinds = set(
            Forum.objects.filter(conference=conf)
            .visible(drafts)
            .order_by()
            .values_list("kind", flat=True)
            .distinct()
        )
    else:
        present_kinds = {forum.kind for forum in rows}
    kinds = [(value, label) for value, label in ForumKind.choices if value in present_kinds]
    return render(
        request,
        "agenda/agenda.html",
        {
            "conference": conf,
            "days": days,
            "kinds": kinds,
            "selected_kind": kind,
            "nav": "agenda",
            # The page's main part is rendered once per content (agenda.caching.fragment).
            "content_key": caching.content_key(
                conf, conf.is_current, rows.key, kind, tuple(value for value, _ in kinds)
            ),
        },
    )


def forum_detail(request: HttpRequest, slug: str, conference: str | None = None) -> HttpResponse:
    conf = get_conference(request, conference)
    drafts = may_preview(request.user)
    extensions = forum_page_extensions()
    found = forum_values(conf, drafts, slug=slug, annotate=extensions)
    if not found:
        raise Http404("No such forum.")
    (forum,) = forums_from_values(found, extensions)
    talk_rows = forum_talk_values(conf, slug, drafts)
    # Made only when the page's main part is rendered, when it is not memoized yet.
    forum.program_talks = SimpleLazyObject(partial(forum_talks, talk_rows))
    registration_open = conf.is_current and conf.registration_is_open()
    return render(
        request,
        "agenda/forum_detail.html",
        {
            "conference": conf,
            "forum": forum,
            "registration_open": registration_open,
            # The page's main part is rendered once per content (agenda.caching.fragment):
            # every column of the forum, its room, its seat counts, its talks and their
            # speakers.
            "content_key": caching.content_key(
                conf, conf.is_current, registration_open, found, talk_rows
            ),
        },
    )


def talk_detail(request: HttpRequest, slug: str, conference: str | None = None) -> HttpResponse:
    conf = get_conference(request, conference)
    talk = program_talk(conf, slug, may_preview(request.user))
    if talk is None:
        raise Http404("No such talk.")
    # The page's main part is rendered once per content (agenda.caching.fragment).
    key = caching.content_key(
        conf, conf.is_current, talk, talk.forum, talk.forum.room, *talk.ordered_speakers
    )
    return render(
        request,
        "agenda/talk_detail.html",
        {"conference": conf, "talk": talk, "content_key": key},
    )


def speaker_list(request: HttpRequest, conference: str | None = None) -> HttpResponse:
    conf = get_conference(request, conference)
    # Rows, not model instances (two queries); each speaker's card is rendered once per
    # content (agenda.caching.fragment), the speaker made from its row only then.
    memoized = caching.fragments()
    speaker_url = program_urls(conf, "speaker")
    columns = speaker_columns()

    def card(values: tuple, talks: tuple) -> str:
        speaker = Speaker.from_db(DEFAULT_DB_ALIAS, columns, values)
        context = {"speaker": speaker, "url": speaker_url(speaker.slug), "talks": talks}
        return render_to_string("agenda/_speaker_card.html", context)

    def cards(rows) -> list[str]:
        return [
            memoized(("speaker-card", speaker_url(""), values, talks), partial(card, values, talks))
            for values, talks in rows
        ]

    rows = speaker_list_rows(conf, may_preview(request.user))
    return render(
        request,
        "agenda/speaker_list.html",
        {
            "conference": conf,
            # Only read to render the list, when it is not memoized yet.
            "cards": SimpleLazyObject(lambda: cards(rows)),
            # The list, rendered once per content of the rows (and the links' prefix).
            "content_key": ("speaker-list", speaker_url(""), rows.key),
        },
    )


def speaker_detail(request: HttpRequest, slug: str, conference: str | None = None) -> HttpResponse:
    conf = get_conference(request, conference)
    speaker = program_speaker(conf, slug, may_preview(request.user))
    if speaker is None:
        raise Http404("No such speaker.")
    # The page's main part is rendered once per content (agenda.caching.fragment).
    key = caching.content_key(
        conf,
        conf.is_current,
        speaker,
        *(caching.content_key(t, t.forum, t.forum.room) for t in speaker.program_talks),
    )
    return render(
        request,
        "agenda/speaker_detail.html",
        {"conference": conf, "speaker": speaker, "content_key": key},
    )
