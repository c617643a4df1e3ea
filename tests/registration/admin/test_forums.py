"""The forum admin with seats: fill per forum, the waiting list, promotion by action and by
raising the capacity."""

import pytest
from django.core import mail
from django.urls import reverse

from registration.enums import PickStatus
from tests.factories import RegistrationFactory
from tests.pages import parse, text
from tests.registration.admin.acting import FORUMS, run_action, subjects_to
from tests.registration.staff.reading import admin_messages, changelist_rows, form_data

pytestmark = pytest.mark.django_db


def test_forum_changelist_shows_fill(admin_client, attendees):
    response = admin_client.get(FORUMS)

    rows = changelist_rows(response, "title", "seated", "capacity", "waiting", "fill")
    assert rows == [
        ("Cloud Native", "2", "2", "2", "100 %"),
        ("Open Source Governance", "2", "10", "0", "20 %"),
    ]


# --- forums: promotion ------------------------------------------------------------------------


def test_promote_action_seats_waiting_where_seats_are_free(
    admin_client, attendees, cloud, django_capture_on_commit_callbacks
):
    type(cloud).objects.filter(pk=cloud.pk).update(capacity=3)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, FORUMS, "promote", [cloud])

    assert admin_messages(response) == ["1 attendee got a seat."]
    assert list(cloud.picks.waiting().values_list("registration__full_name", flat=True)) == [
        "Wang Fang"
    ]
    assert subjects_to("hannah@example.org") == ["You have a seat: Cloud Native"]


def test_forum_change_form_lists_waiting_list_in_order(admin_client, attendees, cloud):
    response = admin_client.get(reverse("admin:agenda_forum_change", args=[cloud.pk]))

    group = parse(response).find(".//*[@id='picks-group']")
    waiting = [text(td) for td in group.iter("td") if td.get("class") == "field-registration"]
    assert waiting == ["Hannah Link <hannah@example.org>", "Wang Fang <wang.fang@example.org>"]


def test_raising_capacity_in_forum_form_promotes_in_order(
    admin_client, attendees, cloud, make_pick, django_capture_on_commit_callbacks
):
    third = RegistrationFactory(
        conference=cloud.conference, full_name="Third Waiting", email="third@example.org"
    )
    make_pick(third, cloud, PickStatus.WAITING, minute=30)
    url = reverse("admin:agenda_forum_change", args=[cloud.pk])
    data = form_data(admin_client.get(url), "forum_form")
    data["capacity"] = ["4"]
    data["_save"] = ["Save"]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data, follow=True)

    cloud.refresh_from_db()
    assert cloud.capacity == 4
    assert admin_messages(response)[0] == "2 waiting attendees got a seat and an email."
    assert dict(cloud.picks.live().values_list("registration__full_name", "status")) == {
        "张伟": PickStatus.SEATED,
        "Zoë O'Brien": PickStatus.SEATED,
        "Hannah Link": PickStatus.SEATED,
        "Wang Fang": PickStatus.SEATED,
        "Third Waiting": PickStatus.WAITING,
    }
    assert sorted(message.to[0] for message in mail.outbox) == [
        "hannah@example.org",
        "wang.fang@example.org",
    ]


def test_forum_form_without_capacity_change_promotes_nobody(
    admin_client, attendees, cloud, django_capture_on_commit_callbacks
):
    url = reverse("admin:agenda_forum_change", args=[cloud.pk])
    data = form_data(admin_client.get(url), "forum_form")
    data["title_en"] = ["Cloud Native Days"]
    data["_save"] = ["Save"]

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, data, follow=True)

    cloud.refresh_from_db()
    assert cloud.title == "Cloud Native Days"
    assert cloud.picks.waiting().count() == 2
    assert mail.outbox == []
