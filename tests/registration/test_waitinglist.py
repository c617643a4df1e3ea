"""registration.services.waitinglist: rule 3, the waiting list's order and promotion."""

import pytest
from django.core import mail

from registration import services
from registration.enums import PickStatus
from registration.models import ForumPick
from tests.factories import ForumPickFactory
from tests.registration.picks import add_waiting, seated_count, statuses, waiting_queue

pytestmark = pytest.mark.django_db


# --- rule 3: waiting list order and promotion ------------------------------------------------


def test_cancel_promotes_first_waiting_pick_by_picked_at(day_two, full_day_two):
    # Created in the opposite order of their picks: the queue follows picked_at, not ids.
    add_waiting(day_two, "late@example.org", minutes_ago=1)
    add_waiting(day_two, "early@example.org", minutes_ago=5)
    add_waiting(day_two, "middle@example.org", minutes_ago=3)

    promoted = services.cancel_registration(registration=full_day_two)

    assert [pick.registration.email for pick in promoted] == ["early@example.org"]
    assert statuses(day_two) == {
        "early@example.org": PickStatus.SEATED,
        "middle@example.org": PickStatus.WAITING,
        "late@example.org": PickStatus.WAITING,
    }
    assert waiting_queue(day_two) == ["middle@example.org", "late@example.org"]


def test_change_picks_dropping_seated_forum_promotes_next_waiting(day_two, afternoon, full_day_two):
    add_waiting(day_two, "next@example.org", minutes_ago=2)

    changes = services.change_picks(registration=full_day_two, forums=[afternoon])

    assert changes.removed == [day_two]
    assert changes.added_seated == [afternoon]
    assert [pick.registration.email for pick in changes.promoted] == ["next@example.org"]
    assert statuses(day_two) == {"next@example.org": PickStatus.SEATED}
    assert ForumPick.objects.get(registration=full_day_two, forum=day_two).status == (
        PickStatus.RELEASED
    )


def test_change_picks_dropping_waiting_forum_promotes_nobody(day_two, afternoon, full_day_two):
    waiting = add_waiting(day_two, "first@example.org", minutes_ago=5)
    add_waiting(day_two, "second@example.org", minutes_ago=2)

    changes = services.change_picks(registration=waiting.registration, forums=[afternoon])

    assert changes.promoted == []
    assert statuses(day_two) == {
        "filler-0@example.org": PickStatus.SEATED,
        "second@example.org": PickStatus.WAITING,
    }


def test_change_picks_keeps_place_of_unchanged_waiting_pick(day_two, afternoon, full_day_two):
    first = add_waiting(day_two, "first@example.org", minutes_ago=5)
    add_waiting(day_two, "second@example.org", minutes_ago=2)

    services.change_picks(registration=first.registration, forums=[day_two, afternoon])

    first.refresh_from_db()
    assert first.status == PickStatus.WAITING
    assert waiting_queue(day_two) == ["first@example.org", "second@example.org"]


def test_promote_waiting_after_capacity_raise_seats_in_order(day_two, full_day_two):
    add_waiting(day_two, "third@example.org", minutes_ago=1)
    add_waiting(day_two, "first@example.org", minutes_ago=9)
    add_waiting(day_two, "second@example.org", minutes_ago=5)
    day_two.capacity = 3
    day_two.save()

    promoted = services.promote_waiting(forums=[day_two])

    assert [pick.registration.email for pick in promoted] == [
        "first@example.org",
        "second@example.org",
    ]
    assert seated_count(day_two) == 3
    assert waiting_queue(day_two) == ["third@example.org"]


def test_promote_waiting_without_free_seat_changes_nothing(day_two, full_day_two):
    add_waiting(day_two, "waiting@example.org", minutes_ago=1)

    promoted = services.promote_waiting(forums=[day_two.pk])

    assert promoted == []
    assert waiting_queue(day_two) == ["waiting@example.org"]


def test_promotion_skips_waiting_pick_of_attendee_seated_in_overlapping_forum(
    morning, parallel, fill
):
    holder, *_ = fill(morning, 5)
    busy = add_waiting(morning, "busy@example.org", minutes_ago=9)
    # Seated in a parallel forum (say, moved there by an organizer).
    ForumPickFactory(registration=busy.registration, forum=parallel, status=PickStatus.SEATED)
    add_waiting(morning, "free@example.org", minutes_ago=1)

    promoted = services.cancel_registration(registration=holder)

    assert [pick.registration.email for pick in promoted] == ["free@example.org"]
    assert statuses(morning)["busy@example.org"] == PickStatus.WAITING
    assert statuses(morning)["free@example.org"] == PickStatus.SEATED
    assert seated_count(morning) == 5


def test_promotion_emails_the_promoted_attendee(
    day_two, full_day_two, django_capture_on_commit_callbacks
):
    waiting = add_waiting(day_two, "lucky@example.org", minutes_ago=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=full_day_two)

    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert sorted(by_recipient) == [("filler-0@example.org",), ("lucky@example.org",)]
    promotion = by_recipient[("lucky@example.org",)]
    assert promotion.subject == "You have a seat: Flash Talks"
    assert waiting.registration.ticket_display in promotion.body
    assert f"http://testserver/r/{waiting.registration.manage_token}/" in promotion.body
    assert "Flash Talks" in promotion.body
    cancellation = by_recipient[("filler-0@example.org",)]
    assert cancellation.subject == f"Your registration for {day_two.conference.name} is cancelled"
