"""Several mail workers on one backlog: each email must be sent exactly once.

    .venv/bin/python bench/mail_workers.py [--emails 10000] [--workers 3] [--kill-one]

Recreates the PostgreSQL database of --database-url (default: mailhelper on 127.0.0.1),
queues --emails emails, starts --workers ``manage.py mail_worker`` processes sending through
a backend that appends each subject to a file (no SMTP), and stops them (SIGTERM) when every
email is marked sent. --kill-one sends ``kill -9`` to the first worker once a tenth of the
backlog is out, and starts a replacement. Prints emails sent, duplicates and the time taken.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

ROOT = Path(__file__).resolve().parent.parent


class RecordingBackend(BaseEmailBackend):
    """Appends each message's subject to MAIL_RECORD_FILE (one O_APPEND write a line)."""

    def send_messages(self, messages):
        fd = os.open(os.environ["MAIL_RECORD_FILE"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            for message in messages:
                os.write(fd, f"{message.subject}\n".encode())
        finally:
            os.close(fd)
        return len(messages)


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kill-one", action="store_true")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/mailhelper")
    args = parser.parse_args()

    import psycopg

    name = args.database_url.rsplit("/", 1)[1]
    with psycopg.connect(args.database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {name}")
    record = Path(tempfile.mkdtemp(prefix="gotc-mail-bench-")) / "sent.txt"
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "SITE_URL": "https://gotc.bench.invalid",
        "SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "gotc.settings",
        "EMAIL_BACKEND": "bench.mail_workers.RecordingBackend",
        "EMAIL_DELIVERY": "worker",
        "MAIL_RECORD_FILE": str(record),
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from post_office.models import STATUS, Email

    call_command("migrate", verbosity=0)
    Email.objects.bulk_create(
        (
            Email(
                from_email="gotc@example.org",
                to=[f"attendee{n}@example.org"],
                subject=f"ticket {n}",
                message="Your ticket",
                status=STATUS.queued,
            )
            for n in range(args.emails)
        ),
        batch_size=1000,
    )

    def start() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "mail_worker", "--interval", "0.5"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )

    started = time.perf_counter()
    workers = [start() for _ in range(args.workers)]
    killed = False
    while Email.objects.filter(status=STATUS.sent).count() < args.emails:
        if args.kill_one and not killed and len(lines(record)) >= args.emails // 10:
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait()
            workers[0] = start()
            killed = True
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    codes = [worker.wait(timeout=60) for worker in workers]

    sent = lines(record)
    repeated = sum(n - 1 for n in Counter(sent).values() if n > 1)
    print(
        f"mail workers: {args.emails:,} emails, {args.workers} workers"
        f"{' (one killed -9 and replaced)' if killed else ''}: {len(set(sent)):,} sent, "
        f"{repeated} duplicates, {seconds:.1f} s ({args.emails / seconds:,.0f}/s), "
        f"exit codes after SIGTERM {codes}"
    )


if __name__ == "__main__":
    main()
