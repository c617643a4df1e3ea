"""Rate limits (django-ratelimit) on registration, the manage page, new-link and check-in, and
the admin login lockout (django-axes): they trip at the configured number with a clear 429
page, count per client address (per user for check-in), and reset."""

import datetime as dt
import ipaddress
import json
import os
import subprocess
import sys
import time

import django_ratelimit.core
import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from gotc import settings as production_settings
from registration.models import Registration
from tests.factories import RegistrationFactory
from tests.pages import main_text
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOW_LIMITS = {"register": "3/m", "manage": "3/m", "new_link": "3/m", "checkin": "3/m"}
ADDRESS = "203.0.113.7"
OTHER_ADDRESS = "198.51.100.23"


class RateLimitClock:
    """The clock django-ratelimit counts its windows with (django_ratelimit.core calls
    time.time()), stopped at one instant and moved by hand: a test never straddles two
    windows by chance, and "a minute later" takes no time."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def limits_on(settings, monkeypatch) -> RateLimitClock:
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = dict(LOW_LIMITS)
    clock = RateLimitClock()
    monkeypatch.setattr(django_ratelimit.core, "time", clock)
    return clock


def assert_too_many_requests(response, retry_after: str | None = "60") -> None:
    assert response.status_code == 429
    assert response.get("Retry-After") == retry_after
    assert "429.html" in [template.name for template in response.templates]
    body = main_text(response)
    assert body.startswith("429 Too many requests You have sent too many requests")
    assert "Traceback" not in response.content.decode()


def register_data(forum, number: int) -> dict:
    return {
        "full_name": f"Colleague {number}",
        "email": f"colleague{number}@example.org",
        "organization": "OpenAtom Foundation",
        "job_title": "Developer",
        "phone": "",
        "language": "en",
        "forums": [forum.pk],
        "consent": "on",
        "website": "",
    }


# The limited endpoints; check-in counts per user, the others per client address.
ENDPOINTS = ["register", "manage", "new-link", "checkin"]
REGISTER, MANAGE, NEW_LINK, CHECKIN = ENDPOINTS


@pytest.fixture
def send(people, afternoon, conference):
    """``send(endpoint, client, number, address)``: the endpoint's limited request."""

    def run(endpoint: str, client: Client, number: int, address: str):
        if endpoint == REGISTER:
            return client.post("/register/", register_data(afternoon, number), REMOTE_ADDR=address)
        if endpoint == MANAGE:
            return client.get(f"/r/{people.zoe.manage_token}/", REMOTE_ADDR=address)
        if endpoint == NEW_LINK:
            return client.post(
                "/register/new-link/", {"email": f"nobody{number}@example.org"}, REMOTE_ADDR=address
            )
        return client.post(
            "/staff/checkin/",
            {"conference": conference.slug, "code": "ZZZZ-ZZZZ", "forum": ""},
            REMOTE_ADDR=address,
        )

    return run


OK_STATUS = {"register": 302, "manage": 200, "new-link": 200, "checkin": 404}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_fourth_request_is_refused_with_429_page(limits_on, client_for, send, endpoint):
    client = client_for("desk")

    first_three = [send(endpoint, client, n, ADDRESS).status_code for n in range(3)]
    fourth = send(endpoint, client, 3, ADDRESS)

    assert first_three == [OK_STATUS[endpoint]] * 3
    assert_too_many_requests(fourth)


def test_registration_refused_by_the_limit_saves_nothing(limits_on, client, send):
    for number in range(3):
        send(REGISTER, client, number, ADDRESS)

    response = send(REGISTER, client, 3, ADDRESS)

    assert response.status_code == 429
    assert not Registration.objects.filter(email="colleague3@example.org").exists()
    assert Registration.objects.filter(email__startswith="colleague").count() == 3


@pytest.mark.parametrize("endpoint", [REGISTER, MANAGE, NEW_LINK])
def test_other_address_is_not_limited(limits_on, client, send, endpoint):
    for number in range(4):
        send(endpoint, client, number, ADDRESS)

    other = send(endpoint, client, 4, OTHER_ADDRESS)
    again = send(endpoint, client, 5, ADDRESS)

    assert other.status_code == OK_STATUS[endpoint]
    assert again.status_code == 429


