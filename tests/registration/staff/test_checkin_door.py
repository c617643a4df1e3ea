"""Door control at /staff/checkin/: a forum's door refuses who has no seat there (in red,
naming the forums they do have), lets them in anyway when the volunteer says so (recorded),
seats them from the waiting list when a seat is free, keeps the door after an undo, and
shows the door's live numbers."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from agenda.models import Forum
from registration.enums import PickStatus
from registration.models import DoorOverride
from tests.pages import parse, text, with_class
from tests.registration.staff.reading import site_messages

pytestmark = pytest.mark.django_db

CHECKIN = "/staff/checkin/"


def refusal(response) -> dict:
    cards = with_class(parse(response), "div", "checkin-refused")
    if not cards:
        return {}
    card = cards[0]
    return {
        "red": "border-danger" in card.get("class").split(),
        "lines": [text(p) for p in card.iter("p")],
        "forums": [text(li).split(" — ")[0] for li in card.iter("li")],
        "buttons": [text(b) for b in card.iter("button")],
    }


def card_text(response) -> str:
    cards = with_class(parse(response), "div", "checkin-result")
    return text(cards[0]) if cards else ""


def numbers(response) -> dict:
    root = parse(response)
    found = {}
    for key in ("inside", "free"):
        element = root.find(f".//dd[@id='door-{key}']")
        if element is not None:
            found[key] = text(element)
    return found


def at_door(client, registration, forum, **extra):
    return client.post(CHECKIN, {"code": registration.ticket_code, "forum": forum.pk, **extra})


def button(client, registration, forum, action):
    return client.post(
        CHECKIN, {"registration": registration.pk, "forum": forum.pk, "action": action}
    )


def test_door_refuses_in_red_naming_the_forums_they_have(desk_client, attendees, cloud):
    # Wang Fang is seated in Governance and waits for Cloud Native, which is full.
    response = at_door(desk_client, attendees.wang, cloud)

    attendees.wang.refresh_from_db()
    assert response.status_code == 409
    assert refusal(response) == {
        "red": True,
        "lines": [
            "✗ No seat here",
            "Wang Fang has no seat in “Cloud Native”: they are on its waiting list.",
            "Wang Fang",
            "Open Source China",
            attendees.wang.ticket_display,
        ],
        "forums": ["Open Source Governance"],
        "buttons": ["Let in anyway"],  # no free seat: nothing to seat them in
    }
    assert "✓" not in card_text(response)
    assert attendees.wang.checked_in_at is None


def test_let_in_anyway_records_who_and_when_and_shows_them_in(desk_client, attendees, cloud):
    response = button(desk_client, attendees.lina, cloud, "let_in")

    attendees.lina.refresh_from_db()
    override = DoorOverride.objects.get()
    assert (override.registration, override.forum) == (attendees.lina, cloud)
    assert (override.let_in_by, override.username) == (desk_client.user, "desk")
    assert attendees.lina.checked_in_at == override.let_in_at
    assert "✓ Let in without a seat" in card_text(response)
    assert "without a seat by desk at" in card_text(response)
    assert refusal(response) == {}


def test_after_an_override_the_same_door_lets_them_in_again(desk_client, attendees, cloud):
    button(desk_client, attendees.lina, cloud, "let_in")

    response = at_door(desk_client, attendees.lina, cloud)

    assert refusal(response) == {}
    assert "✓ Let in without a seat" in card_text(response)
    assert DoorOverride.objects.count() == 1


def test_an_override_at_one_door_opens_no_other(desk_client, attendees, cloud, governance):
    button(desk_client, attendees.lina, cloud, "let_in")

    response = at_door(desk_client, attendees.lina, governance)

    assert refusal(response)["lines"][0] == "✗ No seat here"


def test_seat_now_is_offered_when_the_forum_has_a_free_seat(desk_client, attendees, cloud):
    # A third seat appeared (an organizer raised the capacity) and nobody was seated yet.
    Forum.objects.filter(pk=cloud.pk).update(capacity=3)

    response = at_door(desk_client, attendees.hannah, cloud)

    assert refusal(response)["buttons"] == ["Seat now", "Let in anyway"]
    assert numbers(response)["free"] == "1 / 3"


def test_seat_now_seats_the_first_waiting_and_checks_them_in(desk_client, attendees, cloud):
    Forum.objects.filter(pk=cloud.pk).update(capacity=3)

    response = button(desk_client, attendees.hannah, cloud, "seat")

    pick = attendees.hannah.picks.get(forum=cloud)
    assert (pick.status, pick.checked_in_at is not None) == (PickStatus.SEATED, True)
    assert "Seated in “Cloud Native” from the waiting list." in card_text(response)
    assert "✓ Checked in" in card_text(response)
    assert numbers(response) == {"inside": "1", "free": "0 / 3"}


def test_seat_now_follows_the_waiting_list_order(desk_client, attendees, cloud):
    # One free seat; Hannah waits ahead of Wang Fang, who is at the door.
    Forum.objects.filter(pk=cloud.pk).update(capacity=3)

    response = button(desk_client, attendees.wang, cloud, "seat")

    assert refusal(response)["lines"][1] == (
        "No seat for Wang Fang in “Cloud Native”: the free seats went to people ahead of them "
        "on the waiting list, or this forum overlaps one they are seated in."
    )
    assert attendees.hannah.picks.get(forum=cloud).status == PickStatus.SEATED
    assert attendees.wang.picks.get(forum=cloud).status == PickStatus.WAITING
    attendees.wang.refresh_from_db()
    assert attendees.wang.checked_in_at is None


def test_seated_people_pass_the_door_with_the_numbers_updated(desk_client, attendees, cloud):
    before = desk_client.get(CHECKIN, {"forum": cloud.pk})

    after = at_door(desk_client, attendees.zoe, cloud)

    assert numbers(before) == {"inside": "0", "free": "0 / 2"}
    assert numbers(after) == {"inside": "1", "free": "0 / 2"}
    assert "✓ Checked in" in card_text(after)


def test_entrance_numbers_count_who_came_of_those_expected(desk_client, attendees):
    response = desk_client.post(CHECKIN, {"code": attendees.zoe.ticket_code})

    assert numbers(response) == {"inside": "1 / 5"}


def test_undo_keeps_the_door_and_removes_the_override(desk_client, attendees, cloud):
    button(desk_client, attendees.lina, cloud, "let_in")

    response = desk_client.post(
        reverse("staff:undo-checkin", args=[attendees.lina.pk]),
        {"forum": cloud.pk, "conference": cloud.conference.slug},
    )

    location = urlsplit(response["Location"])
    assert location.path == CHECKIN
    assert parse_qs(location.query) == {
        "forum": [str(cloud.pk)],
        "conference": [cloud.conference.slug],
    }
    page = desk_client.get(response["Location"])
    selected = [
        text(option)
        for option in parse(page).find(".//select[@name='forum']").iter("option")
        if option.get("selected") is not None
    ]
    assert selected == ["Cloud Native"]
    assert site_messages(page) == ["Check-in of Li Na undone."]
    assert DoorOverride.objects.count() == 0


def test_undo_button_posts_the_door(desk_client, attendees, cloud):
    response = at_door(desk_client, attendees.zoe, cloud)

    undo = reverse("staff:undo-checkin", args=[attendees.zoe.pk])
    form = parse(response).find(f".//form[@action='{undo}']")
    fields = {field.get("name"): field.get("value") for field in form.iter("input")}
    assert fields["forum"] == str(cloud.pk)


@pytest.mark.parametrize("value", ["abc", "99999999999999", "-3"], ids=str)
def test_a_tampered_door_in_a_link_is_the_entrance(desk_client, attendees, value):
    response = desk_client.get(CHECKIN, {"forum": value})

    assert response.status_code == 200
    assert numbers(response) == {"inside": "0 / 5"}


def test_a_cancelled_person_is_refused_at_a_door_too(desk_client, attendees, cloud):
    response = button(desk_client, attendees.carl, cloud, "let_in")

    assert response.status_code == 409
    assert card_text(response) == "Carl Cancelled's registration is cancelled."
    assert DoorOverride.objects.count() == 0
