"""registration.queries: reads the services and views share."""

import datetime as dt
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone
from post_office.models import STATUS, Email

from registration import queries, services
from registration.enums import PickStatus
from registration.models import ForumPick, PendingEmail, Registration
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


# --- registration_data: my-data.json ----------------------------------------------------------

# Every column of a registration and of a pick, and the key my-data.json shows it under (None:
# not data about the person: the row's id, and the secret links' keys). A new column fails
# test_registration_data_has_a_key_for_every_column until it is shown or ruled out here.
REGISTRATION_KEYS = {
    "id": None,
    "conference": "conference",
    "full_name": "full_name",
    "email": "email",
    "organization": "organization",
    "job_title": "job_title",
    "phone": "phone",
    "language": "preferred_language",
    "consent_at": "privacy_notice_accepted_at",
    "newsletter": "newsletter",
    "status": "status",
    "ticket_code": "ticket_code",
    "manage_nonce": None,
    "manage_token_hash": None,
    "calendar_nonce": None,
    "calendar_token_hash": None,
    "checked_in_at": "checked_in_at",
    "checked_in_by": "checked_in_by",
    "cancelled_at": "cancelled_at",
    "reconfirmation_sent_at": "still_coming_asked_at",
    "reconfirmed_at": "still_coming_confirmed_at",
    "created_at": "registered_at",
    "updated_at": "last_changed_at",
    "search_text": None,  # a derived copy of the fields above, for the desk's search
}
PICK_KEYS = {
    "id": None,
    "registration": None,
    "forum": "forum",
    "status": "status",
    "picked_at": "picked_at",
    "seated_at": "seated_at",
    "checked_in_at": "came_to_the_forum_at",
    "updated_at": "last_changed_at",
}


def columns(model) -> set[str]:
    return {field.name for field in model._meta.concrete_fields}


def test_registration_data_has_a_key_for_every_column(conference, morning, register):
    registration = register(conference, [morning]).registration

    data = queries.registration_data(registration)

    assert columns(Registration) == set(REGISTRATION_KEYS)
    assert columns(ForumPick) == set(PICK_KEYS)
    shown = {key for key in REGISTRATION_KEYS.values() if key}
    assert set(data) == shown | {
        "forum_picks",
        "answers",
        "starred_talks",
        "let_in_without_a_seat",
        "emails",
        "emails_owed",
        "admin_log",
    }
    (pick,) = data["forum_picks"]
    assert set(pick) == {key for key in PICK_KEYS.values() if key}


def test_registration_data_lists_the_picks(conference, morning, register):
    registration = register(conference, [morning]).registration
    pick = registration.picks.get()

    data = queries.registration_data(registration)

    assert data["email"] == registration.email
    assert data["ticket_code"] == registration.ticket_display
    assert data["cancelled_at"] is None
    assert data["forum_picks"] == [
        {
            "forum": morning.title,
            "status": PickStatus.SEATED,
            "picked_at": pick.picked_at.isoformat(),
            "seated_at": pick.seated_at.isoformat(),
            "came_to_the_forum_at": None,
            "last_changed_at": pick.updated_at.isoformat(),
        }
    ]


def test_registration_data_shows_check_ins_and_who_checked_in(
    conference, morning, register, django_user_model
):
    registration = register(conference, [morning]).registration
    desk = django_user_model.objects.create_user("desk-anna")
    at_entrance = timezone.now() - dt.timedelta(minutes=5)
    services.check_in(registration=registration, by=desk, now=at_entrance)
    at_door = timezone.now()
    services.check_in(registration=registration, by=desk, forum=morning, now=at_door)

    data = queries.registration_data(registration)

    assert (data["checked_in_at"], data["checked_in_by"]) == (at_entrance.isoformat(), "desk-anna")
    assert [pick["came_to_the_forum_at"] for pick in data["forum_picks"]] == [at_door.isoformat()]


def test_registration_data_shows_who_let_them_in_without_a_seat(
    conference, morning, register, django_user_model
):
    from registration.models import DoorOverride
    from tests.factories import ForumFactory

    registration = register(conference, [morning]).registration
    other = ForumFactory(conference=conference, title="Web3", day=2)
    desk = django_user_model.objects.create_user("desk-li")
    at = timezone.now()
    DoorOverride.objects.create(
        registration=registration, forum=other, let_in_by=desk, username="desk-li", let_in_at=at
    )

    data = queries.registration_data(registration)

    assert data["let_in_without_a_seat"] == [
        {"forum": "Web3", "at": at.isoformat(), "by": "desk-li"}
    ]


def test_registration_data_shows_still_coming_asked_and_answered(conference, morning, register):
    registration = register(conference, [morning]).registration
    asked = timezone.now() - dt.timedelta(days=1)
    services.send_reconfirmation(conference=conference, now=asked)
    answered = timezone.now()
    services.answer_reconfirmation(registration=registration, coming=True, now=answered)

    data = queries.registration_data(registration)

    assert (data["still_coming_asked_at"], data["still_coming_confirmed_at"]) == (
        asked.isoformat(),
        answered.isoformat(),
    )


def test_registration_data_lists_the_emails_kept_and_owed(
    conference, other_conference, morning, register, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(conference, [morning]).registration
        register(conference, [morning], email="someone.else@example.org")
    # Her own mail about another edition names another ticket: not this registration's.
    Email.objects.create(
        from_email="gotc@example.org",
        to=[registration.email],
        subject="Last year",
        message="Ticket ZZZZ-ZZZZ",
        status=STATUS.sent,
    )
    services.cancel_registration(registration=registration)  # owed, not rendered yet
    confirmation = Email.objects.get(subject__startswith="Your ticket", to=registration.email)

    data = queries.registration_data(registration)

    assert data["emails"] == [
        {
            "subject": confirmation.subject,
            "status": "sent",
            "created_at": confirmation.created.isoformat(),
            "last_updated_at": confirmation.last_updated.isoformat(),
        }
    ]
    owed = PendingEmail.objects.get(registration=registration)
    assert data["emails_owed"] == [
        {"kind": "cancellation", "created_at": owed.created_at.isoformat()}
    ]


def test_registration_data_lists_the_admin_log(conference, morning, register, admin_user):
    registration = register(conference, [morning]).registration
    LogEntry.objects.log_actions(
        admin_user.pk,
        [registration],
        CHANGE,
        change_message=[{"changed": {"fields": ["confirmation email resent"]}}],
        single_object=True,
    )
    entry = LogEntry.objects.get()

    data = queries.registration_data(registration)

    assert data["admin_log"] == [
        {"at": entry.action_time.isoformat(), "change": "Changed confirmation email resent."}
    ]


def test_registration_data_holds_no_link(conference, morning, register):
    registration = register(conference, [morning]).registration

    text = json.dumps(queries.registration_data(registration))

    for secret in (
        registration.manage_token,
        registration.calendar_token,
        registration.manage_nonce,
        registration.manage_token_hash,
    ):
        assert secret not in text
