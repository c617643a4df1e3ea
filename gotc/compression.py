"""Cached pages (gotc.pagecache) in the encoding the client accepts.

A page is compressed once, when the page cache stores it, and the entry keeps both forms.
Clients whose Accept-Encoding takes gzip (browsers, conference apps, feed readers) get the
compressed copy: feeds and pages travel 3 to 10 times smaller. Only these public pages are
compressed: they hold no secret, so compression cannot leak one (BREACH); pages with a
session or a form are sent as rendered.
"""

import gzip

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

# Smaller pages gain nothing worth a header from gzip.
COMPRESS_MIN_BYTES = 1024


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the client's Accept-Encoding takes gzip (not refused with q=0, RFC 9110)."""
    for coding in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        name, _, parameters = coding.partition(";")
        if name.strip().lower() not in {"gzip", "x-gzip", "*"}:
            continue
        quality = parameters.replace(" ", "").lower()
        if quality.startswith("q="):
            try:
                return float(quality[2:]) > 0
            except ValueError:
                return False
        return True
    return False


def compressed(content: bytes) -> bytes | None:
    """``content`` gzip-compressed, when that makes it noticeably smaller (mtime 0: the same
    page always compresses to the same bytes, on every process and host)."""
    if len(content) < COMPRESS_MIN_BYTES:
        return None
    packed = gzip.compress(content, compresslevel=6, mtime=0)
    return packed if len(packed) < len(content) * 0.9 else None


def weak(etag: str) -> str:
    """The ETag of the compressed copy: weak, as the same page in another encoding (as
    Django's GZipMiddleware does); If-None-Match compares weakly, so either copy's tag
    revalidates the page."""
    return etag if etag.startswith("W/") else f"W/{etag}"


def encode(request: HttpRequest, response: HttpResponse, entry: dict) -> tuple[HttpResponse, str]:
    """``response`` (the page of ``entry``) in the encoding the client accepts, and its ETag."""
    patch_vary_headers(response, ["Accept-Encoding"])
    packed = entry.get("gzip")
    if packed is None or not accepts_gzip(request):
        return response, entry["etag"]
    response.content = packed
    response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(packed))  # CommonMiddleware set the rendered length
    return response, weak(entry["etag"])
