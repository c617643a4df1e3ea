"""Migration 0008: registrations from before the desk search get their search column."""

import pytest
from django.utils import timezone

from registration.models import search_text_of
from tests.factories import ConferenceFactory
from tests.migrations import migrate, migrate_to_latest

BEFORE = [("registration", "0007_derived_secret_links")]
AFTER = [("registration", "0008_checkin_search_and_door_overrides")]


@pytest.fixture
def at_0007(transactional_db):
    """The database as 0007 left it; migrated to the latest state again afterwards."""
    apps = migrate(BEFORE)
    yield apps
    migrate_to_latest()


def test_0008_fills_the_search_column_of_existing_registrations(at_0007):
    conference = ConferenceFactory()
    OldRegistration = at_0007.get_model("registration", "Registration")
    old = OldRegistration.objects.create(
        conference_id=conference.pk,
        full_name="José Ñúñez 王小明",
        email="Jose@Example.ES",
        organization="Politécnica",
        job_title="Dev",
        phone="+34 600-123 456",
        consent_at=timezone.now(),
        ticket_code="ABCD3467",
        manage_token_hash="a" * 64,
        calendar_token_hash="b" * 64,
    )

    apps = migrate(AFTER)

    row = apps.get_model("registration", "Registration").objects.get(pk=old.pk)
    assert row.search_text == search_text_of(row)
    assert row.search_text.split("\n") == [
        "jose nunez 王小明",
        "jose@example.es",
        "politecnica",
        "+34 600-123 456",
        "34600123456",
        "abcd3467",
        "abcd-3467",
    ]
