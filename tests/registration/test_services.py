"""registration.services: every rule of DESIGN.md "Rules that must hold", one by one."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from agenda.models import Conference
from registration import services
from registration.enums import PickStatus, RegistrationStatus
from registration.models import ForumPick, Registration
from tests.factories import ForumFactory, ForumPickFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def statuses(forum) -> dict[str, str]:
    """{attendee email: pick status} for every live pick of a forum."""
    return {
        pick.registration.email: pick.status
        for pick in ForumPick.objects.live().filter(forum=forum).select_related("registration")
    }


def waiting_queue(forum) -> list[str]:
    """Emails on a forum's waiting list, in the order they are served."""
    return [pick.registration.email for pick in ForumPick.objects.queue().filter(forum=forum)]


def seated_count(forum) -> int:
    return ForumPick.objects.seated().filter(forum=forum).count()


# --- rule 1: capacity -----------------------------------------------------------------------


def test_register_seats_attendee_when_forum_has_room(conference, morning, register):
    outcome = register(conference, [morning])

    assert outcome.created is True
    assert outcome.seated == [morning]
    assert outcome.waiting == []
    assert statuses(morning) == {"li.wei@example.org": PickStatus.SEATED}


def test_register_waitlists_attendee_when_forum_is_full(conference, morning, fill, register):
    fill(morning, 5)

    outcome = register(conference, [morning])

    assert outcome.seated == []
    assert outcome.waiting == [morning]
    assert seated_count(morning) == 5
    assert waiting_queue(morning) == ["li.wei@example.org"]


def test_register_seats_and_waitlists_per_forum(
    conference, morning, afternoon, day_two, fill, register
):
    fill(day_two, 1)

    outcome = register(conference, [day_two, morning, afternoon])

    assert outcome.seated == [morning, afternoon]
    assert outcome.waiting == [day_two]


def test_register_forum_with_zero_capacity_waitlists_everyone(conference, register):
    closed_forum = ForumFactory(conference=conference, capacity=0)

    outcome = register(conference, [closed_forum])

    assert outcome.waiting == [closed_forum]
    assert seated_count(closed_forum) == 0


# --- rule 3: waiting list order and promotion ------------------------------------------------


@pytest.fixture
def full_day_two(day_two, fill):
    """``day_two`` (one seat) taken by filler-0@example.org."""
    (holder,) = fill(day_two, 1)
    return holder


def add_waiting(forum, email: str, minutes_ago: int) -> ForumPick:
    """A waiting pick made ``minutes_ago`` minutes ago by a new attendee."""
    return ForumPickFactory(
        registration=RegistrationFactory(conference=forum.conference, email=email),
        forum=forum,
        status=PickStatus.WAITING,
        picked_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


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


# --- rule 2: overlap ------------------------------------------------------------------------


def test_register_overlapping_forums_raises_naming_both(conference, morning, parallel, register):
    with pytest.raises(services.OverlappingPicks) as excinfo:
        register(conference, [parallel, morning])

    assert excinfo.value.message == (
        "“Open Source Infrastructure” and “eBPF and the Kernel” take place at the same time: "
        "pick one of them."
    )
    assert excinfo.value.field == "forums"
    assert Registration.objects.count() == 0


def test_register_back_to_back_forums_do_not_overlap(conference, morning, register):
    noon = ForumFactory(conference=conference, title="Lunch Talks", day=1, start=dt.time(12, 0))

    outcome = register(conference, [morning, noon])

    assert outcome.seated == [morning, noon]


def test_change_picks_to_overlapping_forums_raises(morning, parallel, afternoon, register):
    registration = register(morning.conference, [afternoon]).registration

    with pytest.raises(services.OverlappingPicks):
        services.change_picks(registration=registration, forums=[morning, parallel])

    assert statuses(afternoon) == {"li.wei@example.org": PickStatus.SEATED}
    assert statuses(morning) == {}


# --- rule 4: window -------------------------------------------------------------------------

NOW = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("opens", "closes", "published"),
    [
        (NOW + HOUR, None, True),
        (NOW - 48 * HOUR, NOW - HOUR, True),
        (NOW - 48 * HOUR, NOW, True),
        (NOW - HOUR, None, False),
    ],
    ids=["opens-in-future", "closed-in-past", "closes-right-now", "unpublished"],
)
def test_register_outside_window_raises_closed(
    conference, morning, attendee_data, opens, closes, published
):
    conference.registration_opens = opens
    conference.registration_closes = closes
    conference.is_published = published
    conference.save()

    with pytest.raises(services.RegistrationClosed) as excinfo:
        services.register(conference=conference, data=attendee_data(), forums=[morning], now=NOW)

    assert excinfo.value.message == f"Registration for {conference.name} is closed."
    assert Registration.objects.count() == 0


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(None, None), (NOW, None), (NOW - HOUR, NOW + HOUR)],
    ids=["no-window", "opens-right-now", "inside-window"],
)
def test_register_inside_window_succeeds(conference, morning, attendee_data, opens, closes):
    conference.registration_opens = opens
    conference.registration_closes = closes
    conference.save()

    outcome = services.register(
        conference=conference, data=attendee_data(), forums=[morning], now=NOW
    )

    assert outcome.seated == [morning]


