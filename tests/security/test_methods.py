"""Methods the site does not serve (TRACE, TRACK, CONNECT, PROPFIND, OPTIONS, PUT, PATCH,
DELETE) are a 405 with an Allow header on every URL, pages and static files alike, logged in
or not; GET, HEAD and POST are answered as before."""

import pytest
from django.test import Client

from registration.models import Registration
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db

REFUSED = ["TRACE", "TRACK", "CONNECT", "PROPFIND", "OPTIONS", "PUT", "PATCH", "DELETE"]
UNKNOWN = "x" * 43
PATHS = [
    "/",
    "/agenda/",
    "/zh-hans/agenda/",
    "/agenda.ics",
    "/editions/{slug}/",
    "/register/",
    "/register/new-link/",
    f"/r/{UNKNOWN}/",
    f"/r/{UNKNOWN}/delete/",
    "/staff/",
    "/staff/checkin/",
    "/admin/",
    "/admin/login/",
    "/healthz",
    "/static/gotc/site.css",  # not collected in tests: WhiteNoise passes it on
    "/no-such-page/",
]


def state() -> list:
    return list(Registration.objects.order_by("pk").values_list("status", "full_name"))


@pytest.mark.parametrize("method", REFUSED)
@pytest.mark.parametrize("path", PATHS)
def test_method_the_site_does_not_serve_is_405(client, conference, people, method, path):
    before = state()

    response = client.generic(method, path.format(slug=conference.slug))

    assert (response.status_code, response["Allow"], response.content) == (
        405,
        "GET, HEAD, POST",
        b"",
    )
    assert state() == before


@pytest.mark.parametrize("role", ["desk", "superuser"])
@pytest.mark.parametrize("path", ["/admin/", "/staff/", "/agenda/"])
def test_method_the_site_does_not_serve_is_405_when_logged_in(client_for, role, path):
    ConferenceFactory()

    response = client_for(role).generic("TRACE", path)

    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD, POST")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/agenda/", 200),
        ("HEAD", "/agenda/", 200),
        ("POST", "/register/new-link/", 200),
        ("GET", "/staff/", 302),
    ],
)
def test_methods_the_site_serves_are_answered(client, conference, method, path, status):
    response = client.generic(method, path)

    assert response.status_code == status


@pytest.fixture
def collected_static(settings, tmp_path) -> Client:
    """A client whose WhiteNoise serves a collected STATIC_ROOT, as in production (tests
    otherwise have none): WhiteNoise reads it when the client builds its middleware."""
    (tmp_path / "gotc").mkdir()
    (tmp_path / "gotc" / "site.css").write_text("body { color: black; }")
    settings.STATIC_ROOT = tmp_path
    return Client()


@pytest.mark.parametrize("method", REFUSED)
def test_static_file_refuses_other_methods(collected_static, method):
    response = collected_static.generic(method, "/static/gotc/site.css")

    # WhiteNoise answers first, with the methods a file has.
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD")


def test_static_file_is_served(collected_static):
    response = collected_static.get("/static/gotc/site.css")

    assert (response.status_code, b"".join(response.streaming_content)) == (
        200,
        b"body { color: black; }",
    )
