"""A local production-shaped cluster on 127.0.0.1, started with one command, stopped by itself.

    PostgreSQL primary :55432 --streaming--> hot-standby replica :55433 (pg_basebackup -R)
    Redis primary :56379 --> replica :56380, watched by 3 Sentinels :56381-56383
    nginx :58000 (deploy/nginx.conf: buffering, timeouts) --> 3 gunicorn :58001-58003
    2 mail workers (manage.py mail_worker) --> SMTP sink :58025 (records every message)

The app runs with production settings (DEBUG=0, SECRET_KEY, SITE_URL=https://...) and follows
failovers by itself: DATABASE_URL lists both PostgreSQL nodes (libpq picks the one accepting
writes), DATABASE_REPLICA_URL lists them the other way round (prefer-standby: the lagging
reads of gotc.replica), and the cache asks the Sentinels where the Redis primary is
(REDIS_SENTINELS). ``follow=False`` points it at the primaries' own addresses instead; a
failover then needs the app re-pointed (``Cluster.repoint``, a rolling restart).

Usage:
    .venv/bin/python bench/cluster.py start [--seconds 600]   # foreground; Ctrl-C stops
    .venv/bin/python bench/cluster.py status                  # from another shell
    .venv/bin/python bench/cluster.py stop                    # stops a cluster left running
    .venv/bin/python bench/cluster.py restore-drill           # PITR: base backup + WAL archive
Library: ``with Cluster(...) as cluster:`` (bench/chaos.py, tests/scale/test_cluster_smoke.py).

Safety: binds 127.0.0.1 only, on its own ports (never 5432/6379); every process it starts is
a child in its own process group, recorded in a state file; a watchdog process kills them all
and removes the temp dir when the parent dies or the hard time limit passes; atexit and
SIGTERM/SIGHUP/SIGINT handlers stop everything on a normal exit.
Environment: PG_BIN (/usr/lib/postgresql/15/bin), CLUSTER_SECONDS, CLUSTER_WEB_WORKERS (2),
CLUSTER_SENTINEL_DOWN_MS (10000), CLUSTER_APP_ENV ("KEY=VALUE ..." added to the app's
environment; {sentinels}, {redis_primary}, {pg_primary}, {pg_replica} are filled in).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import functools
import grp
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DB_NAME = "gotc"
SENTINEL_MASTER = "gotc"
POINTER_DIR = Path(tempfile.gettempdir())


# --- Ports and binaries -------------------------------------------------------------------------


@dataclass
class Ports:
    pg: list[int] = field(default_factory=lambda: [55432, 55433])
    redis: list[int] = field(default_factory=lambda: [56379, 56380])
    sentinels: list[int] = field(default_factory=lambda: [56381, 56382, 56383])
    proxy: int = 58000
    web: list[int] = field(default_factory=lambda: [58001, 58002, 58003])
    smtp: int = 58025

    @classmethod
    def free(cls) -> Ports:
        """Ports the kernel hands out now (tests: never collides with a running cluster)."""
        return cls(
            pg=[free_port(), free_port()],
            redis=[free_port(), free_port()],
            sentinels=[free_port() for _ in range(3)],
            proxy=free_port(),
            web=[free_port() for _ in range(3)],
            smtp=free_port(),
        )

    def all(self) -> list[int]:
        return [*self.pg, *self.redis, *self.sentinels, self.proxy, *self.web, self.smtp]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def missing_binaries(*, proxy: bool = True, sentinel: bool = True) -> list[str]:
    """What this machine lacks to start a cluster (empty: everything is there)."""
    missing = [
        str(PG_BIN / name)
        for name in ("initdb", "postgres", "pg_ctl", "pg_basebackup")
        if not (PG_BIN / name).exists()
    ]
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    if proxy and shutil.which("nginx") is None:
        missing.append("nginx (apt-get install nginx)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            missing.append("a 'postgres' user (PostgreSQL refuses to run as root)")
    del sentinel  # Sentinel is redis-server --sentinel: nothing more to install.
    return missing


@functools.cache
def gunicorn_has_control_socket() -> bool:
    """gunicorn 24+ opens a control socket, by default one per user in ~/.gunicorn."""
    output = subprocess.run(
        [str(VENV_BIN / "gunicorn"), "--help"], capture_output=True, text=True, check=False
    ).stdout
    return "--control-socket" in output


def export_ref(ref: str, destination: Path) -> Path:
    """The files of commit ``ref`` in ``destination`` (`git archive`: reads the repository,
    changes neither the working tree nor the index)."""
    destination.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise ClusterError(f"git archive {ref} failed: {archive.stderr.decode()[-500:]}")
    subprocess.run(["tar", "-x", "-C", str(destination)], input=archive.stdout, check=True)
    return destination


def process_start_time(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (guards against a reused pid), None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


# --- Child processes ----------------------------------------------------------------------------


class Child:
    """One process the cluster started: its own process group, output in a log file."""

    def __init__(self, name: str, argv: list[str], *, log: Path, env=None, cwd=None, user=None):
        self.name, self.argv, self.log, self.env, self.cwd, self.user = (
            name,
            argv,
            log,
            env,
            cwd,
            user,
        )
        self.popen: subprocess.Popen | None = None
        self.start_time: str | None = None

    def start(self) -> Child:
        with open(self.log, "ab") as out:
            self.popen = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.cwd,
                user=self.user,
                start_new_session=True,
            )
        self.start_time = process_start_time(self.popen.pid)
        return self

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def send(self, sig: int, *, group: bool = False) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                (os.killpg if group else os.kill)(self.popen.pid, sig)

    def kill9(self) -> None:
        """kill -9 of the whole process group (a host or container dying), reaped."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if self.popen is None:
            return
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        # Whatever is left in the group (workers of a killed master) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def run(argv, *, env=None, cwd=None, user=None, timeout=300, log: Path | None = None) -> str:
    """Run a command to completion; its output on failure (and in ``log`` when given)."""
    result = subprocess.run(
        argv,
        env=env,
        cwd=cwd,
        user=user,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = result.stdout + result.stderr
    if log is not None:
        with open(log, "a") as out:
            out.write(f"$ {shlex.join(str(a) for a in argv)}\n{output}")
    if result.returncode != 0:
        raise ClusterError(f"{shlex.join(str(a) for a in argv)} failed:\n{output[-3000:]}")
    return output


class ClusterError(RuntimeError):
    pass


def wait_until(check, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except Exception as exc:  # any failure means "not yet"
            last_error = exc
        time.sleep(interval)
    raise ClusterError(f"timed out after {timeout:.0f} s waiting for {what} ({last_error!r})")


def http_status(url: str, timeout: float = 2.0) -> int:
    """The status of a GET (no redirect followed). Sent as the proxy sends it: gunicorn
    answers a plain-http request without X-Forwarded-Proto: https with a redirect to https
    (SECURE_SSL_REDIRECT), /healthz included."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(
            "GET", parts.path or "/", headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        )
        return connection.getresponse().status
    finally:
        connection.close()


# --- The services -------------------------------------------------------------------------------


class PgNode:
    """A PostgreSQL server run as the postgres user (when we are root), in the foreground, so
    that it stays our child. ``pg_ctl -m fast`` stops it, ``pg_ctl promote`` promotes it."""

    def __init__(self, cluster: Cluster, name: str, port: int):
        self.cluster, self.name, self.port = cluster, name, port
        self.datadir = cluster.dir / "pg" / name
        self.child: Child | None = None

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DB_NAME}"

    def conninfo(self, dbname: str = DB_NAME) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname} connect_timeout=3"

    def initdb(self) -> None:
        run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(self.datadir),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            user=self.cluster.pg_user,
            cwd=self.cluster.dir,
            log=self.cluster.logs / f"{self.name}.log",
        )

    def basebackup(self, source: PgNode, standby: bool = True) -> None:
        """A streaming hot standby of ``source``: pg_basebackup -R writes standby.signal and
        primary_conninfo (``standby=False``: a plain base backup, for a restore)."""
        if self.datadir.exists():
            shutil.rmtree(self.datadir)
        run(
            [
                str(PG_BIN / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(source.port),
                "-U",
                "postgres",
                "-D",
                str(self.datadir),
                *(["-R"] if standby else []),
                "-X",
                "stream",
                "-c",
                "fast",
                "--no-sync",
            ],
            user=self.cluster.pg_user,
            cwd=self.cluster.dir,
            log=self.cluster.logs / f"{self.name}.log",
        )

    def start(self, options: tuple[str, ...] = ()) -> None:
        sockets = self.cluster.dir / "pg" / "sockets"
        self.child = Child(
            self.name,
            [
                str(PG_BIN / "postgres"),
                "-D",
                str(self.datadir),
                "-c",
                f"port={self.port}",
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={sockets}",
                "-c",
                "max_connections=200",
                "-c",
                "shared_buffers=64MB",
                "-c",
                "wal_keep_size=512MB",
                "-c",
                "log_min_messages=warning",
                "-c",
                "log_connections=off",
                # A standby whose primary restarted reconnects within half a second (the
                # default waits 5 s, and with synchronous replication commits wait that long).
                "-c",
                "wal_retrieve_retry_interval=500ms",
                *(part for option in options for part in ("-c", option)),
            ],
            log=self.cluster.logs / f"{self.name}.log",
            cwd=self.cluster.dir,
            user=self.cluster.pg_user,
        ).start()
        self.cluster.record()
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        import psycopg

        def ready():
            if not self.child.alive():
                raise ClusterError(f"{self.name} exited:\n{self.child.tail()}")
            with psycopg.connect(self.conninfo("postgres"), autocommit=True):
                return True

        try:
            wait_until(ready, timeout, f"PostgreSQL {self.name} on :{self.port}")
        except ClusterError as exc:
            raise ClusterError(f"{exc}\n{self.child.tail()}") from None

    def pg_ctl(self, *args: str, timeout: float = 60) -> str:
        return run(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.datadir), *args],
            user=self.cluster.pg_user,
            cwd=self.cluster.dir,
            timeout=timeout,
            log=self.cluster.logs / f"{self.name}.log",
        )

    def restart_fast(self) -> None:
        """``pg_ctl restart -m fast``, done as stop + start so the server stays our child."""
        self.pg_ctl("stop", "-m", "fast", "-w")
        self.child.popen.wait()
        self.start()

    def promote(self) -> None:
        self.pg_ctl("promote", "-w")

    def set_synchronous(self, on: bool) -> None:
        """Commits wait for a standby to have them (``on``), or not. ``ALTER SYSTEM`` and a
        reload: what Patroni's synchronous_mode does when a standby comes and goes."""
        value = "*" if on else ""
        self.query(f"ALTER SYSTEM SET synchronous_standby_names = '{value}'", dbname="postgres")
        self.query("SELECT pg_reload_conf()", dbname="postgres")

    def streaming_standbys(self) -> int:
        return self.query(
            "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", dbname="postgres"
        )[0][0]

    def in_recovery(self) -> bool:
        return bool(self.query("SELECT pg_is_in_recovery()")[0][0])

    def query(self, sql: str, params=None, dbname: str = DB_NAME) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.conninfo(dbname), autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []


class RedisNode:
    def __init__(self, cluster: Cluster, name: str, port: int):
        self.cluster, self.name, self.port = cluster, name, port
        self.child: Child | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, replica_of: int | None = None) -> None:
        workdir = self.cluster.dir / "redis" / self.name
        workdir.mkdir(parents=True, exist_ok=True)
        argv = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            # As compose.yaml runs it: nothing kept on disk.
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
            "--daemonize",
            "no",
        ]
        if replica_of:
            argv += ["--replicaof", "127.0.0.1", str(replica_of)]
        self.child = Child(self.name, argv, log=self.cluster.logs / f"{self.name}.log").start()
        self.cluster.record()
        wait_until(lambda: self.client().ping(), 20, f"Redis {self.name} on :{self.port}")

    def client(self, timeout: float = 1.0):
        import redis

        return redis.Redis(
            host="127.0.0.1", port=self.port, socket_timeout=timeout, socket_connect_timeout=timeout
        )

    def role(self) -> str:
        return self.client().info("replication")["role"]