def test_change_picks_after_window_closed_raises(conference, morning, afternoon, register):
    registration = register(conference, [morning]).registration
    conference.registration_closes = timezone.now() - HOUR
    conference.save()
    registration = services.find_manageable(registration.manage_token)

    with pytest.raises(services.RegistrationClosed):
        services.change_picks(registration=registration, forums=[afternoon])

    assert statuses(morning) == {"li.wei@example.org": PickStatus.SEATED}


def test_register_with_a_copy_read_before_the_window_closed_is_refused(
    conference, morning, attendee_data
):
    read_by_the_view = Conference.objects.get(pk=conference.pk)
    Conference.objects.filter(pk=conference.pk).update(registration_closes=NOW - HOUR)

    with pytest.raises(services.RegistrationClosed):
        services.register(
            conference=read_by_the_view, data=attendee_data(), forums=[morning], now=NOW
        )

    assert Registration.objects.count() == 0


def test_register_for_a_forum_deleted_meanwhile_is_refused(
    conference, morning, afternoon, register
):
    checked_by_the_form = [morning, afternoon]
    type(afternoon).objects.filter(pk=afternoon.pk).delete()  # the object stays as read

    with pytest.raises(services.InvalidPick) as excinfo:
        register(conference, checked_by_the_form)

    assert excinfo.value.message == f"“{afternoon.title}” is no longer on the program."
    assert excinfo.value.field == "forums"
    assert Registration.objects.count() == 0
    assert ForumPick.objects.count() == 0


def test_change_picks_to_a_forum_deleted_meanwhile_is_refused(
    conference, morning, afternoon, register
):
    registration = register(conference, [morning]).registration
    type(afternoon).objects.filter(pk=afternoon.pk).delete()  # the object stays as read

    with pytest.raises(services.InvalidPick):
        services.change_picks(registration=registration, forums=[morning, afternoon])

    assert statuses(morning) == {"li.wei@example.org": PickStatus.SEATED}


def test_register_for_a_conference_deleted_meanwhile_is_refused(conference, attendee_data):
    read_by_the_view = Conference.objects.get(pk=conference.pk)
    conference.delete()

    with pytest.raises(services.RegistrationClosed) as excinfo:
        services.register(conference=read_by_the_view, data=attendee_data(), forums=[], now=NOW)

    assert excinfo.value.message == "This conference no longer takes registrations."
    assert Registration.objects.count() == 0


# --- conference capacity --------------------------------------------------------------------


def test_register_with_a_copy_read_before_a_capacity_was_set_respects_it(
    conference, morning, fill, attendee_data
):
    fill(morning, 2)
    read_by_the_view = Conference.objects.get(pk=conference.pk)
    Conference.objects.filter(pk=conference.pk).update(capacity=2)

    with pytest.raises(services.ConferenceFull):
        services.register(conference=read_by_the_view, data=attendee_data(), forums=[morning])

    assert Registration.objects.count() == 2


