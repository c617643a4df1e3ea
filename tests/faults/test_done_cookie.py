"""The done page's data travels in a signed cookie: small, private, unforgeable, an hour."""

import pytest
from django.core import signing
from django.test import Client

from registration.services.done_pages import DONE_COOKIE, DONE_PAGE_SECONDS, SALT
from tests.faults.conftest import registration_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("secure", "path", "done_path"),
    [
        (False, "/register/", "/register/done/"),
        (True, "/zh-hans/register/", "/zh-hans/register/done/"),
    ],
    ids=["en-http", "zh-hans-https"],
)
def test_done_cookie_is_private_small_and_limited_to_the_done_page(
    settings, forum, secure, path, done_path
):
    settings.SESSION_COOKIE_SECURE = secure
    browser = Client()

    response = browser.post(path, registration_form(forum))

    cookie = response.cookies[DONE_COOKIE]
    attributes = {
        name: cookie[name] for name in ("path", "max-age", "httponly", "samesite", "secure")
    }
    assert attributes == {
        "path": done_path,
        "max-age": DONE_PAGE_SECONDS,
        "httponly": True,
        "samesite": "Lax",
        "secure": secure or "",
    }
    assert len(cookie.value) < 400
    assert signing.loads(cookie.value, salt=SALT) == {
        "e": "li.wei@example.org",
        "n": "Li Wei",
        "f": [forum.pk],
    }
    assert "sessionid" not in response.cookies


def test_done_page_with_a_forged_cookie_redirects_to_the_form(forum):
    browser = Client()
    forged = signing.dumps({"e": "x@example.org", "n": "Mallory", "f": [forum.pk]}, salt="x")
    browser.cookies[DONE_COOKIE] = forged

    response = browser.get("/register/done/")

    assert (response.status_code, response["Location"]) == (302, "/register/")


def test_done_page_with_an_expired_cookie_redirects_to_the_form(forum, monkeypatch):
    browser = Client()
    browser.post("/register/", registration_form(forum))
    later = signing.time.time() + DONE_PAGE_SECONDS + 5
    monkeypatch.setattr(signing.time, "time", lambda: later)

    response = browser.get("/register/done/")

    assert (response.status_code, response["Location"]) == (302, "/register/")
