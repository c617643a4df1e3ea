"""Rules 1 and 3 under real concurrency: many threads, each with its own database connection,
call the services at the same moment (a Barrier releases them together).

Run on PostgreSQL too:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m pytest tests/registration/test_concurrency.py
On SQLite (a test database file, see gotc/settings_test.py) writers queue on the IMMEDIATE
transaction lock; no caller may see "database is locked".
"""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, transaction

from agenda.models import Conference
from registration import services
from registration.enums import PickStatus, RegistrationStatus
from registration.models import ForumPick, Registration
from tests.concurrency import JOIN_TIMEOUT, errors, run_together
from tests.factories import ForumFactory

pytestmark = pytest.mark.django_db(transaction=True)

ON_POSTGRESQL = connection.vendor == "postgresql"


def attendee(number: int, prefix: str = "attendee") -> dict:
    return {
        "full_name": f"{prefix.title()} {number}",
        "email": f"{prefix}-{number}@example.org",
        "organization": "OpenAtom Foundation",
        "job_title": "Developer",
        "language": "en",
    }


def pick_counts(forum) -> Counter:
    """{status: count} of the picks of confirmed registrations in a forum."""
    return Counter(
        ForumPick.objects.filter(
            forum=forum, registration__status=RegistrationStatus.CONFIRMED
        ).values_list("status", flat=True)
    )


@pytest.fixture
def small_forum(conference):
    return ForumFactory(conference=conference, title="Small Room", day=1, capacity=5)


def test_simultaneous_registrations_never_overbook_a_forum(conference, small_forum):
    results = run_together(
        40,
        lambda i: services.register(conference=conference, data=attendee(i), forums=[small_forum]),
    )

    assert errors(results) == []
    outcomes = [value for _, value in results]
    assert all(outcome.created for outcome in outcomes)
    assert sum(len(outcome.seated) for outcome in outcomes) == 5
    assert sum(len(outcome.waiting) for outcome in outcomes) == 35
    assert pick_counts(small_forum) == {PickStatus.SEATED: 5, PickStatus.WAITING: 35}
    assert Registration.objects.count() == 40


def test_simultaneous_registrations_each_get_one_confirmation(conference, small_forum):
    results = run_together(
        20,
        lambda i: services.register(conference=conference, data=attendee(i), forums=[small_forum]),
    )

    assert errors(results) == []
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        f"attendee-{i}@example.org" for i in range(20)
    )


def test_simultaneous_cancellations_and_registrations_keep_lists_consistent(conference):
    morning = ForumFactory(conference=conference, title="Morning", day=1, capacity=5)
    afternoon = ForumFactory(
        conference=conference, title="Afternoon", day=1, start=dt.time(14, 0), capacity=3
    )
    existing = [
        services.register(
            conference=conference,
            data=attendee(i, "early"),
            forums=[morning, afternoon],
            notify=False,
        ).registration
        for i in range(15)
    ]
    leaving = existing[:10]  # every seat holder of both forums and five who wait

    def work(index: int):
        if index % 2:
            return services.cancel_registration(registration=leaving[index // 2])
        return services.register(
            conference=conference,
            data=attendee(index // 2, "late"),
            forums=[morning, afternoon],
        )

    results = run_together(20, work)

    assert errors(results) == []
    assert Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count() == 15
    assert ForumPick.objects.live().filter(registration__in=leaving).count() == 0
    # 15 attendees want each forum: full, the rest waiting, no free seat left unused.
    assert pick_counts(morning) == {PickStatus.SEATED: 5, PickStatus.WAITING: 10}
    assert pick_counts(afternoon) == {PickStatus.SEATED: 3, PickStatus.WAITING: 12}
    for forum in (morning, afternoon):
        queue = list(ForumPick.objects.queue().filter(forum=forum))
        seated = ForumPick.objects.seated().filter(forum=forum)
        assert all(pick.registration.is_active for pick in queue)
        assert all(pick.seated_at is not None for pick in seated)
        assert all(pick.seated_at is None for pick in queue)


def test_simultaneous_registrations_with_one_email_create_one(conference, small_forum):
    results = run_together(
        12,
        lambda i: services.register(
            conference=conference,
            data={**attendee(0), "email": ["same@example.org", "SAME@example.org"][i % 2]},
            forums=[small_forum],
        ),
    )

    assert errors(results) == []
    assert sorted(value.created for _, value in results) == [False] * 11 + [True]
    assert Registration.objects.count() == 1
    assert pick_counts(small_forum) == {PickStatus.SEATED: 1}


def test_simultaneous_registrations_never_exceed_conference_capacity(conference, small_forum):
    conference.capacity = 8
    conference.save()

    results = run_together(
        20,
        lambda i: services.register(conference=conference, data=attendee(i), forums=[small_forum]),
    )

    kinds = Counter(
        type(value).__name__ if kind == "error" else "created" for kind, value in results
    )
    assert kinds == {"created": 8, "ConferenceFull": 12}
    assert Registration.objects.active().count() == 8
    assert pick_counts(small_forum) == {PickStatus.SEATED: 5, PickStatus.WAITING: 3}


@pytest.mark.skipif(not ON_POSTGRESQL, reason="row locks: SQLite locks the whole database")
def test_cancel_does_not_wait_for_the_conference_row_a_registration_holds(conference, small_forum):
    holder = services.register(
        conference=conference, data=attendee(0), forums=[small_forum], notify=False
    ).registration
    outcome = []

    def cancel() -> None:
        try:
            outcome.append(services.cancel_registration(registration=holder))
        finally:
            connection.close()

    canceller = threading.Thread(target=cancel)
    with transaction.atomic():
        # What register() holds while it waits for the forum rows.
        Conference.objects.select_for_update().get(pk=conference.pk)
        canceller.start()
        canceller.join(5)
        finished_while_conference_locked = not canceller.is_alive()
    canceller.join(JOIN_TIMEOUT)

    assert finished_while_conference_locked
    assert outcome == [[]]
