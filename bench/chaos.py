"""Chaos runs on the local cluster (bench/cluster.py): one fault at a time under a registration
burst, then the invariants and the damage, printed as a table.

Usage: .venv/bin/python bench/chaos.py [--quick] [--only web-kill,redis-freeze] [--markdown F]
       (make chaos; CHAOS_QUICK=1 make chaos for the short run)

For each fault: visitors (threads) load the form, post a registration with a new address and
open the done page, through nginx, for the whole burst; a probe loads the home page every
0.2 s. The fault is injected a few seconds in. Afterwards, read on the current PostgreSQL
primary: overbooked forums (seated > capacity), registrations answered 302-to-done without a
row ("lost"), registrations saved while the visitor was shown an error, and for every saved
registration the number of emails the SMTP sink received for it (exactly one expected).
"Error window": from the start of the first failed request (visitors or home probe) to the
end of the last one. Home latency: of the probe during the fault (injection until 5 s after
the fault ends). The harness measures; it never retries a visitor's request or restarts a
process during the measurement, except where the fault says so (the re-point after a
failover, which the app cannot do by itself).

Faults, in order: baseline (none), web-kill, rolling-restart (the re-point procedure alone,
no fault), redis-freeze, redis-failover, pg-restart, mail-kill, slow-clients,
slow-clients-direct, pg-promote.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import re
import signal
import socket
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cluster import Cluster, exit_on_signals, read_sink, wait_until
from registration.loadprogram import two_free_slots

FAULTS = [
    "baseline",
    "web-kill",
    "rolling-restart",
    "redis-freeze",
    "redis-failover",
    "pg-restart",
    "replica-stop",
    "mail-kill",
    "slow-clients",
    "slow-clients-direct",
    "pg-promote",
]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Settings:
    burst: float  # seconds of registrations per fault (at least)
    warmup: float  # seconds before the fault is injected
    tail: float  # seconds of burst after the fault ends
    clients: int
    mail_wait: float  # seconds to wait for every confirmation after the burst
    freeze: float = 8.0
    slow_clients: int = 500
    slow_hold: float = 20.0
    repoint: bool = False

    @classmethod
    def make(cls, quick: bool) -> Settings:
        if quick:
            return cls(
                burst=12, warmup=3, tail=4, clients=8, mail_wait=45, slow_hold=12, slow_clients=500
            )
        return cls(burst=30, warmup=5, tail=8, clients=12, mail_wait=75)


# --- Load: visitors and the home-page probe ---------------------------------------------------


@dataclass
class Request:
    kind: str  # form, post, done, home, home-direct
    start: float
    end: float
    status: int | None  # None: no answer (timeout, connection refused or reset)
    error: str = ""

    @property
    def failed(self) -> bool:
        expected = {"form": 200, "post": 302, "done": 200, "home": 200, "home-direct": 200}
        return self.status != expected[self.kind]

    @property
    def label(self) -> str:
        special = {-200: "200 without the form", -302: "302 not to the done page"}
        if self.kind == "done" and self.status == 302:
            return "302 (back to the form: the done page lost its data)"
        if self.status is None:
            return self.error or "no answer"
        return special.get(self.status, str(self.status))


@dataclass
class Visitor:
    email: str
    requests: list[Request] = field(default_factory=list)
    registered: bool = False  # the POST answered 302 to the done page
    posted: bool = False  # the POST was sent (its answer may be an error)


class Load:
    """Visitors in threads, and a home-page probe, until ``stop()``."""

    def __init__(self, base: str, prefix: str, forum_sets, clients: int, direct: str | None):
        self.base, self.prefix, self.forum_sets, self.clients = base, prefix, forum_sets, clients
        self.direct = direct  # a gunicorn's own address, probed too (slow-clients-direct)
        self.visitors: list[Visitor] = []
        self.probes: list[Request] = []
        self.counter = itertools.count()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        targets = [self._visit] * self.clients + [lambda: self._probe(self.base + "/", "home")]
        if self.direct:
            targets.append(lambda: self._probe(self.direct + "/", "home-direct"))
        for target in targets:
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=45)

    def _visit(self) -> None:
        import httpx

        with httpx.Client(base_url=self.base, timeout=30) as http:
            while not self.stopping.is_set():
                number = next(self.counter)
                visitor = Visitor(email=f"{self.prefix}{number}@example.org")
                with self.lock:
                    self.visitors.append(visitor)
                self._one_visitor(http, visitor, number)
                if visitor.requests and visitor.requests[-1].failed:
                    time.sleep(0.2)  # a person reading an error page does not retry at once

    def _send(self, http, visitor: Visitor, kind: str, method: str, url: str, cookies, **kw):
        import httpx

        http.cookies.clear()  # cookies go by hand: they are Secure and this is plain http
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
        headers.update(kw.pop("headers", {}))
        started = time.monotonic()
        try:
            response = http.request(method, url, headers=headers, **kw)
        except httpx.HTTPError as exc:
            visitor.requests.append(
                Request(kind, started, time.monotonic(), None, type(exc).__name__)
            )
            return None
        visitor.requests.append(Request(kind, started, time.monotonic(), response.status_code))
        for cookie in response.cookies.jar:
            cookies[cookie.name] = cookie.value
        return response

    def _one_visitor(self, http, visitor: Visitor, number: int) -> None:
        cookies: dict[str, str] = {}
        page = self._send(http, visitor, "form", "GET", "/register/", cookies)
        token = TOKEN.search(page.text) if page is not None and page.status_code == 200 else None
        if token is None:
            if page is not None and page.status_code == 200:
                visitor.requests[-1].status = -200  # a page without the form
            return
        forums = self.forum_sets[number % len(self.forum_sets)]
        visitor.posted = True
        response = self._send(
            http,
            visitor,
            "post",
            "POST",
            "/register/",
            cookies,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "full_name": f"Chaos Visitor {number}",
                "email": visitor.email,
                "organization": "Chaos",
                "job_title": "Tester",
                "language": "en",
                "consent": "on",
                "forums": [str(pk) for pk in forums],
            },
            # The page as the app sees it: nginx passes Host without the port, and https.
            headers={"Referer": "https://127.0.0.1/register/"},
        )
        if response is None or response.status_code != 302:
            return
        location = response.headers.get("location", "")
        if "/done" not in location:
            visitor.requests[-1].status = -302  # a redirect elsewhere
            return
        visitor.registered = True
        self._send(http, visitor, "done", "GET", location, cookies)

    def _probe(self, url: str, kind: str) -> None:
        import httpx

        headers = {"X-Forwarded-Proto": "https"}  # as nginx sends it (for a direct probe)
        with httpx.Client(timeout=10, headers=headers) as http:
            while not self.stopping.is_set():
                started = time.monotonic()
                try:
                    status = http.get(url).status_code
                    error = ""
                except httpx.HTTPError as exc:
                    status, error = None, type(exc).__name__
                with self.lock:
                    self.probes.append(Request(kind, started, time.monotonic(), status, error))
                time.sleep(max(0.0, 0.2 - (time.monotonic() - started)))


class SlowClients:
    """``count`` connections that hold a server: a third connect and send nothing, a third
    send request headers a line every 5 s and never finish (slowloris), a third make one
    request and then stay open idle (keep-alive). A connection the server closes is opened
    again, as an attacker would."""

    def __init__(self, port: int, count: int):
        self.port, self.count = port, count
        self.sockets: dict[int, socket.socket | None] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.opened = self.reopened = self.refused = 0

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)
        for sock in self.sockets.values():
            if sock:
                sock.close()

    def _open(self, index: int) -> None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        except OSError:
            self.refused += 1
            self.sockets[index] = None
            return
        sock.setblocking(False)
        head = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
        with contextlib.suppress(OSError):
            if index % 3 == 1:
                sock.send(head.encode())
            elif index % 3 == 2:
                sock.send((head + "\r\n").encode())
        self.sockets[index] = sock
        self.opened += 1

    def _run(self) -> None:
        for index in range(self.count):
            if self.stopping.is_set():
                return
            self._open(index)
        while not self.stopping.wait(5):
            for index, sock in list(self.sockets.items()):
                alive = sock is not None
                if alive:
                    try:
                        with contextlib.suppress(BlockingIOError):
                            if sock.recv(65536) == b"" and index % 3 != 2:
                                alive = False  # closed by the server
                        if alive and index % 3 == 1:
                            sock.send(b"X-Slow: 1\r\n")
                    except OSError:
                        alive = False
                if not alive:
                    if sock:
                        sock.close()
                    self.reopened += 1
                    self._open(index)


# --- One fault ------------------------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    description: str = ""
    inject_at: float = 0.0
    recovered_at: float = 0.0
    notes: list[str] = field(default_factory=list)
    visitors: list[Visitor] = field(default_factory=list)
    probes: list[Request] = field(default_factory=list)
    rows: set[str] = field(default_factory=set)
    overbooked: list[tuple] = field(default_factory=list)
    emails: dict = field(default_factory=dict)
    exceptions: Counter = field(default_factory=Counter)
    burst_seconds: float = 0.0


class Chaos:
    def __init__(self, cluster: Cluster, settings: Settings, run_id: str):
        self.cluster, self.settings, self.run_id = cluster, settings, run_id
        self.rate = 0.0  # registrations/s seen in the last burst (sizes the capacities)
        self.outcomes: list[Outcome] = []
        self.log_offsets: dict[str, int] = {}

    def log(self, message: str) -> None:
        self.cluster.log(message)

    # -- the database, read directly (never through the app) --
    def conference(self) -> int:
        return self.cluster.pg_primary.query(
            "SELECT id FROM agenda_conference WHERE slug = 'load'"
        )[0][0]

    def forum_sets(self) -> list[list[int]]:
        rows = self.cluster.pg_primary.query(
            "SELECT id, starts_at, ends_at FROM agenda_forum WHERE conference_id = %s "
            "ORDER BY starts_at, id",
            [self.conference()],
        )
        forums = [SimpleNamespace(pk=pk, starts_at=start, ends_at=end) for pk, start, end in rows]
        # Two forums that do not overlap (the form refuses overlapping picks).
        lists = [[forum.pk for forum in slot] for slot in two_free_slots(forums)]
        return [[lists[0][i % len(lists[0])], lists[1][i % len(lists[1])]] for i in range(30)]

    def tighten_capacities(self) -> int:
        """Each forum gets as many free seats as the burst fills in the first seconds after
        the fault: seats run out during the fault, so overbooking would show."""
        seats = 30
        if self.rate:
            # A registration picks one forum in each of two slots of three forums.
            seats = max(10, int(self.rate / 3 * (self.settings.warmup + 2)))
        self.cluster.pg_primary.query(
            "UPDATE agenda_forum f SET capacity = %s + (SELECT count(*) FROM "
            "registration_forumpick p WHERE p.forum_id = f.id AND p.status = 'seated') "
            "WHERE f.conference_id = %s",
            [seats, self.conference()],
        )
        return seats

    def overbooked(self) -> list[tuple]:
        return self.cluster.pg_primary.query(
            "SELECT f.id, f.capacity, count(p.id) FROM agenda_forum f "
            "JOIN registration_forumpick p ON p.forum_id = f.id AND p.status = 'seated' "
            "GROUP BY f.id, f.capacity HAVING count(p.id) > f.capacity"
        )

    def saved(self, prefix: str) -> set[str]:
        rows = self.cluster.pg_primary.query(
            "SELECT lower(email) FROM registration_registration WHERE email LIKE %s",
            [prefix + "%"],
        )
        return {row[0] for row in rows}

    def outbox(self) -> tuple[int, int]:
        """(pending rows not yet rendered, emails queued or requeued in post_office)."""
        pending = self.cluster.pg_primary.query("SELECT count(*) FROM registration_pendingemail")
        queued = self.cluster.pg_primary.query(
            "SELECT count(*) FROM post_office_email WHERE status IN (2, 3)"
        )
        return pending[0][0], queued[0][0]

    def email_counts(self, rows: set[str]) -> Counter:
        counts = Counter()
        for message in read_sink(self.cluster.sink_file):
            for rcpt in message["rcpt"]:
                if rcpt in rows:
                    counts[rcpt] += 1
        return counts

    # -- logs: which exceptions the app raised during a fault --
    def new_exceptions(self) -> Counter:
        found = Counter()
        pattern = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Timeout|Interrupted)): ?(.*)")
        for path in sorted(self.cluster.logs.glob("*.log")):
            if not path.name.startswith(("web-", "mail-")):
                continue
            with open(path, errors="replace") as log:
                log.seek(self.log_offsets.get(path.name, 0))
                for line in log:
                    match = pattern.match(line.strip())
                    if match:
                        found[
                            f"{path.name.split('.')[0].rstrip('0123456789-')}: "
                            f"{match.group(1).rsplit('.', 1)[-1]}"
                        ] += 1
                self.log_offsets[path.name] = log.tell()
        return found

    # -- running a fault --
    def run(self, name: str) -> Outcome:
        settings = self.settings
        outcome = Outcome(name)
        prefix = f"{self.run_id}-{name}-"
        self.new_exceptions()  # skip what the logs hold so far
        seats = self.tighten_capacities()
        outcome.notes.append(f"{seats} free seats per forum at the start")
        prepare = getattr(self, f"prepare_{name.replace('-', '_')}", None)
        if prepare:
            prepare(outcome)
        direct = (
            f"http://127.0.0.1:{self.cluster.ports.web[0]}"
            if name == "slow-clients-direct"
            else None
        )
        load = Load(self.cluster.base_url, prefix, self.forum_sets(), settings.clients, direct)
        started = time.monotonic()
        load.start()
        try:
            time.sleep(settings.warmup)
            outcome.inject_at = time.monotonic()
            self.log(f"{name}: injecting")
            try:
                getattr(self, f"fault_{name.replace('-', '_')}")(outcome)
            except Exception as exc:  # measured and reported, not hidden
                outcome.notes.append(f"the fault's own steps failed: {exc!r}"[:400])
            outcome.recovered_at = time.monotonic()
            remaining = max(
                started + settings.burst - time.monotonic(),
                outcome.recovered_at + settings.tail - time.monotonic(),
            )
            time.sleep(max(0.0, remaining))
        finally:
            load.stop()
        outcome.burst_seconds = time.monotonic() - started
        outcome.visitors, outcome.probes = load.visitors, load.probes
        after = getattr(self, f"after_{name.replace('-', '_')}", None)
        if after:
            try:
                after(outcome)
            except Exception as exc:
                outcome.notes.append(f"the step after the burst failed: {exc!r}"[:400])
        self.measure(outcome, prefix)
        self.rate = sum(v.registered for v in outcome.visitors) / max(outcome.burst_seconds, 1)
        self.heal(outcome)
        self.outcomes.append(outcome)
        return outcome

    def measure(self, outcome: Outcome, prefix: str) -> None:
        registered = {v.email for v in outcome.visitors if v.registered}
        deadline = time.monotonic() + self.settings.mail_wait
        rows: set[str] = set()
        complete_since = None
        while time.monotonic() < deadline:
            rows = self.saved(prefix)
            counts = self.email_counts(rows)
            if all(counts[row] >= 1 for row in rows):
                # Everything arrived; one more worker pass shows late duplicates.
                complete_since = complete_since or time.monotonic()
                if time.monotonic() - complete_since > 7:
                    break
            alive = [c for c in self.cluster.mail if c and c.alive()]
            if not alive and time.monotonic() > deadline - self.settings.mail_wait + 10:
                outcome.notes.append("no mail worker alive: stopped waiting for emails")
                break
            time.sleep(1)
        outcome.rows = self.saved(prefix)
        counts = self.email_counts(outcome.rows)
        outcome.emails = {
            "once": sum(1 for row in outcome.rows if counts[row] == 1),
            "missing": sum(1 for row in outcome.rows if counts[row] == 0),
            "extra": sum(counts[row] - 1 for row in outcome.rows if counts[row] > 1),
        }
        outcome.overbooked = self.overbooked()
        outcome.exceptions = self.new_exceptions()
        dead = [c.name for c in [*self.cluster.web, *self.cluster.mail] if c and not c.alive()]
        if dead:
            outcome.notes.append("dead after the fault: " + ", ".join(dead))
        lost = registered - outcome.rows
        if lost:
            outcome.notes.append(f"lost rows, e.g. {sorted(lost)[:3]}")

    def heal(self, outcome: Outcome) -> None:
        """Back to a full cluster before the next fault (not measured)."""
        cluster = self.cluster
        for index, child in enumerate(cluster.web):
            if child is None or not child.alive():
                cluster.start_web(index)
        for index, child in enumerate(cluster.mail):
            if child is None or not child.alive():
                cluster.start_mail(index)
        wait_until(cluster.healthy, 60, "the site to answer /healthz")
        with contextlib.suppress(Exception):
            wait_until(lambda: self.outbox() == (0, 0), 60, "the mail outbox to drain")

    # -- the faults: prepare_* before the burst, fault_* at the injection (returns when the
    # fault is over), after_* once the burst has stopped --
    def fault_baseline(self, outcome: Outcome) -> None:
        outcome.description = "no fault: the same burst (two mail workers run all along)"

    def fault_web_kill(self, outcome: Outcome) -> None:
        outcome.description = "kill -9 of web-2 (gunicorn master and workers), left down"
        self.cluster.web[1].kill9()

    def fault_rolling_restart(self, outcome: Outcome) -> None:
        outcome.description = (
            "no fault: a deploy (web-1..3 one at a time: out of nginx's upstream, SIGTERM, "
            "started, back in; then the mail workers), the same settings"
        )
        started = time.monotonic()
        self.cluster.repoint()
        outcome.notes.append(f"rolling restart took {time.monotonic() - started:.1f} s")

    def fault_redis_freeze(self, outcome: Outcome) -> None:
        seconds = self.settings.freeze
        outcome.description = f"SIGSTOP of the Redis primary for {seconds:.0f} s, then SIGCONT"
        primary = self.cluster.redis_primary.child
        primary.send(signal.SIGSTOP)
        try:
            time.sleep(seconds)
        finally:
            primary.send(signal.SIGCONT)

    def fault_redis_failover(self, outcome: Outcome) -> None:
        cluster = self.cluster
        old = cluster.redis_primary
        outcome.description = (
            "kill -9 of the Redis primary; Sentinel promotes the replica; the app is re-pointed "
            "(rolling restart with the new REDIS_URL)"
            if self.settings.repoint
            else "kill -9 of the Redis primary; Sentinel promotes the replica; the app asks the "
            "Sentinels (REDIS_SENTINELS), no restart"
        )
        old.child.kill9()
        killed = time.monotonic()
        new_port = wait_until(
            lambda: (port := cluster.sentinel_master_port()) != old.port and port,
            60,
            "Sentinel to promote the replica",
            interval=0.2,
        )
        outcome.notes.append(
            f"Sentinel promoted :{new_port} {time.monotonic() - killed:.1f} s after the kill"
        )
        cluster.redis_failed_over(new_port)
        if self.settings.repoint:
            started = time.monotonic()
            cluster.repoint(redis_url=cluster.redis_primary.url)
            outcome.notes.append(
                f"re-point (rolling restart) took {time.monotonic() - started:.1f} s"
            )
        old.start(replica_of=new_port)  # back as a replica (Sentinel would make it one too)

    def fault_pg_restart(self, outcome: Outcome) -> None:
        outcome.description = "pg_ctl stop -m fast of the PostgreSQL primary, then start"
        started = time.monotonic()
        self.cluster.pg_primary.restart_fast()
        outcome.notes.append(f"PostgreSQL down for {time.monotonic() - started:.1f} s")

    def fault_replica_stop(self, outcome: Outcome) -> None:
        seconds = self.settings.freeze
        outcome.description = (
            f"pg_ctl stop -m fast of the PostgreSQL replica for {seconds:.0f} s, then start "
            "(its lagging reads go to the primary)"
        )
        cluster = self.cluster
        replica, primary = cluster.pg_replica, cluster.pg_primary
        replica.pg_ctl("stop", "-m", "fast", "-w")
        replica.child.popen.wait()
        try:
            if cluster.sync_replication:
                # With no standby, synchronous commits wait: the orchestrator (Patroni's
                # synchronous_mode, not strict) drops the synchronous standby after its check
                # interval, and adds it back once it streams again.
                time.sleep(1.0)
                primary.set_synchronous(False)
                outcome.notes.append(
                    "synchronous replication turned off 1 s after the replica stopped, back "
                    "on once it streamed again"
                )
            time.sleep(seconds)
        finally:
            replica.start()
            if cluster.sync_replication:
                wait_until(lambda: primary.streaming_standbys() > 0, 30, "the replica")
                primary.set_synchronous(True)

    def prepare_mail_kill(self, outcome: Outcome) -> None:
        for child in self.cluster.mail:
            child.stop(signal.SIGTERM, timeout=20)  # the outbox is empty: nothing in flight

    def fault_mail_kill(self, outcome: Outcome) -> None:
        outcome.description = (
            "mail workers stopped during the burst (a backlog builds), started again after it, "
            "and kill -9 of mail-1 while the two send the backlog"
        )

    def after_mail_kill(self, outcome: Outcome) -> None:
        prefix = f"{self.run_id}-mail-kill-"
        backlog = len(self.saved(prefix))
        for index in range(len(self.cluster.mail)):
            self.cluster.start_mail(index)
        started = time.monotonic()
        # Kill once sending is under way (a tenth of the backlog delivered), or after 20 s.
        with contextlib.suppress(Exception):
            wait_until(
                lambda: sum(self.email_counts(self.saved(prefix)).values()) >= backlog / 10,
                20,
                "the mail workers to start sending",
                interval=0.1,
            )
        self.cluster.mail[0].kill9()
        delivered = sum(self.email_counts(self.saved(prefix)).values())
        outcome.notes.append(
            f"backlog {backlog}; mail-1 killed {time.monotonic() - started:.1f} s after the "
            f"workers started, {delivered} emails delivered by then"
        )

    def _slow(self, outcome: Outcome, port: int, where: str) -> None:
        count, hold = self.settings.slow_clients, self.settings.slow_hold
        outcome.description = f"{count} slow/idle connections to {where} for {hold:.0f} s"
        slow = SlowClients(port, count)
        slow.start()
        try:
            time.sleep(hold)
        finally:
            slow.stop()
        outcome.notes.append(
            f"slow connections: {slow.opened} opened ({slow.reopened} re-opened after the "
            f"server closed them, {slow.refused} refused)"
        )

    def fault_slow_clients(self, outcome: Outcome) -> None:
        self._slow(outcome, self.cluster.ports.proxy, "nginx")

    def fault_slow_clients_direct(self, outcome: Outcome) -> None:
        self._slow(
            outcome,
            self.cluster.ports.web[0],
            f"web-1's gunicorn directly (:{self.cluster.ports.web[0]}, not the production path)",
        )

    def fault_pg_promote(self, outcome: Outcome) -> None:
        cluster = self.cluster
        outcome.description = (
            "kill -9 of the PostgreSQL primary (all its processes); pg_ctl promote of the "
            "replica; "
            + (
                "the app re-pointed (rolling restart with the new DATABASE_URL)"
                if self.settings.repoint
                else "the app finds it by itself (multi-host DATABASE_URL)"
            )
        )
        lag = cluster.pg_replica.query(
            "SELECT coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), "
            "pg_last_wal_replay_lsn()), 0)",
            dbname="postgres",
        )[0][0]
        cluster.pg_primary.child.kill9()
        killed = time.monotonic()
        cluster.promote_replica()  # async (no standby yet) until rebuild_replica
        outcome.notes.append(
            f"replica promoted {time.monotonic() - killed:.1f} s after the kill "
            f"(replay lag just before: {lag} bytes)"
        )
        if self.settings.repoint:
            started = time.monotonic()
            cluster.repoint(database_url=cluster.pg_primary.url)
            outcome.notes.append(
                f"re-point (rolling restart) took {time.monotonic() - started:.1f} s"
            )

    def after_pg_promote(self, outcome: Outcome) -> None:
        started = time.monotonic()
        self.cluster.rebuild_replica()
        outcome.notes.append(
            f"old primary rebuilt as a replica of the new one in {time.monotonic() - started:.1f} s"
        )


# --- Reporting --------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summarize(outcome: Outcome, settings: Settings) -> dict:
    requests = [r for v in outcome.visitors for r in v.requests]
    failed = [r for r in requests if r.failed]
    probes = [p for p in outcome.probes if p.kind == "home"]
    window_end = outcome.recovered_at + 5
    during = [p for p in probes if outcome.inject_at <= p.start <= window_end]
    errors = failed + [p for p in outcome.probes if p.failed]
    if errors:
        first = min(r.start for r in errors) - outcome.inject_at
        last = max(r.end for r in errors) - outcome.inject_at
        window = f"{last - first:.1f} ({first:+.1f}..{last:+.1f})"
    else:
        window = "0"
    registered = {v.email for v in outcome.visitors if v.registered}
    shown_error = {v.email for v in outcome.visitors if v.posted and not v.registered}
    statuses = Counter(f"{r.kind} {r.label}" for r in failed)
    home_failed = sum(1 for p in during if p.failed)
    latencies = [p.end - p.start for p in during if not p.failed]
    direct = [p for p in outcome.probes if p.kind == "home-direct"]
    direct_during = [p for p in direct if outcome.inject_at <= p.start <= window_end]
    posts = [
        r.end - r.start
        for r in requests
        if r.kind == "post" and outcome.inject_at <= r.start <= window_end
    ]
    done_failed = sum(
        1 for v in outcome.visitors for r in v.requests if r.kind == "done" and r.failed
    )
    return {
        "fault": outcome.name,
        "visitors": len(outcome.visitors),
        "registered": len(registered),
        "requests": len(requests),
        "failed": len(failed),
        "statuses": dict(statuses.most_common()),
        "window": window,
        "saved_shown_error": len(shown_error & outcome.rows),
        "done_failed": done_failed,
        "lost": len(registered - outcome.rows),
        "overbooked": len(outcome.overbooked),
        "rows": len(outcome.rows),
        "emails": outcome.emails,
        "home_p50": statistics.median(latencies) if latencies else float("nan"),
        "home_max": max((p.end - p.start for p in during), default=float("nan")),
        "home_failed": home_failed,
        "home_probes": len(during),
        "post_p50": statistics.median(posts) if posts else float("nan"),
        "post_max": max(posts, default=float("nan")),
        "direct": (
            {
                "p50": statistics.median([p.end - p.start for p in direct_during if not p.failed])
                if any(not p.failed for p in direct_during)
                else float("nan"),
                "max": max((p.end - p.start for p in direct_during), default=float("nan")),
                "failed": sum(1 for p in direct_during if p.failed),
                "probes": len(direct_during),
            }
            if direct
            else None
        ),
        "description": outcome.description,
        "notes": outcome.notes,
        "exceptions": dict(outcome.exceptions.most_common(6)),
    }


def seconds(value: float) -> str:
    return "-" if value != value else f"{value:.2f}"  # NaN: no successful request


def table(rows: list[dict]) -> str:
    header = (
        "| fault | registered / visitors | requests failed | error window s "
        "| saved, shown an error | done page failed | rows lost | overbooked forums "
        "| emails once / missing / extra "
        "| home p50 / max s (failed) |"
    )
    lines = [header, "|" + "---|" * 10]
    for row in rows:
        emails = row["emails"]
        lines.append(
            f"| {row['fault']} | {row['registered']} / {row['visitors']} "
            f"| {row['failed']} of {row['requests']} | {row['window']} "
            f"| {row['saved_shown_error']} | {row['done_failed']} | {row['lost']} "
            f"| {row['overbooked']} | {emails['once']} / {emails['missing']} / {emails['extra']} "
            f"| {seconds(row['home_p50'])} / {seconds(row['home_max'])} ({row['home_failed']} "
            f"of {row['home_probes']}) |"
        )
    return "\n".join(lines)


def details(rows: list[dict]) -> str:
    lines = []
    for row in rows:
        lines.append(f"- **{row['fault']}**: {row['description']}.")
        if row["statuses"]:
            lines.append(
                "  Failed requests: "
                + ", ".join(f"{key} x{count}" for key, count in row["statuses"].items())
                + "."
            )
        lines.append(
            f"  Registration POSTs during the fault: p50 {seconds(row['post_p50'])} s, "
            f"max {seconds(row['post_max'])} s."
        )
        if row["direct"]:
            d = row["direct"]
            lines.append(
                f"  web-1 probed directly: p50 {seconds(d['p50'])} s, "
                f"max {seconds(d['max'])} s, {d['failed']} of {d['probes']} failed."
            )
        if row["exceptions"]:
            lines.append(
                "  Exception lines in the app's logs (a chained traceback counts each): "
                + ", ".join(f"{key} x{count}" for key, count in row["exceptions"].items())
                + "."
            )
        for note in row["notes"]:
            lines.append(f"  {note[0].upper()}{note[1:]}.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", default=os.environ.get("CHAOS_QUICK", "") not in ("", "0")
    )
    parser.add_argument(
        "--only", default=os.environ.get("CHAOS_ONLY", ""), help="faults, comma-separated"
    )
    parser.add_argument("--json", type=Path, help="write the measured rows as JSON here")
    parser.add_argument("--markdown", type=Path, help="write the table and details here")
    parser.add_argument(
        "--seconds",
        type=float,
        default=float(os.environ.get("CHAOS_SECONDS", "1080")),
        help="hard limit for the whole run (CHAOS_SECONDS, default 1080)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the cluster's logs")
    parser.add_argument(
        "--ref",
        default=os.environ.get("CHAOS_REF") or None,
        help="measure this commit of the app (git archive), not the working tree (CHAOS_REF)",
    )
    parser.add_argument(
        "--repoint",
        action="store_true",
        default=os.environ.get("CHAOS_REPOINT", "0") == "1",
        help="point the app at the primaries' own addresses and re-point it (rolling restart) "
        "after each failover, instead of letting it follow by itself (CHAOS_REPOINT=1)",
    )
    args = parser.parse_args()
    faults = [f for f in args.only.split(",") if f] or FAULTS
    unknown = set(faults) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults: {sorted(unknown)}; known: {FAULTS}")
    settings = Settings.make(args.quick)
    settings.repoint = args.repoint
    exit_on_signals()
    run_id = f"c{int(time.time())}"
    cluster = Cluster(
        seconds_limit=args.seconds,
        keep=args.keep,
        pointer=True,
        ref=args.ref,
        follow=not args.repoint,
    )
    commit = cluster.commit
    rows = []
    try:
        cluster.start()
        chaos = Chaos(cluster, settings, run_id)
        for name in faults:
            try:
                outcome = chaos.run(name)
            except Exception as exc:  # report it, go on with a cluster that still answers
                print(f"{name}: the run itself failed: {exc!r}", flush=True)
                if not cluster.healthy():
                    print("the cluster no longer answers: stopping", flush=True)
                    break
                continue
            row = summarize(outcome, settings)
            rows.append(row)
            print(table([row]).splitlines()[-1], flush=True)
    finally:
        cluster.stop()
        if rows:
            print()
            print(
                f"# chaos ({'quick' if args.quick else 'full'}): bursts of "
                f"{settings.burst:.0f} s, {settings.clients} visitors at a time, fault at "
                f"+{settings.warmup:.0f} s; app {commit}; {os.cpu_count()} cores"
            )
            print(table(rows))
            print()
            print(details(rows))
            if args.json:
                args.json.write_text(json.dumps(rows, indent=1, default=str))
            if args.markdown:
                args.markdown.write_text(table(rows) + "\n\n" + details(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
