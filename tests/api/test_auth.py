"""Staff tokens: every endpoint with every scope, conferences kept apart, dead tokens refused."""

import datetime as dt

import pytest
from django.utils import timezone

from api.models import ApiToken, token_hash
from api.scopes import Scope
from registration import services
from tests.api.conftest import ALL_SCOPES, Api, base, error_of, expired

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(conference, program, attendee_data):
    outcome = services.register(
        conference=conference, data=attendee_data(), forums=[program["cloud"]], notify=False
    )
    return outcome.registration


@pytest.fixture
def attendee_data():
    def build(**overrides):
        return {
            "full_name": "Zhang San",
            "email": "zhang.san@example.org",
            "organization": "OpenAtom",
            "job_title": "Engineer",
            **overrides,
        }

    return build


def endpoints(registration, attendee_body) -> list[tuple[str, str, str, dict | None]]:
    """(method, path, scope, body) of every staff endpoint."""
    root = base(registration.conference)
    one = f"{root}registrations/{registration.pk}/"
    code = registration.ticket_code
    return [
        ("get", f"{root}registrations/", Scope.REGISTRATIONS_READ, None),
        ("get", one, Scope.REGISTRATIONS_READ, None),
        ("post", f"{root}registrations/", Scope.REGISTRATIONS_WRITE, attendee_body),
        ("post", f"{one}picks/", Scope.REGISTRATIONS_WRITE, {"forums": ["main"]}),
        ("post", f"{one}cancel/", Scope.REGISTRATIONS_WRITE, {}),
        ("get", f"{root}tickets/{code}/", Scope.CHECKIN, None),
        ("post", f"{root}checkins/", Scope.CHECKIN, {"code": code}),
        ("post", f"{root}checkins/undo/", Scope.CHECKIN, {"code": code}),
        ("get", f"{root}forums/?drafts=true", Scope.PROGRAM_READ, None),
    ]


def call(client: Api, method: str, path: str, body):
    return client.get(path) if method == "get" else client.post(path, body)


@pytest.mark.parametrize("scope", [*ALL_SCOPES, "none"])
def test_every_endpoint_answers_only_its_scope(
    scope, registered, api_for, attendee, program, conference
):
    client = api_for(conference, [] if scope == "none" else [scope])

    for method, path, needed, body in endpoints(
        registered, attendee([program["rust"]], email="new@example.org")
    ):
        response = call(client, method, path, body)
        if needed == scope:
            assert response.status_code in {200, 201}, (path, response.content)
        else:
            assert response.status_code == 403, (path, scope)
            assert error_of(response)["code"] == "missing_scope"


def test_a_registrations_read_token_cannot_cancel(registered, api_for, conference):
    client = api_for(conference, [Scope.REGISTRATIONS_READ])

    response = client.post(f"{base(conference)}registrations/{registered.pk}/cancel/")

    assert response.status_code == 403
    registered.refresh_from_db()
    assert registered.is_active


def test_without_a_token_every_staff_endpoint_is_a_401(registered, attendee, program, api):
    for method, path, _scope, body in endpoints(registered, attendee([program["rust"]])):
        response = call(api, method, path, body)
        assert response.status_code == 401, path
        assert error_of(response)["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_of_another_conference_sees_nothing(
    registered, api_for, other_conference, attendee, program
):
    client = api_for(other_conference)

    for method, path, scope, body in endpoints(registered, attendee([program["rust"]])):
        if scope == Scope.PROGRAM_READ:
            continue  # the public program is public; its drafts: see test_program
        response = call(client, method, path, body)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"
    registered.refresh_from_db()
    assert registered.is_active
    assert registered.checked_in_at is None


def test_nor_its_registrations_through_its_own_url(registered, api_for, other_conference):
    client = api_for(other_conference)
    root = base(other_conference)

    assert client.get(f"{root}registrations/{registered.pk}/").status_code == 404
    assert client.get(f"{root}registrations/").json()["results"] == []
    response = client.post(f"{root}checkins/", {"code": registered.ticket_code})
    assert error_of(response)["code"] == "other_edition_ticket"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"expires_at": expired()}, "token_expired"),
        ({"revoked_at": timezone.now()}, "token_revoked"),
    ],
    ids=["expired", "revoked"],
)
def test_an_expired_or_revoked_token_is_a_401(make_token, conference, program, fields, code):
    _token, secret = make_token(conference, **fields)

    for path in [f"{base(conference)}registrations/", f"{base(conference)}forums/?drafts=1"]:
        response = Api(secret).get(path)
        assert response.status_code == 401
        assert error_of(response)["code"] == code


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Bearer gotc_unknown0000000000000000000000000000000000", "invalid_token"),
        ("Bearer", "invalid_header"),
        ("Basic dXNlcjpwYXNz", "invalid_header"),
        ("Bearer a b", "invalid_header"),
        ("Bearer " + "x" * 500, "invalid_header"),
    ],
    ids=["unknown", "empty", "basic", "spaces", "too-long"],
)
def test_a_bad_authorization_header_is_a_401(conference, header, code):
    response = Api().get(f"{base(conference)}registrations/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert error_of(response)["code"] == code


def test_the_token_keyword_works_too(make_token, conference):
    _token, secret = make_token(conference, [Scope.REGISTRATIONS_READ])

    response = Api().get(f"{base(conference)}registrations/", HTTP_AUTHORIZATION=f"Token {secret}")

    assert response.status_code == 200


def test_only_the_hash_is_stored(make_token, conference):
    token, secret = make_token(conference)

    row = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith("gotc_")
    assert row.token_hash == token_hash(secret)
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert row.hint == secret[:11]


def test_last_used_is_written_at_most_once_a_minute(make_token, conference):
    token, secret = make_token(conference, [Scope.REGISTRATIONS_READ])
    client = Api(secret)
    url = f"{base(conference)}registrations/"

    client.get(url)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    client.get(url)
    second = ApiToken.objects.get(pk=token.pk).last_used_at
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get(url)
    third = ApiToken.objects.get(pk=token.pk).last_used_at

    assert first is not None
    assert second == first
    assert third > first
