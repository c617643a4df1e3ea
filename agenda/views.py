"""Public program pages: agenda grid, forums, talks, speakers. The grid itself (days,
rooms, rows) is built by ``agenda.grid``; here its blocks and days are rendered."""

from functools import partial

from django.db import DEFAULT_DB_ALIAS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from agenda import caching
from agenda.enums import ForumKind
from agenda.grid import GridForum, ProgramDay, build_days
from agenda.models import Conference, Forum, Speaker
from agenda.queries import (
    forum_page_extensions,
    forum_talk_values,
    forum_talks,
    forum_values,
    forums_from_values,
    program_speaker,
    program_talk,
)
from agenda.rows import program_rows, speaker_columns, speaker_list_rows
from agenda.templatetags.program import program_urls
from gotc import pagecache


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


def _grid_forum_html(cell: GridForum, memoized=caching.fragment) -> str:
    """A forum's block on the agenda (agenda/_grid_forum.html), memoized on what it shows."""
    return memoized(
        ("grid-forum", *cell.memo_key()),
        lambda: caching.compact_html(render_to_string("agenda/_grid_forum.html", {"cell": cell})),
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
        key,
        lambda: caching.compact_html(
            render_to_string("agenda/_program_day.html", {"day": day, "index": index})
        ),
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
            "nav": "agenda",
            "nav_section": True,
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
        {
            "conference": conf,
            "talk": talk,
            "content_key": key,
            "nav": "agenda",
            "nav_section": True,
        },
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
            "nav": "speakers",
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
        {
            "conference": conf,
            "speaker": speaker,
            "content_key": key,
            "nav": "speakers",
            "nav_section": True,
        },
    )
