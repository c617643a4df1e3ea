"""Real servers, real logs: the registration limit is one limit across two processes sharing
Redis, and the request lines runserver and gunicorn write never hold a secret link.

Each server runs the production settings module (gotc.settings, DEBUG=1 so that no SECRET_KEY
is needed) on a SQLite file of its own, migrated and filled with the demo program.
"""

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
REDIS_DB = 13  # nobody else's: tests/scale uses 9, bench 7
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
TIMEOUT = 10  # seconds, for every HTTP request


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_environment(database: Path, **extra: str) -> dict[str, str]:
    """The test process's environment minus what would change the settings, plus ``extra``."""
    skipped = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "REDIS_URL", "DATABASE_URL"}
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in skipped and not name.startswith(("RATELIMIT_", "AXES_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="gotc.settings",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(database.parent / "media"),  # email attachments, never the checkout's
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        EMAIL_DELIVERY="worker",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return environment


@pytest.fixture(scope="module")
def site_database(tmp_path_factory) -> Path:
    """A migrated SQLite file with the demo program and its demo attendees."""
    database = tmp_path_factory.mktemp("live") / "site.sqlite3"
    environment = base_environment(database)
    for command in (["migrate", "--noinput"], ["load_demo"], ["load_demo_attendees"]):
        subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            timeout=180,
            check=True,
        )
    return database


def query(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def running(command: list[str], environment: dict[str, str], log: Path) -> Iterator[Server]:
    """Start a server, wait until /healthz answers, stop it (and only it) afterwards."""
    port = free_port()
    command = [arg.replace("{port}", str(port)) for arg in command]
    environment = {k: v.replace("{port}", str(port)) for k, v in environment.items()}
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own server with fixed arguments
            command,
            cwd=ROOT,
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited with {process.returncode}:\n{server.output()}")
            try:
                with urllib.request.urlopen(f"{server.base}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not start:\n{server.output()}")
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def runserver() -> list[str]:
    return [sys.executable, "manage.py", "runserver", "127.0.0.1:{port}", "--noreload"]


def gunicorn() -> list[str]:
    return [sys.executable, "-m", "gunicorn", "gotc.wsgi", "-c", "gunicorn.conf.py"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser() -> urllib.request.OpenerDirector:
    """A visitor: one cookie jar for every server (cookies are per host, not per port)."""
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
    )


def fetch(opener, url: str, data: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=TIMEOUT) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


# --- one limit across processes -----------------------------------------------------------


@pytest.fixture
def redis_db():
    if not redis_reachable():
        pytest.skip("Redis at 127.0.0.1:6379 is not reachable")
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


def test_registration_limit_is_shared_by_two_processes(site_database, redis_db, tmp_path):
    prefix = f"gotc-security-{uuid.uuid4().hex[:8]}"
    environment = base_environment(
        site_database,
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        # Per hour rather than per minute: five requests never straddle two windows.
        RATELIMIT_REGISTER="4/h",
        LOG_LEVEL="WARNING",
    )
    (forum_id,) = query(site_database, "SELECT id FROM agenda_forum WHERE slug = 'main-forum'")[0]
    visitor = browser()

    with (
        running(runserver(), environment, tmp_path / "a.log") as first,
        running(runserver(), environment, tmp_path / "b.log") as second,
    ):
        status, page = fetch(visitor, f"{first.base}/register/")
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        answers = []
        for number, server in enumerate([first, second, first, second, first]):
            answers.append(
                fetch(
                    visitor,
                    f"{server.base}/register/",
                    {
                        "csrfmiddlewaretoken": token,
                        "full_name": f"Colleague {number}",
                        "email": f"colleague{number}@example.org",
                        "organization": "One Office",
                        "job_title": "Developer",
                        "language": "en",
                        "consent": "on",
                        "forums": [str(forum_id)],
                    },
                )
            )

    assert [status for status, _ in answers] == [302, 302, 302, 302, 429]
    assert "Too many requests" in answers[4][1]
    assert "Traceback" not in answers[4][1]
    registered = query(
        site_database, "SELECT email FROM registration_registration WHERE email LIKE 'colleague%'"
    )
    assert sorted(email for (email,) in registered) == [
        f"colleague{n}@example.org" for n in range(4)
    ]
    # The counts live in Redis under this run's key prefix.
    assert [key for key in redis_db.scan_iter(f"{prefix}:*") if b":rl:" in key]


# --- secret links stay out of the servers' logs ----------------------------------------------


@pytest.fixture
def demo_token(site_database) -> str:
    """The first demo attendee's private link token, derived as the servers derive it (the
    database holds only its hash)."""
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from registration.models import Registration; "
            "print(Registration.objects.order_by('id').first().manage_token)",
        ],
        cwd=ROOT,
        env=base_environment(site_database),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        (runserver, {}),
        (gunicorn, {"GUNICORN_BIND": "127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}),
    ],
    ids=["runserver", "gunicorn"],
)
def test_server_request_lines_never_hold_the_token(
    site_database, demo_token, tmp_path, command, extra
):
    environment = base_environment(
        site_database, GUNICORN_ACCESS_LOG="-", LOG_LEVEL="INFO", **extra
    )
    unknown = "Z" * 43
    visitor = browser()

    with running(command(), environment, tmp_path / "server.log") as server:
        statuses = [
            fetch(visitor, f"{server.base}/r/{demo_token}/")[0],
            fetch(visitor, f"{server.base}/r/{demo_token}/calendar.ics")[0],
            fetch(visitor, f"{server.base}/zh-hans/r/{demo_token}/my-data.json")[0],
            fetch(visitor, f"{server.base}/r/{unknown}/")[0],
        ]
        time.sleep(0.5)  # let the last access line reach the log
        output = server.output()

    assert statuses == [200, 302, 200, 404]  # the old calendar address redirects
    assert demo_token not in output
    assert unknown not in output
    request_lines = re.findall(r'"GET (/\S*) HTTP/1\.1"', output)
    assert [line for line in request_lines if "/r/" in line] == [
        "/r/[redacted]/",
        "/r/[redacted]/calendar.ics",
        "/zh-hans/r/[redacted]/my-data.json",
        "/r/[redacted]/",
    ]
