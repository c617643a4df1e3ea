"""The mail worker: each email sent exactly once with any number of workers, a SIGTERM that
finishes the email in flight, a kill -9 that can repeat only that one, and database and SMTP
errors that delay emails but never stop the worker.

Locking needs PostgreSQL (the multi-worker tests skip on SQLite):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mailhelper \\
        .venv/bin/python -m pytest tests/registration/test_mail_worker.py
"""

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from smtplib import SMTPException

import pytest
from django.conf import settings as django_settings
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from post_office.models import STATUS, Email, Log

from registration import delivery
from tests.concurrency import errors, run_together
from tests.registration.recording_backend import recorded

ON_POSTGRESQL = connection.vendor == "postgresql"
NEEDS_ROW_LOCKS = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="several workers need FOR UPDATE SKIP LOCKED: SQLite has no row locks (one worker)",
)
WAIT = 120  # seconds, at most, for a worker subprocess


class FailingBackend(LocmemBackend):
    """A mail server that refuses every message to a "refused" address and takes the rest."""

    def send_messages(self, messages):
        if any("refused" in address for message in messages for address in message.to):
            raise SMTPException("550 mailbox unavailable")
        return super().send_messages(messages)


def use_backend(settings, path: str) -> None:
    settings.EMAIL_BACKEND = path
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": path}}


def queue_emails(count: int, **fields) -> list[Email]:
    return Email.objects.bulk_create(
        Email(
            from_email="gotc@example.org",
            to=[f"attendee{number}@example.org"],
            subject=f"ticket {number}",
            message="Your ticket",
            status=STATUS.queued,
            **fields,
        )
        for number in range(count)
    )


@pytest.fixture
def record_file(tmp_path, monkeypatch, settings) -> Path:
    """Sends go through the recording backend, in this process and in workers it starts."""
    path = tmp_path / "sent.txt"
    monkeypatch.setenv("MAIL_RECORD_FILE", str(path))
    use_backend(settings, "tests.registration.recording_backend.RecordingBackend")
    return path


def start_worker(*args: str, delay: float = 0) -> subprocess.Popen:
    """``manage.py mail_worker`` in its own process, on the test database."""
    db = connection.settings_dict
    if ON_POSTGRESQL:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        url = f"sqlite:///{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "tests.registration.mail_worker_settings",
        "MAIL_SEND_DELAY": str(delay),
        # Email attachments: the storage the test process writes to (shared, as in production).
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "PYTHONWARNINGS": "ignore",
    }
    return subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(django_settings.BASE_DIR / "manage.py"), "mail_worker", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_lines(path: Path, count: int) -> None:
    deadline = time.monotonic() + WAIT
    while len(recorded(path)) < count:
        assert time.monotonic() < deadline, f"fewer than {count} emails sent in {WAIT} s"
        time.sleep(0.02)


def duplicates(lines: list[str]) -> dict[str, int]:
    return {subject: n for subject, n in Counter(lines).items() if n > 1}


# --- one worker (SQLite and PostgreSQL) ------------------------------------------------------


@pytest.mark.django_db
def test_smtp_failure_requeues_the_email_later_and_sends_the_rest(settings):
    use_backend(settings, f"{__name__}.FailingBackend")
    settings.POST_OFFICE = {**settings.POST_OFFICE, "LOG_LEVEL": 2}
    refused = Email.objects.create(
        from_email="gotc@example.org", to=["refused@example.org"], status=STATUS.queued
    )
    (taken,) = queue_emails(1)
    before = timezone.now()
    output = io.StringIO()

    call_command("mail_worker", "--once", stdout=output)

    refused.refresh_from_db()
    taken.refresh_from_db()
    assert output.getvalue() == "sent 1, failed 0, will retry 1\n"
    assert (refused.status, refused.number_of_retries) == (STATUS.requeued, 1)
    assert refused.scheduled_time >= before + dt.timedelta(minutes=5)
    assert taken.status == STATUS.sent
    assert list(Log.objects.order_by("email_id").values_list("email_id", "status")) == [
        (refused.pk, STATUS.failed),
        (taken.pk, STATUS.sent),
    ]


@pytest.mark.django_db
def test_retries_back_off_doubling_then_fail(settings):
    use_backend(settings, f"{__name__}.FailingBackend")
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MAX_RETRIES": 3}
    email = Email.objects.create(
        from_email="gotc@example.org", to=["refused@example.org"], status=STATUS.queued
    )
    delays = []

    for _ in range(4):
        started = timezone.now()
        delivery.send_due()
        email.refresh_from_db()
        if email.status == STATUS.requeued:
            delays.append(round((email.scheduled_time - started).total_seconds() / 60))
            Email.objects.filter(pk=email.pk).update(scheduled_time=timezone.now())

    assert delays == [5, 10, 20]
    assert (email.status, email.number_of_retries) == (STATUS.failed, 3)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": STATUS.sent},
        {"status": STATUS.failed},
        {"scheduled_time": dt.datetime(2999, 1, 1, tzinfo=dt.UTC)},
        {"expires_at": dt.datetime(2000, 1, 1, tzinfo=dt.UTC)},
    ],
    ids=["sent", "failed", "scheduled-later", "expired"],
)
@pytest.mark.django_db
def test_email_not_due_is_not_sent(fields, mailoutbox):
    (email,) = queue_emails(1)
    Email.objects.filter(pk=email.pk).update(**fields)

    counts = delivery.send_due()

    assert (counts.sent, mailoutbox) == (0, [])


