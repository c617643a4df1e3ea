"""A Redis of our own for fault tests: started on a free port, stopped (SIGSTOP: frozen) or
killed at will, and always stopped by its own PID at the end. The machine's Redis on 6379 is
never touched."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, replica_of: int | None = None) -> None:
        follow = ["--replicaof", "127.0.0.1", str(replica_of)] if replica_of else []
        self.process = subprocess.Popen(  # noqa: S603 - the Debian redis-server, fixed arguments
            [
                shutil.which("redis-server"),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
                # A replica writes the primary's snapshot to its directory: not the checkout.
                "--dir", tempfile.gettempdir(),
                "--dbfilename", f"gotc-test-redis-{self.port}.rdb",
                *follow,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        pytest.fail("redis-server did not start")

    def stop(self) -> None:
        """Redis down: connections are refused."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)  # a frozen one must be able to exit
            self.process.terminate()
            self.process.wait(timeout=10)

    def freeze(self) -> None:
        """Redis frozen: connections are accepted, nothing is answered."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def redis_cache_settings(url: str) -> dict:
    """CACHES as gotc.settings builds them with REDIS_URL set (production defaults)."""
    return {
        "default": {
            "BACKEND": "gotc.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "gotc-faults",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25},
        }
    }


@pytest.fixture
def redis_cache(settings, redis_server) -> Iterator[RedisServer]:
    """This process's cache (pages, rate limits, admin lockouts) is ``redis_server``."""
    from axes.handlers.proxy import AxesProxyHandler

    from gotc.pagecache import forget_versions

    settings.CACHES = redis_cache_settings(redis_server.url)
    settings.REDIS_BREAKER_SECONDS = 5.0
    settings.RATELIMIT_ENABLE = True  # off in gotc.settings_test
    settings.AXES_ENABLED = True
    # django-axes binds its cache when its handler is built: build it again on first use, on
    # this cache now and on the test cache after the settings are restored.
    AxesProxyHandler.implementation = None
    forget_versions()
    yield redis_server
    forget_versions()
    AxesProxyHandler.implementation = None


@pytest.fixture
def forum(conference):
    from tests.factories import ForumFactory

    return ForumFactory(conference=conference, title="Open Source Infrastructure", capacity=5)


def registration_form(forum, email: str = "li.wei@example.org") -> dict:
    """The registration form as a browser posts it."""
    return {
        "full_name": "Li Wei",
        "email": email,
        "organization": "OpenAtom Foundation",
        "job_title": "Maintainer",
        "language": "en",
        "forums": [forum.pk],
        "consent": "on",
        "website": "",
    }
