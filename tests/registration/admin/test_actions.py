"""What every registration action does around its service call: one admin log entry per
attendee it acted on (none for those it skipped), and a message saying how many."""

import pytest
from django.urls import reverse
from django.utils import timezone

from registration.models import Registration
from tests.registration.admin.acting import REGISTRATIONS, run_action
from tests.registration.staff.reading import admin_messages, changelist_rows

pytestmark = pytest.mark.django_db

ADMIN_LOG = reverse("admin:admin_logentry_changelist")


@pytest.mark.parametrize(
    ("action", "logged", "acted_on", "message"),
    [
        ("cancel_selected", "cancelled", ["zoe", "hannah"], "2 registrations cancelled."),
        (
            "resend_confirmation",
            "confirmation email resent",
            ["zoe", "hannah", "carl"],
            "3 emails queued.",
        ),
        ("check_in_selected", "checked in", ["zoe"], "1 attendee checked in."),
        ("undo_check_in", "check-in undone", ["hannah"], "1 check-in undone."),
        ("revoke_links", "private link replaced", ["zoe", "hannah", "carl"], "3 links replaced."),
    ],
    ids=["cancel", "resend", "check-in", "undo-check-in", "revoke-links"],
)
def test_action_records_each_registration_it_acted_on(
    admin_client, attendees, action, logged, acted_on, message
):
    # Hannah is at the door already; Carl cancelled long ago.
    Registration.objects.filter(pk=attendees.hannah.pk).update(checked_in_at=timezone.now())
    selected = [attendees.zoe, attendees.hannah, attendees.carl]

    response = run_action(admin_client, REGISTRATIONS, action, selected)

    log = admin_client.get(ADMIN_LOG)
    assert admin_messages(response)[0] == message
    assert sorted(changelist_rows(log, "user", "object_repr", "change")) == sorted(
        ("admin", str(getattr(attendees, who)), f"Changed {logged}.") for who in acted_on
    )
