"""One error shape under /api/, rate limits per address and per token, tokens kept out of logs."""

import logging

import pytest

from api.scopes import Scope
from gotc.logging import RedactSecrets, redact
from tests.api.conftest import Api, base, error_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["put", "delete", "patch", "options"])
def test_other_methods_are_a_json_405(api, conference, method):
    response = getattr(api.client, method)(f"{base(conference)}forums/")

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_a_get_on_an_action_is_a_json_405(api_for, conference):
    response = api_for(conference).get(f"{base(conference)}checkins/")

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/api/", "/api/v1/", "/api/v1/nothing/", "/api/v2/conferences/"])
def test_unknown_api_urls_are_a_json_404(api, path):
    response = api.get(path)

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_pages_outside_the_api_keep_their_html_errors(api):
    response = api.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_public_api_is_limited_per_address(api, conference, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_address": "2/m"}
    url = f"{base(conference)}forums/?kind=bogus"  # never cached: every request is counted

    answers = [api.get(url).status_code for _ in range(3)]
    other_address = api.get(url, REMOTE_ADDR="203.0.113.9")

    assert answers == [400, 400, 429]
    assert other_address.status_code == 400
    limited = api.get(url)
    assert error_of(limited)["code"] == "throttled"
    assert int(limited["Retry-After"]) > 0


def test_a_forwarded_for_header_does_not_escape_the_limit(api, conference, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_address": "1/m"}
    url = f"{base(conference)}forums/?kind=bogus"

    api.get(url)
    spoofed = api.get(url, HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert spoofed.status_code == 429


def test_staff_endpoints_are_limited_per_token(api_for, conference, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_token": "2/m"}
    first = api_for(conference, [Scope.REGISTRATIONS_READ])
    second = api_for(conference, [Scope.REGISTRATIONS_READ])
    url = f"{base(conference)}registrations/"

    answers = [first.get(url).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert second.get(url).status_code == 200


def test_tokens_never_reach_a_log_line(make_token, conference):
    _token, secret = make_token(conference)
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Bad request %s with %s", None, None
    )
    record.args = (f"/api/v1/x/?token={secret}", f"Authorization: Bearer {secret}")

    RedactSecrets().filter(record)

    assert secret not in record.getMessage()
    assert secret not in redact(f"Token {secret}")
    assert "gotc_[redacted]" in record.getMessage()


def test_an_unknown_token_is_not_echoed_in_the_answer(conference):
    response = Api("gotc_leaked-secret-value-000000000000000000000").get(
        f"{base(conference)}registrations/"
    )

    assert b"leaked-secret" not in response.content
