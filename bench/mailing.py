"""Email-to-attendees benchmark: N registrations (generate_demo_load), one email to everyone
queued as the admin's "Queue" does (registration.services.mailings.queue), then a sample of
it rendered into the mail queue as the mail worker does (registration.mailing.flush).

Usage: .venv/bin/python bench/mailing.py [--registrations 10000] [--render 1000]
       [--database-url URL]
Prints the time to queue (the organizer's click: must stay under 10 s for 10,000 people), the
queries it took, and the worker's rendering rate. Uses its own database: a temporary SQLite
file unless --database-url is given (dropped and created again). Sends nothing.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.standalone import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--registrations", type=int, default=10_000)
    parser.add_argument("--render", type=int, default=1000, help="emails to render afterwards")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    # Queue only: no rendering or sending right after the commit.
    os.environ["EMAIL_DELIVERY"] = "worker"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    setup_django(args.database_url)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agenda.models import Conference
    from registration import mailing as outbox
    from registration.models import Mailing, PendingEmail
    from registration.services import mailings
    from registration.staff.scope import EVERYTHING

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command(
        "generate_demo_load",
        registrations=args.registrations,
        forums=10,
        talks=80,
        speakers=40,
        slug="mailing-bench",
        verbosity=0,
    )
    print(
        f"mailing: generated {args.registrations:,} registrations "
        f"in {time.perf_counter() - started:.0f} s ({connection.vendor})"
    )
    conference = Conference.objects.get(slug="mailing-bench")
    user, _ = get_user_model().objects.get_or_create(username="bench")
    mailing = Mailing.objects.create(
        conference=conference,
        subject_en="{conference}: the venue moved",
        body_en="Hello {name},\n\nYour ticket {ticket_code}. Your registration: {manage_url}",
        subject_zh="{conference}：会场变更",
        body_zh="{name}，您好！\n\n票号 {ticket_code}。您的报名：{manage_url}",
        created_by=user,
    )

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        count = mailings.queue(mailing.pk, EVERYTHING, by=user)
    elapsed = time.perf_counter() - started
    print(
        f"mailing queue: {count:,} recipients in {elapsed:.2f} s "
        f"({len(queries)} queries, {count / elapsed:,.0f} people/s)"
    )

    sample = list(
        PendingEmail.objects.filter(mailing=mailing).order_by("pk").values_list("pk", flat=True)
    )[: args.render]
    started = time.perf_counter()
    rendered = outbox.flush(sample)
    elapsed = time.perf_counter() - started
    if rendered:
        print(
            f"mailing render: {len(rendered):,} emails in {elapsed:.2f} s "
            f"({len(rendered) / elapsed:,.0f} emails/s, one worker)"
        )


if __name__ == "__main__":
    main()
