"""/calendar/<token>.ics: an attendee's seated forums and starred talks for their calendar app
(updated as seats and the program change), behind a link of
its own that can only read (Registration, "Secret links"): the address a calendar service
keeps opens no private page and changes nothing."""

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agenda.calendars import finish, forum_event, new_calendar, talk_event
from agenda.models import TalkSpeaker
from agenda.templatetags.program import program_reverse
from registration import queries
from registration.decorators import private_page, rate_limited


@require_safe
@private_page
@rate_limited("manage")
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The seated forums and starred talks as an .ics file (GET and HEAD only). The calendar
    is named after the conference, not the attendee: it ends up in a third-party service."""
    registration = queries.registration_for_calendar_token(token)
    if registration is None:
        raise Http404("Unknown link")
    conference = registration.conference
    conference.is_current = False  # forum links in events point at the edition's pages
    cal = new_calendar(conference, _("%(conference)s: my forums") % {"conference": conference.name})
    events = [
        forum_event(
            conference,
            forum,
            request.build_absolute_uri(program_reverse(conference, "forum", forum.slug)),
        )
        for forum in queries.seated_forums(registration)
    ]
    events += [
        talk_event(
            conference,
            star.talk,
            request.build_absolute_uri(program_reverse(conference, "talk", star.talk.slug)),
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
    response = HttpResponse(finish(cal, events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{conference.slug}-my-forums.ics"'
    return response
