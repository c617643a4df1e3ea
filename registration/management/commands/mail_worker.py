import logging
import signal
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError, close_old_connections, connection

from registration import delivery, mailing, signals

logger = logging.getLogger("registration.mail_worker")

# Back-off after a database error: 1 s, doubling, at most 30 s; reset by a pass that works.
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0


class Command(BaseCommand):
    """The mail worker. Guarantees, with any number of workers running (PostgreSQL):

    - every due email in django-post-office's queue is sent exactly once
      (``registration.delivery``: one email per transaction, its row locked with
      ``FOR UPDATE SKIP LOCKED`` until its status is committed); a ``kill -9`` can send again
      only the one email that was in flight;
    - SIGTERM or SIGINT finishes the email in flight, then exits 0;
    - a database error (PostgreSQL restarting, a dropped connection) closes the connection and
      retries after 1 s, doubling to 30 s; an SMTP error requeues that email with back-off
      (POST_OFFICE MAX_RETRIES, RETRY_INTERVAL); neither stops the worker;
    - owed emails (``PendingEmail``) are rendered into the queue, including those a crashed
      web process left;
    - after each pass, ``registration.signals.worker_pass`` lets other outboxes send what is
      due in the same process (the API's webhook deliveries, api.delivery).

    Raises CommandError only for bad arguments.
    """

    help = (
        "Deliver queued attendee emails (django-post-office queue) and retry failed ones "
        "(POST_OFFICE MAX_RETRIES / RETRY_INTERVAL), each exactly once with any number of "
        "workers. Runs until SIGTERM/SIGINT (finishes the email in flight, exits 0); --once "
        "sends what is due and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="send what is due, then exit")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds between passes (default 5)"
        )
        parser.add_argument(
            "--max-seconds",
            type=float,
            default=0,
            help="stop after this many seconds (0: run until stopped)",
        )

    def handle(self, *args, **options):
        if options["interval"] <= 0:
            raise CommandError("--interval must be positive.")
        self.stopping = threading.Event()
        restore = self.install_signal_handlers()
        try:
            self.run(
                once=options["once"],
                interval=options["interval"],
                max_seconds=options["max_seconds"],
            )
        finally:
            restore()

    def install_signal_handlers(self):
        if threading.current_thread() is not threading.main_thread():
            return lambda: None  # signals reach only the main thread (tests call from others)

        def stop(signum, frame):
            logger.info("Signal %s: finishing the email in flight, then stopping.", signum)
            self.stopping.set()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}

        def restore():
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        return restore

    def run(self, *, once: bool, interval: float, max_seconds: float) -> None:
        started = time.monotonic()
        sender = delivery.MailSender()
        passes = 0
        backoff = FIRST_BACKOFF
        logger.info("Mail worker started.")
        while not self.stopping.is_set():
            try:
                self.one_pass(sender, clear_sessions=passes % 720 == 0)
            except (OperationalError, InterfaceError) as error:
                sender.close()
                connection.close()  # a broken connection is never reused
                logger.warning(
                    "Database unavailable (%s); mail worker retries in %.0f s.",
                    str(error).strip().splitlines()[0] if str(error).strip() else error,
                    backoff,
                )
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = FIRST_BACKOFF
            passes += 1
            if once:
                break
            if max_seconds and time.monotonic() - started >= max_seconds:
                break
            self.stopping.wait(interval)
        sender.close()
        logger.info("Mail worker stopped.")

    def one_pass(self, sender: delivery.MailSender, *, clear_sessions: bool) -> None:
        if not connection.in_atomic_block:  # (a test's transaction)
            # Health-checks the connection (CONN_HEALTH_CHECKS) once per pass: one the server
            # closed since the last pass is replaced instead of failing the first query.
            close_old_connections()
        # Emails owed by changes (with EMAIL_DELIVERY=immediate, only what a process that died
        # right after its commit left behind).
        older = timedelta(seconds=30) if settings.EMAIL_DELIVERY == "immediate" else None
        mailing.flush(older_than=older)
        sender.new_pass()
        try:
            while not self.stopping.is_set() and sender.send_next():
                pass
        finally:
            counts = sender.counts
            if counts:
                self.stdout.write(
                    f"sent {counts.sent}, failed {counts.failed}, will retry {counts.requeued}"
                )
                logger.info(
                    "Sent %s, failed %s, will retry %s.",
                    counts.sent,
                    counts.failed,
                    counts.requeued,
                )
            sender.close()  # no SMTP connection left open while idle
        if counts.sent:
            mailing.forget_sent_links()
        # Other outboxes drained by this same worker (the API's webhooks: api.delivery).
        signals.worker_pass.send(sender=self.__class__, stopping=self.stopping)
        if clear_sessions:  # about hourly: expired sessions hold names from /register/done/
            call_command("clearsessions")
