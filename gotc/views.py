"""Views that need more than one app: the home page, health check and error pages."""

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from agenda.caching import PROGRAM
from agenda.queries import forums_in_order
from agenda.views import build_days, get_conference
from gotc import pagecache
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
    forums = list(with_seat_counts(forums_in_order(conf)))
    return render(
        request,
        "home.html",
        {
            "conference": conf,
            "days": build_days(conf, forums),
            "registration_open": conf.is_current and conf.registration_is_open(),
        },
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database: the error may be the database itself.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """django-ratelimit's RATELIMIT_VIEW: a clear 429 page, never a 500."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response
