"""Redis is an accelerator: stopped or frozen, the site answers without it (gotc.cache)."""

import logging
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from registration.models import Registration
from tests.faults.conftest import registration_form
from tests.pages import main_text

pytestmark = pytest.mark.django_db


def test_cache_reads_and_writes_with_redis_stopped_are_misses(redis_cache):
    cache.set("seen", 1)
    assert cache.get("seen") == 1
    redis_cache.stop()

    answers = (cache.get("seen"), cache.add("new", 1), cache.set("seen", 2), cache.incr("seen"))

    assert answers == (None, None, None, 0)


def test_frozen_redis_costs_one_short_timeout_then_is_skipped(redis_cache, caplog):
    cache.set("seen", 1)
    redis_cache.freeze()

    started = time.monotonic()
    first = cache.get("seen")
    first_seconds = time.monotonic() - started
    started = time.monotonic()
    rest = [cache.get("seen") for _ in range(50)]
    rest_seconds = time.monotonic() - started

    assert (first, set(rest)) == (None, {None})
    assert 0.2 <= first_seconds < 0.6
    assert rest_seconds < 0.05
    assert [r.getMessage().split(" (")[0] for r in caplog.records if r.name == "gotc.cache"] == [
        "Redis unreachable"
    ]


def test_redis_is_used_again_after_the_breaker_seconds(settings, redis_cache):
    settings.REDIS_BREAKER_SECONDS = 0.3
    redis_cache.freeze()
    assert cache.get("seen") is None  # trips the breaker
    redis_cache.thaw()
    cache.set("seen", 1)  # skipped: the breaker is still open
    assert cache.get("seen") is None

    time.sleep(0.35)
    cache.set("seen", 2)

    assert cache.get("seen") == 2


def test_register_with_redis_stopped_redirects_to_a_working_done_page(redis_cache, forum):
    redis_cache.stop()
    browser = Client()

    response = browser.post("/register/", registration_form(forum))

    assert (response.status_code, response["Location"]) == (302, "/register/done/")
    assert main_text(browser.get("/register/done/")).startswith(
        "Check your inbox Thank you, Li Wei."
    )
    assert Registration.objects.filter(email="li.wei@example.org").count() == 1


def test_register_with_redis_frozen_answers_within_a_second(redis_cache, forum):
    redis_cache.freeze()
    browser = Client()

    started = time.monotonic()
    response = browser.post("/register/", registration_form(forum))
    done = browser.get("/register/done/")
    seconds = time.monotonic() - started

    assert (response.status_code, done.status_code) == (302, 200)
    # Without the breaker each cache call waits (redis-py's default: 5 s). The 1 s target
    # for one page is asserted on a real server (test_live_redis_faults.py) and measured
    # by make chaos; here a margin keeps a loaded machine from failing a working breaker.
    assert seconds < 2


def test_pages_with_redis_frozen_answer_within_a_second(redis_cache, forum):
    redis_cache.freeze()
    browser = Client()

    started = time.monotonic()
    statuses = [browser.get(path).status_code for path in ("/", "/agenda/", "/register/") * 3]
    seconds = time.monotonic() - started

    assert statuses == [200] * 9
    assert seconds < 2  # nine pages: one short timeout in all, not one per call


def test_rate_limit_counts_with_redis_up(settings, redis_cache, forum):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": "1/h"}
    browser = Client()

    first = browser.post("/register/", registration_form(forum))
    second = browser.post("/register/", registration_form(forum, email="other@example.org"))

    assert (first.status_code, second.status_code) == (302, 429)


def test_rate_limit_fails_open_and_logs_with_redis_stopped(settings, redis_cache, forum, caplog):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": "1/h"}
    redis_cache.stop()
    browser = Client()
    caplog.set_level(logging.WARNING, logger="gotc.cache")

    statuses = [
        browser.post("/register/", registration_form(forum, email=f"p{n}@example.org")).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 302]
    assert Registration.objects.count() == 3
    assert any(r.getMessage().startswith("Redis unreachable") for r in caplog.records)


@pytest.fixture
def organizer(db):
    return get_user_model().objects.create_superuser(
        "organizer", "organizer@example.org", "a long passphrase 42"
    )


def test_admin_login_with_redis_stopped_works_and_wrong_password_is_refused(redis_cache, organizer):
    redis_cache.stop()
    browser = Client()
    browser.get("/admin/login/")

    wrong = browser.post("/admin/login/", {"username": "organizer", "password": "nope"})
    right = browser.post(
        "/admin/login/?next=/admin/",
        {"username": "organizer", "password": "a long passphrase 42"},
    )

    assert wrong.status_code == 200
    assert "Please enter the correct username and password" in wrong.content.decode()
    assert (right.status_code, right["Location"]) == (302, "/admin/")
    assert browser.get("/admin/").status_code == 200


def test_staff_stay_logged_in_through_a_redis_outage(redis_cache, organizer):
    browser = Client()
    browser.force_login(organizer)
    assert browser.get("/admin/").status_code == 200

    redis_cache.stop()

    assert browser.get("/admin/").status_code == 200


def test_healthz_is_degraded_with_redis_stopped(redis_cache):
    redis_cache.stop()

    response = Client().get("/healthz")

    assert (response.status_code, response.json()) == (
        200,
        {"status": "degraded", "database": "ok", "cache": "down"},
    )


def test_healthz_answers_within_a_second_with_redis_frozen(redis_cache):
    redis_cache.freeze()
    browser = Client()

    started = time.monotonic()
    answers = [browser.get("/healthz").json()["cache"] for _ in range(5)]
    seconds = time.monotonic() - started

    assert answers == ["down"] * 5
    assert seconds < 2  # the breaker: one short timeout, not five


def test_healthz_reports_the_cache_ok_with_redis_up(redis_cache):
    response = Client().get("/healthz")

    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "database": "ok", "cache": "ok"},
    )
