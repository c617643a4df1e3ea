"""Checking people in at the entrance and at forum doors (/staff/checkin/)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from registration.enums import RegistrationStatus
from tests.pages import parse, text, with_class
from tests.registration.staff.reading import field_errors, site_messages

pytestmark = pytest.mark.django_db

CHECKIN = "/staff/checkin/"


def result_card(response) -> dict:
    """What the desk sees after submitting a code."""
    root = parse(response)
    cards = with_class(root, "div", "checkin-result")
    if not cards:
        return {}
    card = cards[0]
    paragraphs = [text(p) for p in card.iter("p")]
    return {
        "error": "alert-danger" in card.get("class").split(),
        "paragraphs": paragraphs,
        "seated": [seat(text(li)) for li in card.iter("li")],
    }


def seat(line: str) -> tuple[str, ...]:
    """A seated forum as listed on the card: (title, start time, room); the day is localized."""
    match = re.fullmatch(r"(.+) — .*(\d\d:\d\d), (.+)", line)
    return match.groups() if match else (line,)


def typed(code: str) -> str:
    """A ticket code the way people type it: lower case, dash in the middle."""
    return f"{code[:4]}-{code[4:]}".lower()


def test_checkin_by_typed_code_shows_attendee(desk_client, attendees):
    zhang = attendees.zhang

    response = desk_client.post(CHECKIN, {"code": typed(zhang.ticket_code)})

    zhang.refresh_from_db()
    assert response.status_code == 200
    assert result_card(response) == {
        "error": False,
        "paragraphs": ["✓ Checked in", "张伟", "开放原子开源基金会 · 工程师", zhang.ticket_display],
        "seated": [
            ("Cloud Native", "09:00", "Hall A"),
            ("Open Source Governance", "13:30", "Hall B"),
        ],
    }
    assert zhang.checked_in_by == desk_client.user
    assert timezone.now() - zhang.checked_in_at < dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    "code",
    [
        lambda c: c,
        lambda c: c.lower(),
        lambda c: f"  {c[:4]} {c[4:]}  ",
        lambda c: f"{c[:4]}-{c[4:]}",
    ],
    ids=["exact", "lower", "spaces", "dash"],
)
def test_checkin_accepts_code_as_typed(desk_client, attendees, code):
    response = desk_client.post(CHECKIN, {"code": code(attendees.zoe.ticket_code)})

    attendees.zoe.refresh_from_db()
    assert result_card(response)["paragraphs"][:2] == ["✓ Checked in", "Zoë O'Brien"]
    assert attendees.zoe.checked_in_at is not None


def test_checkin_twice_warns_when_and_by_whom(desk_client, client_for, attendees):
    first_desk = client_for("organizer")
    first_desk.post(CHECKIN, {"code": attendees.zoe.ticket_code})
    attendees.zoe.refresh_from_db()
    first_time = attendees.zoe.checked_in_at

    response = desk_client.post(CHECKIN, {"code": typed(attendees.zoe.ticket_code)})

    attendees.zoe.refresh_from_db()
    when = timezone.localtime(first_time, attendees.zoe.conference.tzinfo).strftime(
        "%Y-%m-%d %H:%M"
    )
    card = result_card(response)
    assert card["paragraphs"][:2] == [
        f"Zoë O'Brien was already checked in at {when} by organizer.",
        "Zoë O'Brien",
    ]
    assert (attendees.zoe.checked_in_at, attendees.zoe.checked_in_by.username) == (
        first_time,
        "organizer",
    )


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ", "zzzz zzzz", "AB3D7FGH"])
def test_checkin_of_unknown_code_is_an_error(desk_client, attendees, code):
    response = desk_client.post(CHECKIN, {"code": code})

    assert response.status_code == 404
    assert result_card(response) == {
        "error": True,
        "paragraphs": [f"No ticket with the code “{code}”."],
        "seated": [],
    }


# "oz": letters no ticket code holds (tickets.TICKET_ALPHABET), so a random code never matches.
@pytest.mark.parametrize("query", ["oz", "x" * 32, "Nobody Here"], ids=["short", "long", "name"])
def test_search_that_finds_nobody_says_what_to_try(desk_client, attendees, query):
    response = desk_client.post(CHECKIN, {"code": query})

    assert response.status_code == 404
    assert result_card(response)["paragraphs"] == [
        f"Nobody matches “{query}”. Try part of the name, the email, the phone number or the "
        "organization."
    ]


def test_checkin_of_other_conferences_ticket_is_unknown(desk_client, attendees, other_conference):
    from tests.factories import RegistrationFactory

    old = RegistrationFactory(conference=other_conference)

    response = desk_client.post(CHECKIN, {"code": old.ticket_code})

    old.refresh_from_db()
    assert response.status_code == 404
    assert old.checked_in_at is None


def test_checkin_of_cancelled_registration_changes_nothing(desk_client, attendees):
    carl = attendees.carl

    response = desk_client.post(CHECKIN, {"code": carl.ticket_code})

    carl.refresh_from_db()
    assert response.status_code == 409
    assert result_card(response)["paragraphs"] == ["Carl Cancelled's registration is cancelled."]
    assert (carl.status, carl.checked_in_at) == (RegistrationStatus.CANCELLED, None)


@pytest.mark.parametrize("code", ["", "   "], ids=["empty", "blank"])
def test_checkin_without_code_is_a_form_error(desk_client, attendees, code):
    response = desk_client.post(CHECKIN, {"code": code})

    assert response.status_code == 200
    assert field_errors(response, "code") == [
        "Type or scan a ticket code, or type part of a name to search."
    ]
    assert result_card(response) == {}


def test_checkin_with_too_long_search_is_a_form_error(desk_client, attendees):
    response = desk_client.post(CHECKIN, {"code": "王" * 1000})

    assert response.status_code == 200
    assert field_errors(response, "code") == [
        "Type at most 100 characters (this has 1000): a ticket code, or part of a name."
    ]


def test_checkin_clears_code_and_keeps_door(desk_client, attendees, cloud):
    response = desk_client.post(CHECKIN, {"code": attendees.zoe.ticket_code, "forum": cloud.pk})

    root = parse(response)
    code = root.find(".//input[@name='code']")
    options = root.find(".//select[@name='forum']").iter("option")
    door = [o for o in options if o.get("selected") is not None]
    assert code.get("value") is None
    assert [text(o) for o in door] == ["Cloud Native"]


def test_undo_checkin_clears_entrance_and_doors(desk_client, attendees, cloud):
    desk_client.post(CHECKIN, {"code": attendees.zoe.ticket_code, "forum": cloud.pk})

    response = desk_client.post(reverse("staff:undo-checkin", args=[attendees.zoe.pk]), follow=True)

    attendees.zoe.refresh_from_db()
    assert site_messages(response) == ["Check-in of Zoë O'Brien undone."]
    assert (attendees.zoe.checked_in_at, attendees.zoe.checked_in_by) == (None, None)
    assert attendees.zoe.picks.get(forum=cloud).checked_in_at is None


def test_undo_checkin_needs_post(desk_client, attendees):
    attendees.zoe.checked_in_at = timezone.now()
    attendees.zoe.save()

    response = desk_client.get(reverse("staff:undo-checkin", args=[attendees.zoe.pk]))

    attendees.zoe.refresh_from_db()
    assert response.status_code == 405
    assert attendees.zoe.checked_in_at is not None


def test_undo_checkin_of_unknown_registration_is_not_found(desk_client, attendees):
    response = desk_client.post(reverse("staff:undo-checkin", args=[99999]))

    assert response.status_code == 404


def test_forum_door_checkin_marks_the_forum_seat(desk_client, attendees, cloud):
    response = desk_client.post(CHECKIN, {"code": attendees.zoe.ticket_code, "forum": cloud.pk})

    pick = attendees.zoe.picks.get(forum=cloud)
    attendees.zoe.refresh_from_db()
    assert result_card(response)["paragraphs"][:2] == ["✓ Checked in", "Zoë O'Brien"]
    assert pick.checked_in_at is not None
    assert attendees.zoe.checked_in_at == pick.checked_in_at


def test_forum_door_checkin_after_entrance_is_no_warning(desk_client, attendees, cloud):
    desk_client.post(CHECKIN, {"code": attendees.zhang.ticket_code})

    response = desk_client.post(CHECKIN, {"code": attendees.zhang.ticket_code, "forum": cloud.pk})

    assert result_card(response)["paragraphs"][:2] == ["✓ Checked in", "张伟"]
    assert attendees.zhang.picks.get(forum=cloud).checked_in_at is not None


@pytest.mark.parametrize("who", ["hannah", "lina"], ids=["waiting", "not-picked"])
def test_forum_door_refuses_who_is_not_seated_there(desk_client, attendees, cloud, who):
    registration = getattr(attendees, who)

    response = desk_client.post(CHECKIN, {"code": registration.ticket_code, "forum": cloud.pk})

    registration.refresh_from_db()
    card = result_card(response)
    assert response.status_code == 409
    assert card["error"] is False  # a card, not a bare error: it offers "Let in anyway"
    assert card["paragraphs"][0] == "✗ No seat here"
    assert registration.checked_in_at is None
    assert registration.picks.filter(checked_in_at__isnull=False).count() == 0


def test_forum_door_of_other_conference_is_a_form_error(desk_client, attendees, other_conference):
    from tests.factories import ForumFactory

    foreign = ForumFactory(conference=other_conference)

    response = desk_client.post(CHECKIN, {"code": attendees.zoe.ticket_code, "forum": foreign.pk})

    attendees.zoe.refresh_from_db()
    assert field_errors(response, "forum") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert attendees.zoe.checked_in_at is None
