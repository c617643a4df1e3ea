"""Export benchmark: N registrations (generate_demo_load) exported as CSV (streamed) and Excel.

Usage: .venv/bin/python bench/export.py [--rows 100000] [--database-url URL]
Prints, per format, rows/s (timed without any tracing) and the peak memory growth of the
process during the export (Linux VmHWM after resetting it through /proc/self/clear_refs).
Uses its own database: a temporary SQLite file unless --database-url is given.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.standalone import setup_django


def rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from agenda.models import Conference
    from registration.staff import downloads, exports

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command(
        "generate_demo_load",
        registrations=args.rows,
        forums=10,
        talks=80,
        speakers=40,
        slug="export-bench",
        verbosity=0,
    )
    print(f"export: generated {args.rows:,} registrations in {time.perf_counter() - started:.0f} s")
    conference = Conference.objects.get(slug="export-bench")
    user, _ = get_user_model().objects.get_or_create(username="bench")

    for file_format in ("csv", "xlsx"):
        export = exports.attendee_export(
            exports.ExportRequest(conference=conference, forum_columns=True),
            user=user,
            file_format=file_format,
            source="bench",
        )
        baseline = rss_kb("VmRSS")
        peak_reset = reset_peak()
        started = time.perf_counter()
        size = 0
        if file_format == "csv":
            for chunk in downloads.csv_chunks(export):
                size += len(chunk.encode("utf-8"))
        else:
            target = downloads.xlsx_file(export)
            target.seek(0, 2)
            size = target.tell()
            target.close()
        elapsed = time.perf_counter() - started
        growth = (rss_kb("VmHWM") - baseline) / 1024 if peak_reset else float("nan")
        print(
            f"export {file_format}: {export.row_count:,} rows in {elapsed:.1f} s = "
            f"{export.row_count / elapsed:,.0f} rows/s; file {size / 1e6:.1f} MB; "
            f"peak memory growth {growth:.1f} MB"
        )


if __name__ == "__main__":
    main()
