"""/stars/<key>/: a registered attendee's starred talks, read and written by the program
pages' script (static/gotc/stars.js) with the attendee's star key (services.stars).

JSON in and out. No CSRF token: the pages that call it are cached for everyone and carry
none; the key in the address is what authorizes, and it is never in a cookie."""

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from registration.decorators import rate_limited
from registration.services import stars


def _error(message: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _answer(registration) -> JsonResponse:
    response = JsonResponse(
        {
            "conference": registration.conference.slug,
            "talks": stars.starred_talk_ids(registration),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
@rate_limited("stars")
def stars_view(request: HttpRequest, key: str) -> JsonResponse:
    registration = stars.registration_for_key(key)
    if registration is None:
        return _error("This star key is not valid (any more).", "invalid_key", 404)
    if request.method == "POST":
        try:
            body = json.loads(request.body or b"{}")
            talk_id, starred = int(body["talk"]), body["starred"]
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            return _error('Send {"talk": <talk id>, "starred": true or false}.', "bad_request", 400)
        if not isinstance(starred, bool) or not 0 < talk_id < 2**63:
            return _error('Send {"talk": <talk id>, "starred": true or false}.', "bad_request", 400)
        try:
            stars.set_star(registration, talk_id, starred)
        except stars.StarError as exc:
            return _error(exc.message, exc.code, 400)
    return _answer(registration)
