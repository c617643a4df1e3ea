"""/calendar/<token>.ics: an attendee's seated forums and starred talks for their calendar app
(updated as seats and the program change), behind a link of
its own that can only read (Registration, "Secret links"): the address a calendar service
keeps opens no private page and changes nothing."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from registration import queries
from registration.calendars import attendee_calendar
from registration.decorators import private_page, rate_limited


@require_safe
@private_page
@rate_limited("manage")
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The seated forums and starred talks as an .ics file (GET and HEAD only)."""
    registration = queries.registration_for_calendar_token(token)
    if registration is None:
        raise Http404("Unknown link")
    body = attendee_calendar(registration, request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = f"{registration.conference.slug}-my-forums.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
