"""Whole-page cache and remembered reads, kept fresh by named version counters.

A version is a counter in the shared cache (Redis in production), named by the app that owns
it; the apps bump theirs when their data changes. Everything cached here carries the versions
it was built under, so bumping a version makes it stale at once, on every process and host.
This module knows no version by name: it is the same mechanism for any of them.

- ``opt_in(request, *versions)``: the view's page is cached until one of ``versions`` moves.
  ``PageCache`` (the middleware) replays it straight after WhiteNoise: no session, no
  database; ETag and Last-Modified answer 304 to If-None-Match / If-Modified-Since. Logged-in
  staff, pending messages and anything but GET/HEAD bypass the cache. Pages with forms never
  opt in (CSRF tokens are per visitor). ``vary_language=True`` keys the page on the
  language the visitor's cookie or Accept-Language asks for (feeds on unprefixed URLs).
- ``conditional(request, response)``: the same validators and 304 for a response that is
  not served from the cache (a visitor with a session).
- ``remembered(key, depends_on, read)``: a value read once per version and process.
- ``bump(name)``: after the current transaction commits, everything depending on ``name``
  is stale.

Cached pages are also kept gzip-compressed (gotc.compression), compressed once when stored.
"""

import copy
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection
from typing import TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from gotc import replica
from gotc.compression import compressed, encode

logger = logging.getLogger(__name__)
T = TypeVar("T")
SKIPPED_HEADERS = {"set-cookie", "content-length"}
TIMEOUT = 60 * 60 * 24
# A version that could not be read (the cache is down): nothing is served or remembered under it.
UNKNOWN = -1
# A pseudo parameter of ``opt_in(vary_language=True)`` pages: the language the visitor asks for.
LANGUAGE = "@language"
# Headers a 304 keeps besides Django's (ETag, Last-Modified, Vary, Cache-Control...): a
# cross-origin reader revalidating a public feed must still be allowed to read it.
KEPT_ON_304 = ("Access-Control-Allow-Origin",)
# Benchmarks only (bench/load.py): with DEBUG or BENCH_PAGE_CACHE_BYPASS=1 in the environment,
# a request carrying "X-Page-Cache-Bypass: 1" is neither answered from nor stored in the cache,
# so the same run measures a page rendered and cached. Ignored in production.
BYPASS_HEADER = "HTTP_X_PAGE_CACHE_BYPASS"
_BYPASS_ALLOWED = os.environ.get("BENCH_PAGE_CACHE_BYPASS", "").lower() in {
    "1",
    "true",
    "yes",
    "on",
}


def version_key(name: str) -> str:
    """The shared cache key holding version ``name``."""
    return f"gotc:version:{name}"


# --- Versions -------------------------------------------------------------------------------
# Each process remembers the versions it read for PAGE_CACHE_CHECK_SECONDS: a cached page is
# then answered from memory, with no round trip to the cache, and a change made on another
# process or host shows within that time (a change made in this process shows at once).
_memo: tuple[float, dict[str, int]] | None = None
# Every version name this process has asked for: they are read together, in one round trip.
_names: set[str] = set()


def current_versions(names: Collection[str]) -> dict[str, int]:
    """The current version of each name (as of at most PAGE_CACHE_CHECK_SECONDS ago)."""
    global _memo
    ttl = settings.PAGE_CACHE_CHECK_SECONDS
    memo = _memo
    if ttl > 0 and memo is not None and time.monotonic() - memo[0] < ttl:
        try:
            return {name: memo[1][name] for name in names}
        except KeyError:
            pass  # a name this process had not asked for yet: read them all again
    _names.update(names)
    read_at = time.monotonic()
    versions = _read_versions(sorted(_names))
    if ttl > 0 and UNKNOWN not in versions.values():
        _memo = (read_at, versions)
    return {name: versions[name] for name in names}


