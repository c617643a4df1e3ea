"""The home page's registration side: the Register button and seats left per forum."""

import datetime as dt

import pytest
from django.utils import timezone

from registration import services
from tests.pages import main_text, parse, text, with_class

pytestmark = pytest.mark.django_db


def forum_cards(response) -> list[tuple[str, str]]:
    """[(forum title, seats line)] of the "Forums at a glance" cards, in page order."""
    return [
        (text(card.find(".//h4")), text(seats_line(card)))
        for card in with_class(parse(response), "article", "forum-card")
    ]


def seats_line(card):
    """The card's line under the time and room (seats left, or "Full")."""
    return next(p for p in card.findall(".//p") if "small" in (p.get("class") or "").split())


def card_actions(response) -> list[tuple[str, str]]:
    """[(button text, link)] of the forum cards' Register / "Join the waiting list"."""
    return [
        (text(link), link.get("href"))
        for link in with_class(parse(response), "a", "forum-card-action")
    ]


def register_buttons(response) -> list[tuple[str, str]]:
    return [
        (text(link), link.get("href"))
        for link in parse(response).iter("a")
        if text(link) == "Register now"
    ]


def test_home_shows_register_now_and_seats_left(
    client, conference, morning, afternoon, day_two, fill
):
    fill(morning, 2, prefix="morning")
    fill(afternoon, 1, prefix="afternoon")

    response = client.get("/")

    assert response.status_code == 200
    assert register_buttons(response) == [("Register now", "/register/")]
    assert forum_cards(response) == [
        ("Open Source Infrastructure", "3 seats left"),
        ("Open Source Governance", "1 seat left"),
        ("Flash Talks", "1 seat left"),
    ]


def test_home_shows_full_for_full_forum(client, conference, morning, day_two, fill):
    fill(day_two, 3)

    response = client.get("/")

    assert forum_cards(response) == [
        ("Open Source Infrastructure", "5 seats left"),
        ("Flash Talks", "Full waiting list open"),
    ]
    assert card_actions(response) == [
        ("Register", f"/register/?forum={morning.slug}"),
        ("Join the waiting list", f"/register/?forum={day_two.slug}"),
    ]


def test_home_counts_seats_not_waiting_or_cancelled_picks(
    client, conference, day_two, afternoon, fill
):
    holder, _ = fill(afternoon, 2)
    fill(afternoon, 1, prefix="late")  # waits
    services.cancel_registration(registration=holder)  # "late" takes the seat

    response = client.get("/")

    assert forum_cards(response) == [
        ("Open Source Governance", "Full waiting list open"),
        ("Flash Talks", "1 seat left"),
    ]


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(dt.timedelta(days=2), None), (dt.timedelta(days=-9), dt.timedelta(days=-1))],
    ids=["opens-in-future", "closed-in-past"],
)
def test_home_outside_window_has_no_register_button(client, conference, morning, opens, closes):
    now = timezone.now()
    conference.registration_opens = now + opens
    conference.registration_closes = now + closes if closes else None
    conference.save()

    response = client.get("/")

    assert register_buttons(response) == []
    assert "Registration is closed." in main_text(response)
