"""The program as a Frab / c3voc schedule (``schedule.xml`` and ``schedule.json``).

Conference apps (Giggity, EventFahrplan, ConfClerk), the c3voc tools and signage read this
format; its schema is c3voc's ``voc/schedule`` (``validator/xsd/schedule.xml.xsd`` and
``validator/json/schema.json``, vendored in tests/agenda/schemas/). Each talk is an event in
its forum's room: the forum is the event's track, the forum's kind its type.

- GUIDs are UUID5 of the site's address and the object (``{SITE_URL}/talks/<pk>``), so they
  stay the same across deploys, hosts and languages.
- ``<version>`` is a digest of everything else in the document: two requests give the same
  version unless the program (or the language) changed.
- The language is the page's (``/zh-hans/schedule.xml``); on the unprefixed URLs the one the
  visitor's language cookie or ``Accept-Language`` asks for (``?lang=zh-hans`` is the site's
  language switch: it redirects to the prefixed URL).
"""

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from lxml import etree

from agenda import caching
from agenda.models import Conference
from agenda.rows import ForumRow, RoomRow, TalkRow, program_rooms, program_rows
from agenda.templatetags.program import program_reverse
from agenda.views import get_conference

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
GENERATOR = "gotc"
TIMESLOT = "00:15"
XML_CONTENT_TYPE = "application/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def guid(kind: str, pk: int) -> str:
    """A stable UUID of a program object: UUID5 of ``{SITE_URL}/<kind>/<pk>``."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL.rstrip('/')}/{kind}/{pk}"))


def acronym(conference: Conference) -> str:
    """The conference's short name, as the schema's acronym pattern wants it (lower case
    letters, digits and underscores, four or more)."""
    value = re.sub(r"[^a-z0-9_]", "_", conference.slug.lower())
    return value if len(value) >= 4 else f"gotc_{value}"


def requested_language(request: HttpRequest) -> str:
    """The page's language (``/zh-hans/...``), else the one the visitor asks for."""
    from_path = translation.get_language_from_path(request.path_info)
    return from_path or translation.get_language_from_request(request, check_path=False)


