"""Rate limits of the API (settings.RATE_LIMITS "api_address" and "api_token"), counted in
the shared cache like the site's other limits; RATELIMIT_ENABLE switches them all.

The public program is limited per client address (the one gotc.clientaddress decided: DRF's
own reading of X-Forwarded-For would let any client pick its own); the staff endpoints per
token, so scanners behind a venue's single NAT address each have their own allowance."""

from django.conf import settings
from rest_framework import throttling


class _Throttle(throttling.SimpleRateThrottle):
    limit_name = ""

    def get_rate(self) -> str:
        return settings.RATE_LIMITS[self.limit_name]

    def allow_request(self, request, view) -> bool:
        if not settings.RATELIMIT_ENABLE:
            return True
        return super().allow_request(request, view)

    def get_ident(self, request) -> str:
        return request.META.get("REMOTE_ADDR", "")


class PerAddress(_Throttle):
    scope = "api_address"
    limit_name = "api_address"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PerToken(_Throttle):
    scope = "api_token"
    limit_name = "api_token"

    def get_cache_key(self, request, view) -> str | None:
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
