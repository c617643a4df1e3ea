"""Sending the mail queue: each email exactly once, with any number of workers.

django-post-office's own ``send_queued`` marks a batch sent only at its end and takes no row
lock, so two workers (or one stopped mid-batch) send emails twice. Here one email is one
short transaction on PostgreSQL:

    BEGIN; SELECT one due email ... FOR UPDATE SKIP LOCKED; send it over SMTP;
    UPDATE it to sent (or requeued with a later scheduled_time) + its Log row; COMMIT

- **Exactly once with any number of workers**: the row stays locked until its new status is
  committed; other workers skip it (SKIP LOCKED), and one whose snapshot is older re-checks
  the row after the commit (PostgreSQL re-evaluates a locked row's WHERE) and sees it sent.
- **A crash duplicates at most the email in flight**: ``kill -9`` or a dropped connection
  rolls back only that one transaction, so only that email can go out again. A restart of the
  database mid-send is caught: the sender remembers the email SMTP accepted and records it as
  soon as the database answers again, before it claims another.
- **Why one email per transaction, and a row lock rather than a claim table**: the lock then
  covers exactly the one email in flight (a SIGTERM finishes it; a crash undoes only it), and
  a dead worker's lock is released by PostgreSQL at once, not after a lease. A claim table
  would need a model in ``registration/models.py`` and a lease long enough for the slowest
  SMTP server, during which a crashed worker's email waits. The cost is a transaction held
  open (one row locked, nothing else) for one SMTP send; ``idle_in_transaction_session_timeout``
  bounds it if a worker hangs. Registrations only insert into the queue, so they never wait.
- **SQLite** (development) has no row locks and a whole-database write lock: holding it across
  SMTP would stop every registration, so there the email is sent outside the transaction and
  one sending process is assumed.

Statuses are post_office's: queued/requeued and due (``scheduled_time``, ``expires_at``) are
sent; a failure requeues with a doubling delay from RETRY_INTERVAL (capped at an hour) until
MAX_RETRIES, then fails. Log rows follow post_office's LOG_LEVEL.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from post_office import settings as post_office_settings
from post_office.connections import connections as mail_connections
from post_office.models import STATUS, Email, Log

logger = logging.getLogger(__name__)

DUE = (STATUS.queued, STATUS.requeued)
# Longest wait between two retries of one email, whatever RETRY_INTERVAL doubles to.
MAX_RETRY_DELAY = timedelta(hours=1)
# A worker that hangs inside an SMTP send loses its lock (and PostgreSQL ends its session)
# after this; the next worker sends the email. Longer than any sane SMTP timeout.
LOCK_HELD_AT_MOST = "300s"


@dataclass
class SendCounts:
    sent: int = 0
    failed: int = 0
    requeued: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.failed or self.requeued)


@dataclass
class MailSender:
    """Sends due emails one at a time, each in its own transaction (see the module docstring).

    One per thread or process: it keeps its SMTP connection open between emails and
    remembers an email that SMTP accepted but the database could not record yet."""

    counts: SendCounts = field(default_factory=SendCounts)
    accepted_unrecorded: int | None = None
    # Emails that failed since ``new_pass()``: not tried again in the same pass, whatever
    # RETRY_INTERVAL says.
    failed_ids: set[int] = field(default_factory=set)

    def new_pass(self) -> None:
        self.counts = SendCounts()
        self.failed_ids = set()

    def send_next(self, *, only_ids: list[int] | None = None) -> bool:
        """Claim, send and record one due email (of ``only_ids`` when given). Returns False
        when none is due. Raises the database's errors (the caller backs off and retries);
        never raises for a failed send: that email is requeued or failed."""
        self.record_accepted_unrecorded()
        if connection.features.has_select_for_update_skip_locked:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SET LOCAL idle_in_transaction_session_timeout = '{LOCK_HELD_AT_MOST}'"
                    )
                email = claim_due_email(only_ids=only_ids, skip_ids=self.failed_ids)
                if email is None:
                    return False
                self.send_and_record(email)
            self.accepted_unrecorded = None
            return True
        email = claim_due_email(only_ids=only_ids, skip_ids=self.failed_ids)
        if email is None:
            return False
        with transaction.atomic():
            self.send_and_record(email)
        self.accepted_unrecorded = None
        return True

    def send_and_record(self, email: Email) -> None:
        try:
            email.dispatch(commit=False, disconnect_after_delivery=False)
        except Exception as error:
            # Any backend failure: drop the connection (the next email must not reuse a
            # broken one) and try this email again later.
            mail_connections.close()
            self.record_failure(email, error)
        else:
            self.accepted_unrecorded = email.pk
            record_sent(email.pk)
            self.counts.sent += 1

    def record_failure(self, email: Email, error: Exception) -> None:
        self.failed_ids.add(email.pk)
        retries = email.number_of_retries or 0
        now = timezone.now()
        if retries < post_office_settings.get_max_retries():
            delay = min(post_office_settings.get_retry_timedelta() * 2**retries, MAX_RETRY_DELAY)
            delay = max(delay, post_office_settings.get_retry_timedelta())
            Email.objects.filter(pk=email.pk).update(
                status=STATUS.requeued,
                number_of_retries=retries + 1,
                scheduled_time=now + delay,
                last_updated=now,
            )
            self.counts.requeued += 1
            logger.warning(
                "Email %s not sent (%s: %s); retry %s at %s.",
                email.pk,
                type(error).__name__,
                error,
                retries + 1,
                (now + delay).isoformat(timespec="seconds"),
            )
        else:
            Email.objects.filter(pk=email.pk).update(status=STATUS.failed, last_updated=now)
            self.counts.failed += 1
            logger.error(
                "Email %s failed for good after %s retries (%s: %s).",
                email.pk,
                retries,
                type(error).__name__,
                error,
            )
        if post_office_settings.get_log_level() >= 1:
            Log.objects.create(
                email_id=email.pk,
                status=STATUS.failed,
                message=str(error),
                exception_type=type(error).__name__,
            )

    def record_accepted_unrecorded(self) -> None:
        """Record the email SMTP accepted before the database failed to commit its status.
        Only if it is still due: another worker may have sent it meanwhile."""
        if self.accepted_unrecorded is None:
            return
        with transaction.atomic():
            record_sent(self.accepted_unrecorded)
        logger.warning(
            "Email %s recorded as sent after a database error.", self.accepted_unrecorded
        )
        self.accepted_unrecorded = None

    def close(self) -> None:
        mail_connections.close()


def due_emails():
    now = timezone.now()
    return Email.objects.filter(
        Q(scheduled_time__lte=now) | Q(scheduled_time=None),
        Q(expires_at__gt=now) | Q(expires_at=None),
        status__in=DUE,
    )


def claim_due_email(
    *, only_ids: list[int] | None = None, skip_ids: set[int] = frozenset()
) -> Email | None:
    """The next due email, locked until the caller's transaction ends; None when every due
    one is taken. Order: post_office's SENDING_ORDER, then oldest first."""
    emails = due_emails()
    if only_ids is not None:
        emails = emails.filter(pk__in=only_ids)
    if skip_ids:
        emails = emails.exclude(pk__in=skip_ids)
    return (
        emails.select_for_update(skip_locked=True, of=("self",))
        .order_by(*post_office_settings.get_sending_order(), "pk")
        .first()
    )


def record_sent(email_id: int) -> None:
    now = timezone.now()
    updated = Email.objects.filter(pk=email_id, status__in=DUE).update(
        status=STATUS.sent, last_updated=now
    )
    if updated and post_office_settings.get_log_level() == 2:
        Log.objects.create(email_id=email_id, status=STATUS.sent)


def send_due(*, only_ids: list[int] | None = None, stop=None) -> SendCounts:
    """Send every due email (of ``only_ids``) until none is left or ``stop()`` is true.
    Raises the database's errors; see ``MailSender.send_next``."""
    sender = MailSender()
    try:
        while not (stop and stop()) and sender.send_next(only_ids=only_ids):
            pass
    finally:
        sender.close()
    return sender.counts
