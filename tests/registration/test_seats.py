"""registration.services.seats: register, change picks, leave a waiting list, cancel (rules 1
and 5 of DESIGN.md, conference capacity, duplicates and reactivation)."""

import pytest
from django.core import mail
from django.db import connection

from agenda.models import Conference
from registration import queries, services, tickets
from registration.enums import PickStatus, RegistrationStatus
from registration.models import ForumPick, Registration
from tests.factories import ForumFactory, ForumPickFactory, RegistrationFactory
from tests.registration.picks import add_waiting, seated_count, statuses, waiting_queue

pytestmark = pytest.mark.django_db


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
        services.register(conference=read_by_the_view, data=attendee_data(), forums=[])

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

    assert excinfo.value.message == FULL.format(conference=conference.name)
    assert Registration.objects.count() == 3


FULL = (
    "{conference} is fully booked: no more registrations are possible. If this email address "
    "is already registered, your registration stands: we have emailed you its private link."
)


@pytest.mark.parametrize(
    "email",
    ["filler-0@example.org", "FILLER-0@example.org", "newcomer@example.org"],
    ids=["registered", "registered-other-case", "unknown"],
)
def test_register_at_a_full_conference_says_full_whether_or_not_registered(
    conference, morning, fill, register, django_capture_on_commit_callbacks, email
):
    """No enumeration: the same answer, and an outbox row either way (a stand-in for an
    unknown address); only the owner of a registered address gets an email."""
    conference.capacity = 1
    conference.save()
    fill(morning, 1)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(services.ConferenceFull) as excinfo,
    ):
        register(conference, [morning], email=email)

    assert excinfo.value.message == FULL.format(conference=conference.name)
    assert len(callbacks) == 1  # one outbox row committed, registered or not
    assert Registration.objects.count() == 1
    registered = email.lower() == "filler-0@example.org"
    assert [(m.to, m.subject) for m in mail.outbox] == (
        [(["filler-0@example.org"], f"You are already registered for {conference.name}")]
        if registered
        else []
    )


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
    monkeypatch.setattr(tickets, "new_ticket_code", lambda: next(draws))

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
    assert queries.registration_for_token(old_token) is None
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


def test_a_draft_forum_cannot_be_picked_through_the_services(conference, morning, register):
    morning.is_published = False
    morning.save()

    with pytest.raises(services.InvalidPick) as refused:
        register(conference, [morning])

    assert refused.value.message == f"“{morning.title}” is not open for registration."
    assert not morning.picks.exists()


def test_a_seat_taken_before_the_forum_became_a_draft_is_kept_on_change(
    conference, morning, day_two, register
):
    registration = register(conference, [morning]).registration
    morning.is_published = False
    morning.save()

    services.change_picks(registration=registration, forums=[morning, day_two])

    assert set(registration.picks.live().values_list("forum_id", flat=True)) == {
        morning.pk,
        day_two.pk,
    }
