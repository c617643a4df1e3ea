"""/calendar/<token>.ics: an attendee's seated forums for their calendar app, behind a link of
its own that can only read (Registration, "Secret links"): the address a calendar service
keeps opens no private page and changes nothing."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agenda.calendars import finish, forum_event, new_calendar
from agenda.templatetags.program import program_reverse
from registration import queries
from registration.decorators import private_page, rate_limited


@require_safe
@private_page
@rate_limited("manage")
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The seated forums as an .ics file (GET and HEAD only). The calendar is named after
    the conference, not the attendee: it ends up in a third-party service."""
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
    response = HttpResponse(finish(cal, events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{conference.slug}-my-forums.ics"'
    return response
