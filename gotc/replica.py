"""A hot-standby replica for the reads that may lag (DATABASE_REPLICA_URL).

Which reads: the GET pages named in ``REPLICA_VIEWS`` (public program pages rendered on a
page-cache miss, the calendar and JSON feeds, the desk's dashboard, exports and door lists),
and within them only the program and registration tables (``REPLICA_APPS``). Sessions, users
and permissions are always read from the primary: a login that just happened must count.
Never for a rule: every registration, change, cancellation and check-in is a POST, runs in a
transaction on the primary and takes its row locks there; this module only routes GET/HEAD.

A replica lags by milliseconds, so a page rendered from it may miss a change made just
before. Such a page is cached for ``REPLICA_PAGE_SECONDS`` only (gotc.pagecache), and values
read on the replica are not remembered, so the lag never outlives a few seconds.

When the replica fails (down, frozen past its connect timeout, dropped connection), the page
is rendered again from the primary and the replica is skipped for REPLICA_BREAKER_SECONDS:
a replica outage costs one slower request per process, never an error page.
"""

import contextvars
import fnmatch
import logging
import threading
import time
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest

logger = logging.getLogger(__name__)

REPLICA = "replica"
# The apps whose tables may be read on the replica.
REPLICA_APPS = frozenset({"agenda", "registration"})
# The views (namespace:name, shell-style patterns) whose GET requests read on the replica.
REPLICA_VIEWS = (
    "agenda:*",
    "edition:*",
    "staff:dashboard",
    "staff:export",
    "staff:forum-print",
)
# How long a page rendered from the replica stays in the page cache.
REPLICA_PAGE_SECONDS = 5

_reading = contextvars.ContextVar("gotc_replica_reading", default=False)
_skip_until = 0.0
_skip_lock = threading.Lock()


def configured() -> bool:
    return REPLICA in connections.settings


def reading() -> bool:
    """True while the current request's reads may go to the replica."""
    return _reading.get()


def available() -> bool:
    return time.monotonic() >= _skip_until


def failed(error: BaseException) -> None:
    global _skip_until
    seconds = getattr(settings, "REPLICA_BREAKER_SECONDS", 30.0)
    with _skip_lock:
        first = available()
        _skip_until = time.monotonic() + seconds
    if first:
        logger.warning(
            "Database replica failed (%s): reading from the primary for %.0f s", error, seconds
        )
    connections[REPLICA].close_if_unusable_or_obsolete()


def reset() -> None:
    """Forget a failure (tests)."""
    global _skip_until
    _skip_until = 0.0


class ReplicaRouter:
    """Reads of the program and registration tables go to the replica inside a replica
    request (``reading()``) while it is available; everything else goes to the primary."""

    def db_for_read(self, model, **hints):
        if _reading.get() and model._meta.app_label in REPLICA_APPS and available():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same database, one of them possibly behind

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def wants_replica(request: HttpRequest) -> bool:
    match = request.resolver_match
    return (
        request.method in ("GET", "HEAD")
        and match is not None
        and configured()
        and available()
        and any(fnmatch.fnmatchcase(match.view_name, pattern) for pattern in REPLICA_VIEWS)
    )


class LaggingReads:
    """Runs the views of ``REPLICA_VIEWS`` with their reads on the replica (last middleware:
    it calls the view itself so that it can call it again on the primary)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not wants_replica(request):
            return None
        token = _reading.set(True)
        try:
            response = view_func(request, *view_args, **view_kwargs)
        except (OperationalError, InterfaceError) as error:
            if not self._replica_failed(error):
                raise
            return None  # Django calls the view again, now on the primary
        finally:
            _reading.reset(token)
        request.read_from_replica = True
        if getattr(response, "streaming", False):
            response.streaming_content = _on_replica(response.streaming_content)
        return response

    @staticmethod
    def _replica_failed(error: BaseException) -> bool:
        """Was ``error`` the replica's? (The primary's goes on to the 503 page.)"""
        replica = connections[REPLICA]
        try:
            replica.ensure_connection()
            with replica.cursor() as cursor:
                cursor.execute("SELECT 1")
        except (OperationalError, InterfaceError):
            failed(error)
            return True
        return False


def _on_replica(chunks: Iterable) -> Iterator:
    """A streamed body (an export) reads on the replica while each chunk is made."""
    iterator = iter(chunks)
    while True:
        token = _reading.set(True)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _reading.reset(token)
        yield chunk