def _read_versions(names: list[str]) -> dict[str, int]:
    """Read from the shared cache. A missing key (a fresh or flushed cache) starts at a new
    time-based value, never at a value some page was rendered under before."""
    keys = {name: version_key(name) for name in names}
    try:
        found = cache.get_many(keys.values())
        missing = [key for key in keys.values() if key not in found]
        if missing:
            for key in missing:
                cache.add(key, time.time_ns() // 1000, timeout=None)
            found.update(cache.get_many(missing))
    except Exception:  # the cache is down: pages are rendered, nothing is served stale
        return dict.fromkeys(names, UNKNOWN)
    return {name: found.get(key, UNKNOWN) for name, key in keys.items()}


def bump(name: str) -> None:
    """Make everything depending on ``name`` stale once the current transaction commits (and
    the values this process remembers under it at once, so that it reads its own change)."""
    _forget_values(name)
    transaction.on_commit(lambda: _bump_now(name))


def _bump_now(name: str) -> None:
    global _memo
    key = version_key(name)
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
        logger.warning("Could not invalidate what depends on version %s", name, exc_info=True)
        return
    if not version:  # gotc.cache answers 0 when Redis is unreachable (it logs that once)
        _memo = None
        logger.warning("Could not invalidate what depends on version %s: cache unreachable", name)
        return
    # This process knows the new version without reading it back: during a burst of changes
    # (one per request) cache hits still need no round trip.
    memo = _memo
    if memo is not None:
        _memo = (memo[0], {**memo[1], name: version})


def forget_versions() -> None:
    """Drop everything this process remembers (after the shared cache was cleared)."""
    global _memo
    _memo = None
    _forget_values(None)
    with _LOCAL_LOCK:
        _LOCAL.clear()
    _PARAMS.clear()


# --- Remembered values ----------------------------------------------------------------------
# Values read from the database once per version and process (e.g. the current conference,
# read by nearly every request): {key: (depends_on, version, value)}.
_remembered: dict[str, tuple[str, int, object]] = {}


def remembered(key: str, depends_on: str, read: Callable[[], T]) -> T:
    """``read()``, computed once per version of ``depends_on`` in this process; each caller
    gets its own shallow copy. The version is read first: a change committed meanwhile leaves
    a value newer than its version, which is merely read again next time."""
    if replica.reading():
        return read()  # a value read on a lagging replica is not kept (gotc.replica)
    version = current_versions([depends_on])[depends_on]
    entry = _remembered.get(key)
    if entry is not None and entry[0] == depends_on and entry[1] == version and version != UNKNOWN:
        return copy.copy(entry[2])
    value = read()
    if version != UNKNOWN:
        _remembered[key] = (depends_on, version, value)
    return copy.copy(value)


def last_remembered(key: str):
    """The value last remembered under ``key`` in this process, whatever its version, or None:
    for pages that must not touch the database or the cache (500 and 503 pages)."""
    entry = _remembered.get(key)
    return copy.copy(entry[2]) if entry is not None else None


def _forget_values(name: str | None) -> None:
    """Drop the values remembered under version ``name`` (all of them for None)."""
    for key, (depends_on, _version, _value) in list(_remembered.items()):
        if name is None or depends_on == name:
            _remembered.pop(key, None)  # another thread may have dropped it already


# --- Pages ----------------------------------------------------------------------------------
def cacheable_request(request: HttpRequest) -> bool:
    """Anonymous GET/HEAD without session or pending messages: the same page for everyone."""
    return (
        request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not _bypassed(request)
    )


def _bypassed(request: HttpRequest) -> bool:
    """A benchmark asking for the uncached page (BYPASS_HEADER; never in production)."""
    return request.META.get(BYPASS_HEADER) == "1" and (_BYPASS_ALLOWED or settings.DEBUG)


def _asked_language(request: HttpRequest) -> str:
    """The language the visitor's cookie or Accept-Language asks for (one of LANGUAGES)."""
    return translation.get_language_from_request(request, check_path=False)


def opt_in(
    request: HttpRequest,
    *versions: str,
    params: dict[str, str] | None = None,
    vary_language: bool = False,
) -> None:
    """Called by a view: cache this page until any of ``versions`` moves. The versions are
    read before rendering, so a change during rendering is never hidden.

    ``params`` names the query parameters the page reads, with the values it used (after
    validation, e.g. ``{"kind": ""}`` for an unknown kind). Pages are keyed on those only:
    ``?utm=1`` shares the page without it, and a value the view did not use as given
    (``?kind=bogus``) is rendered but not stored, so no query string makes a new entry.
    ``vary_language``: the page is rendered in the language the visitor asks for (cookie,
    Accept-Language), so that language is part of its key."""
    if cacheable_request(request) and not request.user.is_authenticated:
        request.page_cache_deps = versions
        request.page_cache_versions = current_versions(versions)
        request.page_cache_params = {name: str(value) for name, value in (params or {}).items()}
        if vary_language:
            request.page_cache_params[LANGUAGE] = _asked_language(request)


# A small per-process copy of the shared entries: a hit then moves no page out of the shared
# cache. Hand-written because Django's LocMemCache pickles every value on each read and write.
_LOCAL: OrderedDict[str, dict] = OrderedDict()
_LOCAL_SIZE = 256
_LOCAL_LOCK = threading.Lock()


def _local_get(key: str) -> dict | None:
    with _LOCAL_LOCK:
        entry = _LOCAL.get(key)
        if entry is not None:
            _LOCAL.move_to_end(key)
        return entry


def _local_put(key: str, entry: dict) -> None:
    with _LOCAL_LOCK:
        _LOCAL[key] = entry
        _LOCAL.move_to_end(key)
        while len(_LOCAL) > _LOCAL_SIZE:
            _LOCAL.popitem(last=False)


# Which query parameters each cached path reads (learned from its view when it is stored,
# shared through the cache): a request's key is its path and those parameters only.
_PARAMS: dict[str, tuple[str, ...]] = {}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _params_key(path: str) -> str:
    return f"gotc:page-params:{_digest(path)}"


def _known_params(path: str) -> tuple[str, ...] | None:
    """The parameters ``path``'s page reads, or None before it was first stored."""
    names = _PARAMS.get(path)
    if names is None:
        names = cache.get(_params_key(path))
        if names is not None:
            _PARAMS[path] = tuple(names)
    return names


def _param(request: HttpRequest, name: str) -> str:
    return _asked_language(request) if name == LANGUAGE else request.GET.get(name, "")


def _page_key(request: HttpRequest, names: tuple[str, ...]) -> str:
    query = urlencode([(name, _param(request, name)) for name in names])
    digest = _digest(f"{request.path}?{query}")
    return f"gotc:page:{(request.method == 'HEAD' and 'GET') or request.method}:{digest}"


def _is_fresh(entry: dict | None) -> bool:
    return (
        entry is not None
        and entry.get("expires", float("inf")) > time.time()
        and current_versions(entry["versions"]) == entry["versions"]
    )


def _answer(
    request: HttpRequest, response: HttpResponse, etag: str, last_modified: int | None
) -> HttpResponse:
    """``response`` validated by ``etag`` and ``last_modified``: a 304 when the client
    already holds it (If-None-Match, else If-Modified-Since)."""
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "no-cache"
    answer = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )
    if answer is not response:
        for name in KEPT_ON_304:
            if name in response:
                answer[name] = response[name]
    return answer


