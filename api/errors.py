"""The API's one error shape, whatever went wrong:

    {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}

``code`` is stable and meant for programs; ``message`` is for people, in the request's
language; ``fields`` names the request fields a validation error is about (field name ->
list of messages). DRF's own errors go through ``exception_handler``; the registration
rules' (``registration.services.errors``) through ``rule_error``; errors raised before or
outside a view (an unknown URL, a method the site never answers, a rate limit of the
middleware, a crash) through the ``JsonErrors`` middleware.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from registration.services import errors as rules

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# The rules' refusals: (HTTP status, code). A refusal about the request (a bad pick, an
# unknown ticket) is a 400; one about the state of things (closed, full, cancelled) a 409.
RULE_ERRORS: list[tuple[type[rules.RegistrationError], int, str]] = [
    (rules.OverlappingPicks, status.HTTP_400_BAD_REQUEST, "overlapping_picks"),
    (rules.InvalidPick, status.HTTP_400_BAD_REQUEST, "invalid_pick"),
    (rules.OtherEditionTicket, status.HTTP_400_BAD_REQUEST, "other_edition_ticket"),
    (rules.UnknownTicket, status.HTTP_400_BAD_REQUEST, "unknown_ticket"),
    (rules.RegistrationClosed, status.HTTP_409_CONFLICT, "registration_closed"),
    (rules.ConferenceFull, status.HTTP_409_CONFLICT, "conference_full"),
    (rules.NotActive, status.HTTP_409_CONFLICT, "registration_cancelled"),
    (rules.AlreadyCheckedIn, status.HTTP_409_CONFLICT, "already_checked_in"),
    (rules.NotSeatedHere, status.HTTP_409_CONFLICT, "not_seated_here"),
    (rules.RegistrationError, status.HTTP_409_CONFLICT, "refused"),
]
# Codes of the answers Django or another middleware gives under /api/ (JsonErrors).
STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    429: "throttled",  # as DRF names its own (api.throttles)
    500: "server_error",
    503: "unavailable",
}


def body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def rule_error(error: rules.RegistrationError) -> exceptions.APIException:
    """The API error for a rule's refusal: its status and code, its message, its field."""
    http_status, code = next(
        (http_status, code) for kind, http_status, code in RULE_ERRORS if isinstance(error, kind)
    )
    exception = exceptions.APIException(error.message, code=code)
    exception.status_code = http_status
    exception.fields = {error.field: [error.message]} if error.field else {}
    return exception


def _fields(detail) -> dict:
    """DRF's validation detail as {field: [messages]} ("non_field_errors" kept as DRF names it)."""
    if isinstance(detail, dict):
        return {
            str(name): [str(item) for item in value]
            if isinstance(value, list) and all(not isinstance(i, dict | list) for i in value)
            else _fields(value)
            for name, value in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error a view raises, in the one shape."""
    if isinstance(exc, rules.RegistrationError):
        exc = rule_error(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a crash: Django's 500, turned into the shape by JsonErrors
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        message = _("The request has invalid fields.")
        fields = _fields(exc.detail)
    else:
        detail = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        message = str(detail) if not isinstance(detail, dict | list) else exc.default_detail
        fields = getattr(exc, "fields", {})
    set_rollback()
    return Response(body(code, message, fields), status=exc.status_code, headers=headers)


class JsonErrors:
    """Under /api/, an error answered by Django or another middleware (an unknown URL's 404
    page, gotc.methods' 405, a rate limit's 429 page, a crash's 500 page) becomes the API's
    JSON shape; its status and headers (Allow, Retry-After) stay."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path_info.startswith(API_PREFIX)
            or response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        code = STATUS_CODES.get(response.status_code, "error")
        answer = JsonResponse(
            body(code, _message(response.status_code)), status=response.status_code
        )
        for name in ("Allow", "Retry-After", "WWW-Authenticate"):
            if name in response:
                answer[name] = response[name]
        return answer


def _message(status_code: int) -> str:
    messages = {
        400: _("Bad request."),
        401: _("Authentication credentials were not provided."),
        403: _("You do not have permission to perform this action."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The request is too large."),
        429: _("Too many requests: try again later."),
        503: _("The service is unavailable: try again shortly."),
    }
    return messages.get(status_code, _("Something went wrong on our side."))
