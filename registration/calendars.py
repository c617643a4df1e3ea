"""An attendee's calendar: the forums they have a seat in and the talks they starred, as one
iCalendar document. Served behind their calendar link (``views.calendar``) and attached to
their emails (``mailing``), from the program's event builders (``agenda.calendars``)."""

from collections.abc import Callable

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from agenda.calendars import finish, forum_event, new_calendar, talk_event
from agenda.models import TalkSpeaker
from agenda.templatetags.program import program_reverse
from registration import queries


def attendee_calendar(registration, absolute: Callable[[str], str]) -> bytes:
    """The seated forums and starred talks of ``registration`` as RFC 5545 bytes, each event
    linking to its page (``absolute`` makes a path a full URL). Named after the conference,
    not the attendee: it ends up in a third-party service."""
    conference = registration.conference
    conference.is_current = False  # links point at the edition's pages, valid every year
    cal = new_calendar(conference, _("%(conference)s: my forums") % {"conference": conference.name})
    events = [
        forum_event(conference, forum, absolute(program_reverse(conference, "forum", forum.slug)))
        for forum in queries.seated_forums(registration)
    ]
    events += [
        talk_event(
            conference,
            star.talk,
            absolute(program_reverse(conference, "talk", star.talk.slug)),
        )
        for star in registration.stars.filter(
            talk__is_published=True, talk__forum__is_published=True
        )
        .select_related("talk__forum__room")
        .prefetch_related(
            Prefetch(
                "talk__talkspeaker_set",
                queryset=TalkSpeaker.objects.select_related("speaker").order_by("position", "pk"),
                to_attr="speaker_links",
            )
        )
    ]
    return finish(cal, events)
