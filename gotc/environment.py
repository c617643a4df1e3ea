"""Reading the settings from the environment: each variable through a parser that says, in
the one-line error an operator sees at start, what the variable must be."""

import ipaddress
import os
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


# Hand-written rather than django-environ: its Env reads a blank value (compose passes
# `${VAR:-}`) as a value instead of the default, reads any unknown word as False, keeps the
# spaces around list items, and lets int()'s ValueError out without the variable's name:
# it would need this same reader around it.
def env(name: str, default: Any, parse: Callable[[str], Any] = str) -> Any:
    """The variable ``name`` read by ``parse``; unset or blank: ``default``. A value
    ``parse`` refuses (ValueError saying what is expected) stops the start in one line."""
    value = os.environ.get(name, "")
    if not value.strip():
        return default
    try:
        return parse(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {exc}.") from exc


def boolean(value: str) -> bool:
    word = value.strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    raise ValueError("on or off (1, true, yes, on / 0, false, no, off)")


def names(value: str) -> list[str]:
    """A comma-separated list."""
    return [item.strip() for item in value.split(",") if item.strip()]


def addresses(value: str) -> list[tuple[str, int]]:
    """A comma-separated list of host:port (``10.0.0.5:26379, sentinel-2:26379``)."""
    found = []
    for item in names(value):
        host, _, port = item.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(
                "a comma-separated list of host:port (e.g. 10.0.0.5:26379, 10.0.0.6:26379)"
            )
        found.append((host.strip("[]"), int(port)))
    return found


def networks(value: str) -> tuple:
    """A comma-separated list of IP addresses or networks (``10.0.0.0/8``)."""
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in names(value))
    except ValueError:
        raise ValueError(
            "a comma-separated list of IP addresses or networks (e.g. 10.0.0.5, 10.1.0.0/16)"
        ) from None


def number(kind: type[int] | type[float], low: float, high: float | None = None) -> Callable:
    """A parser of whole numbers (``int``) or numbers (``float``) from ``low`` to ``high``."""
    noun = "a whole number" if kind is int else "a number"
    expected = f"{noun} from {low} to {high}" if high is not None else f"{noun}, {low} or more"

    def parse(value: str) -> int | float:
        try:
            result = kind(value)
        except ValueError:
            raise ValueError(expected) from None
        if not (low <= result and (high is None or result <= high)):  # NaN fails too
            raise ValueError(expected)
        return result

    return parse


def one_of(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value.strip() not in choices:
            raise ValueError("one of " + ", ".join(choices))
        return value.strip()

    return parse


def site_url(*, https: bool) -> Callable[[str], str]:
    """The site's public address (``https://host[:port]``, no path): the base of every link
    in emails. ``https`` requires the https scheme (production)."""

    def parse(value: str) -> str:
        parts = urlsplit(value.strip())
        schemes = {"https"} if https else {"http", "https"}
        expected = "the site's https:// address" if https else "the site's http(s):// address"
        if parts.scheme not in schemes or not parts.hostname or parts.path not in {"", "/"}:
            raise ValueError(f"{expected}, e.g. https://gotc.example.org")
        return value.strip().rstrip("/")

    return parse


def time_zone(value: str) -> str:
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("a known time zone, e.g. Asia/Shanghai") from None
    return value.strip()


def rate(value: str) -> str:
    """django-ratelimit's rate: <count>/<s|m|h|d>, the period optionally a multiple (5/10m)."""
    if not re.fullmatch(r"\d+/\d*[smhd]", value.strip()):
        raise ValueError("a rate like 30/h (<count>/<s|m|h|d>)")
    return value.strip()


def database_url(value: str, *, session_attrs: str) -> dict:
    """Django's DATABASES entry for a database URL, read by dj-database-url, and for
    PostgreSQL also libpq's multi-host form, ``postgres://user@db1:5432,db2:5432/gotc``:
    libpq tries the hosts in turn and keeps the first whose role fits ``session_attrs``
    (``read-write`` finds the primary after a promotion, ``prefer-standby`` a replica), so
    the app follows a failover without a restart. The URL's own query (``?sslmode=require``,
    ``?target_session_attrs=any``) wins over these defaults."""
    parts = urlsplit(value.strip())
    userinfo, _, hostlist = parts.netloc.rpartition("@")
    hosts = [item for item in hostlist.split(",") if item]
    many = parts.scheme in {"postgres", "postgresql", "pgsql"} and len(hosts) > 1
    if many:  # dj-database-url reads one host: it gets the first, libpq gets them all
        value = parts._replace(netloc=(userinfo + "@" if userinfo else "") + hosts[0]).geturl()
    try:
        config = dj_database_url.parse(value.strip())
    except ValueError as exc:  # the message names the scheme or the part that does not parse
        raise ValueError(f"a database URL ({exc})") from None
    if config["ENGINE"] != "django.db.backends.postgresql":
        return config
    options = config.setdefault("OPTIONS", {})
    if many:
        names, ports = [], []
        for host in hosts:
            name, port = _host_port(host)
            names.append(name)
            ports.append(port)
        config["HOST"], config["PORT"] = ",".join(names), ",".join(ports)
        options.setdefault("target_session_attrs", session_attrs)
    return config


def _host_port(host: str) -> tuple[str, str]:
    """``db1:5433`` -> ("db1", "5433"); ``[::1]:5433`` -> ("::1", "5433"); no port: 5432."""
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        port = rest.removeprefix(":")
    else:
        name, _, port = host.partition(":")
    port = port or "5432"
    if not name or not port.isdigit():
        raise ValueError(f"a database URL (cannot read the host {host!r})")
    return name, port
