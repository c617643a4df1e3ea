"""Machine-readable program: iCalendar feeds and JSON.

Drafts (unpublished forums and talks) are in no feed, whoever asks: calendars and apps
subscribe to a feed and keep what it once said."""

import json
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from agenda import caching
from agenda.calendars import (
    SerializedEvent,
    assemble,
    finish,
    forum_event,
    new_calendar,
    serialized,
    talk_event,
)
from agenda.models import Forum, Talk
from agenda.rows import ForumRow, RoomRow, program_rooms, program_rows
from agenda.templatetags.program import program_reverse, program_urls
from agenda.views import get_conference

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


def absolute_urls(request: HttpRequest, conference, name: str) -> Callable[[str], str]:
    """slug -> absolute URL of program page ``name`` (one ``reverse()`` for a whole feed,
    ``program_urls``)."""
    relative = program_urls(conference, name)
    origin = _origin(request)
    return lambda slug: origin + relative(slug)


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _origin(request: HttpRequest) -> str:
    """The site's address as the request reached it: with a program row's ``url``, its
    absolute URL (what ``request.build_absolute_uri(url)`` gives)."""
    return request.build_absolute_uri("/").removesuffix("/")


def agenda_ics(request: HttpRequest, conference: str | None = None) -> HttpResponse:
    conf = get_conference(request, conference)
    origin = _origin(request)
    place = (conf.slug, conf.time_zone, conf.venue, conf.address, settings.ICAL_UID_DOMAIN)
    memoized = caching.fragments()

    def event(forum: ForumRow, talk) -> SerializedEvent:
        # Memoized on all the event shows (agenda.caching.fragment); its DTSTAMP is when
        # this process first wrote it.
        url = origin + talk.url
        return memoized(
            ("ics-talk", *place, forum.title, forum.kind, forum.room.name, talk, url),
            lambda: serialized(talk_event(conf, talk, url, forum)),
        )

    def body(forums: list[ForumRow]) -> bytes:
        talks = [(talk, forum) for forum in forums for talk in forum.program_talks]
        talks.sort(key=lambda pair: (pair[0].starts_at, pair[0].pk))
        events = [event(forum, talk) for talk, forum in talks]
        return assemble(new_calendar(conf, conf.name), events)

    # The whole calendar, once per content: its events' DTSTAMPs stay those of their first
    # writing.
    forums = program_rows(conf)
    return _ics_response(
        memoized(
            ("ics", *place, caching.content_key(conf), origin, forums.key), lambda: body(forums)
        ),
        f"{conf.slug}.ics",
    )


def _one_event_ics(request: HttpRequest, conf, item, page: str, make_event) -> HttpResponse:
    """A calendar of one forum or talk (its page's "Add to my calendar")."""
    calendar = new_calendar(conf, f"{conf.name}: {item.title}")
    url = request.build_absolute_uri(program_reverse(conf, page, item.slug))
    return _ics_response(
        finish(calendar, [make_event(conf, item, url)]), f"{conf.slug}-{item.slug}.ics"
    )


def forum_ics(request: HttpRequest, slug: str, conference: str | None = None) -> HttpResponse:
    conf = get_conference(request, conference)
    forums = Forum.objects.filter(conference=conf).published().for_program()
    forum = get_object_or_404(forums, slug=slug)
    return _one_event_ics(request, conf, forum, "forum", forum_event)


def talk_ics(request: HttpRequest, slug: str, conference: str | None = None) -> HttpResponse:
    conf = get_conference(request, conference)
    talks = Talk.objects.filter(conference=conf).published().for_program()
    talk = get_object_or_404(talks, slug=slug)
    return _one_event_ics(request, conf, talk, "talk", talk_event)


def _iso(conf, value) -> str:
    return value.astimezone(conf.tzinfo).isoformat()


# Marks where each forum goes in agenda.json's skeleton; random, so that no text matches it.
_FORUM_MARK = f"gotc-forum-{uuid.uuid4().hex}-"
_FORUM_MARKS = re.compile(rf'"{_FORUM_MARK}(\d+)"')


def _json_text(value) -> str:
    # Compact, as schedule.json: a browser's JSON viewer indents it for a reader.
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def agenda_json(request: HttpRequest, conference: str | None = None) -> HttpResponse:
    """The program as JSON, written once per content (agenda.caching.fragment):
    each forum's part too, set into the document's skeleton."""
    conf = get_conference(request, conference)
    origin = _origin(request)
    forums = program_rows(conf)
    rooms = program_rooms(conf)
    home = request.build_absolute_uri(program_reverse(conf, "home"))
    # The whole document, once per content.
    key = ("agenda-json", caching.content_key(conf), origin, home, tuple(rooms), forums.key)
    return HttpResponse(
        caching.fragment(key, lambda: _agenda_json(conf, origin, home, forums, rooms)),
        content_type="application/json",
    )


def _agenda_json(conf, origin: str, home: str, forums: list[ForumRow], rooms: list[RoomRow]) -> str:
    forum_ics_url = program_urls(conf, "forum-ics")

    def speaker_data(speaker):
        return {
            "slug": speaker.slug,
            "name": speaker.name,
            "job_title": speaker.job_title,
            "organization": speaker.organization,
            "url": origin + speaker.url,
        }

    def talk_data(talk):
        return {
            "id": talk.pk,
            "slug": talk.slug,
            "title": talk.title,
            "kind": talk.kind,
            "abstract": talk.abstract,
            "starts_at": _iso(conf, talk.starts_at),
            "ends_at": _iso(conf, talk.ends_at),
            "url": origin + talk.url,
            "speakers": [speaker_data(s) for s in talk.ordered_speakers],
        }

    def forum_data(forum):
        return {
            "id": forum.pk,
            "slug": forum.slug,
            "title": forum.title,
            "kind": forum.kind,
            "kind_label": str(forum.get_kind_display()),
            "description": forum.description,
            "host": forum.host,
            "room": forum.room.name,
            "capacity": forum.capacity,
            "starts_at": _iso(conf, forum.starts_at),
            "ends_at": _iso(conf, forum.ends_at),
            "url": origin + forum.url,
            "ics": origin + forum_ics_url(forum.slug),
            "talks": [talk_data(t) for t in forum.program_talks],
        }

    memoized = caching.fragments()

    def forum_text(forum) -> str:
        key = ("json-forum", conf.time_zone, origin, forum_ics_url(forum.slug), forum)
        return memoized(key, lambda: _json_text(forum_data(forum)))

    tz = conf.tzinfo
    days = []
    for day in conf.days:
        todays = [
            index for index, f in enumerate(forums) if f.starts_at.astimezone(tz).date() == day
        ]
        if todays:
            days.append({"date": day.isoformat(), "forums": [f"{_FORUM_MARK}{i}" for i in todays]})
    skeleton = {
        "conference": {
            "name": conf.name,
            "slug": conf.slug,
            "tagline": conf.tagline,
            "description": conf.description,
            "start_date": conf.start_date.isoformat(),
            "end_date": conf.end_date.isoformat(),
            "time_zone": conf.time_zone,
            "venue": conf.venue,
            "address": conf.address,
            "url": home,
        },
        "rooms": [{"id": r.pk, "name": r.name, "seats": r.seats} for r in rooms],
        "days": days,
    }
    return _FORUM_MARKS.sub(
        lambda match: forum_text(forums[int(match.group(1))]), _json_text(skeleton)
    )
