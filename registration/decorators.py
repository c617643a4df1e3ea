"""The two view decorators every attendee and staff page shares: private pages and rate limits."""

from functools import wraps

from django.conf import settings
from django_ratelimit.decorators import ratelimit


def private_page(view):
    """A page behind a secret link or a login: never cached (by a proxy, the browser's back
    cache or the page cache), never indexed, and never leaked as a referrer to another site.
    ("no-referrer" would make browsers post the page's forms with "Origin: null", which
    Django's CSRF check rejects; "same-origin" keeps the link on this site.)"""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapped


def rate_limited(name: str, *, method=ratelimit.ALL, key: str = "ip"):
    """Limit a view to ``settings.RATE_LIMITS[name]`` (read per request, so tests and
    deployments can change it) per client address (``key="ip"``) or per logged-in user
    (``key="user_or_ip"``), counted in the shared cache; over the limit is a 429 page."""
    return ratelimit(
        group=f"gotc.{name}",
        key=key,
        rate=lambda group, request: _noted_rate(request, name),
        method=method,
        block=True,
    )


def _noted_rate(request, name: str) -> str:
    """The rate of limit ``name``, noted on the request: the 429 page tells its window."""
    request.rate_limit = settings.RATE_LIMITS[name]
    return request.rate_limit
