"""Query discipline (the registration changelist, the CSV export, the dashboard and the door
list run a fixed number of queries whatever the number of registrations) and the reads of
registration.staff.queries."""

import pytest
from django.urls import reverse

from agenda.models import Forum
from registration.enums import PickStatus
from registration.models import ForumPick, Registration
from registration.queries import picks_for_display
from registration.staff import queries
from tests.factories import ForumFactory, RegistrationFactory
from tests.registration.staff.reading import csv_rows

pytestmark = pytest.mark.django_db

SIZES = [3, 30]


@pytest.fixture
def crowd(conference, make_pick):
    """``crowd(n)``: n attendees, each seated in one forum and waiting for another."""
    big = ForumFactory(conference=conference, title="Keynotes", capacity=100)
    full = ForumFactory(conference=conference, title="Workshop", day=2, capacity=0)

    def build(n: int) -> None:
        for number in range(n):
            registration = RegistrationFactory(conference=conference, full_name=f"Guest {number}")
            make_pick(registration, big, minute=number)
            make_pick(registration, full, PickStatus.WAITING, minute=number)

    return build


@pytest.mark.parametrize("size", SIZES, ids=[f"{n}-registrations" for n in SIZES])
def test_registration_changelist_query_count_is_fixed(
    admin_client, crowd, django_assert_num_queries, size
):
    crowd(size)

    with django_assert_num_queries(10):
        response = admin_client.get(reverse("admin:registration_registration_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == size


@pytest.mark.parametrize("size", SIZES, ids=[f"{n}-registrations" for n in SIZES])
def test_csv_export_query_count_is_fixed(admin_client, crowd, django_assert_num_queries, size):
    crowd(size)
    data = {
        "statuses": "both",
        "columns": ["full_name", "seated_forums", "waiting_forums"],
        "forum_columns": "on",
        "file_format": "csv",
    }

    # session, user, conference, saved columns, save columns (2 + 4 savepoints), forums,
    # log, waiting positions, registrations, their picks, row count.
    with django_assert_num_queries(15):
        rows = csv_rows(admin_client.post(reverse("staff:export"), data))

    assert len(rows) == 1 + size
    assert rows[1] == ["Guest 0", "Keynotes", "Workshop (#1)", "x", "W1"]


@pytest.mark.parametrize("size", SIZES, ids=[f"{n}-registrations" for n in SIZES])
def test_csv_export_of_one_forum_query_count_is_fixed(
    admin_client, crowd, django_assert_num_queries, size
):
    crowd(size)
    workshop = Forum.objects.get(title="Workshop")
    data = {
        "forum": workshop.pk,
        "statuses": "waiting",
        "columns": ["full_name", "waiting_position", "seated_forums"],
        "file_format": "csv",
    }

    with django_assert_num_queries(16):
        rows = csv_rows(admin_client.post(reverse("staff:export"), data))

    assert rows[1:3] == [["Guest 0", "1", "Keynotes"], ["Guest 1", "2", "Keynotes"]]


# --- the reads of registration.staff.queries --------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=[f"{n}-registrations" for n in SIZES])
def test_dashboard_query_count_is_fixed(desk_client, crowd, django_assert_num_queries, size):
    crowd(size)

    # session, user, permissions (user and group), conference, totals, forums, per day, the
    # registration questions (read once per process: none to count here).
    with django_assert_num_queries(9):
        response = desk_client.get(reverse("staff:dashboard"))

    assert response.context["totals"]["confirmed"] == size


@pytest.mark.parametrize("size", SIZES, ids=[f"{n}-registrations" for n in SIZES])
def test_door_list_query_count_is_fixed(admin_client, crowd, django_assert_num_queries, size):
    crowd(size)
    keynotes = Forum.objects.get(title="Keynotes")

    # session, user, forum, its picks, log.
    with django_assert_num_queries(5):
        response = admin_client.get(reverse("staff:forum-print", args=[keynotes.pk]))

    assert len(response.context["seated"]) == size


def test_door_list_seats_by_name_whatever_the_case_and_waits_in_pick_order(conference, make_pick):
    forum = ForumFactory(conference=conference, capacity=2)
    for name, status, minute in [
        ("zoë", PickStatus.SEATED, 0),
        ("Adam", PickStatus.SEATED, 1),
        ("Wait Second", PickStatus.WAITING, 3),
        ("Wait First", PickStatus.WAITING, 2),
        ("Gone", PickStatus.RELEASED, 4),
    ]:
        make_pick(RegistrationFactory(conference=conference, full_name=name), forum, status, minute)

    door = queries.door_list(forum)

    assert [p.registration.full_name for p in door.seated] == ["Adam", "zoë"]
    assert [p.registration.full_name for p in door.waiting] == ["Wait First", "Wait Second"]
    assert door.row_count == 4


def test_waiting_positions_are_the_positions_attendees_see(conference, crowd):
    crowd(3)
    full = Forum.objects.get(title="Workshop")
    # Two picks made at the same instant: ids break the tie.
    same = ForumPick.objects.filter(forum=full).order_by("pk").last()
    ForumPick.objects.filter(forum=full).exclude(pk=same.pk).update(picked_at=same.picked_at)

    positions = queries.waiting_positions(conference)

    seen = {
        pick.pk: pick.queue_position
        for registration in Registration.objects.all()
        for pick in picks_for_display(registration)
        if pick.status == PickStatus.WAITING
    }
    assert positions == seen
    assert sorted(positions.values()) == [1, 2, 3]


def test_registrations_per_day_leaves_out_other_conferences(conference, other_conference):
    RegistrationFactory(conference=conference)
    RegistrationFactory(conference=other_conference)

    days = queries.registrations_per_day(conference)

    assert [day["count"] for day in days] == [1]