def _etag(content: bytes) -> str:
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def _first_seen(key: str, etag: str) -> int:
    """Since when page ``key`` has had this content (shared through the cache): a page
    rendered again with nothing changed keeps its Last-Modified, and a page whose content
    changes, even back to an earlier one, gets a new one (If-Modified-Since stays right)."""
    now = int(time.time())
    seen_key = f"gotc:page-seen:{_digest(key)}"
    try:
        found = cache.get(seen_key)
        if isinstance(found, tuple) and len(found) == 2 and found[0] == etag and found[1] <= now:
            return found[1]
        cache.set(seen_key, (etag, now), TIMEOUT)
    except Exception:  # the cache is down: the page is answered, dated now
        return now
    return now


def conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """ETag, Last-Modified and a 304 for a page answered outside the cache (a visitor with a
    session, a page not stored): the same validators a cached copy carries."""
    if response.status_code != 200 or response.streaming or request.method not in {"GET", "HEAD"}:
        return response
    etag = _etag(response.content)
    key = _page_key(request, tuple(sorted(getattr(request, "page_cache_params", {}))))
    return _answer(request, response, etag, _first_seen(key, etag))


class PageCache:
    """Answers opted-in pages from the cache; stores them as the views render them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not cacheable_request(request):
            return self.get_response(request)
        try:
            names = _known_params(request.path)
            entry = None if names is None else self._fresh_entry(_page_key(request, names))
        except Exception:
            # The cache is an optimisation: when Redis is down, render the page.
            logger.warning("Page cache unavailable; rendering %s", request.path, exc_info=True)
            return self.get_response(request)
        if entry is not None:
            response, etag = encode(request, self._replay(entry), entry)
            return _answer(request, response, etag, entry.get("last_modified"))
        response = self.get_response(request)
        entry = self._store(request, response)
        if entry is None:
            return response
        response, etag = encode(request, response, entry)
        return _answer(request, response, etag, entry.get("last_modified"))

    @staticmethod
    def _fresh_entry(key: str) -> dict | None:
        """The entry for ``key`` if it is current: this process's copy, else the shared one."""
        entry = _local_get(key)
        if _is_fresh(entry):
            return entry
        entry = cache.get(key)  # another process may have rendered it since
        if not _is_fresh(entry):
            return None
        _local_put(key, entry)
        return entry

    def _store(self, request: HttpRequest, response: HttpResponse) -> dict | None:
        """Keep an opted-in page (status 200, no cookies) under the versions it was built with,
        keyed on the parameters its view read, when it read them as the request gave them."""
        deps = getattr(request, "page_cache_deps", None)
        if not deps or response.status_code != 200 or response.streaming or response.cookies:
            return None
        params = request.page_cache_params
        if any(_param(request, name) != value for name, value in params.items()):
            return None
        names = tuple(sorted(params))
        key = _page_key(request, names)
        etag = _etag(response.content)
        entry = {
            "versions": getattr(request, "page_cache_versions", None) or current_versions(deps),
            "content": response.content,
            "headers": {
                name: value
                for name, value in response.items()
                if name.lower() not in SKIPPED_HEADERS
            },
            "etag": etag,
            "last_modified": _first_seen(key, etag),
        }
        if not response.has_header("Content-Encoding"):
            packed = compressed(response.content)
            if packed is not None:
                entry["gzip"] = packed
        if getattr(request, "read_from_replica", False):
            # The replica may not have the change that moved the version yet: keep this copy
            # a few seconds only (gotc.replica).
            entry["expires"] = time.time() + replica.REPLICA_PAGE_SECONDS
        _local_put(key, entry)
        _PARAMS[request.path] = names
        try:
            cache.set_many({key: entry, _params_key(request.path): names}, TIMEOUT)
        except Exception:
            logger.warning("Page cache unavailable; not storing %s", request.path)
        return entry

    @staticmethod
    def _replay(entry: dict) -> HttpResponse:
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"].items():
            response[name] = value
        return response
