"""With REDIS_SENTINELS the cache follows a Redis failover without restarting the app.

Real processes on free ports: a Redis primary, its replica and one Sentinel (quorum 1). The
primary is killed with SIGKILL; Sentinel promotes the replica; the same cache object (as
gotc.settings builds it for REDIS_SENTINELS) writes to the new primary within seconds.
"""

import shutil
import subprocess
import time

import pytest
import redis

from gotc.cache import ResilientRedisCache
from tests.faults.conftest import RedisServer, free_port

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)
MASTER = "gotc"


def wait_for(read, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = read()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def sentinel_setup(tmp_path):
    primary, replica = RedisServer(free_port()), RedisServer(free_port())
    primary.start()
    replica.start(replica_of=primary.port)
    port = free_port()
    config = tmp_path / "sentinel.conf"
    config.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {tmp_path}\n"
        f"sentinel monitor {MASTER} 127.0.0.1 {primary.port} 1\n"
        f"sentinel down-after-milliseconds {MASTER} 1000\n"
        f"sentinel failover-timeout {MASTER} 10000\n"
    )
    sentinel = subprocess.Popen(  # noqa: S603 - the Debian redis-server, fixed arguments
        [shutil.which("redis-server"), str(config), "--sentinel"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ask = redis.Redis(port=port, socket_timeout=1)
        wait_for(
            lambda: _quiet(lambda: ask.sentinel_slaves(MASTER)), 15, "Sentinel to see the replica"
        )
        yield primary, replica, ask
    finally:
        sentinel.terminate()
        sentinel.wait(timeout=10)
        primary.stop()
        replica.stop()


def _quiet(call):
    try:
        return call()
    except redis.RedisError:
        return None


def test_the_cache_follows_a_sentinel_failover(settings, sentinel_setup):
    primary, replica, sentinel = sentinel_setup
    settings.REDIS_BREAKER_SECONDS = 0.2
    sentinel_port = sentinel.connection_pool.connection_kwargs["port"]
    cache = ResilientRedisCache(
        f"redis://{MASTER}/0",
        {
            "KEY_PREFIX": "sentinel-test",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
                "CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory",
                "SENTINELS": [("127.0.0.1", sentinel_port)],
                "SENTINEL_KWARGS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
            },
        },
    )
    cache.set("before", "written to the first primary", 60)
    assert redis.Redis(port=primary.port).exists("sentinel-test:1:before")

    follower = redis.Redis(port=replica.port)
    wait_for(lambda: follower.exists("sentinel-test:1:before"), 10, "replication")

    primary.process.kill()  # kill -9
    killed = time.monotonic()
    wait_for(
        lambda: (
            _quiet(lambda: sentinel.sentinel_get_master_addr_by_name(MASTER)[1]) == replica.port
        ),
        30,
        "Sentinel to promote the replica",
    )
    promoted = time.monotonic()

    def write_after_failover():
        cache.set("after", "written to the promoted replica", 60)
        return cache.get("after") == "written to the promoted replica"

    wait_for(write_after_failover, 5, "the cache to write to the new primary")

    assert redis.Redis(port=replica.port).get("sentinel-test:1:after") is not None
    assert cache.get("before") == "written to the first primary"
    print(  # the numbers, for the closing note (pytest -s)
        f"promoted {promoted - killed:.1f} s after the kill; "
        f"cache writing again {time.monotonic() - promoted:.1f} s after the promotion"
    )
