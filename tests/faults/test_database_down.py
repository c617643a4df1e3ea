"""The database drops: the registration POST is retried once on a fresh connection; when it
stays down, an honest 503 page says the form was not saved (gotc.database).

The failures are real database errors raised where Django executes SQL (its
``execute_wrapper`` hook), the way psycopg raises them for a dropped connection."""

import re

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.test import Client

from registration.models import Registration
from tests.faults.conftest import registration_form

pytestmark = pytest.mark.django_db


class DroppedConnection:
    """Fails the next ``times`` statements matching ``pattern`` as a dropped connection."""

    def __init__(self, pattern: str, times: int):
        self.pattern = re.compile(pattern, re.IGNORECASE)
        self.times = times
        self.failed = 0

    def __call__(self, execute, sql, params, many, context):
        if self.failed < self.times and self.pattern.search(sql):
            self.failed += 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


INSERT_REGISTRATION = r'^INSERT INTO "registration_registration"'


# The retry closes the broken connection: only outside a test's own transaction.
@pytest.mark.django_db(transaction=True)
def test_register_post_is_retried_once_after_a_dropped_connection(forum):
    dropped = DroppedConnection(INSERT_REGISTRATION, times=1)
    browser = Client()

    with connection.execute_wrapper(dropped):
        response = browser.post("/register/", registration_form(forum))

    assert (response.status_code, response["Location"]) == (302, "/register/done/")
    assert (dropped.failed, Registration.objects.count()) == (1, 1)
    assert browser.get("/register/done/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_register_post_with_the_database_down_is_an_honest_503(forum):
    dropped = DroppedConnection(INSERT_REGISTRATION, times=2)
    browser = Client(raise_request_exception=False)

    with connection.execute_wrapper(dropped):
        response = browser.post("/register/", registration_form(forum))

    page = response.content.decode()
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert "Your form was not saved." in page
    assert "Sending it again cannot register you twice" in page
    assert "nothing you already submitted was lost" not in page
    assert (dropped.failed, Registration.objects.count()) == (2, 0)


@pytest.mark.django_db(transaction=True)
def test_sending_the_form_again_after_the_503_registers_once(forum):
    browser = Client(raise_request_exception=False)
    with connection.execute_wrapper(DroppedConnection(INSERT_REGISTRATION, times=2)):
        browser.post("/register/", registration_form(forum))

    again = browser.post("/register/", registration_form(forum))
    once_more = browser.post("/register/", registration_form(forum))

    assert (again.status_code, once_more.status_code) == (302, 302)
    assert Registration.objects.count() == 1


def test_page_with_the_database_down_is_a_503_in_chinese(forum):
    browser = Client(raise_request_exception=False)

    with connection.execute_wrapper(DroppedConnection(r"^SELECT", times=10**6)):
        response = browser.get("/zh-hans/register/")

    page = response.content.decode()
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert '<html lang="zh-hans">' in page
    assert "Your form was not saved." not in page


def test_healthz_is_503_with_the_database_down(forum):
    with connection.execute_wrapper(DroppedConnection(r"^SELECT 1", times=1)):
        response = Client().get("/healthz")

    assert (response.status_code, response.json()) == (
        503,
        {"status": "error", "database": "down", "cache": "ok"},
    )


def test_error_page_after_a_post_does_not_claim_it_was_saved(settings, forum):
    """Any other failure (not the database): the 500 page does not say the form was kept."""
    settings.DEBUG = False
    browser = Client(raise_request_exception=False)

    with connection.execute_wrapper(_raise_type_error_on_insert):
        response = browser.post("/register/", registration_form(forum))

    page = response.content.decode()
    assert response.status_code == 500
    assert "nothing you already submitted was lost" not in page
    assert "Your form may not have been saved" in page


def _raise_type_error_on_insert(execute, sql, params, many, context):
    if re.search(INSERT_REGISTRATION, sql):
        raise TypeError("a bug")
    return execute(sql, params, many, context)