# --- The cluster --------------------------------------------------------------------------------


class Cluster:
    """Start with ``start()`` (or ``with Cluster() as cluster``); ``stop()`` is idempotent."""

    def __init__(
        self,
        *,
        ports: Ports | None = None,
        web: int = 3,
        web_workers: int | None = None,
        mail_workers: int = 2,
        pg_replica: bool = True,
        redis_replica: bool = True,
        sentinels: int = 3,
        mail_interval: float | None = None,
        seconds_limit: float = 900,
        keep: bool = False,
        pointer: bool = False,
        quiet: bool = False,
        stop_parent_at_limit: bool = True,
        ref: str | None = None,
        follow: bool = True,
        sync_replication: bool | None = None,
    ):
        self.ports = ports or Ports()
        self.follow = follow
        # Synchronous replication: a commit is acknowledged once the standby has it, so a
        # promotion loses nothing that anyone was told was saved (CLUSTER_SYNC=0: async).
        self.sync_replication = (
            os.environ.get("CLUSTER_SYNC", "1") != "0"
            if sync_replication is None
            else sync_replication
        )
        self.web_count = web
        self.web_workers = web_workers or int(os.environ.get("CLUSTER_WEB_WORKERS", "2"))
        self.mail_count = mail_workers
        self.want_pg_replica = pg_replica
        self.want_redis_replica = redis_replica
        self.sentinel_count = sentinels
        self.mail_interval = mail_interval
        self.seconds_limit = seconds_limit
        self.keep = keep
        self.pointer = pointer
        self.quiet = quiet
        # At the hard limit the watchdog sends the parent SIGTERM (a script: it stops and
        # cleans up), or only kills the cluster (a test run: the test fails, pytest goes on).
        self.stop_parent_at_limit = stop_parent_at_limit
        # The app's code: this checkout, or a committed version (``ref``) exported into the
        # temp dir with `git archive` (a measurement of exactly that commit, whatever the
        # working tree holds; the venv is this checkout's).
        self.ref = ref or os.environ.get("CLUSTER_REF") or None
        self.app_dir = ROOT
        self.started_at = time.monotonic()
        self.dir: Path | None = None
        self.pg_user = "postgres" if os.geteuid() == 0 else None
        self.pg: list[PgNode] = []  # [primary, replica]; promotion swaps them
        self.redis: list[RedisNode] = []  # [primary, replica]; failover swaps them
        self.sentinels: list[Child] = []
        self.web: list[Child | None] = []
        self.mail: list[Child | None] = []
        self.nginx: Child | None = None
        self.sink: Child | None = None
        self.watchdog: subprocess.Popen | None = None
        self.db_url_override: str | None = None
        self.redis_url_override: str | None = None
        self.drained: set[int] = set()  # web instances nginx sends nothing to
        self._stopped = False

    # -- helpers --
    def log(self, message: str) -> None:
        if not self.quiet:
            print(f"[cluster {time.monotonic() - self.started_at:6.1f}s] {message}", flush=True)

    @property
    def logs(self) -> Path:
        return self.dir / "logs"

    @property
    def commit(self) -> str:
        """The measured code: a commit, "+ uncommitted changes" when it is the working tree."""
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", self.ref or "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if self.ref:
            return head
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=False,
            # Read only: no opportunistic refresh of the index.
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        ).stdout.strip()
        return head + (" + uncommitted changes" if dirty else "")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.proxy}"

    @property
    def pg_primary(self) -> PgNode:
        return self.pg[0]

    @property
    def pg_replica(self) -> PgNode | None:
        return self.pg[1] if len(self.pg) > 1 else None

    @property
    def redis_primary(self) -> RedisNode:
        return self.redis[0]

    @property
    def sink_file(self) -> Path:
        return self.dir / "mail.jsonl"

    def children(self) -> list[Child]:
        found = [node.child for node in [*self.pg, *self.redis] if node.child]
        found += [c for c in [*self.sentinels, *self.web, *self.mail, self.nginx, self.sink] if c]
        return found

    def record(self) -> None:
        """Write the state file the watchdog and `cluster.py stop|status` read."""
        if self.dir is None:
            return
        state = {
            "dir": str(self.dir),
            "pid": os.getpid(),
            "ports": asdict(self.ports),
            "base_url": self.base_url,
            "processes": [
                {"name": c.name, "pid": c.pid, "start_time": c.start_time}
                for c in self.children()
                if c.alive()
            ],
            "pg": [{"name": n.name, "port": n.port} for n in self.pg],
            "redis": [{"name": n.name, "port": n.port} for n in self.redis],
        }
        tmp = self.dir / "state.json.tmp"
        tmp.write_text(json.dumps(state, indent=1))
        tmp.replace(self.dir / "state.json")

    def app_env(self, **overrides: str) -> dict:
        """Production settings, with the cluster's addresses. Built from a clean environment:
        nothing of the calling shell (a DEBUG=1, a test run's DATABASE_URL) leaks in."""
        env = {
            key: os.environ[key]
            for key in ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR")
            if key in os.environ
        }
        env.update(
            {
                "DEBUG": "0",
                "DJANGO_SETTINGS_MODULE": "gotc.settings",
                "SECRET_KEY": "cluster-only-" + "k" * 50,
                "SITE_URL": "https://gotc.cluster.invalid",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                **self._addresses(),
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(self.ports.smtp),
                "EMAIL_USE_TLS": "0",
                "EMAIL_DELIVERY": "worker",
                "TRUSTED_PROXIES": "127.0.0.1",
                # Every test client comes from 127.0.0.1: the limit is counted (the same Redis
                # calls) but never reached.
                "RATELIMIT_REGISTER": "1000000/m",
                "LOG_LEVEL": "WARNING",
                "MEDIA_ROOT": str(self.dir / "media"),
                "WEB_CONCURRENCY": str(self.web_workers),
                "PYTHONUNBUFFERED": "1",
            }
        )
        extra = os.environ.get("CLUSTER_APP_ENV", "")
        placeholders = {
            "sentinels": ",".join(f"127.0.0.1:{p}" for p in self.ports.sentinels),
            "redis_primary": f"127.0.0.1:{self.redis_primary.port}",
            "pg_primary": f"127.0.0.1:{self.pg_primary.port}",
            "pg_replica": f"127.0.0.1:{self.pg_replica.port}" if self.pg_replica else "",
        }
        for item in shlex.split(extra):
            key, _, value = item.partition("=")
            env[key] = value.format(**placeholders)
        env.update(overrides)
        return env

    def _addresses(self) -> dict:
        """Where the app finds PostgreSQL and Redis (see the module docstring)."""
        if not self.follow:
            return {
                "DATABASE_URL": self.db_url_override or self.pg_primary.url,
                "REDIS_URL": self.redis_url_override or self.redis_primary.url,
            }
        found = {"DATABASE_URL": self.pg_primary.url, "REDIS_URL": self.redis_primary.url}
        if self.want_pg_replica:
            hosts = [f"127.0.0.1:{port}" for port in self.ports.pg]
            found["DATABASE_URL"] = f"postgres://postgres@{','.join(hosts)}/{DB_NAME}"
            found["DATABASE_REPLICA_URL"] = (
                f"postgres://postgres@{','.join(reversed(hosts))}/{DB_NAME}"
            )
            # A dead host refuses at once; a frozen one costs this per connection attempt.
            found["DATABASE_CONNECT_TIMEOUT"] = "2"
        if self.sentinel_count:
            found["REDIS_URL"] = f"redis://{SENTINEL_MASTER}/0"
            found["REDIS_SENTINELS"] = ",".join(
                f"127.0.0.1:{port}" for port in self.ports.sentinels[: self.sentinel_count]
            )
        return found

    def manage(self, *args: str, timeout: float = 300) -> str:
        return run(
            [PYTHON, "manage.py", *args],
            env=self.app_env(),
            cwd=self.app_dir,
            timeout=timeout,
            log=self.logs / "manage.log",
        )

    # -- start --
    def start(self, services: bool = True) -> Cluster:
        """Everything (``services=False``: only the temp dir and the watchdog, for the restore
        drill, which starts its own PostgreSQL servers)."""
        missing = missing_binaries()
        if missing:
            raise ClusterError("missing: " + ", ".join(missing))
        busy = [p for p in self.ports.all() if port_in_use(p)]
        if busy:
            raise ClusterError(
                f"ports already in use on 127.0.0.1: {busy} (another cluster? "
                "`bench/cluster.py stop`)"
            )
        self.dir = Path(tempfile.mkdtemp(prefix="gotc-cluster-"))
        self.dir.chmod(0o755)  # the postgres user must reach its data directories
        for sub in ("logs", "media", "nginx", "redis"):
            (self.dir / sub).mkdir()
        (self.dir / "pg" / "sockets").mkdir(parents=True)
        if self.pg_user:
            for path in (self.dir / "pg", self.dir / "pg" / "sockets"):
                shutil.chown(path, self.pg_user, self.pg_user)
        atexit.register(self.stop)
        self._start_watchdog()
        self.record()
        if self.pointer:
            self._pointer_path().write_text(str(self.dir))
        try:
            if services:
                self._start_all()
        except BaseException:
            self.log("start failed; stopping what was started")
            self.stop()
            raise
        return self

    def _pointer_path(self) -> Path:
        return POINTER_DIR / f"gotc-cluster-{self.ports.proxy}.dir"

    def _start_watchdog(self) -> None:
        deadline = time.time() + self.seconds_limit
        with open(self.dir / "logs" / "watchdog.log", "ab") as out:
            self.watchdog = subprocess.Popen(
                [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "_watchdog",
                    "--parent",
                    str(os.getpid()),
                    "--dir",
                    str(self.dir),
                    "--deadline",
                    str(deadline),
                    *(["--stop-parent"] if self.stop_parent_at_limit else []),
                ],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _start_all(self) -> None:
        ports = self.ports
        self.sink = Child(
            "smtp-sink",
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "_smtp_sink",
                "--port",
                str(ports.smtp),
                "--out",
                str(self.sink_file),
            ],
            log=self.logs / "smtp-sink.log",
        ).start()
        self.record()

        if self.ref:
            self.app_dir = export_ref(self.ref, self.dir / "app")
            self.log(f"app code: {self.ref} ({self.commit}) exported to {self.app_dir}")
        self.log("PostgreSQL: initdb, primary, database")
        primary = PgNode(self, "pg-a", ports.pg[0])
        self.pg = [primary]
        primary.initdb()
        primary.start()
        primary.query(f"CREATE DATABASE {DB_NAME}", dbname="postgres")
        if self.want_pg_replica:
            self.log("PostgreSQL: replica (pg_basebackup -R, streaming hot standby)")
            replica = PgNode(self, "pg-b", ports.pg[1])
            replica.basebackup(primary)
            replica.start()
            self.pg.append(replica)
            if self.sync_replication:
                primary.set_synchronous(True)

        self.log("Redis: primary, replica, sentinels")
        self.redis = [RedisNode(self, "redis-a", ports.redis[0])]
        self.redis[0].start()
        if self.want_redis_replica:
            self.redis.append(RedisNode(self, "redis-b", ports.redis[1]))
            self.redis[1].start(replica_of=ports.redis[0])
        for index in range(self.sentinel_count):
            self._start_sentinel(index)

        wait_until(lambda: port_in_use(ports.smtp), 15, "the SMTP sink")
        self.log("migrate, collectstatic, a load-test conference (generate_demo_load)")
        if self.ref:  # compiled catalogues are not committed
            run(
                [PYTHON, "-m", "gotc.compile_translations"],
                cwd=self.app_dir,
                env=self.app_env(),
                log=self.logs / "manage.log",
            )
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        self.manage(
            "generate_demo_load",
            "--forums",
            "6",
            "--talks",
            "12",
            "--speakers",
            "6",
            "--registrations",
            "0",
            "--capacity",
            "100000",
        )

        self.log(f"gunicorn x{self.web_count} ({self.web_workers} sync workers each), nginx")
        self.web = [None] * self.web_count
        for index in range(self.web_count):
            self.start_web(index, wait=False)
        for index in range(self.web_count):
            self.wait_web(index)
        self._start_nginx()
        self.mail = [None] * self.mail_count
        for index in range(self.mail_count):
            self.start_mail(index)
        wait_until(lambda: http_status(self.base_url + "/healthz") == 200, 30, "nginx /healthz")
        if self.pg_replica:
            self.wait_replica_caught_up()
        self.log("ready")

    def _start_sentinel(self, index: int) -> None:
        port = self.ports.sentinels[index]
        workdir = self.dir / "redis" / f"sentinel-{index + 1}"
        workdir.mkdir(parents=True, exist_ok=True)
        down_ms = int(os.environ.get("CLUSTER_SENTINEL_DOWN_MS", "10000"))
        config = workdir / "sentinel.conf"
        config.write_text(
            f"port {port}\nbind 127.0.0.1\ndir {workdir}\n"
            f"sentinel monitor {SENTINEL_MASTER} 127.0.0.1 {self.redis_primary.port} 2\n"
            f"sentinel down-after-milliseconds {SENTINEL_MASTER} {down_ms}\n"
            f"sentinel failover-timeout {SENTINEL_MASTER} 20000\n"
            f"sentinel parallel-syncs {SENTINEL_MASTER} 1\n"
        )
        child = Child(
            f"sentinel-{index + 1}",
            ["redis-server", str(config), "--sentinel"],
            log=self.logs / f"sentinel-{index + 1}.log",
        ).start()
        self.sentinels.append(child)
        self.record()

    def sentinel_master_port(self) -> int | None:
        """The primary's port as the Sentinels see it (the first that answers)."""
        import redis

        for port in self.ports.sentinels[: len(self.sentinels)]:
            try:
                client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
                address = client.execute_command(
                    "SENTINEL", "get-master-addr-by-name", SENTINEL_MASTER
                )
                return int(address[1])
            except (redis.RedisError, TypeError, IndexError):
                continue
        return None

    def start_web(self, index: int, wait: bool = True) -> None:
        port = self.ports.web[index]
        self.web[index] = Child(
            f"web-{index + 1}",
            [
                str(VENV_BIN / "gunicorn"),
                "gotc.wsgi",
                "-c",
                "gunicorn.conf.py",
                # Its own control socket (gunicorn's default is one per user, in ~/.gunicorn).
                *(
                    ["--control-socket", str(self.dir / f"web-{index + 1}.ctl")]
                    if gunicorn_has_control_socket()
                    else []
                ),
            ],
            log=self.logs / f"web-{index + 1}.log",
            env=self.app_env(GUNICORN_BIND=f"127.0.0.1:{port}"),
            cwd=self.app_dir,
        ).start()
        self.record()
        if wait:
            self.wait_web(index)

    def wait_web(self, index: int, timeout: float = 60) -> None:
        child, port = self.web[index], self.ports.web[index]

        def healthy():
            if not child.alive():
                raise ClusterError(f"{child.name} exited:\n{child.tail()}")
            return http_status(f"http://127.0.0.1:{port}/healthz") == 200

        try:
            wait_until(healthy, timeout, f"{child.name} /healthz on :{port}", interval=0.3)
        except ClusterError as exc:
            raise ClusterError(f"{exc}\n{child.tail()}") from None

    def start_mail(self, index: int) -> None:
        argv = [PYTHON, "manage.py", "mail_worker"]
        if self.mail_interval:
            argv += ["--interval", str(self.mail_interval)]
        self.mail[index] = Child(
            f"mail-{index + 1}",
            argv,
            log=self.logs / f"mail-{index + 1}.log",
            env=self.app_env(),
            cwd=self.app_dir,
        ).start()
        self.record()

    def nginx_site(self) -> str:
        """deploy/nginx.conf's server block with the cluster's addresses, so that the cluster
        measures the proxy settings production uses. X-Forwarded-Proto is https: TLS is taken
        as terminated in front (the settings' secure cookies and redirect stay as deployed)."""
        source = (self.app_dir / "deploy" / "nginx.conf").read_text()
        text = source
        # The upstream server line's parameters (max_fails=0 ...) apply to every instance; a
        # drained instance (``drain_web``) is marked down.
        line = re.search(r"(?m)^[ \t]*server[ \t]+\S+([^;\n]*);", source)
        params = line.group(1) if line else ""
        upstreams = "".join(
            f"    server 127.0.0.1:{port}{params}{' down' if index in self.drained else ''};\n"
            for index, port in enumerate(self.ports.web)
        )

        def upstream(match):
            # The upstream's server lines (comments kept) become the instances.
            body = re.sub(r"(?m)^[ \t]*server[ \t]+[^;\n]*;[ \t]*\n", "", match.group(2))
            return match.group(1) + upstreams + body + match.group(3)

        replacements = [
            (r"(upstream gotc_web \{\n)(.*?)(\n\})", upstream),
            (r"listen 80;", f"listen 127.0.0.1:{self.ports.proxy};"),
            (r"alias /app/media/;", f"alias {self.dir / 'media'}/;"),
            (r"X-Forwarded-Proto \$scheme;", "X-Forwarded-Proto https;"),
        ]
        for pattern, replacement in replacements:
            if isinstance(replacement, str):
                replacement = replacement.replace("\\", "\\\\")
            text, count = re.subn(pattern, replacement, text, count=1, flags=re.S)
            if count == 0:
                raise ClusterError(
                    f"deploy/nginx.conf changed: no match for {pattern!r}; update "
                    "Cluster.nginx_site in bench/cluster.py"
                )
        return text

    def _start_nginx(self) -> None:
        prefix = self.dir / "nginx"
        temp = prefix / "temp"
        temp.mkdir()
        worker_user = None
        if os.geteuid() == 0:  # nginx's workers drop root: to nobody and its own group
            nobody = pwd.getpwnam("nobody")
            worker_user = f"nobody {grp.getgrgid(nobody.pw_gid).gr_name}"
            shutil.chown(temp, nobody.pw_uid, nobody.pw_gid)
        self.nginx_worker_user = worker_user
        config = self._write_nginx_config()
        nginx = shutil.which("nginx")
        run([nginx, "-t", "-q", "-p", str(prefix), "-c", str(config), "-e", "stderr"])
        self.nginx = Child(
            "nginx",
            [nginx, "-p", str(prefix), "-c", str(config), "-e", str(self.logs / "nginx.log")],
            log=self.logs / "nginx.log",
        ).start()
        self.record()
        wait_until(lambda: port_in_use(self.ports.proxy), 15, "nginx")

    def _write_nginx_config(self) -> Path:
        prefix = self.dir / "nginx"
        temp = prefix / "temp"
        worker_user = self.nginx_worker_user
        config = prefix / "nginx.conf"
        config.write_text(
            (f"user {worker_user};\n" if worker_user else "")
            + "worker_processes 2;\n"
            + "worker_rlimit_nofile 8192;\n"
            + "daemon off;\n"
            + f"pid {prefix / 'nginx.pid'};\n"
            + f"error_log {self.logs / 'nginx.log'} warn;\n"
            # The official nginx image's default (compose.yaml runs that image).
            + "events { worker_connections 1024; }\n"
            + "http {\n"
            + "  access_log off;\n"
            + f"  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
            + f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n"
            + f"  scgi_temp_path {temp}/scgi;\n"
            + "  include /etc/nginx/mime.types;\n"
            + self.nginx_site()
            + "}\n"
        )
        return config

    def _reload_nginx(self) -> None:
        """New configuration, gracefully: nginx's old workers finish the requests they hold
        and new connections follow the new upstream list."""
        self._write_nginx_config()
        self.nginx.send(signal.SIGHUP)
        time.sleep(1.0)  # the old workers finish their requests in flight

    def drain_web(self, index: int) -> None:
        """Take an instance out of nginx's upstream (``down``) before stopping it."""
        self.drained.add(index)
        self._reload_nginx()

    def undrain_web(self, index: int) -> None:
        self.drained.discard(index)
        self._reload_nginx()

    def wait_replica_caught_up(self, timeout: float = 30) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        target = self.pg_primary.query("SELECT pg_current_wal_lsn()::text", dbname="postgres")[0][0]

        def caught_up():
            rows = self.pg_replica.query(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target], dbname="postgres"
            )
            return bool(rows[0][0])

        wait_until(caught_up, timeout, "the PostgreSQL replica to catch up")

    # -- operations used by the chaos runs --
    def restart_web(self, index: int, graceful: float = 25, drain: bool = True) -> None:
        """Stop (SIGTERM, then SIGKILL after ``graceful`` s) and start one instance again with
        the current environment (new DATABASE_URL / REDIS_URL after a repoint). With
        ``drain``, as docs/deploy.md says to: out of nginx's upstream first, back once its
        /healthz answers."""
        child = self.web[index]
        if drain and self.nginx:
            self.drain_web(index)
        if child:
            child.stop(signal.SIGTERM, timeout=graceful)
        self.start_web(index)
        if drain and self.nginx:
            self.undrain_web(index)

    def restart_mail(self, index: int) -> None:
        child = self.mail[index]
        if child:
            child.stop(signal.SIGTERM, timeout=20)
        self.start_mail(index)

    def repoint(self, *, database_url: str | None = None, redis_url: str | None = None) -> None:
        """What an operator does after a failover when the app cannot follow by itself: set
        the new address and restart the app processes one at a time."""
        if database_url:
            self.db_url_override = database_url
        if redis_url:
            self.redis_url_override = redis_url
        for index in range(len(self.web)):
            self.restart_web(index)
        for index in range(len(self.mail)):
            self.restart_mail(index)

    def promote_replica(self) -> PgNode:
        """pg_ctl promote on the replica; it becomes ``pg[0]``. The old primary (dead) is
        forgotten until ``rebuild_replica``."""
        replica = self.pg_replica
        replica.promote()
        wait_until(lambda: not replica.in_recovery(), 30, "the promoted replica to accept writes")
        if self.sync_replication:
            replica.set_synchronous(False)  # no standby until rebuild_replica: do not wait
        old = self.pg[0]
        self.pg = [replica, old]
        if not self.follow:
            self.db_url_override = replica.url
        return replica

    def rebuild_replica(self) -> None:
        """The old primary's place gets a fresh standby of the new primary (pg_basebackup)."""
        old = self.pg[1]
        if old.child and old.child.alive():
            old.child.kill9()
        old.basebackup(self.pg[0])
        old.start()
        self.record()
        if self.sync_replication:
            wait_until(lambda: self.pg[0].streaming_standbys() > 0, 30, "the new standby")
            self.pg[0].set_synchronous(True)

    def redis_failed_over(self, new_port: int) -> None:
        """The Sentinels promoted the replica on ``new_port``: swap the roles."""
        self.redis.sort(key=lambda node: node.port != new_port)

    def healthy(self) -> bool:
        try:
            return http_status(self.base_url + "/healthz") == 200
        except OSError:
            return False

    # -- stop --
    def stop(self) -> None:
        if self._stopped or self.dir is None:
            return
        self._stopped = True
        if self.watchdog and self.watchdog.poll() is None:
            self.watchdog.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.watchdog.wait(timeout=5)
        ordered = [self.nginx, *self.web, *self.mail, *self.sentinels]
        ordered += [node.child for node in self.redis]
        for child in ordered:
            if child:
                child.stop(signal.SIGTERM, timeout=10)
        for node in self.pg:
            if node.child:
                node.child.stop(signal.SIGINT, timeout=20)  # fast shutdown
        if self.sink:
            self.sink.stop(signal.SIGTERM, timeout=5)
        if self.watchdog and self.watchdog.poll() is None:
            self.watchdog.kill()
            self.watchdog.wait()
        if self.pointer:
            with contextlib.suppress(FileNotFoundError):
                self._pointer_path().unlink()
        if self.keep:
            self.log(f"stopped; logs kept in {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.log("stopped; temp dir removed")
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def describe(self) -> str:
        replica = self.pg_replica
        lines = [
            f"site        {self.base_url}/   (nginx -> gunicorn {self.ports.web})",
            f"health      {self.base_url}/healthz",
            f"PostgreSQL  primary {self.pg_primary.url}"
            + (f"\n            replica {replica.url} (hot standby, read-only)" if replica else ""),
            f"Redis       primary {self.redis_primary.url}"
            + "".join(f"\n            replica {node.url}" for node in self.redis[1:]),
            f"Sentinel    {', '.join(f'127.0.0.1:{p}' for p in self.ports.sentinels)} "
            f"(master name '{SENTINEL_MASTER}')",
            f"SMTP sink   127.0.0.1:{self.ports.smtp} -> {self.sink_file}",
            f"mail        {self.mail_count} workers (manage.py mail_worker)",
            f"logs        {self.logs}",
        ]
        return "\n".join(lines)


# --- Watchdog and SMTP sink (run as separate processes) ------------------------------------------


def kill_recorded(directory: Path) -> None:
    """SIGKILL every recorded process group still alive (same pid, same start time)."""
    try:
        state = json.loads((directory / "state.json").read_text())
    except (OSError, ValueError):
        return
    for process in state.get("processes", []):
        pid = process["pid"]
        if pid and process_start_time(pid) == process["start_time"]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)


