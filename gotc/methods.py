"""The HTTP methods this site answers: GET, HEAD and POST, nothing else."""

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

# Every page is a function view, and a function view answers any method as if it were a GET:
# without this TRACE, TRACK, PROPFIND, PUT... would all get the page with a 200.
ALLOWED = ("GET", "HEAD", "POST")


class AllowedMethods:
    """Answer ``405 Method Not Allowed`` (with ``Allow: GET, HEAD, POST``) to any other
    method, before sessions, the page cache or a view see the request.

    It sits right after WhiteNoise, which already answers other methods on static files
    with its own 405 (``Allow: GET, HEAD``). Views that take POST only still answer GET with
    their own 405 (``require_POST``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ALLOWED:
            return HttpResponseNotAllowed(ALLOWED)
        return self.get_response(request)
