"""Public program pages: agenda grid, forums, talks, speakers."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from agenda import caching
from agenda.enums import ForumKind
from agenda.models import Conference, Forum, Speaker, Talk
from gotc import pagecache

GRID_SLOT = dt.timedelta(minutes=15)


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


@dataclass
class GridForum:
    forum: Forum
    column: int
    row_start: int
    row_end: int


@dataclass
class ProgramDay:
    date: dt.date
    forums: list[Forum]
    rooms: list = field(default_factory=list)
    grid: list[GridForum] = field(default_factory=list)
    hours: list[tuple[dt.datetime, int]] = field(default_factory=list)
    rows: int = 0


def build_days(conference: Conference, forums: list[Forum]) -> list[ProgramDay]:
    """Group forums by local day and place them on a time grid (rooms as columns)."""
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
        program_day = ProgramDay(date=day, forums=todays, rooms=rooms)
        program_day.rows = int((grid_end - grid_start) / GRID_SLOT)
        for forum in todays:
            start = int((forum.starts_at - grid_start) / GRID_SLOT)
            end = max(start + 1, int(-(-(forum.ends_at - grid_start) // GRID_SLOT)))
            program_day.grid.append(
                GridForum(forum, rooms.index(forum.room) + 2, start + 2, end + 2)
            )
        hour = grid_start
        while hour < grid_end:
            program_day.hours.append((hour, int((hour - grid_start) / GRID_SLOT) + 2))
            hour += dt.timedelta(hours=1)
        days.append(program_day)
    return days


def agenda(request: HttpRequest, conference: str | None = None) -> HttpResponse:
    conf = get_conference(request, conference)
    kind = request.GET.get("kind", "")
    if kind not in ForumKind.values:
        kind = ""
    pagecache.opt_in(request, caching.PROGRAM, params={"kind": kind})
    forums = Forum.objects.filter(conference=conf).for_program().order_by("starts_at", "position")
    if kind:
        forums = forums.filter(kind=kind)
    forums = list(forums)
    # order_by(): the default ordering's columns would otherwise join the DISTINCT.
    present_kinds = set(
        Forum.objects.filter(conference=conf).order_by().values_list("kind", flat=True).distinct()
    )
    kinds = [(value, label) for value, label in ForumKind.choices if value in present_kinds]
    return render(
        request,
        "agenda/agenda.html",
        {
            "conference": conf,
            "days": build_days(conf, forums),
            "kinds": kinds,
            "selected_kind": kind,
        },
    )


def forum_detail(request: HttpRequest, slug: str, conference: str | None = None) -> HttpResponse:
    conf = get_conference(request, conference)
    forum = get_object_or_404(Forum.objects.filter(conference=conf).for_program(), slug=slug)
    return render(request, "agenda/forum_detail.html", {"conference": conf, "forum": forum})


def talk_detail(request: HttpRequest, slug: str, conference: str | None = None) -> HttpResponse:
    conf = get_conference(request, conference)
    talk = get_object_or_404(Talk.objects.filter(conference=conf).for_program(), slug=slug)
    return render(request, "agenda/talk_detail.html", {"conference": conf, "talk": talk})


def _talks_prefetch() -> Prefetch:
    return Prefetch(
        "talks",
        queryset=Talk.objects.select_related("forum", "forum__room").order_by("starts_at"),
        to_attr="program_talks",
    )


def speaker_list(request: HttpRequest, conference: str | None = None) -> HttpResponse:
    conf = get_conference(request, conference)
    speakers = Speaker.objects.filter(conference=conf).prefetch_related(_talks_prefetch())
    return render(request, "agenda/speaker_list.html", {"conference": conf, "speakers": speakers})


def speaker_detail(request: HttpRequest, slug: str, conference: str | None = None) -> HttpResponse:
    conf = get_conference(request, conference)
    speaker = get_object_or_404(
        Speaker.objects.filter(conference=conf).prefetch_related(_talks_prefetch()), slug=slug
    )
    return render(request, "agenda/speaker_detail.html", {"conference": conf, "speaker": speaker})
