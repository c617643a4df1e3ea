"""The local cluster (bench/cluster.py), smallest shape: PostgreSQL primary + streaming replica,
one Redis, nginx with deploy/nginx.conf in front of two gunicorn instances, one mail worker and
the SMTP sink. One registration end to end through the proxy: the done page, the row on the
primary, the same row on the replica, exactly one confirmation in the sink. Then one short
chaos run (bench/chaos.py's harness): a registration burst through a PostgreSQL restart keeps
the invariants (no forum overbooked, every 302-to-done has its row) and the site answers again.
How many requests fail is measured by `make chaos`, not asserted here.

About 40 s in all, so it runs once per CI run, in the PostgreSQL stage (CI=true with a
PostgreSQL DATABASE_URL; .ci/run installs nginx there), where a missing binary (PostgreSQL's
server binaries, redis-server, nginx) fails it. Elsewhere it runs with GOTC_CLUSTER_TESTS=1.
"""

import os
import re
import time

import pytest

from bench.chaos import Chaos, Settings, summarize
from bench.cluster import Cluster, Ports, missing_binaries, read_sink

httpx = pytest.importorskip("httpx")

ON_CI = os.environ.get("CI") == "true" and os.environ.get("DATABASE_URL", "").startswith("postg")
WANTED = ON_CI or os.environ.get("GOTC_CLUSTER_TESTS") == "1"
MISSING = missing_binaries()
pytestmark = [
    pytest.mark.skipif(
        not WANTED,
        reason="the cluster smoke test runs in CI's PostgreSQL stage or with GOTC_CLUSTER_TESTS=1",
    ),
    pytest.mark.skipif(
        bool(MISSING) and not ON_CI, reason="the local cluster needs " + ", ".join(MISSING)
    ),
]

EMAIL = "smoke.cluster@example.org"


def eventually(read, seconds: float):
    """``read()`` once it is truthy (polled for up to ``seconds``), or its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def cookie_header(cookies: dict) -> dict:
    # The cookies are Secure (production settings) and the cluster speaks plain http on
    # 127.0.0.1: httpx would keep them to itself, so they travel by hand.
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}


@pytest.fixture(scope="module")
def cluster():
    with Cluster(
        ports=Ports.free(),
        web=2,
        web_workers=1,
        mail_workers=1,
        redis_replica=False,
        sentinels=0,
        mail_interval=0.5,
        seconds_limit=170,
        stop_parent_at_limit=False,
        quiet=True,
    ) as running:
        yield running


def test_a_registration_through_the_proxy_reaches_replica_and_inbox(cluster):
    forums = cluster.pg_primary.query(
        "SELECT DISTINCT ON (starts_at) id FROM agenda_forum ORDER BY starts_at, id"
    )
    cookies: dict[str, str] = {}
    with httpx.Client(base_url=cluster.base_url, timeout=30) as http:
        page = http.get("/register/")
        assert page.status_code == 200
        cookies.update({c.name: c.value for c in page.cookies.jar})
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        http.cookies.clear()
        response = http.post(
            "/register/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "full_name": "Smoke Cluster",
                "email": EMAIL,
                "organization": "Cluster",
                "job_title": "Tester",
                "language": "en",
                "consent": "on",
                "forums": [str(row[0]) for row in forums[:2]],
            },
            headers={**cookie_header(cookies), "Referer": "https://127.0.0.1/register/"},
        )
        assert response.status_code == 302, response.text[:500]
        assert "/done" in response.headers["location"]
        cookies.update({c.name: c.value for c in response.cookies.jar})
        http.cookies.clear()
        done = http.get(response.headers["location"], headers=cookie_header(cookies))
        assert done.status_code == 200
        assert "Smoke Cluster" in done.text

    query = "SELECT count(*) FROM registration_registration WHERE email = %s"
    assert cluster.pg_primary.query(query, [EMAIL]) == [(1,)]
    assert cluster.pg_replica.in_recovery()
    assert eventually(lambda: cluster.pg_replica.query(query, [EMAIL]) == [(1,)], 10)

    def sent():
        return [m for m in read_sink(cluster.sink_file) if EMAIL in m["rcpt"]]

    assert eventually(sent, 40), "no confirmation reached the SMTP sink"
    time.sleep(1.5)  # three more worker passes: a second copy would show
    assert len(sent()) == 1


def test_public_pages_answer_with_the_replica_stopped(cluster):
    replica = cluster.pg_replica
    replica.pg_ctl("stop", "-m", "fast", "-w")
    replica.child.popen.wait()
    try:
        with httpx.Client(base_url=cluster.base_url, timeout=30) as http:
            for path in ("/", "/agenda/", "/agenda.json", "/agenda.ics"):
                assert http.get(path).status_code == 200, path
    finally:
        replica.start()
    query = "SELECT count(*) FROM registration_registration WHERE email = %s"
    assert eventually(lambda: replica.query(query, [EMAIL]) == [(1,)], 20)


def test_a_burst_through_a_database_restart_keeps_the_invariants(cluster):
    settings = Settings(burst=6, warmup=2, tail=2, clients=4, mail_wait=20)
    chaos = Chaos(cluster, settings, run_id="smoke")

    row = summarize(chaos.run("pg-restart"), settings)

    assert row["registered"] > 0
    assert row["lost"] == 0
    assert row["overbooked"] == 0
    assert cluster.healthy()