def test_register_beyond_conference_capacity_raises_full(conference, morning, fill, register):
    conference.capacity = 3
    conference.save()
    fill(morning, 3)

    with pytest.raises(services.ConferenceFull) as excinfo:
        register(conference, [morning])

    assert excinfo.value.message == (
        f"{conference.name} is fully booked: no more registrations are possible."
    )
    assert Registration.objects.count() == 3


def test_register_after_a_cancellation_fits_conference_capacity(
    conference, morning, fill, register
):
    conference.capacity = 3
    conference.save()
    first, *_ = fill(morning, 3)
    services.cancel_registration(registration=first)

    outcome = register(conference, [morning])

    assert outcome.created is True
    assert Registration.objects.active().count() == 3


# --- duplicates and reactivation ------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    ["li.wei@example.org", "LI.WEI@EXAMPLE.ORG", "Li.Wei@Example.org", "  li.wei@example.org "],
    ids=["same", "upper", "mixed", "padded"],
)
def test_register_duplicate_email_creates_nothing_and_emails_existing(
    conference, morning, afternoon, register, django_capture_on_commit_callbacks, email
):
    existing = register(conference, [morning]).registration
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        outcome = register(conference, [afternoon], email=email, full_name="Someone Else")

    assert outcome.registration is None
    assert outcome.created is False
    assert Registration.objects.count() == 1
    assert statuses(afternoon) == {}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["li.wei@example.org"]
    assert message.subject == f"You are already registered for {conference.name}"
    assert f"http://testserver/r/{existing.manage_token}/" in message.body
    assert "Hello Li Wei," in message.body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL query plan")