def _hhmm(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _event_slug(prefix: str, pk: int, slug: str) -> str:
    # Unique (the pk) and inside the schema's pattern ^[a-z0-9_-]+[a-z0-9]$.
    return re.sub(r"[^a-z0-9_-]", "-", f"{prefix}-{pk}-{slug}".lower()).rstrip("-_")


class ScheduleEvent(dict):
    """An event of the schedule (its JSON object), with its serializations once written."""

    xml: bytes | None = None  # its element in schedule.xml (``to_xml``)
    json: str | None = None  # compact, in schedule.json (``to_json``)
    digest: bytes | None = None  # of its content (``build``: the schedule's version)

    def written(self) -> "ScheduleEvent":
        self.json = json.dumps(self, ensure_ascii=False, separators=(",", ":"))
        self.digest = hashlib.sha256(json.dumps(self, sort_keys=True).encode()).digest()
        return self


def build(
    request: HttpRequest, conference: Conference, forums: list[ForumRow], rooms: list[RoomRow]
) -> dict:
    """The schedule in c3voc's JSON shape (the XML is written from it) of ``forums``
    (``program_rows``) and ``rooms`` (in order). Each event is made once per content
    (agenda.caching.fragment)."""
    tz = conference.tzinfo
    absolute = request.build_absolute_uri
    origin = absolute("/").removesuffix("/")
    short = acronym(conference)
    language = translation.get_language() or settings.LANGUAGE_CODE
    spoken = language.split("-")[0]

    def make_event(forum: ForumRow, talk: TalkRow, url: str) -> ScheduleEvent:
        starts = talk.starts_at.astimezone(tz)
        return ScheduleEvent(
            {
                "id": talk.pk,
                "guid": guid("talks", talk.pk),
                "date": starts.isoformat(),
                "start": starts.strftime("%H:%M"),
                "duration": _hhmm(talk.ends_at - talk.starts_at),
                "room": forum.room.name,
                "slug": _event_slug(short, talk.pk, talk.slug),
                "url": url,
                "title": talk.title,
                "subtitle": "",
                "track": forum.title,
                "type": forum.kind,
                "language": spoken,
                "abstract": talk.abstract,
                "description": "",
                "persons": [
                    {"id": s.pk, "guid": guid("speakers", s.pk), "public_name": s.name}
                    for s in talk.ordered_speakers
                ],
                "links": [],
                "attachments": [],
            }
        )

    memoized = caching.fragments()
    key = ("schedule-event", settings.SITE_URL, conference.time_zone, short, spoken)

    def event(forum: ForumRow, talk: TalkRow) -> ScheduleEvent:
        url = origin + talk.url
        return memoized(
            (*key, forum.title, forum.kind, forum.room.name, talk, url),
            lambda: make_event(forum, talk, url).written(),
        )

    days = []
    for index, day in enumerate(conference.days, start=1):
        todays = [f for f in forums if f.starts_at.astimezone(tz).date() == day]
        by_room: dict[int, list] = {}
        for forum in todays:
            by_room.setdefault(forum.room_id, []).extend(
                event(forum, talk) for talk in forum.program_talks
            )
        if todays:
            day_start = min(f.starts_at for f in todays).astimezone(tz)
            day_end = max(f.ends_at for f in todays).astimezone(tz)
        else:
            day_start = conference.local_datetime(day, dt.time.min)
            day_end = day_start + dt.timedelta(days=1)
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": day_start.isoformat(),
                "day_end": day_end.isoformat(),
                "rooms": {
                    room.name: sorted(by_room[room.pk], key=lambda e: (e["date"], e["id"]))
                    for room in rooms
                    if by_room.get(room.pk)
                },
            }
        )
    schedule = {
        "base_url": absolute(program_reverse(conference, "home")),
        "conference": {
            "acronym": short,
            "title": conference.name,
            "description": conference.description,
            "start": conference.start_date.isoformat(),
            "end": conference.end_date.isoformat(),
            "daysCount": len(days),
            "timeslot_duration": TIMESLOT,
            "time_zone_name": conference.time_zone,
            "url": absolute(program_reverse(conference, "agenda")),
            "rooms": [
                {"name": room.name, "guid": guid("rooms", room.pk), "capacity": room.seats}
                for room in rooms
            ],
            "tracks": [{"name": forum.title} for forum in forums],
            "days": days,
        },
    }
    # The events by their own digests: the document's digest without writing it all again.
    outline = _with_events(schedule, lambda item: item.digest.hex())
    digest = hashlib.sha256(json.dumps(outline, sort_keys=True).encode()).hexdigest()
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": GENERATOR},
        "schedule": {"version": digest[:16], **schedule},
    }


def _with_events(schedule: dict, replace) -> dict:
    """``schedule`` (``build``'s, or its "schedule" part) with ``replace(event)`` in place of
    each event."""
    conference = schedule["conference"]
    days = [
        {
            **day,
            "rooms": {
                name: [replace(item) for item in items] for name, items in day["rooms"].items()
            },
        }
        for day in conference["days"]
    ]
    return {**schedule, "conference": {**conference, "days": days}}


# Stands for an event in schedule.json's skeleton (``to_json``); random, so no text matches it.
_JSON_MARK = f"gotc-event-{uuid.uuid4().hex}-"
_JSON_MARKS = re.compile(rf'"{_JSON_MARK}(\d+)"')


