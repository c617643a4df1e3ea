"""Query discipline: the registration changelist and the CSV export run a fixed number of
queries whatever the number of registrations."""

import pytest
from django.urls import reverse

from agenda.models import Forum
from registration.enums import PickStatus
from tests.factories import ForumFactory, RegistrationFactory
from tests.staff.reading import csv_rows

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