def watchdog(parent: int, directory: Path, deadline: float, stop_parent: bool) -> None:
    """Kill the cluster when its parent dies (even by kill -9), or stop the parent at the hard
    time limit and clean up after it."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # the parent stops it normally
    while True:
        time.sleep(1)
        if not Path(f"/proc/{parent}").exists():
            print("parent gone: killing the cluster", flush=True)
            break
        if time.time() > deadline and not stop_parent:
            print("hard time limit: killing the cluster", flush=True)
            break
        if time.time() > deadline:
            print("hard time limit: stopping the parent", flush=True)
            with contextlib.suppress(ProcessLookupError):
                os.kill(parent, signal.SIGTERM)
            for _ in range(60):
                time.sleep(1)
                if not Path(f"/proc/{parent}").exists():
                    break
            else:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(parent, signal.SIGKILL)
            break
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    kill_recorded(directory)
    time.sleep(0.5)
    shutil.rmtree(directory, ignore_errors=True)
    for pointer in POINTER_DIR.glob("gotc-cluster-*.dir"):
        with contextlib.suppress(OSError):
            if pointer.read_text().strip() == str(directory):
                pointer.unlink()


def smtp_sink(port: int, out: Path) -> None:
    """A minimal SMTP server that accepts every message and appends one JSON line per
    message: time, envelope recipients, Message-ID, Subject."""
    parser = BytesHeaderParser()
    output = open(out, "a", buffering=1)  # noqa: SIM115 - open for the process's life

    def record(mail_from: str, rcpts: list[str], data: bytes) -> None:
        headers = parser.parsebytes(data)
        subject = headers.get("Subject", "")
        with contextlib.suppress(Exception):
            subject = str(make_header(decode_header(subject)))
        output.write(
            json.dumps(
                {
                    "t": time.time(),
                    "from": mail_from,
                    "rcpt": rcpts,
                    "message_id": headers.get("Message-ID", ""),
                    "subject": subject,
                }
            )
            + "\n"
        )

    def address(argument: str) -> str:
        found = re.search(r"<([^>]*)>", argument)
        return (found.group(1) if found else argument.split(":", 1)[-1]).strip().lower()

    async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        def reply(text: str) -> None:
            writer.write(text.encode() + b"\r\n")

        reply("220 gotc-cluster SMTP sink")
        mail_from, rcpts = "", []
        try:
            while line := await reader.readline():
                command = line.decode("latin-1").rstrip("\r\n")
                verb = command[:4].upper()
                if verb == "EHLO":
                    reply("250-gotc-cluster\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 52428800")
                elif verb == "HELO":
                    reply("250 gotc-cluster")
                elif verb == "MAIL":
                    mail_from, rcpts = address(command), []
                    reply("250 OK")
                elif verb == "RCPT":
                    rcpts.append(address(command))
                    reply("250 OK")
                elif verb == "DATA":
                    reply("354 End data with <CR><LF>.<CR><LF>")
                    await writer.drain()
                    chunks = []
                    while True:
                        data = await reader.readline()
                        if not data or data in (b".\r\n", b".\n"):
                            break
                        chunks.append(data[1:] if data.startswith(b"..") else data)
                    record(mail_from, rcpts, b"".join(chunks))
                    reply("250 OK queued")
                    mail_from, rcpts = "", []
                elif verb == "RSET":
                    mail_from, rcpts = "", []
                    reply("250 OK")
                elif verb == "NOOP":
                    reply("250 OK")
                elif verb == "QUIT":
                    reply("221 Bye")
                    await writer.drain()
                    break
                else:
                    reply("502 Command not implemented")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(session, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    asyncio.run(main())


def read_sink(path: Path) -> list[dict]:
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return []
    messages = []
    for line in lines:
        with contextlib.suppress(ValueError):
            messages.append(json.loads(line))
    return messages


# --- Restore drill: point-in-time recovery from a base backup and archived WAL --------------------


def restore_drill(keep: bool = False) -> int:
    """The drill production should rehearse, on local servers: a primary archives its WAL; a
    base backup is taken; registrations go on; someone deletes them all by mistake; the disk
    is lost. Restore the base backup, replay the archived WAL up to just before the mistake
    (recovery_target_time) and check that every row is back. Prints each step's time."""
    cluster = Cluster(ports=Ports.free(), seconds_limit=300, keep=keep)
    cluster.start(services=False)
    archive = cluster.dir / "pg" / "archive"
    archive.mkdir()
    if cluster.pg_user:
        shutil.chown(archive, cluster.pg_user, cluster.pg_user)
    timings: dict[str, float] = {}

    def step(name: str, started: float) -> None:
        timings[name] = time.monotonic() - started
        cluster.log(f"{name}: {timings[name]:.1f} s")

    try:
        primary = PgNode(cluster, "drill-primary", free_port())
        primary.initdb()
        primary.start(
            (
                "archive_mode=on",
                f"archive_command=test ! -f {archive}/%f && cp %p {archive}/%f",
            )
        )
        primary.query(f"CREATE DATABASE {DB_NAME}", dbname="postgres")
        primary.query(
            "CREATE TABLE drill_registration (id serial PRIMARY KEY, email text NOT NULL, "
            "created_at timestamptz NOT NULL DEFAULT clock_timestamp())"
        )
        insert = (
            "INSERT INTO drill_registration (email) "
            "SELECT %s || n || '@example.org' FROM generate_series(1, 500) n"
        )
        primary.query(insert, ["before-backup-"])

        started = time.monotonic()
        base = PgNode(cluster, "drill-base", 0)
        base.basebackup(primary, standby=False)
        step("base backup (pg_basebackup)", started)

        primary.query(insert, ["after-backup-"])  # only in the archived WAL
        target = primary.query("SELECT clock_timestamp()")[0][0]
        time.sleep(1)
        primary.query("DELETE FROM drill_registration")  # the mistake
        segment = primary.query("SELECT pg_walfile_name(pg_switch_wal())")[0][0]
        wait_until(lambda: (archive / segment).exists(), 30, "the last WAL segment to be archived")
        primary.child.kill9()  # the disk is lost
        shutil.rmtree(primary.datadir)

        started = time.monotonic()
        restored = PgNode(cluster, "drill-restored", free_port())
        run(
            ["cp", "-a", str(base.datadir), str(restored.datadir)],
            user=cluster.pg_user,
        )
        (restored.datadir / "recovery.signal").touch()
        with open(restored.datadir / "postgresql.auto.conf", "a") as conf:
            conf.write(
                f"restore_command = 'cp {archive}/%f %p'\n"
                f"recovery_target_time = '{target.isoformat()}'\n"
                "recovery_target_action = 'promote'\n"
            )
        restored.start()
        wait_until(lambda: not restored.in_recovery(), 60, "the point-in-time recovery")
        step("restore (copy + WAL replay to the target time + promote)", started)

        rows = restored.query(
            "SELECT count(*) FILTER (WHERE email LIKE 'before-backup-%'), "
            "count(*) FILTER (WHERE email LIKE 'after-backup-%') FROM drill_registration"
        )[0]
        segments = len(list(archive.iterdir()))
        print(
            f"restore drill: recovered to {target.isoformat()}; rows from before the base "
            f"backup {rows[0]}/500, from the archived WAL after it {rows[1]}/500; "
            f"{segments} WAL segments archived; "
            + "; ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()),
            flush=True,
        )
        return 0 if rows == (500, 500) else 1
    finally:
        cluster.stop()