def test_checkin_limit_counts_per_user_not_per_address(limits_on, client_for, send):
    tired, fresh = client_for("desk", "desk-one"), client_for("desk", "desk-two")
    for number in range(4):
        send(CHECKIN, tired, number, ADDRESS)

    colleague_same_address = send(CHECKIN, fresh, 0, ADDRESS)
    tired_other_address = send(CHECKIN, tired, 5, OTHER_ADDRESS)

    assert colleague_same_address.status_code == 404  # unknown ticket: answered, not limited
    assert tired_other_address.status_code == 429


def test_real_check_ins_pass_below_the_limit_and_the_refused_one_changes_nothing(
    limits_on, client_for, conference, people
):
    client = client_for("desk")
    order = [people.li, people.zhang, people.zoe]
    extra = RegistrationFactory(conference=conference)

    answers = [
        client.post(
            "/staff/checkin/",
            {"conference": conference.slug, "code": r.ticket_display, "forum": ""},
            REMOTE_ADDR=ADDRESS,
        )
        for r in [*order, extra]
    ]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    checked_in = Registration.objects.filter(checked_in_at__isnull=False)
    assert sorted(checked_in.values_list("pk", flat=True)) == sorted(r.pk for r in order)


def test_checkin_page_get_is_not_counted(limits_on, client_for, send, conference):
    client = client_for("desk")
    for _ in range(5):
        client.get("/staff/checkin/", {"conference": conference.slug}, REMOTE_ADDR=ADDRESS)

    response = send(CHECKIN, client, 0, ADDRESS)

    assert response.status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_limit_resets_when_the_window_is_over(limits_on, client_for, send, endpoint):
    client = client_for("desk")
    for number in range(3):
        send(endpoint, client, number, ADDRESS)
    refused = send(endpoint, client, 3, ADDRESS)

    limits_on.advance(60)  # a 60-second window: this is always the next one
    after_window = send(endpoint, client, 4, ADDRESS)

    assert refused.status_code == 429
    assert after_window.status_code == OK_STATUS[endpoint]


def test_limits_are_off_when_disabled(limits_on, settings, client, send):
    settings.RATELIMIT_ENABLE = False
    settings.RATE_LIMITS = {**LOW_LIMITS, "register": "1/h"}

    statuses = [send(REGISTER, client, n, ADDRESS).status_code for n in range(3)]

    assert statuses == [302, 302, 302]


def test_default_limits_let_a_company_register_a_dozen_colleagues(
    limits_on, settings, client, send
):
    """The shipped default (RATELIMIT_REGISTER, 30/h) does not block one office."""
    settings.RATE_LIMITS = dict(production_settings.RATE_LIMITS)

    statuses = [send(REGISTER, client, n, ADDRESS).status_code for n in range(12)]

    assert statuses == [302] * 12
    assert production_settings.RATE_LIMITS == {
        "register": "30/h",
        "manage": "120/m",
        "new_link": "10/h",
        "checkin": "240/m",
        "stars": "120/m",
        "api_address": "300/m",
        "api_token": "1200/m",
    }


# --- admin login lockout (django-axes) -------------------------------------------------------


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    return settings


def login(client: Client, username: str, password: str, address: str = ADDRESS):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_admin_login_locked_after_failure_limit(axes_on, make_user):
    make_user("organizer")
    client = Client()

    failures = [login(client, "organizer", "wrong").status_code for _ in range(2)]
    locking = login(client, "organizer", "wrong")
    right_password = login(client, "organizer", PASSWORD)

    assert failures == [200, 200]
    assert_too_many_requests(locking, retry_after=None)
    assert_too_many_requests(right_password, retry_after=None)
    assert "_auth_user_id" not in client.session


