"""HTTP benchmark: a real gunicorn on 127.0.0.1 with PostgreSQL and Redis, driven by wrk (pages,
and registrations through bench/register.lua) and by an asyncio client (httpx) for the burst
at one last seat. Bounded in time; stops its servers itself.

Usage: .venv/bin/python bench/load.py [--seconds 10] [--page-seconds 2] [--rounds 3]
       [--workers 4] [--clients 64] [--pages-only] [--pages agenda,home]
       [--encoding gzip|identity]
Needs: PostgreSQL at 127.0.0.1:5432 (user postgres), Redis at 127.0.0.1:6379, wrk (Debian).
BENCH_DB_NAME (default gotc_bench) and BENCH_REDIS_URL (default redis://127.0.0.1:6379/7)
name the database and Redis database it recreates and flushes.
Prints, in one run: requests/s of every public page (home, agenda, a forum, a talk, the
speakers, a speaker, the feeds), each served from the page cache and rendered (the cache
bypassed), as a ratio to a static file served by the same server, with p50/p99 latency and
non-2xx counts; registrations/s under 64 concurrent clients, errors, and the capacity
invariant afterwards; the same burst aimed at one last seat.

Uncached requests carry "X-Page-Cache-Bypass: 1", which gotc.pagecache honours only with
DEBUG or BENCH_PAGE_CACHE_BYPASS=1 in the server's environment (set here, never in
production): the page is rendered and not stored, everything else is as for a visitor.
"""

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DB_NAME = os.environ.get("BENCH_DB_NAME", "gotc_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
# The program measured: issue 16's size (30 forums, 240 talks, 120 speakers).
FORUMS, TALKS, SPEAKERS = 30, 240, 120
BYPASS = ["-H", "X-Page-Cache-Bypass: 1"]
# What browsers and conference apps send (OkHttp, Giggity, feed readers): cached pages then
# travel gzip-compressed, and WhiteNoise serves the static file's .gz. --encoding identity
# measures clients that take no compression.
ENCODINGS = {"gzip": "gzip, deflate", "identity": "identity"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(port: int) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-" + "x" * 50,
            "SITE_URL": "https://gotc.bench.invalid",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
            "REDIS_URL": REDIS_URL,
            "CONN_MAX_AGE": "600",
            "EMAIL_DELIVERY": "worker",
            "SECURE_SSL_REDIRECT": "0",
            "RATELIMIT_REGISTER": "1000000/m",
            "RATELIMIT_MANAGE": "1000000/m",
            "RATELIMIT_API_ADDRESS": "1000000/m",
            "LOG_LEVEL": "WARNING",
            # Steady state: no worker recycling in the middle of a 10-second phase (production
            # recycles every 5,000 requests, which at 2,000 requests/s is every few seconds).
            "GUNICORN_MAX_REQUESTS": "1000000",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "DJANGO_SETTINGS_MODULE": "gotc.settings",
            # Lets the uncached measurements bypass the page cache (gotc.pagecache).
            "BENCH_PAGE_CACHE_BYPASS": "1",
        }
    )
    return env


def run(args: list[str], env: dict) -> None:
    subprocess.run(args, cwd=ROOT, env=env, check=True, timeout=600)


def reset_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def start_gunicorn(env: dict, workers: int) -> subprocess.Popen:
    env = {**env, "WEB_CONCURRENCY": str(workers)}
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "gotc.wsgi", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    return process


