"""Whole-page cache for the program pages (home, agenda), shared by every process and host.

A view opts in by setting ``request.page_cache_deps`` (e.g. ``("program", "seats")``). The
rendered page is stored with the versions it was built under (agenda.caching); a hit replays
it, with its security headers, straight after WhiteNoise: no session, no database, one cache
round trip. ETag / If-None-Match answer 304. Logged-in staff, pending messages and anything
but GET/HEAD bypass the cache. Pages with forms never opt in (CSRF tokens are per visitor).
"""

import hashlib
import logging
import threading
from collections import OrderedDict

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified

from agenda.caching import cacheable_request, current_versions

logger = logging.getLogger(__name__)
SKIPPED_HEADERS = {"set-cookie", "content-length"}
TIMEOUT = 60 * 60 * 24


def _key(request) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"gotc:page:{(request.method == 'HEAD' and 'GET') or request.method}:{digest}"


def _not_modified(request, etag: str) -> bool:
    return etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]


# A small per-process copy of the shared entries: a hit then costs one round trip for the
# version numbers instead of moving the whole page out of Redis on every request.
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


class ProgramPageCache:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        try:
            entry = _local_get(key)
            if entry is not None and current_versions(entry["versions"]) == entry["versions"]:
                return self._replay(request, entry)
            entry = cache.get(key)  # another process may have rendered it since
            if entry is not None and current_versions(entry["versions"]) == entry["versions"]:
                _local_put(key, entry)
                return self._replay(request, entry)
        except Exception:
            # The cache is an optimisation: when Redis is down, render the page.
            logger.warning("Page cache unavailable; rendering %s", request.path, exc_info=True)
            return self.get_response(request)
        response = self.get_response(request)
        deps = getattr(request, "page_cache_deps", None)
        if deps and response.status_code == 200 and not response.streaming and not response.cookies:
            versions = getattr(request, "page_cache_versions", None) or current_versions(deps)
            entry = {
                "versions": versions,
                "content": response.content,
                "headers": {
                    name: value
                    for name, value in response.items()
                    if name.lower() not in SKIPPED_HEADERS
                },
                "etag": f'"{hashlib.sha256(response.content).hexdigest()[:32]}"',
            }
            _local_put(key, entry)
            try:
                cache.set(key, entry, TIMEOUT)
            except Exception:
                logger.warning("Page cache unavailable; not storing %s", request.path)
            response["ETag"] = entry["etag"]
            response["Cache-Control"] = "no-cache"
            if _not_modified(request, entry["etag"]):
                return self._not_modified_response(entry)
        return response

    def _replay(self, request, entry) -> HttpResponse:
        if _not_modified(request, entry["etag"]):
            return self._not_modified_response(entry)
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"].items():
            response[name] = value
        response["ETag"] = entry["etag"]
        response["Cache-Control"] = "no-cache"
        return response

    def _not_modified_response(self, entry) -> HttpResponse:
        response = HttpResponseNotModified()
        response["ETag"] = entry["etag"]
        response["Cache-Control"] = "no-cache"
        return response
