import time
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from post_office.mail import send_queued

from registration import mailing


class Command(BaseCommand):
    help = (
        "Deliver queued attendee emails (django-post-office queue) and retry failed ones "
        "(POST_OFFICE MAX_RETRIES / RETRY_INTERVAL). Runs until stopped; --once sends what is "
        "due and exits. Run exactly one in production."
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
        started = time.monotonic()
        passes = 0
        while True:
            # Emails owed by changes (with EMAIL_DELIVERY=immediate, only what a process that
            # died right after its commit left behind).
            older = timedelta(seconds=30) if settings.EMAIL_DELIVERY == "immediate" else None
            mailing.flush(older_than=older)
            sent, failed, requeued = send_queued(processes=1)
            passes += 1
            if passes % 720 == 1:  # about hourly: expired sessions hold names from /register/done/
                call_command("clearsessions")
            if sent or failed or requeued:
                self.stdout.write(f"sent {sent}, failed {failed}, will retry {requeued}")
            if options["once"]:
                return
            if options["max_seconds"] and time.monotonic() - started >= options["max_seconds"]:
                return
            time.sleep(options["interval"])
