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

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from lxml import etree

from agenda.feeds import absolute_urls
from agenda.models import Conference, Forum, Room
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


def build(request: HttpRequest, conference: Conference) -> dict:
    """The schedule in c3voc's JSON shape (the XML is written from it): four queries."""
    tz = conference.tzinfo
    absolute = request.build_absolute_uri
    talk_url = absolute_urls(request, conference, "talk")
    short = acronym(conference)
    language = translation.get_language() or settings.LANGUAGE_CODE
    spoken = language.split("-")[0]
    forums = list(
        # Drafts are in no feed (agenda.feeds).
        Forum.objects.filter(conference=conference)
        .published()
        .for_program()
        .order_by("starts_at", "position", "pk")
    )
    rooms = list(Room.objects.filter(conference=conference).order_by("position", "name", "pk"))

    def event(forum: Forum, talk) -> dict:
        starts = talk.starts_at.astimezone(tz)
        return {
            "id": talk.pk,
            "guid": guid("talks", talk.pk),
            "date": starts.isoformat(),
            "start": starts.strftime("%H:%M"),
            "duration": _hhmm(talk.ends_at - talk.starts_at),
            "room": forum.room.name,
            "slug": _event_slug(short, talk.pk, talk.slug),
            "url": talk_url(talk.slug),
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
    digest = hashlib.sha256(json.dumps(schedule, sort_keys=True).encode()).hexdigest()
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": GENERATOR},
        "schedule": {"version": digest[:16], **schedule},
    }


def _sub(parent, tag: str, text=None, **attributes):
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def to_xml(data: dict) -> bytes:
    """The Frab ``schedule.xml`` of ``build()``'s document."""
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
    for day in conference["days"]:
        day_element = _sub(
            root,
            "day",
            index=day["index"],
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for room_name, events in day["rooms"].items():
            room_element = _sub(day_element, "room", name=room_name)
            for item in events:
                element = _sub(room_element, "event", id=item["id"], guid=item["guid"])
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
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _document(request: HttpRequest, conference: str | None) -> dict:
    conf = get_conference(request, conference)
    with translation.override(requested_language(request)):
        return build(request, conf)


def _finish(request: HttpRequest, response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if translation.get_language_from_path(request.path_info) is None:
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def schedule_xml(request: HttpRequest, conference: str | None = None) -> HttpResponse:
    data = _document(request, conference)
    response = HttpResponse(to_xml(data), content_type=XML_CONTENT_TYPE)
    return _finish(request, response, "schedule.xml")


def schedule_json(request: HttpRequest, conference: str | None = None) -> HttpResponse:
    data = _document(request, conference)
    # Compact: with ``indent`` the json module encodes in Python, several times slower.
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    response = HttpResponse(body, content_type=JSON_CONTENT_TYPE)
    return _finish(request, response, "schedule.json")
