"""The language switcher (?lang=) and the first-visit redirect never send a visitor to
another site, whatever the path looks like."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db

HOSTILE_PATHS = [
    "//evil.example/",
    "//evil.example/agenda/",
    "/\\evil.example/",
    "///evil.example/",
]


@pytest.mark.parametrize(
    "path", HOSTILE_PATHS, ids=["slashes", "slashes-path", "backslash", "three"]
)
@pytest.mark.parametrize("code", ["en", "zh-hans"])
def test_language_switch_on_a_hostile_path_stays_on_the_site(client, conference, path, code):
    # PATH_INFO as a server passes it on (the test client would parse "//host" as a host).
    response = client.get("/", {"lang": code, "utm": "1"}, PATH_INFO=path)

    assert response.status_code == 302
    assert stays_here(response["Location"])
    assert response.cookies["django_language"].value == code


def stays_here(location: str) -> bool:
    """How a browser reads a Location: backslashes as slashes, "//host" as a host."""
    normalized = location.replace("\\", "/")
    return normalized.startswith("/") and urlsplit(normalized).netloc == ""


def test_language_switch_keeps_an_ordinary_page_and_its_query(client, conference):
    response = client.get("/agenda/", {"lang": "zh-hans", "kind": "flash"})

    assert (response.status_code, response["Location"]) == (302, "/zh-hans/agenda/?kind=flash")


@pytest.mark.parametrize(
    "path", HOSTILE_PATHS, ids=["slashes", "slashes-path", "backslash", "three"]
)
def test_first_visit_redirect_on_a_hostile_path_stays_on_the_site(client, conference, path):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9", PATH_INFO=path)

    assert response.status_code in {302, 404}
    if response.status_code == 302:
        assert stays_here(response["Location"])
