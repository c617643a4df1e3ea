"""'Still coming?': organizers ask seated attendees; an answer of no frees the seats."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from registration.enums import PickStatus, RegistrationStatus
from tests.pages import parse, text
from tests.registration.staff.reading import site_messages

pytestmark = pytest.mark.django_db

RECONFIRM = reverse("staff:reconfirm")


def reconfirm_link(registration) -> str:
    return reverse("registration:reconfirm", kwargs={"token": registration.manage_token})


def seats(forum) -> dict[str, str]:
    return dict(forum.picks.live().values_list("registration__full_name", "status"))


def snapshot(attendees) -> list[tuple]:
    return [
        (r.status, r.reconfirmed_at, sorted(r.picks.values_list("forum_id", "status")))
        for r in attendees.confirmed
    ]


def test_still_coming_emails_seated_attendees_only(
    organizer_client, attendees, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(RECONFIRM, follow=True)

    assert site_messages(response) == ["“Still coming?” emails queued for 3 seated attendees."]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "wang.fang@example.org",
        "zhang.wei@example.org",
        "zoe.obrien@example.org",
    ]
    zoe_mail = next(m for m in mail.outbox if m.to == ["zoe.obrien@example.org"])
    assert zoe_mail.subject == f"Still coming to {attendees.zoe.conference.name}?"
    assert f"http://testserver{reconfirm_link(attendees.zoe)}" in zoe_mail.body


def test_still_coming_skips_those_who_already_answered(
    organizer_client, client, attendees, django_capture_on_commit_callbacks
):
    client.post(reconfirm_link(attendees.zoe), {"coming": "yes"})

    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(RECONFIRM)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "wang.fang@example.org",
        "zhang.wei@example.org",
    ]


def test_still_coming_link_from_email_asks_without_changing(
    organizer_client, client, attendees, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(RECONFIRM)
    zoe_mail = next(m for m in mail.outbox if m.to == ["zoe.obrien@example.org"])
    link = re.search(r"http://testserver(/r/\S+/still-coming/)", zoe_mail.body).group(1)
    before = snapshot(attendees)

    response = client.get(link)

    root = parse(response)
    buttons = [(b.get("name"), b.get("value")) for b in root.iter("button") if b.get("name")]
    assert text(root.find(".//main//h1")) == "Are you still coming?"
    assert buttons == [("coming", "yes"), ("coming", "no")]
    assert response["Cache-Control"] == "private, no-store"
    assert snapshot(attendees) == before


def test_answer_no_cancels_and_promotes(
    client, attendees, cloud, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reconfirm_link(attendees.zoe), {"coming": "no"}, follow=True)

    attendees.zoe.refresh_from_db()
    assert site_messages(response) == ["Thank you for telling us. Your registration is cancelled."]
    assert attendees.zoe.status == RegistrationStatus.CANCELLED
    assert seats(cloud) == {
        "张伟": PickStatus.SEATED,
        "Hannah Link": PickStatus.SEATED,
        "Wang Fang": PickStatus.WAITING,
    }
    assert [(m.to[0], m.subject) for m in mail.outbox if m.to == ["hannah@example.org"]] == [
        ("hannah@example.org", "You have a seat: Cloud Native")
    ]


def test_answer_yes_keeps_seats_and_records_answer(client, attendees, cloud, governance):
    zhang = attendees.zhang

    response = client.post(reconfirm_link(zhang), {"coming": "yes"}, follow=True)

    zhang.refresh_from_db()
    assert site_messages(response) == ["Thank you! Your seats are kept. See you there."]
    assert zhang.status == RegistrationStatus.CONFIRMED
    assert zhang.reconfirmed_at is not None
    assert (seats(cloud)["张伟"], seats(governance)["张伟"]) == (
        PickStatus.SEATED,
        PickStatus.SEATED,
    )
    again = client.get(reconfirm_link(zhang))
    assert "You already told us you are coming. Thank you!" in text(parse(again).find(".//main"))


@pytest.mark.parametrize(
    "data", [{"coming": "maybe"}, {"coming": ""}, {}], ids=["maybe", "empty", "missing"]
)
def test_bogus_answer_changes_nothing(client, attendees, data):
    before = snapshot(attendees)

    response = client.post(reconfirm_link(attendees.zoe), data)

    assert response.status_code == 200
    assert site_messages(response) == ["Please choose one of the two answers."]
    assert snapshot(attendees) == before


def test_answer_to_cancelled_registration_changes_nothing(client, attendees):
    response = client.post(reconfirm_link(attendees.carl), {"coming": "yes"})

    attendees.carl.refresh_from_db()
    assert "there is nothing to confirm" in text(parse(response).find(".//main"))
    assert (attendees.carl.status, attendees.carl.reconfirmed_at) == (
        RegistrationStatus.CANCELLED,
        None,
    )


def test_answer_with_unknown_token_is_not_found(client, attendees):
    url = reverse("registration:reconfirm", kwargs={"token": "x" * 43})

    response = client.post(url, {"coming": "no"})

    assert response.status_code == 404
    assert snapshot(attendees)[0][0] == RegistrationStatus.CONFIRMED
