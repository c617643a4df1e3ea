"""Machine-readable program: iCalendar feeds and JSON.

Drafts (unpublished forums and talks) are in no feed, whoever asks: calendars and apps
subscribe to a feed and keep what it once said."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404

from agenda.calendars import finish, forum_event, new_calendar, talk_event
from agenda.models import Forum, Room, Talk
from agenda.templatetags.program import program_reverse
from agenda.views import build_days, get_conference

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
# A slug no program object has, replaced by each object's own (see ``absolute_urls``).
_PLACEHOLDER = "gotc-slug-placeholder"


def absolute_urls(request: HttpRequest, conference, name: str) -> Callable[[str], str]:
    """slug -> absolute URL of program page ``name`` (one ``reverse()`` for a whole feed
    instead of one per object: slugs need no quoting, so the URL is the pattern's with the
    slug in place)."""
    pattern = request.build_absolute_uri(program_reverse(conference, name, _PLACEHOLDER))
    return lambda slug: pattern.replace(_PLACEHOLDER, slug)


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def agenda_ics(request: HttpRequest, conference: str | None = None) -> HttpResponse:
    conf = get_conference(request, conference)
    talks = (
        Talk.objects.filter(conference=conf).published().for_program().order_by("starts_at", "pk")
    )
    calendar = new_calendar(conf, conf.name)
    talk_url = absolute_urls(request, conf, "talk")
    events = (talk_event(conf, talk, talk_url(talk.slug)) for talk in talks)
    return _ics_response(finish(calendar, events), f"{conf.slug}.ics")


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


def agenda_json(request: HttpRequest, conference: str | None = None) -> JsonResponse:
    conf = get_conference(request, conference)
    absolute = request.build_absolute_uri
    forums = list(
        Forum.objects.filter(conference=conf).published().for_program().order_by("starts_at")
    )
    rooms = Room.objects.filter(conference=conf)
    speaker_url = absolute_urls(request, conf, "speaker")
    talk_url = absolute_urls(request, conf, "talk")
    forum_url = absolute_urls(request, conf, "forum")
    forum_ics_url = absolute_urls(request, conf, "forum-ics")

    def speaker_data(speaker):
        return {
            "slug": speaker.slug,
            "name": speaker.name,
            "job_title": speaker.job_title,
            "organization": speaker.organization,
            "url": speaker_url(speaker.slug),
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
            "url": talk_url(talk.slug),
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
            "url": forum_url(forum.slug),
            "ics": forum_ics_url(forum.slug),
            "talks": [talk_data(t) for t in forum.program_talks],
        }

    data = {
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
            "url": absolute(program_reverse(conf, "home")),
        },
        "rooms": [{"id": r.pk, "name": r.name, "seats": r.seats} for r in rooms],
        "days": [
            {"date": day.date.isoformat(), "forums": [forum_data(f) for f in day.forums]}
            for day in build_days(conf, forums)
        ],
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
