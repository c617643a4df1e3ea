"""Check-in for scanner apps: idempotent, says who and whether they may enter."""

import pytest

from api.scopes import Scope
from registration import services
from registration.models import DoorOverride
from tests.api.conftest import base, error_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def scanner(api_for, conference):
    return api_for(conference, [Scope.CHECKIN])


@pytest.fixture
def guest(conference, program):
    """Seated in the main forum, waiting for the (full) Rust workshop."""
    taken = {"full_name": "Taken", "email": "t@example.org", "organization": "O", "job_title": "J"}
    services.register(conference=conference, data=taken, forums=[program["rust"]], notify=False)
    data = {
        "full_name": "Wang Fang",
        "email": "w@example.org",
        "organization": "O",
        "job_title": "J",
    }
    return services.register(
        conference=conference, data=data, forums=[program["main"], program["rust"]], notify=False
    ).registration


def checkin(scanner, conference, **body):
    return scanner.post(f"{base(conference)}checkins/", body)


def test_the_same_scan_twice_is_one_check_in(scanner, conference, guest, make_token):
    code = guest.ticket_display.lower().replace("-", "")

    first = checkin(scanner, conference, code=code)
    second = checkin(scanner, conference, code=guest.ticket_code)

    assert first.status_code == second.status_code == 200
    assert first.json()["checked_in"] is True
    assert first.json()["already_checked_in"] is False
    assert first.json()["may_enter"] is True
    assert first.json()["attendee"]["full_name"] == "Wang Fang"
    assert [forum["slug"] for forum in first.json()["seated_forums"]] == ["main"]
    assert [forum["slug"] for forum in first.json()["waiting_forums"]] == ["rust"]
    assert second.json()["checked_in"] is False
    assert second.json()["already_checked_in"] is True
    assert second.json()["attendee"]["checked_in_at"] == first.json()["attendee"]["checked_in_at"]
    guest.refresh_from_db()
    assert guest.checked_in_by.username == "scanner-owner"


def test_a_forum_door_lets_in_the_seated_and_refuses_the_others(scanner, conference, guest):
    main = checkin(scanner, conference, code=guest.ticket_code, forum="main")
    rust = checkin(scanner, conference, code=guest.ticket_code, forum="rust")
    cloud = checkin(scanner, conference, code=guest.ticket_code, forum="cloud")

    assert (main.json()["may_enter"], main.json()["reason"]) == (True, "seated")
    assert (rust.json()["may_enter"], rust.json()["reason"]) == (False, "waiting")
    assert "waiting list" in rust.json()["message"]
    assert (cloud.json()["may_enter"], cloud.json()["reason"]) == (False, "not_seated")
    assert guest.picks.get(forum__slug="main").checked_in_at is not None


def test_a_refused_guest_may_be_let_in_and_it_is_recorded(scanner, conference, guest):
    refused = checkin(scanner, conference, code=guest.ticket_code, forum="cloud")
    guest.refresh_from_db()
    assert guest.checked_in_at is None  # a refusal changes nothing

    let_in = checkin(scanner, conference, code=guest.ticket_code, forum="cloud", let_in=True)
    again = scanner.get(f"{base(conference)}tickets/{guest.ticket_code}/", {"forum": "cloud"})

    assert refused.json()["may_enter"] is False
    assert let_in.json()["may_enter"] is True
    assert let_in.json()["reason"] == "let_in"
    assert DoorOverride.objects.get(registration=guest).username == "scanner-owner"
    assert again.json()["may_enter"] is True


def test_undo_takes_the_check_in_back(scanner, conference, guest):
    checkin(scanner, conference, code=guest.ticket_code, forum="main")

    response = scanner.post(f"{base(conference)}checkins/undo/", {"code": guest.ticket_code})

    assert response.status_code == 200
    assert response.json()["attendee"]["checked_in_at"] is None
    assert guest.picks.get(forum__slug="main").checked_in_at is None
    assert checkin(scanner, conference, code=guest.ticket_code).json()["checked_in"] is True


def test_a_lookup_changes_nothing(scanner, conference, guest):
    response = scanner.get(f"{base(conference)}tickets/{guest.ticket_code}/", {"forum": "rust"})

    assert response.json()["may_enter"] is False
    assert response.json()["reason"] == "waiting"
    guest.refresh_from_db()
    assert guest.checked_in_at is None


def test_a_cancelled_ticket_is_a_409(scanner, conference, guest):
    services.cancel_registration(registration=guest)

    response = checkin(scanner, conference, code=guest.ticket_code)

    assert response.status_code == 409
    assert error_of(response)["code"] == "registration_cancelled"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "NOPE-NOPE"}, "code"),
        ({"code": ""}, "code"),
        ({}, "code"),
        ({"code": "x" * 100}, "code"),
        ({"code": "ABCD", "forum": "no such forum"}, "forum"),
        ({"code": "ABCD", "let_in": "sometimes"}, "let_in"),
    ],
)
def test_bad_scans_are_a_400(scanner, conference, program, guest, body, field):
    response = checkin(scanner, conference, **body)

    assert response.status_code == 400
    assert field in error_of(response)["fields"]


def test_an_unknown_forum_at_a_known_ticket_is_a_400(scanner, conference, guest):
    response = checkin(scanner, conference, code=guest.ticket_code, forum="nowhere")

    assert response.status_code == 400
    assert "forum" in error_of(response)["fields"]
