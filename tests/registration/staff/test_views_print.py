"""The printable door list of one forum."""

import pytest
from django.urls import reverse

from registration.enums import PickStatus
from registration.models import ExportLog
from tests.factories import ForumFactory, RegistrationFactory
from tests.pages import parse, text

pytestmark = pytest.mark.django_db


def tables(response) -> list[list[list[str]]]:
    """Each door-list table's body rows as cell texts."""
    return [
        [[text(cell) for cell in row] for row in table.find("tbody").iter("tr")]
        for table in parse(response).iter("table")
    ]


def test_door_list_seats_alphabetically_and_waiting_in_order(admin_client, conference, make_pick):
    forum = ForumFactory(conference=conference, title="Rust", capacity=3)
    people = {
        name: RegistrationFactory(conference=conference, full_name=name, organization=org)
        for name, org in [
            ("zoë O'Brien", "Media"),
            ("Adam Smith", "Kernel Org"),
            ("bo Li", "Huawei"),
            ("Wait Second", "B"),
            ("Wait First", "A"),
        ]
    }
    make_pick(people["zoë O'Brien"], forum, minute=0)
    make_pick(people["Adam Smith"], forum, minute=1)
    make_pick(people["bo Li"], forum, minute=2)
    make_pick(people["Wait Second"], forum, PickStatus.WAITING, minute=4)
    make_pick(people["Wait First"], forum, PickStatus.WAITING, minute=3)
    people["Adam Smith"].picks.update(checked_in_at=people["Adam Smith"].consent_at)

    response = admin_client.get(reverse("staff:forum-print", args=[forum.pk]))

    code = {name: r.ticket_display for name, r in people.items()}
    seated, waiting = tables(response)
    assert seated == [
        ["1", "Adam Smith", "Kernel Org", code["Adam Smith"], "✓"],
        ["2", "bo Li", "Huawei", code["bo Li"], "☐"],
        ["3", "zoë O'Brien", "Media", code["zoë O'Brien"], "☐"],
    ]
    assert waiting == [
        ["1", "Wait First", "A", code["Wait First"]],
        ["2", "Wait Second", "B", code["Wait Second"]],
    ]
    assert "3 of 3 seats" in text(parse(response).find(".//main/p[2]"))


def test_door_list_leaves_out_cancelled_and_released(admin_client, attendees, governance):
    response = admin_client.get(reverse("staff:forum-print", args=[governance.pk]))

    (seated,) = tables(response)
    assert [row[1] for row in seated] == ["Wang Fang", "张伟"]


def test_door_list_of_empty_forum_says_nobody(admin_client, governance):
    response = admin_client.get(reverse("staff:forum-print", args=[governance.pk]))

    assert tables(response) == [[["Nobody is seated yet."]]]


def test_door_list_is_logged(admin_client, attendees, cloud):
    admin_client.get(reverse("staff:forum-print", args=[cloud.pk]))

    log = ExportLog.objects.get()
    assert (log.username, log.file_format, log.forum, log.row_count) == ("admin", "print", cloud, 4)
    assert log.columns == ["full_name", "organization", "ticket_code"]


def test_door_list_of_unknown_forum_is_not_found(admin_client, cloud):
    response = admin_client.get(reverse("staff:forum-print", args=[cloud.pk + 1000]))

    assert response.status_code == 404
    assert ExportLog.objects.count() == 0


def test_door_list_waiting_list_breaks_ties_by_pick_order(admin_client, tied_waiting_list):
    forum, _first, _second = tied_waiting_list

    response = admin_client.get(reverse("staff:forum-print", args=[forum.pk]))

    _nobody_seated, waiting = tables(response)
    assert [row[:2] for row in waiting] == [["1", "Zed First"], ["2", "Amy Second"]]
