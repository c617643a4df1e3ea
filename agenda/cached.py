"""Program pages and feeds answered from the page cache (gotc.pagecache).

Applied in agenda/urls.py, so the views stay unaware of it:

- ``program_page(*versions)``: the page is kept until the program (or another of
  ``versions``) changes. Only pages without forms or per-visitor content: logged-in staff
  (previews of unpublished editions included) and visitors with a session bypass the cache
  in ``gotc.pagecache`` itself.
- ``public_feed(...)``: the same for a feed, which is also readable from any origin
  (``Access-Control-Allow-Origin: *``: feeds are public and hold no personal data) and
  carries ETag and Last-Modified (304 on a match) even when it is not served from the cache.
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from agenda import caching
from gotc import pagecache

PROGRAM = caching.PROGRAM
# registration.caching.SEATS, named here because agenda may not import registration: pages
# that show seats left depend on it as well (tests/agenda/test_page_cache.py checks the name).
SEATS = "seats"


def program_page(*versions: str) -> Callable:
    """Cache the decorated view's page until any of ``versions`` (default: the program) moves."""
    versions = versions or (PROGRAM,)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            pagecache.opt_in(request, *versions)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def public_feed(*versions: str, by_language: bool = False) -> Callable:
    """A public feed: cached like a program page, open to every origin, with validators.

    ``by_language``: on an unprefixed URL the feed is in the language the visitor asks for
    (cookie, Accept-Language), so the cached copy is kept per language."""
    versions = versions or (PROGRAM,)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            vary = by_language and translation.get_language_from_path(request.path_info) is None
            pagecache.opt_in(request, *versions, vary_language=vary)
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            response["Access-Control-Allow-Origin"] = "*"
            if getattr(request, "page_cache_deps", None) is None:
                # Not going into the cache (a visitor with a session): validators all the same.
                response = pagecache.conditional(request, response)
            return response

        return wrapped

    return decorator
