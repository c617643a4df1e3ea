"""Scale-out on one machine: two gunicorn instances sharing the database and Redis.

A registration burst split across both never overbooks; the rate limit is one limit, not one
per instance; a change made through one instance invalidates the cached page on the other.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from registration.enums import PickStatus
from registration.models import ForumPick
from tests.factories import ConferenceFactory, ForumFactory

ROOT = Path(settings.BASE_DIR)
REDIS_URL = "redis://127.0.0.1:6379/9"
httpx = pytest.importorskip("httpx")
redis = pytest.importorskip("redis")


def redis_available() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not redis_available(), reason="Redis at 127.0.0.1:6379 is not reachable"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def instances(tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {
        **os.environ,
        "MEDIA_ROOT": str(tmp_path / "media"),  # email attachments, never the checkout's media/
        "DEBUG": "1",
        "SECRET_KEY": "scale-test-" + "x" * 40,
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "EMAIL_DELIVERY": "worker",
        "RATELIMIT_REGISTER": "14/h",  # an hour: a minute window may turn over mid-test
        "DJANGO_SETTINGS_MODULE": "gotc.settings",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "2",
    }
    processes, bases = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "gotc.wsgi", "-c", "gunicorn.conf.py"],
                    cwd=ROOT,
                    env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                    start_new_session=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 40
        for base in bases:
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail("the two gunicorn instances did not start")
                time.sleep(0.3)
        yield bases
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        redis.Redis.from_url(REDIS_URL).flushdb()


def register(base: str, number: int, forum_id: int) -> int:
    """One visitor: load the form, post it; the status code of the answer."""
    with httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/register/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = client.post(
            "/register/",
            data={
                "csrfmiddlewaretoken": token,
                "full_name": f"Scale {number}",
                "email": f"scale{number}@example.org",
                "organization": "Two hosts",
                "job_title": "Tester",
                "language": "en",
                "consent": "on",
                "forums": [str(forum_id)],
            },
        )
        return response.status_code


def seats_on_home(base: str) -> str:
    """What the home page says about the forum's seats: "5 seats left", or "Full"."""
    text = httpx.get(f"{base}/", timeout=10).text
    found = re.search(r"\d+ seats? left|>Full<", text)
    return found.group(0).strip("<>") if found else "?"


def eventually(read, expected, seconds: float = 2.0):
    """What ``read()`` returns once it equals ``expected`` (polled for up to ``seconds``), or
    its last value, so that a failing assertion shows what was read."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_two_instances_share_seats_limits_and_cache(instances):
    first, second = instances
    conference = ConferenceFactory()
    forum = ForumFactory(conference=conference, capacity=5)
    # Both instances now hold a cached home page.
    assert [seats_on_home(first), seats_on_home(second)] == ["5 seats left", "5 seats left"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda n: register(instances[n % 2], n, forum.pk), range(10)))

    assert statuses == [302] * 10
    counts = {
        status: ForumPick.objects.filter(forum=forum, status=status).count()
        for status in (PickStatus.SEATED, PickStatus.WAITING)
    }
    assert counts == {PickStatus.SEATED: 5, PickStatus.WAITING: 5}
    # Seats changed through the instances: both cached home pages go stale, each within its
    # PAGE_CACHE_CHECK_SECONDS (0.25 s) of the last change.
    both = eventually(lambda: [seats_on_home(first), seats_on_home(second)], ["Full", "Full"])
    assert both == ["Full", "Full"]

    # 14 registrations an hour per address, counted once for both instances: 10 spent.
    later = [register(instances[n % 2], n, forum.pk) for n in range(10, 16)]

    assert later == [302, 302, 302, 302, 429, 429]
