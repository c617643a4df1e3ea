"""iCalendar (RFC 5545) documents for the program, built with the icalendar library."""

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from agenda.models import Conference, Forum, Talk


def new_calendar(conference: Conference, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//gotc//program//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", conference.time_zone)
    return calendar


def _location(conference: Conference, room_name: str) -> str:
    return ", ".join(part for part in (room_name, conference.venue, conference.address) if part)


def _event(conference: Conference, uid: str, item: Talk | Forum, **fields) -> Event:
    """An event at ``item``'s time, in the venue's zone, with ``fields`` (summary,
    description, location, url, categories) added in that order."""
    tz = conference.tzinfo
    event = Event()
    event.add("uid", f"{uid}.{conference.slug}@{settings.ICAL_UID_DOMAIN}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", item.starts_at.astimezone(tz))
    event.add("dtend", item.ends_at.astimezone(tz))
    for name, value in fields.items():
        event.add(name, value)
    return event


def talk_event(conference: Conference, talk: Talk, url: str, forum: Forum | None = None) -> Event:
    """``talk``'s event; ``forum`` is its forum when ``talk`` does not carry it (a row of
    agenda.rows.program_rows)."""
    forum = forum or talk.forum
    speakers = ", ".join(speaker.name for speaker in talk.ordered_speakers)
    return _event(
        conference,
        f"talk-{talk.pk}",
        talk,
        summary=f"{talk.title} ({speakers})" if speakers else talk.title,
        description="\n\n".join(part for part in (forum.title, talk.abstract) if part),
        location=_location(conference, forum.room.name),
        url=url,
        categories=[str(forum.get_kind_display())],
    )


def forum_event(conference: Conference, forum: Forum, url: str) -> Event:
    lines = [forum.description] if forum.description else []
    for talk in getattr(forum, "program_talks", []):
        speakers = ", ".join(speaker.name for speaker in talk.ordered_speakers)
        when = talk.starts_at.astimezone(conference.tzinfo).strftime("%H:%M")
        lines.append(f"{when} {talk.title}" + (f" — {speakers}" if speakers else ""))
    return _event(
        conference,
        f"forum-{forum.pk}",
        forum,
        summary=f"{conference.name}: {forum.title}",
        description="\n".join(lines),
        location=_location(conference, forum.room.name),
        url=url,
        categories=[str(forum.get_kind_display())],
    )


@lru_cache(maxsize=32)
def _vtimezone(tzid: str) -> bytes | None:
    """The VTIMEZONE of ``tzid``, serialized (the same for every calendar: built once per
    process; building it walks decades of transitions and was a third of a feed's time)."""
    try:
        return Timezone.from_tzid(tzid).to_ical()
    except ValueError:
        return None


class SerializedEvent(NamedTuple):
    """An event as RFC 5545 bytes, with the time zones it refers to (by TZID)."""

    ical: bytes
    tzids: frozenset[str]


def serialized(event: Event) -> SerializedEvent:
    holder = Calendar()
    holder.add_component(event)
    return SerializedEvent(event.to_ical(), frozenset(holder.get_missing_tzids()))


def assemble(calendar: Calendar, events: Iterable[SerializedEvent]) -> bytes:
    """``calendar`` (a calendar of ``new_calendar``: properties only) with ``events`` and the
    VTIMEZONEs they use, as RFC 5545 bytes: what ``Calendar.add_missing_timezones()`` then
    ``to_ical()`` give, joined from serialized parts (the VTIMEZONEs copied per process, the
    events memoized by the feeds)."""
    events = list(events)
    tzids = set().union(*(event.tzids for event in events))
    zones = [zone for zone in map(_vtimezone, sorted(tzids)) if zone is not None]
    end = b"END:VCALENDAR\r\n"
    head = calendar.to_ical().removesuffix(end)
    return b"".join([head, *zones, *(event.ical for event in events), end])


def finish(calendar: Calendar, events: Iterable[Event]) -> bytes:
    """The calendar with ``events`` and the VTIMEZONEs they use, as RFC 5545 bytes."""
    return assemble(calendar, (serialized(event) for event in events))
