"""Version counters for cached pages, shared through the default cache (Redis in production).

A cached page remembers the versions it was rendered under; bumping a version makes every page
that depends on it stale at once, on every process and host. "program" changes with any save
of the agenda models, "seats" with any change of forum picks (registration.services).
"""

import copy
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

PROGRAM = "program"
SEATS = "seats"
logger = logging.getLogger(__name__)
KEYS = {PROGRAM: "gotc:version:program", SEATS: "gotc:version:seats"}
T = TypeVar("T")


# Each process remembers the versions it read for PAGE_CACHE_CHECK_SECONDS: a cached page is
# then answered from memory, with no round trip to Redis, and a change made on another
# process or host shows within that time (a change made in this process shows at once).
_memo: tuple[float, dict[str, int]] | None = None


def current_versions(names) -> dict[str, int]:
    """The current version of each name (as of at most PAGE_CACHE_CHECK_SECONDS ago)."""
    global _memo
    ttl = settings.PAGE_CACHE_CHECK_SECONDS
    memo = _memo
    if ttl > 0 and memo is not None and time.monotonic() - memo[0] < ttl:
        return {name: memo[1][name] for name in names}
    read_at = time.monotonic()
    versions = _read_versions(list(KEYS))
    if ttl > 0 and -1 not in versions.values():
        _memo = (read_at, versions)
    return {name: versions[name] for name in names}


def forget_versions() -> None:
    """Drop everything this process remembers (after the shared cache was cleared)."""
    global _memo
    _memo = None
    _forget_values(None)


def _forget_values(name: str | None) -> None:
    """Drop the values remembered under version ``name`` (all of them for None)."""
    for key, (depends_on, _version, _value) in list(_remembered.items()):
        if name is None or depends_on == name:
            _remembered.pop(key, None)  # another thread may have dropped it already


# Values read from the database once per version and process (the current conference, read
# by nearly every request): {key: (depends_on, version, value)}.
_remembered: dict[str, tuple[str, int, object]] = {}


def remembered(key: str, depends_on: str, read: Callable[[], T]) -> T:
    """``read()``, computed once per version of ``depends_on`` in this process; each caller
    gets its own shallow copy. The version is read first: a change committed meanwhile leaves
    a value newer than its version, which is merely read again next time."""
    version = current_versions([depends_on])[depends_on]
    entry = _remembered.get(key)
    if entry is not None and entry[0] == depends_on and entry[1] == version and version != -1:
        return copy.copy(entry[2])
    value = read()
    if version != -1:
        _remembered[key] = (depends_on, version, value)
    return copy.copy(value)


def _read_versions(names) -> dict[str, int]:
    """Read from the shared cache. A missing key (a fresh or flushed cache) starts at a new
    time-based value, never at a value some page was rendered under before."""
    try:
        found = cache.get_many([KEYS[name] for name in names])
        missing = [name for name in names if KEYS[name] not in found]
        if missing:
            for name in missing:
                cache.add(KEYS[name], time.time_ns() // 1000, timeout=None)
            found.update(cache.get_many([KEYS[name] for name in missing]))
    except Exception:  # the cache is down: pages are rendered, nothing is served stale
        return dict.fromkeys(names, -1)
    return {name: found.get(KEYS[name], -1) for name in names}


def _bump_now(name: str) -> None:
    global _memo
    key = KEYS[name]
    _forget_values(name)
    try:
        try:
            version = cache.incr(key)
        except ValueError:
            # Missing (first change, or evicted): start from a value no stored page can carry.
            version = time.time_ns() // 1000
            cache.set(key, version, timeout=None)
    except Exception:
        # Runs after commit: a cache outage must not turn a saved change into an error page.
        _memo = None
        logger.warning("Could not invalidate cached %s pages", name, exc_info=True)
        return
    # This process knows the new version without reading it back: during a registration
    # burst (a seat change per request) cache hits still need no round trip.
    memo = _memo
    if memo is not None:
        _memo = (memo[0], {**memo[1], name: version})


def bump(name: str) -> None:
    """Invalidate pages depending on ``name`` once the current transaction commits (and the
    values this process remembers under it at once, so that it reads its own change)."""
    _forget_values(name)
    transaction.on_commit(lambda: _bump_now(name))


def cacheable_request(request) -> bool:
    """Anonymous GET/HEAD without session or pending messages: the same page for everyone."""
    return (
        request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def opt_in(request, *deps: str) -> None:
    """Called by a view: cache this page (gotc.pagecache), stale when any of ``deps`` changes.
    The versions are read before rendering, so a change during rendering is never hidden."""
    if cacheable_request(request) and not request.user.is_authenticated:
        request.page_cache_deps = deps
        request.page_cache_versions = current_versions(deps)