def test_admin_login_lockout_counts_live_in_the_cache(axes_on, make_user):
    make_user("organizer")
    client = Client()
    for _ in range(3):
        login(client, "organizer", "wrong")

    assert (AccessAttempt.objects.count(), AccessFailureLog.objects.count()) == (0, 0)
    cache.clear()
    response = login(client, "organizer", PASSWORD)

    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_admin_login_works_again_after_cool_off(axes_on, make_user):
    axes_on.AXES_COOLOFF_TIME = dt.timedelta(seconds=3)
    make_user("organizer")
    client = Client()
    for _ in range(3):
        login(client, "organizer", "wrong")
    locked = login(client, "organizer", PASSWORD)

    time.sleep(3.5)
    response = login(client, "organizer", PASSWORD)

    assert locked.status_code == 429
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_admin_login_lockout_of_one_address_leaves_another(axes_on, make_user):
    make_user("organizer")
    for _ in range(3):
        login(Client(), "organizer", "wrong", ADDRESS)

    response = login(Client(), "organizer", PASSWORD, OTHER_ADDRESS)

    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_admin_login_failures_below_limit_are_forgotten_on_success(axes_on, make_user):
    make_user("organizer")
    client = Client()
    for _ in range(2):
        login(client, "organizer", "wrong")
    login(client, "organizer", PASSWORD)
    client.logout()

    statuses = [login(client, "organizer", "wrong").status_code for _ in range(2)]

    assert statuses == [200, 200]


def test_every_limit_is_set_from_the_environment():
    """Benchmarks and operators raise the limits without touching code."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="gotc.settings",
        DEBUG="1",
        RATELIMIT_REGISTER="1000/m",
        RATELIMIT_MANAGE="2000/m",
        RATELIMIT_NEW_LINK="30/h",
        RATELIMIT_CHECKIN="5000/m",
        RATELIMIT_STARS="600/m",
        RATELIMIT_API_ADDRESS="700/m",
        RATELIMIT_API_TOKEN="800/m",
        AXES_FAILURE_LIMIT="9",
        AXES_COOLOFF_MINUTES="2",
    )
    script = (
        "import json; from django.conf import settings as s; print(json.dumps([s.RATE_LIMITS, "
        "s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.RATELIMIT_ENABLE]))"
    )

    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        {
            "register": "1000/m",
            "manage": "2000/m",
            "new_link": "30/h",
            "checkin": "5000/m",
            "stars": "600/m",
            "api_address": "700/m",
            "api_token": "800/m",
        },
        9,
        120.0,
        True,
    ]


# --- the client address behind a proxy (gotc.clientaddress) ----------------------------------

PROXY = "10.0.0.5"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/24"),)
    return settings


def test_spoofed_real_ip_header_does_not_escape_the_limit(limits_on, client, send, afternoon):
    """A client talking to gunicorn directly names a new X-Real-IP each time: still limited."""
    answers = [
        client.post(
            "/register/",
            register_data(afternoon, number),
            REMOTE_ADDR=ADDRESS,
            HTTP_X_REAL_IP=f"198.51.100.{number}",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        ).status_code
        for number in range(4)
    ]

    assert answers == [302, 302, 302, 429]
    assert Registration.objects.filter(email__startswith="colleague").count() == 3


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(
    limits_on, behind_proxy, client, afternoon
):
    def post(number: int, forwarded_for: str):
        return client.post(
            "/register/",
            register_data(afternoon, number),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        ).status_code

    # The client prepends a fake address; the proxy appends the real one.
    crowd = [post(n, f"192.0.2.{n}, 198.51.100.{n}") for n in range(4)]
    one_client = [post(10 + n, f"192.0.2.{n}, {ADDRESS}") for n in range(4)]

    assert crowd == [302, 302, 302, 302]
    assert one_client == [302, 302, 302, 429]


def test_lockout_behind_a_proxy_locks_the_attacker_not_the_staff_member(
    axes_on, behind_proxy, make_user
):
    make_user("organizer")
    for _ in range(3):
        Client().post(
            "/admin/login/",
            {"username": "organizer", "password": "wrong", "next": "/admin/"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=OTHER_ADDRESS,
        )

    response = Client().post(
        "/admin/login/",
        {"username": "organizer", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=ADDRESS,
    )

    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_lockout_ignores_a_spoofed_header_from_an_untrusted_client(axes_on, make_user):
    make_user("organizer")
    for number in range(3):
        Client().post(
            "/admin/login/",
            {"username": "organizer", "password": "wrong", "next": "/admin/"},
            REMOTE_ADDR=ADDRESS,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )

    response = login(Client(), "organizer", PASSWORD, ADDRESS)

    assert_too_many_requests(response, retry_after=None)
