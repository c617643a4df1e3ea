"""OpenAPI details drf-spectacular cannot guess: the token scheme and the error shape."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A staff token (gotc_...) created in the admin: "
            "Authorization: Bearer <token>.",
        }


ERROR = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorDetail",
            {
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "fields": serializers.DictField(child=serializers.ListField()),
            },
        )
    },
)


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Error responses in the one shape, for ``extend_schema(responses=...)``."""
    return {status: OpenApiResponse(ERROR) for status in statuses}


STAFF_ERRORS = (400, 401, 403, 404, 429)
