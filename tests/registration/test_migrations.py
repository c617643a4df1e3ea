"""Migration 0007: stored tokens become hashes. Links already emailed keep working, the table
keeps no token, and the first email renews a link that cannot be derived."""

import hashlib
import secrets

import pytest
from django.core import mail, serializers
from django.test import Client
from django.utils import timezone

from registration import queries, services
from registration.models import Registration
from tests.factories import ConferenceFactory
from tests.migrations import migrate, migrate_to_latest

BEFORE = [("registration", "0006_pending_email")]
AFTER = [("registration", "0007_derived_secret_links")]


@pytest.fixture
def at_0006(transactional_db):
    """The database as 0006 left it; migrated to the latest state again afterwards."""
    apps = migrate(BEFORE)
    yield apps
    migrate_to_latest()


def stored_registration(apps, conference, number: int):
    OldRegistration = apps.get_model("registration", "Registration")
    return OldRegistration.objects.create(
        conference_id=conference.pk,
        full_name=f"Attendee {number}",
        email=f"attendee{number}@example.org",
        organization="Org",
        job_title="Dev",
        consent_at=timezone.now(),
        ticket_code=f"ABCDEFG{number}",
        manage_token=secrets.token_urlsafe(32),
    )


def test_0007_keeps_emailed_links_working_and_stores_no_token(at_0006, settings):
    conference = ConferenceFactory()
    old = [stored_registration(at_0006, conference, n) for n in (3, 4)]

    migrate_to_latest()

    dump = serializers.serialize("json", Registration.objects.all())
    for row in old:
        registration = Registration.objects.get(pk=row.pk)
        assert (
            registration.manage_token_hash == hashlib.sha256(row.manage_token.encode()).hexdigest()
        )
        assert (registration.manage_nonce, registration.manage_token) == ("", None)
        assert queries.registration_for_token(row.manage_token) == registration
        assert queries.registration_for_calendar_token(registration.calendar_token) == (
            registration
        )
        assert row.manage_token not in dump


def test_0007_link_is_renewed_by_the_first_email(at_0006, settings):
    conference = ConferenceFactory()
    row = stored_registration(at_0006, conference, 5)
    migrate_to_latest()
    settings.EMAIL_DELIVERY = "immediate"

    services.resend_confirmation(registration=Registration.objects.get(pk=row.pk))

    (message,) = mail.outbox
    registration = Registration.objects.get(pk=row.pk)
    assert f"http://testserver/r/{registration.manage_token}/" in message.body
    client = Client()
    assert client.get(f"/r/{row.manage_token}/").status_code == 404
    assert client.get(f"/r/{registration.manage_token}/").status_code == 200


def test_0007_reverses_with_new_random_tokens(at_0006):
    conference = ConferenceFactory()
    for number in (6, 7):
        stored_registration(at_0006, conference, number)
    migrate(AFTER)

    apps = migrate(BEFORE)

    tokens = apps.get_model("registration", "Registration").objects.values_list(
        "manage_token", flat=True
    )
    assert len(set(tokens)) == 2
    assert all(len(token) == 43 for token in tokens)