def wait_healthy(base: str, timeout: float = 30) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not become healthy")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def run_wrk(arguments: list[str], seconds: int) -> tuple[str, dict]:
    """Run wrk for ``seconds`` (with --latency) and read its summary: requests/s, p50/p99,
    non-2xx answers, socket errors and the measured duration. Returns (output, figures)."""
    output = subprocess.run(
        ["wrk", "-t2", f"-d{seconds}s", "--timeout", "30s", "--latency", *arguments],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout

    def latency(label: str) -> str:
        match = re.search(rf"^\s+{label}%\s+(\S+)", output, re.M)
        return match.group(1) if match else "?"

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    elapsed = re.search(r"requests in ([\d.]+)s", output)
    return output, {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(0) if errors else "",
        "elapsed": float(elapsed.group(1)) if elapsed else float(seconds),
    }


def wrk(url: str, seconds: int, connections: int = 16, extra: list[str] | None = None) -> dict:
    return run_wrk([f"-c{connections}", *(extra or []), url], seconds)[1]


def drain(base: str, workers: int, timeout: float = 60) -> None:
    """Wait until the server has finished what the last wrk run left queued (slow uncached
    pages keep every worker busy after wrk stops): ``workers`` health checks at once must all
    answer quickly before the next measurement starts."""
    import concurrent.futures

    import httpx

    def check(_):
        started = time.perf_counter()
        httpx.get(f"{base}/healthz", timeout=timeout)
        return time.perf_counter() - started

    deadline = time.monotonic() + timeout
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        while time.monotonic() < deadline:
            if max(pool.map(check, range(workers))) < 0.25:
                return
            time.sleep(0.05)


def measure_pages(
    base: str, pages: dict[str, str], seconds: int, rounds: int, workers: int, encoding: str
) -> None:
    """Every page cached and uncached, taking turns with the static file over ``rounds``
    rounds (a slower or faster stretch of this shared machine then weighs on all alike), and
    a table of req/s and the ratio to the static file."""
    accept = ["-H", f"Accept-Encoding: {ENCODINGS[encoding]}"]
    runs = [("static file", pages["static file"], False)]
    for name, path in pages.items():
        if name != "static file":
            runs += [(name, path, True), (name, path, False)]
    for _name, path, uncached in runs:
        wrk(base + path, 1, extra=accept + (BYPASS if uncached else []))  # warm up, fill cache
        drain(base, workers)
    results: dict[tuple[str, bool], list[dict]] = {(n, u): [] for n, _p, u in runs}
    for _ in range(rounds):
        for name, path, uncached in runs:
            figures = wrk(base + path, seconds, extra=accept + (BYPASS if uncached else []))
            results[name, uncached].append(figures)
            drain(base, workers)
    static = sum(run["rps"] for run in results["static file", False]) / rounds
    print(f"{'page':28s} {'req/s':>8s} {'ratio':>6s}  {'p50':>8s} {'p99':>8s}  non-2xx  rounds")
    for (name, uncached), each in results.items():
        rps = sum(run["rps"] for run in each) / rounds
        middle = sorted(each, key=lambda run: run["rps"])[len(each) // 2]
        label = f"{name} ({'uncached' if uncached else 'cached'})"
        if name == "static file":
            label = name
        print(
            f"{label:28s} {rps:8.0f} {rps / static:6.3f}  {middle['p50']:>8s} "
            f"{middle['p99']:>8s}  {sum(run['non2xx'] for run in each):7d}  "
            + " / ".join(f"{run['rps']:.0f}" for run in each)
            + "".join(f"  {run['socket_errors']}" for run in each if run["socket_errors"])
        )


def wrk_registrations(base: str, clients: int, seconds: int, forum_sets, prefix: str) -> dict:
    """``clients`` connections posting registrations for ``seconds`` with wrk and
    bench/register.lua (a new attendee each time; one CSRF cookie and token for all)."""
    import httpx

    cookie = httpx.get(f"{base}/register/", timeout=10).cookies["csrftoken"]
    sets = ";".join(",".join(str(pk) for pk in forums) for forums in forum_sets)
    script = str(ROOT / "bench" / "register.lua")
    output, figures = run_wrk(
        [f"-c{clients}", "-s", script, base, "--", cookie, prefix, sets], seconds
    )
    summary = re.search(r"gotc-register ok=(\d+) other=(\S*)", output)
    other = {}
    for part in filter(None, (summary.group(2) if summary else "").split(",")):
        status, count = part.split(":")
        other[int(status)] = int(count)
    return {**figures, "ok": int(summary.group(1)) if summary else 0, "status": other}


async def registration_burst(
    base: str, clients: int, seconds: float, forum_sets, prefix: str, total: int | None = None
) -> dict:
    """``clients`` concurrent visitors: GET the form once, then POST registrations."""
    import httpx

    results = {"ok": 0, "status": {}, "latencies": [], "exceptions": 0}
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=0)

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:

        async def visitor(number: int) -> None:
            page = await http.get("/register/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            cookie = page.cookies.get("csrftoken")
            headers = {"Cookie": f"csrftoken={cookie}", "Referer": f"{base}/register/"}
            while time.monotonic() < deadline:
                index = next(counter)
                if total is not None and index >= total:
                    return
                forums = forum_sets[index % len(forum_sets)]
                data = {
                    "csrfmiddlewaretoken": token,
                    "full_name": f"Bench Attendee {index}",
                    "email": f"{prefix}{index}@example.org",
                    "organization": "Bench",
                    "job_title": "Engineer",
                    "language": "en",
                    "consent": "on",
                    "forums": [str(pk) for pk in forums],
                }
                started = time.perf_counter()
                try:
                    response = await http.post("/register/", data=data, headers=headers)
                except httpx.HTTPError:
                    results["exceptions"] += 1
                    continue
                results["latencies"].append(time.perf_counter() - started)
                if response.status_code == 302 and "/register/done/" in response.headers.get(
                    "location", ""
                ):
                    results["ok"] += 1
                else:
                    results["status"][response.status_code] = (
                        results["status"].get(response.status_code, 0) + 1
                    )

        started = time.monotonic()
        await asyncio.gather(*(visitor(n) for n in range(clients)))
        results["elapsed"] = time.monotonic() - started
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each load phase")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--page-seconds", type=int, default=2, help="each page, each round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the page table")
    parser.add_argument("--pages-only", action="store_true", help="skip the registrations")
    parser.add_argument(
        "--pages",
        default="",
        help="comma-separated page names to measure (default: all), e.g. agenda,home",
    )
    parser.add_argument(
        "--encoding",
        choices=sorted(ENCODINGS),
        default="gzip",
        help="Accept-Encoding of the page requests (gzip: as browsers and apps ask)",
    )
    args = parser.parse_args()
    # A `timeout` or Ctrl-C still stops the servers this started (the finally blocks run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("bench/load.py: stopped by SIGTERM"))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does it)")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bench_env(port)
    reset_database()
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    run(
        [
            PYTHON,
            "manage.py",
            "generate_demo_load",
            "--forums",
            str(FORUMS),
            "--talks",
            str(TALKS),
            "--speakers",
            str(SPEAKERS),
            "--registrations",
            "0",
            "--capacity",
            "100000",
        ],
        env,
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, Q

    # Planner statistics for the freshly filled tables, as autovacuum gives a live database
    # within a minute: without them PostgreSQL plans the program's joins as nested loops.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    from agenda.models import Conference, Forum, Speaker, Talk
    from registration.loadprogram import two_free_slots
    from registration.models import ForumPick, Registration

    conference = Conference.objects.get(slug="load")
    forums = list(Forum.objects.filter(conference=conference).order_by("starts_at", "pk"))
    # Each registration picks two forums that do not overlap (the form refuses overlapping
    # picks), spread over both groups.
    morning, afternoon = two_free_slots(forums)
    forum_sets = [
        [morning[i % len(morning)].pk, afternoon[i % len(afternoon)].pk] for i in range(30)
    ]

    server = start_gunicorn(env, args.workers)
    try:
        wait_healthy(base)
        print(
            f"# gunicorn: {args.workers} sync workers on {base}; PostgreSQL + Redis; "
            f"program: {len(forums)} forums, {Talk.objects.filter(conference=conference).count()}"
            f" talks, {Speaker.objects.filter(conference=conference).count()} speakers; "
            f"{os.cpu_count()} cores; wrk -t2 -c16, {args.rounds} rounds of "
            f"{args.page_seconds} s per page; Accept-Encoding: {ENCODINGS[args.encoding]}"
        )
        talk = Talk.objects.filter(conference=conference).order_by("starts_at", "pk").first()
        speaker = Speaker.objects.filter(conference=conference).order_by("name", "pk").first()
        pages = {
            "static file": "/static/gotc/site.css",
            "home": "/",
            "agenda": "/agenda/",
            "forum": f"/agenda/forums/{forums[0].slug}/",
            "talk": f"/agenda/talks/{talk.slug}/",
            "speakers": "/agenda/speakers/",
            "speaker": f"/agenda/speakers/{speaker.slug}/",
            "agenda.ics": "/agenda.ics",
            "agenda.json": "/agenda.json",
            "schedule.xml": "/schedule.xml",
            "schedule.json": "/schedule.json",
            "api forums": f"/api/v1/conferences/{conference.slug}/forums/",
        }
        if args.pages:
            wanted = {"static file", *args.pages.split(",")}
            if wanted - set(pages):
                raise SystemExit(f"unknown pages: {', '.join(sorted(wanted - set(pages)))}")
            pages = {name: path for name, path in pages.items() if name in wanted}
        measure_pages(base, pages, args.page_seconds, args.rounds, args.workers, args.encoding)
        if args.pages_only:
            return

        # Warm up as for the pages: every worker has compiled its templates and opened its
        # connections before the measured burst.
        wrk_registrations(base, args.clients, 2, forum_sets, "warmup")
        burst = wrk_registrations(base, args.clients, args.seconds, forum_sets, "burst")
        saved = Registration.objects.filter(
            conference=conference, email__startswith="burst"
        ).count()
        print(
            f"POST /register/ {args.clients} clients: {burst['ok']} registrations in "
            f"{burst['elapsed']:.1f} s = {burst['ok'] / burst['elapsed']:.0f}/s; "
            f"p50 {burst['p50']}, p99 {burst['p99']}; "
            f"errors: {sum(burst['status'].values())} {burst['status'] or ''}"
            + (f" {burst['socket_errors']}" if burst["socket_errors"] else "")
            + f"; saved in the database: {saved}"
        )
        counts = Forum.objects.filter(conference=conference).annotate(
            seated=Count("picks", filter=Q(picks__status="seated"))
        )
        overbooked = [f.title for f in counts if f.seated > f.capacity]
        print(f"  capacity invariant after the burst: overbooked forums = {overbooked or 'none'}")
        if not burst["ok"]:
            # Every answer was the form again (a 200): the bench itself is broken, not fast.
            raise SystemExit("bench/load.py: no registration went through; see the statuses")

        target = forums[-1]
        seated_before = ForumPick.objects.filter(forum=target, status="seated").count()
        Forum.objects.filter(pk=target.pk).update(capacity=seated_before + 1)
        last = asyncio.run(
            registration_burst(
                base, args.clients, 60, [[target.pk]], "lastseat", total=args.clients
            )
        )
        seated_after = ForumPick.objects.filter(forum=target, status="seated").count()
        waiting = ForumPick.objects.filter(forum=target, status="waiting").count()
        print(
            f"POST /register/ {args.clients} at once for one last seat: {last['ok']} answered, "
            f"{seated_after - seated_before} seated, {waiting} waiting, "
            f"errors {sum(last['status'].values()) + last['exceptions']}"
        )
    finally:
        stop(server)


if __name__ == "__main__":
    main()
