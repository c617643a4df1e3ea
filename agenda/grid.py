"""The agenda's time grid: forums grouped by local day and placed on a grid of rooms
(columns) and five-minute rows, each talk in its own rows inside its forum's block, with the
hours down the side and the time slots of forums that overlap (the phone list's groups).

``build_days`` makes the days; ``agenda.views`` renders them (and memoizes their HTML).
"""

import datetime as dt
import math
from dataclasses import dataclass, field

from agenda.models import Conference, Forum, Talk

# The grid's rows: five minutes each, so every hour is twelve rows of the same height.
GRID_SLOT = dt.timedelta(minutes=5)
SLOTS_PER_HOUR = 12


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
    # Its block on the agenda page, when the page renders it (agenda.views._grid_forum_html).
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
    # Its section of the agenda page, when the page renders it (agenda.views._program_day_html).
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