# --- Command line -------------------------------------------------------------------------------


def find_state(proxy_port: int) -> dict | None:
    pointer = POINTER_DIR / f"gotc-cluster-{proxy_port}.dir"
    try:
        directory = Path(pointer.read_text().strip())
        return json.loads((directory / "state.json").read_text())
    except (OSError, ValueError):
        return None


def status(proxy_port: int) -> int:
    state = find_state(proxy_port)
    if state is None:
        print(f"no cluster recorded for proxy port {proxy_port}")
        return 1
    print(f"cluster in {state['dir']} (started by pid {state['pid']})")
    for process in state["processes"]:
        alive = process_start_time(process["pid"]) == process["start_time"]
        print(f"  {process['name']:12s} pid {process['pid']:>7}  {'up' if alive else 'DOWN'}")
    import psycopg
    import redis

    for node in state["pg"]:
        try:
            with psycopg.connect(
                f"host=127.0.0.1 port={node['port']} user=postgres dbname=postgres "
                "connect_timeout=2",
                autocommit=True,
            ) as conn:
                standby = conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]
            role = "replica" if standby else "primary"
        except psycopg.Error:
            role = "unreachable"
        print(f"  PostgreSQL :{node['port']}  {role}")
    for node in state["redis"]:
        try:
            role = redis.Redis(port=node["port"], socket_timeout=1).info("replication")["role"]
        except redis.RedisError:
            role = "unreachable"
        print(f"  Redis :{node['port']}  {role}")
    try:
        health = http_status(state["base_url"] + "/healthz")
    except OSError as exc:
        health = f"unreachable ({exc})"
    print(f"  {state['base_url']}/healthz: {health}")
    return 0


