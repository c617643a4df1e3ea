"""The database is down: an honest 503 page instead of a 500.

A request that fails on the database saved nothing of its own (each write is one
transaction; the registration view retries once on a fresh connection before it gives up),
so the page says so, and that sending the form again cannot register twice (one active
registration per email). ``Retry-After`` tells clients and proxies when to try again."""

import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import get_language

from gotc import pagecache

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def is_database_down(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_DOWN)


def database_down_response(request: HttpRequest) -> HttpResponse:
    """The 503 page, rendered without context processors or database (it is the database)."""
    content = loader.get_template("503.html").render(
        {
            "posted": request.method == "POST",
            "language": get_language() or "en",
            # The organizers' contact as this process last read it (no query: the database
            # is down); none in a process that has not read it yet.
            "contact": pagecache.last_remembered("current-conference"),
        }
    )
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseDown:
    """Turns a view's database connection error into the 503 page. (An error raised in a
    middleware reaches handler500, gotc.views.server_error, which answers the same way.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if is_database_down(exception):
            return database_down_response(request)
        return None


def current_error_is_database_down() -> bool:
    """In handler500: was the unhandled exception a database connection error?"""
    return is_database_down(sys.exc_info()[1])