@pytest.mark.django_db(transaction=True)
def test_sigterm_finishes_the_email_in_flight_and_exits_0(record_file):
    queue_emails(200)
    worker = start_worker("--interval", "0.2", delay=0.02)
    wait_for_lines(record_file, 20)

    worker.send_signal(signal.SIGTERM)
    _, stderr = worker.communicate(timeout=WAIT)
    sent_before_stop = recorded(record_file)
    call_command("mail_worker", "--once", stdout=io.StringIO())  # the next worker

    lines = recorded(record_file)
    assert worker.returncode == 0, stderr
    assert 20 <= len(sent_before_stop) < 200
    assert duplicates(lines) == {}
    assert len(lines) == 200
    assert Email.objects.filter(status=STATUS.sent).count() == 200


@pytest.mark.django_db(transaction=True)
def test_kill_9_repeats_at_most_the_email_in_flight(record_file):
    queue_emails(200)
    # The pause comes after "SMTP accepted": a kill then most likely hits an email in flight.
    worker = start_worker("--interval", "0.2", delay=0.05)
    wait_for_lines(record_file, 20)

    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=WAIT)
    call_command("mail_worker", "--once", stdout=io.StringIO())

    lines = recorded(record_file)
    assert len(duplicates(lines)) <= 1
    assert sum(duplicates(lines).values()) <= 2
    assert set(lines) == {f"ticket {number}" for number in range(200)}
    assert Email.objects.filter(status=STATUS.sent).count() == 200


# --- several workers (PostgreSQL) ------------------------------------------------------------


@NEEDS_ROW_LOCKS
@pytest.mark.django_db(transaction=True)
def test_three_worker_threads_send_each_email_once(record_file, monkeypatch):
    monkeypatch.setenv("MAIL_SEND_DELAY", "0.001")
    queue_emails(300)

    results = run_together(3, lambda _: call_command("mail_worker", "--once", stdout=io.StringIO()))

    lines = recorded(record_file)
    assert errors(results) == []
    assert duplicates(lines) == {}
    assert len(lines) == 300
    assert Email.objects.filter(status=STATUS.sent).count() == 300


@NEEDS_ROW_LOCKS
@pytest.mark.django_db(transaction=True)
def test_three_worker_processes_send_each_email_once(record_file):
    queue_emails(300)

    workers = [start_worker("--once", delay=0.002) for _ in range(3)]
    results = [worker.communicate(timeout=WAIT) for worker in workers]

    lines = recorded(record_file)
    sent_by = [int(stdout.split()[1].rstrip(",")) if stdout else 0 for stdout, _ in results]
    assert [worker.returncode for worker in workers] == [0, 0, 0], results
    assert duplicates(lines) == {}
    assert len(lines) == 300
    assert sum(sent_by) == 300
    assert Email.objects.filter(status=STATUS.sent).count() == 300


@NEEDS_ROW_LOCKS
@pytest.mark.django_db(transaction=True)
def test_two_workers_sigterm_one_mid_backlog_loses_and_repeats_none(record_file):
    queue_emails(300)
    stopped = start_worker("--interval", "0.2", delay=0.01)
    running = start_worker("--interval", "0.2", delay=0.01)
    wait_for_lines(record_file, 40)

    stopped.send_signal(signal.SIGTERM)
    stopped.communicate(timeout=WAIT)
    wait_for_lines(record_file, 300)
    running.send_signal(signal.SIGTERM)
    running.communicate(timeout=WAIT)

    lines = recorded(record_file)
    assert (stopped.returncode, running.returncode) == (0, 0)
    assert duplicates(lines) == {}
    assert len(lines) == 300
    assert Email.objects.filter(status=STATUS.sent).count() == 300


@NEEDS_ROW_LOCKS
@pytest.mark.django_db(transaction=True)
def test_worker_survives_its_database_connection_being_killed(record_file):
    queue_emails(150)
    worker = start_worker("--interval", "0.2", delay=0.02)
    wait_for_lines(record_file, 20)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        (terminated,) = cursor.fetchone()
    wait_for_lines(record_file, 150)
    deadline = time.monotonic() + WAIT
    while Email.objects.filter(status=STATUS.sent).count() < 150:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    worker.send_signal(signal.SIGTERM)
    _, stderr = worker.communicate(timeout=WAIT)

    lines = recorded(record_file)
    assert terminated == 1
    assert worker.returncode == 0, stderr
    assert "Database unavailable" in stderr
    assert duplicates(lines) == {}
    assert len(lines) == 150