def test_email_lookup_is_answered_by_the_email_index(conference):
    # A conference with a few hundred registrations, and statistics that say so.
    Registration.objects.bulk_create(
        RegistrationFactory.build(conference=conference, email=f"attendee-{n}@example.org")
        for n in range(300)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registration_registration")

    plan = Registration.objects.for_email(conference, "Li.Wei@Example.org").explain()

    # Not a scan of every registration of the conference with a filter on the email.
    assert "Index Cond: ((lower((email)::text) = 'li.wei@example.org'::text)" in plan, plan


def test_register_draws_another_ticket_code_when_one_is_taken(
    conference, morning, register, monkeypatch
):
    first = register(conference, [morning], email="first@example.org").registration
    # The random draw repeats an existing code once (rare at scale, certain here).
    draws = iter([first.ticket_code, "WXY34678"])
    monkeypatch.setattr(services, "new_ticket_code", lambda: next(draws))

    outcome = register(conference, [morning], email="second@example.org")

    assert outcome.created is True
    assert outcome.registration.ticket_code == "WXY34678"
    assert Registration.objects.count() == 2


def test_register_again_after_cancel_reactivates_same_registration(
    conference, morning, afternoon, register
):
    first = register(conference, [morning]).registration
    old_token = first.manage_token
    services.cancel_registration(registration=first)

    outcome = register(conference, [afternoon], email="LI.WEI@example.org")

    again = outcome.registration
    assert again.pk == first.pk
    assert again.ticket_code == first.ticket_code
    assert again.manage_token != old_token
    assert again.status == RegistrationStatus.CONFIRMED
    assert again.cancelled_at is None
    assert Registration.objects.count() == 1
    assert services.find_manageable(old_token) is None
    assert statuses(afternoon) == {"LI.WEI@example.org": PickStatus.SEATED}
    assert statuses(morning) == {}


def test_register_again_can_repick_forum_released_on_cancel(conference, day_two, register):
    first = register(conference, [day_two]).registration
    services.cancel_registration(registration=first)

    outcome = register(conference, [day_two])

    assert outcome.seated == [day_two]
    assert ForumPick.objects.filter(forum=day_two).count() == 1


# --- leave_waiting_list, cancel, errors -----------------------------------------------------


def test_leave_waiting_list_releases_waiting_pick_and_emails(
    day_two, full_day_two, django_capture_on_commit_callbacks
):
    waiting = add_waiting(day_two, "waiting@example.org", minutes_ago=1)

    with django_capture_on_commit_callbacks(execute=True):
        left = services.leave_waiting_list(registration=waiting.registration, forum=day_two)

    waiting.refresh_from_db()
    assert left is True
    assert waiting.status == PickStatus.RELEASED
    assert [message.to for message in mail.outbox] == [["waiting@example.org"]]
    assert mail.outbox[0].subject == f"Your forums for {day_two.conference.name} have changed"


@pytest.mark.parametrize("pick_status", [PickStatus.SEATED, None], ids=["seated", "no-pick"])
def test_leave_waiting_list_without_waiting_pick_changes_nothing(
    conference, day_two, pick_status, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(conference=conference)
    if pick_status:
        ForumPickFactory(registration=registration, forum=day_two, status=pick_status)

    with django_capture_on_commit_callbacks(execute=True):
        left = services.leave_waiting_list(registration=registration, forum=day_two)

    assert left is False
    assert mail.outbox == []
    assert ForumPick.objects.seated().filter(registration=registration).count() == (
        1 if pick_status else 0
    )


def test_register_forum_of_another_conference_raises_invalid_pick(
    conference, morning, foreign_forum, register
):
    with pytest.raises(services.InvalidPick) as excinfo:
        register(conference, [morning, foreign_forum])

    assert type(excinfo.value) is services.InvalidPick
    assert excinfo.value.message == "“Last Year's Keynotes” is not part of this conference."
    assert Registration.objects.count() == 0


def test_change_picks_forum_of_another_conference_raises_invalid_pick(
    conference, morning, foreign_forum, register
):
    registration = register(conference, [morning]).registration

    with pytest.raises(services.InvalidPick):
        services.change_picks(registration=registration, forums=[foreign_forum])

    assert ForumPick.objects.filter(forum=foreign_forum).count() == 0


def test_change_picks_on_cancelled_registration_raises_not_active(
    conference, morning, afternoon, register
):
    registration = register(conference, [morning]).registration
    services.cancel_registration(registration=registration)
    registration.refresh_from_db()

    with pytest.raises(services.NotActive):
        services.change_picks(registration=registration, forums=[afternoon])

    assert ForumPick.objects.live().count() == 0


def test_change_picks_with_stale_registration_object_raises_not_active(
    conference, morning, afternoon, register
):
    registration = register(conference, [morning]).registration
    stale = Registration.objects.get(pk=registration.pk)
    services.cancel_registration(registration=registration)

    with pytest.raises(services.NotActive):
        services.change_picks(registration=stale, forums=[afternoon])

    assert ForumPick.objects.live().count() == 0


def test_change_picks_unchanged_sends_no_email(
    conference, morning, register, django_capture_on_commit_callbacks
):
    registration = register(conference, [morning]).registration
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        changes = services.change_picks(registration=registration, forums=[morning])

    assert changes.changed is False
    assert mail.outbox == []


def test_cancel_is_idempotent(conference, morning, register, django_capture_on_commit_callbacks):
    registration = register(conference, [morning]).registration
    services.cancel_registration(registration=registration)
    registration.refresh_from_db()
    cancelled_at = registration.cancelled_at
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(registration=registration)

    registration.refresh_from_db()
    assert promoted == []
    assert registration.status == RegistrationStatus.CANCELLED
    assert registration.cancelled_at == cancelled_at
    assert mail.outbox == []
    assert ForumPick.objects.get(registration=registration).status == PickStatus.RELEASED


def test_find_manageable_with_valid_token_returns_registration(conference, morning, register):
    registration = register(conference, [morning]).registration

    assert services.find_manageable(registration.manage_token) == registration


@pytest.mark.parametrize(
    "token",
    ["unknown-token", "", "x" * 65, "x" * 10_000],
    ids=["unknown", "empty", "just-too-long", "very-long"],
)
def test_find_manageable_with_bad_token_returns_none(conference, morning, register, token):
    register(conference, [morning])

    assert services.find_manageable(token) is None


def test_find_manageable_with_prefix_of_valid_token_returns_none(conference, morning, register):
    registration = register(conference, [morning]).registration

    assert services.find_manageable(registration.manage_token[:-1]) is None