def to_json(data: dict) -> bytes:
    """``build()``'s document as compact JSON (with ``indent`` the json module encodes in
    Python, several times slower), each event written once (``ScheduleEvent.json``)."""
    events: list[str] = []

    def mark(item: dict) -> str:
        text = getattr(item, "json", None)
        events.append(text or json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        return f"{_JSON_MARK}{len(events) - 1}"

    skeleton = {**data, "schedule": _with_events(data["schedule"], mark)}
    text = json.dumps(skeleton, ensure_ascii=False, separators=(",", ":"))
    return _JSON_MARKS.sub(lambda match: events[int(match.group(1))], text).encode()


def _sub(parent, tag: str, text=None, **attributes):
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


# Stands for an event in the XML skeleton (``to_xml``); not a name the schema has.
_EVENT_MARK = "gotc-event"
_EVENT_MARKS = re.compile(rb'<gotc-event n="(\d+)"/>')


def _event_xml(item: dict) -> bytes:
    """An event's element on one line (its place in schedule.xml is an indented line of its
    own): a third of the bytes of an element pretty-printed over 20 lines, and the text of
    its abstract and description exactly as written."""
    element = etree.Element("event", {"id": str(item["id"]), "guid": str(item["guid"])})
    for tag in (
        "date",
        "start",
        "duration",
        "room",
        "slug",
        "url",
        "title",
        "subtitle",
        "track",
        "type",
        "language",
        "abstract",
        "description",
    ):
        _sub(element, tag, item[tag])
    persons = _sub(element, "persons")
    for person in item["persons"]:
        _sub(persons, "person", person["public_name"], id=person["id"])
    _sub(element, "links")
    _sub(element, "attachments")
    return etree.tostring(element, encoding="utf-8")


def to_xml(data: dict) -> bytes:
    """The Frab ``schedule.xml`` of ``build()``'s document. The skeleton (conference, days,
    rooms) is built with lxml; each event's element is written once (``ScheduleEvent.xml``)
    and set in its place."""
    schedule = data["schedule"]
    conference = schedule["conference"]
    root = etree.Element("schedule")
    _sub(root, "generator", name=data["generator"]["name"])
    _sub(root, "version", schedule["version"])
    head = _sub(root, "conference")
    for tag, value in (
        ("title", conference["title"]),
        ("acronym", conference["acronym"]),
        ("start", conference["start"]),
        ("end", conference["end"]),
        ("days", conference["daysCount"]),
        ("timeslot_duration", conference["timeslot_duration"]),
        ("base_url", schedule["base_url"]),
        ("time_zone_name", conference["time_zone_name"]),
    ):
        _sub(head, tag, value)
    events: list[bytes] = []
    for day in conference["days"]:
        day_element = _sub(
            root,
            "day",
            index=day["index"],
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for room_name, items in day["rooms"].items():
            room_element = _sub(day_element, "room", name=room_name)
            for item in items:
                xml = getattr(item, "xml", None)
                if xml is None:
                    xml = _event_xml(item)
                    if isinstance(item, ScheduleEvent):
                        item.xml = xml
                _sub(room_element, _EVENT_MARK, n=len(events))
                events.append(xml)
    skeleton = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return _EVENT_MARKS.sub(lambda match: events[int(match.group(1))], skeleton)


def _document(
    request: HttpRequest, conference: str | None, write: Callable[[dict], bytes]
) -> bytes:
    """The schedule written by ``write`` (``to_xml``, ``to_json``): five queries, and the
    document is written once per content (agenda.caching.fragment)."""
    conf = get_conference(request, conference)
    with translation.override(requested_language(request)):
        # Drafts are in no feed (agenda.feeds).
        forums = program_rows(conf)
        rooms = program_rooms(conf)
        key = (
            "schedule",
            write.__name__,
            settings.SITE_URL,
            request.build_absolute_uri("/"),
            conf.is_current,
            caching.content_key(conf),
            tuple(rooms),
            forums.key,
        )
        return caching.fragment(key, lambda: write(build(request, conf, forums, rooms)))


def _finish(request: HttpRequest, response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if translation.get_language_from_path(request.path_info) is None:
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def schedule_xml(request: HttpRequest, conference: str | None = None) -> HttpResponse:
    response = HttpResponse(_document(request, conference, to_xml), content_type=XML_CONTENT_TYPE)
    return _finish(request, response, "schedule.xml")


def schedule_json(request: HttpRequest, conference: str | None = None) -> HttpResponse:
    body = _document(request, conference, to_json)
    response = HttpResponse(body, content_type=JSON_CONTENT_TYPE)
    return _finish(request, response, "schedule.json")
