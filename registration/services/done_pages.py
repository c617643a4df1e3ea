"""The done page's copy of what a visitor typed (name, email, the forums they asked for),
kept for an hour in a signed cookie in the visitor's browser.

The server keeps no copy: nothing after a committed registration depends on the cache or a
session (a Redis outage cannot turn it into an error page), and erasing a registration leaves
no server-side copy to reach. The cookie is signed (it cannot be forged to show another
person's data), HttpOnly, sent only to the done page, and holds forum ids, not titles, so it
stays small.

It holds no ticket code and no seat status: the done page must read the same whether the
email was new or already registered (no enumeration), and for a registered email nothing was
booked, so the page cannot say "seat reserved" without lying to one of the two. It lists what
was asked for and sends the visitor to the email, which tells each the truth."""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

DONE_PAGE_SECONDS = 60 * 60
DONE_COOKIE = "gotc_done"
SALT = "gotc.done-page"


def keep_done_page(response: HttpResponse, *, summary: dict) -> None:
    """Give the browser ``summary`` (email, name, forums: the ids asked for) for an hour,
    readable only by the done page of the current language."""
    compact = {"e": summary["email"], "n": summary["name"], "f": list(summary["forums"])}
    # signing.dumps: URL-safe, timestamped (max_age is checked on reading, not only by the
    # browser) and compressed.
    response.set_cookie(
        DONE_COOKIE,
        signing.dumps(compact, salt=SALT, compress=True),
        max_age=DONE_PAGE_SECONDS,
        path=reverse("registration:done"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def done_page(request: HttpRequest) -> dict | None:
    """The summary this browser was given, or None (none, expired, or tampered with)."""
    value = request.COOKIES.get(DONE_COOKIE)
    if not value:
        return None
    try:
        compact = signing.loads(value, salt=SALT, max_age=DONE_PAGE_SECONDS)
        return {
            "email": compact["e"],
            "name": compact["n"],
            "forums": [int(forum) for forum in compact["f"]],
        }
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def forget_done_page(response: HttpResponse) -> None:
    """Drop this browser's copy (after the attendee erased their registration here; copies
    in other browsers expire within the hour)."""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            response.delete_cookie(DONE_COOKIE, path=reverse("registration:done"))