def stop_recorded(proxy_port: int) -> int:
    state = find_state(proxy_port)
    if state is None:
        print(f"no cluster recorded for proxy port {proxy_port}")
        return 1
    if Path(f"/proc/{state['pid']}").exists():
        print(f"asking the cluster's process {state['pid']} to stop")
        os.kill(state["pid"], signal.SIGTERM)
        for _ in range(60):
            if not Path(f"/proc/{state['pid']}").exists():
                return 0
            time.sleep(1)
    directory = Path(state["dir"])
    kill_recorded(directory)
    shutil.rmtree(directory, ignore_errors=True)
    (POINTER_DIR / f"gotc-cluster-{proxy_port}.dir").unlink(missing_ok=True)
    print("killed the recorded processes and removed", directory)
    return 0


def exit_on_signals() -> None:
    """SIGTERM/SIGHUP end the process through SystemExit, so finally blocks and atexit run."""

    def handler(signum, _frame):
        raise SystemExit(f"stopped by signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="start the cluster in the foreground")
    start.add_argument(
        "--seconds",
        type=float,
        default=float(os.environ.get("CLUSTER_SECONDS", "600")),
        help="stop after this long (CLUSTER_SECONDS, default 600)",
    )
    start.add_argument("--keep", action="store_true", help="keep the temp dir (logs) on exit")
    start.add_argument(
        "--ref", help="run this commit of the app (git archive), not the working tree"
    )
    for name in ("status", "stop"):
        sub = commands.add_parser(name)
        sub.add_argument("--proxy-port", type=int, default=Ports().proxy)
    watch = commands.add_parser("_watchdog")
    watch.add_argument("--parent", type=int, required=True)
    watch.add_argument("--dir", type=Path, required=True)
    watch.add_argument("--deadline", type=float, required=True)
    watch.add_argument("--stop-parent", action="store_true")
    drill = commands.add_parser(
        "restore-drill", help="point-in-time recovery from a base backup and archived WAL"
    )
    drill.add_argument("--keep", action="store_true", help="keep the temp dir (logs) on exit")
    sink = commands.add_parser("_smtp_sink")
    sink.add_argument("--port", type=int, required=True)
    sink.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    if args.command == "_watchdog":
        watchdog(args.parent, args.dir, args.deadline, args.stop_parent)
        return 0
    if args.command == "_smtp_sink":
        smtp_sink(args.port, args.out)
        return 0
    if args.command == "restore-drill":
        exit_on_signals()
        return restore_drill(keep=args.keep)
    if args.command == "status":
        return status(args.proxy_port)
    if args.command == "stop":
        return stop_recorded(args.proxy_port)

    exit_on_signals()
    cluster = Cluster(seconds_limit=args.seconds + 120, keep=args.keep, pointer=True, ref=args.ref)
    try:
        cluster.start()
        print(cluster.describe(), flush=True)
        print(
            f"Running for {args.seconds:.0f} s (CLUSTER_SECONDS); Ctrl-C stops everything. "
            "`bench/cluster.py status` from another shell.",
            flush=True,
        )
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            time.sleep(1)
        print("time is up", flush=True)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
