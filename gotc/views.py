"""Views that need more than one app: the home page, health check and error pages."""

import contextlib
import datetime as dt

from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from agenda.caching import PROGRAM, content_key
from agenda.enums import PARTNER_GROUP_TITLES, PartnerKind
from agenda.grid import build_days
from agenda.queries import forum_values, forums_from_values
from agenda.views import get_conference, may_preview
from gotc import pagecache
from gotc.cache import cache_status
from gotc.database import current_error_is_database_down, database_down_response
from registration.caching import SEATS
from registration.queries import with_seat_counts


def home(request: HttpRequest, conference: str | None = None) -> HttpResponse:
    """The conference at a glance: forums by day with seats left (cached until the program
    or the seats change)."""
    try:
        conf = get_conference(request, conference)
    except Http404:
        if conference is not None:
            raise
        # A fresh install: say so instead of a bare 404.
        return render(request, "home_empty.html")
    pagecache.opt_in(request, PROGRAM, SEATS)
    # Draft forums: only for organizers who may preview (never cached: they are logged in).
    rows = forum_values(conf, may_preview(request.user), annotate=(with_seat_counts,))
    registration_open = conf.is_current and conf.registration_is_open()
    return render(
        request,
        "home.html",
        {
            "conference": conf,
            # Only read to render the forum cards, when they are not memoized yet.
            "days": SimpleLazyObject(
                lambda: build_days(conf, forums_from_values(rows, (with_seat_counts,)))
            ),
            "registration_open": registration_open,
            # All the forum cards show (every column of the forums, their rooms and seat
            # counts), for {% memoized forums_key %} (agenda.caching).
            "forums_key": content_key(conf, conf.is_current, registration_open, rows),
            "registration_over": timezone.now() >= conf.registration_closes_at,
            # The last day one can register, at the venue ("open until 28 May 2023").
            "registration_last_day": (
                conf.registration_closes_at.astimezone(conf.tzinfo) - dt.timedelta(microseconds=1)
            ).date(),
            "forum_count": len(rows),
            "partner_groups": _partner_groups(conf),
        },
    )


def _partner_groups(conference) -> list[tuple[str, list]]:
    """[(heading, partners)] in PartnerKind's order, read once per program version."""
    partners = pagecache.remembered(
        f"partners:{conference.pk}", PROGRAM, lambda: list(conference.partners.all())
    )
    return [
        (PARTNER_GROUP_TITLES[kind], members)
        for kind in PartnerKind
        if (members := [partner for partner in partners if partner.kind == kind])
    ]


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    """How to reach the organizers of the current conference: venue, address and map, email,
    WeChat and phone, and the privacy notice (cached until the program changes)."""
    try:
        conf = get_conference(request)
    except Http404:
        conf = None  # a fresh install: the page says there is nothing to show yet
    pagecache.opt_in(request, PROGRAM)
    return render(request, "contact.html", {"conference": conf})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: each dependency's state. 503 only when the database
    is down (this instance cannot serve); 200 "degraded" when only the cache is (pages are
    slower, rate limits not counted, nothing fails). The cache check is bounded by the short
    Redis timeouts and answers at once while the breaker is open (gotc.cache)."""
    checks = {"database": _database_status(), "cache": cache_status(cache)}
    if checks["database"] != "ok":
        status, code = "error", 503
    elif checks["cache"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, **checks}, status=code)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        with contextlib.suppress(Exception):  # already dead
            connection.close()  # a broken connection is not reused by the next check
        return "down"
    return "ok"


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", {"contact": _current_conference(request)}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database: the error may be the database itself.
    if current_error_is_database_down():  # raised in a middleware, before any view
        return database_down_response(request)
    # A failed POST may or may not have been saved: the page does not claim either.
    context = {
        "posted": request.method == "POST",
        "contact": pagecache.last_remembered("current-conference"),
    }
    return HttpResponse(loader.get_template("500.html").render(context), status=500)


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """django-ratelimit's RATELIMIT_VIEW: a clear 429 page, never a 500, that says when to
    try again (the limit's window: the count starts afresh at the latest then) and whom to
    ask."""
    window = _rate_window(getattr(request, "rate_limit", "1/m"))
    hours, minutes = divmod(-(-window // 60), 60)
    context = {
        "contact": _current_conference(request),
        # "in 2 hours" for a whole number of hours, else "in 90 minutes"
        "retry_hours": hours if hours and not minutes else None,
        "retry_minutes": hours * 60 + minutes,
    }
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(window)
    return response


RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _rate_window(rate: str) -> int:
    """Seconds in a rate's window: "30/h" is 3600, "5/10m" 600 (gotc.environment.rate)."""
    period = rate.partition("/")[2]
    return int(period[:-1] or 1) * RATE_UNITS[period[-1]]


def _current_conference(request: HttpRequest):
    """The current conference, for the contact on error pages; None when there is none or it
    cannot be read."""
    try:
        return get_conference(request)
    except Exception:
        return None
