"""registration.queries: reads the services and views share."""

import pytest
from django.utils import timezone

from registration import queries
from registration.enums import PickStatus
from registration.models import ForumPick
from tests.factories import ForumPickFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_registration_for_token_with_valid_token_returns_registration(
    conference, morning, register
):
    registration = register(conference, [morning]).registration

    assert queries.registration_for_token(registration.manage_token) == registration


@pytest.mark.parametrize(
    "token",
    ["unknown-token", "", "x" * 65, "x" * 10_000],
    ids=["unknown", "empty", "just-too-long", "very-long"],
)
def test_registration_for_token_with_bad_token_returns_none(conference, morning, register, token):
    register(conference, [morning])

    assert queries.registration_for_token(token) is None


def test_registration_for_token_with_prefix_of_valid_token_returns_none(
    conference, morning, register
):
    registration = register(conference, [morning]).registration

    assert queries.registration_for_token(registration.manage_token[:-1]) is None


def test_waiting_positions_follow_the_serving_order_when_picks_tie(conference, day_two, fill):
    """Two picks made at the same instant: the page and the queue agree (ids break ties)."""
    fill(day_two, 1)
    same_instant = timezone.now()
    picks = [
        ForumPickFactory(
            registration=RegistrationFactory(conference=conference, email=f"tie{i}@example.org"),
            forum=day_two,
            status=PickStatus.WAITING,
            picked_at=same_instant,
        )
        for i in range(3)
    ]

    positions = {
        pick.pk: pick.queue_position
        for pick in ForumPick.objects.filter(forum=day_two).waiting().with_queue_position()
    }
    served = [pick.pk for pick in ForumPick.objects.queue().filter(forum=day_two)]

    assert served == sorted(pick.pk for pick in picks)
    assert [positions[pk] for pk in served] == [1, 2, 3]


def test_registration_for_ticket_accepts_any_case_and_dash(conference, morning, register):
    registration = register(conference, [morning]).registration
    typed = registration.ticket_display.lower()

    assert queries.registration_for_ticket(conference=conference, code=typed) == registration
    assert queries.registration_for_ticket(conference=conference, code="") is None
    assert queries.registration_for_ticket(conference=conference, code="A" * 40) is None


def test_registration_data_lists_everything_stored(conference, morning, register):
    registration = register(conference, [morning]).registration

    data = queries.registration_data(registration)

    assert data["email"] == registration.email
    assert data["ticket_code"] == registration.ticket_display
    assert data["cancelled_at"] is None
    assert data["forum_picks"] == [
        {
            "forum": morning.title,
            "status": PickStatus.SEATED,
            "picked_at": registration.picks.get().picked_at.isoformat(),
            "seated_at": registration.picks.get().seated_at.isoformat(),
        }
    ]
