"""Export benchmark: N generated registrations exported as CSV (streamed) and Excel.

Usage: .venv/bin/python bench/export.py [--rows 100000] [--database-url sqlite:////tmp/x.sqlite3]
Prints rows/s and peak Python memory (tracemalloc) of each export. Uses its own database
(a temporary SQLite file unless --database-url is given) and never touches db.sqlite3.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="gotc-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "gotc.settings"

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from agenda.models import Conference, Forum
    from registration import exports
    from registration.models import ForumPick, Registration, new_manage_token, new_ticket_code

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    conference = Conference.objects.get(slug="2023")
    forums = list(Forum.objects.filter(conference=conference).order_by("pk"))
    user, _ = get_user_model().objects.get_or_create(username="bench")

    Registration.objects.filter(conference=conference).delete()
    started = time.perf_counter()
    now = timezone.now()
    batch = 5000
    for offset in range(0, args.rows, batch):
        count = min(batch, args.rows - offset)
        registrations = Registration.objects.bulk_create(
            [
                Registration(
                    conference=conference,
                    full_name=f"张伟 Attendee {offset + i}",
                    email=f"attendee{offset + i}@example.org",
                    organization="=Open Source 开源社" if i % 97 == 0 else "Example Corp",
                    job_title="Engineer",
                    consent_at=now,
                    ticket_code=new_ticket_code(),
                    manage_token=new_manage_token(),
                )
                for i in range(count)
            ]
        )
        ForumPick.objects.bulk_create(
            [
                ForumPick(
                    registration=registration,
                    forum=forums[(offset + i) % len(forums)],
                    status="seated" if i % 5 else "waiting",
                    picked_at=now,
                )
                for i, registration in enumerate(registrations)
            ]
        )
    print(f"generated {args.rows} registrations in {time.perf_counter() - started:.1f}s")

    for file_format in ("csv", "xlsx"):
        request = exports.ExportRequest(conference=conference, forum_columns=True)
        attendees = exports.AttendeeList(request)
        log = exports.start_log(user=user, request=request, file_format=file_format, source="bench")
        tracemalloc.start()
        tracemalloc.reset_peak()
        started = time.perf_counter()
        size = 0
        if file_format == "csv":
            for chunk in exports.csv_chunks(attendees, log):
                size += len(chunk.encode("utf-8"))
        else:
            target = exports.xlsx_file(attendees, log, "Attendees")
            target.seek(0, 2)
            size = target.tell()
            target.close()
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{file_format}: {attendees.row_count} rows in {elapsed:.1f}s = "
            f"{attendees.row_count / elapsed:,.0f} rows/s, file {size / 1e6:.1f} MB, "
            f"peak Python memory {peak / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
