"""Redis as an accelerator: when it is down or frozen, the site answers without it.

Everything in the shared cache can be lost: pages and remembered reads are rendered again,
rate limits and admin lockouts stop counting (they fail open), sessions and the done page
never live only there. So a cache call that cannot reach Redis is a miss, never an error
page, and it costs at most one short timeout every few seconds per process.

django-redis 7 has half of this: ``IGNORE_EXCEPTIONS`` turns a connection error into a miss.
It lacks the other half: every call still waits its own socket timeout, so a frozen Redis
costs each request one timeout per cache call (a page makes several) and the sync workers
queue up behind it. ``CircuitBreakerClient`` adds a breaker: after a failure, Redis is
skipped for ``REDIS_BREAKER_SECONDS``; then one call probes it while the others still skip.
"""

import logging
import os
import threading
import time

from django.conf import settings
from django_redis.cache import RedisCache
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)

DEFAULT_BREAKER_SECONDS = 5.0


class Breaker:
    """Closed: calls go through. Open: calls are refused at once until ``retry_at``; then
    the first caller probes (the others keep being refused) and closes it by succeeding."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.failing = False
        self.retry_at = 0.0
        self._lock = threading.Lock()

    def allow(self) -> bool:
        if not self.failing:
            return True
        with self._lock:
            now = time.monotonic()
            if now < self.retry_at:
                return False
            self.retry_at = now + self.seconds  # this caller probes; the others skip
            return True

    def succeeded(self) -> None:
        if self.failing:
            self.failing = False
            logger.warning("Redis answers again: cache, rate limits and lockouts are back")

    def failed(self, error: BaseException) -> None:
        with self._lock:
            self.retry_at = time.monotonic() + self.seconds
            if self.failing:
                return
            self.failing = True
        logger.warning(
            "Redis unreachable (%s): skipping it for %.0f s; pages are rendered, rate limits "
            "and admin lockouts are not counted meanwhile",
            error.__cause__ or error,
            self.seconds,
        )

    @property
    def is_open(self) -> bool:
        return self.failing and time.monotonic() < self.retry_at


class CircuitBreakerClient(DefaultClient):
    """django-redis's client behind a per-process breaker (see the module docstring)."""

    def __init__(self, server, params, backend) -> None:
        super().__init__(server, params, backend)
        self.breaker = Breaker(getattr(settings, "REDIS_BREAKER_SECONDS", DEFAULT_BREAKER_SECONDS))


# The calls made through Django's cache API (and django-redis's extras that the site uses).
# Internal calls between them (set_many -> set, incr -> ttl) pass the same breaker: harmless.
GUARDED = (
    "add",
    "clear",
    "decr",
    "delete",
    "delete_many",
    "delete_pattern",
    "expire",
    "get",
    "get_many",
    "has_key",
    "incr",
    "incr_version",
    "keys",
    "persist",
    "set",
    "set_many",
    "touch",
    "ttl",
)


def _guarded(name: str):
    method = getattr(DefaultClient, name)

    def call(self, *args, **kwargs):
        breaker = self.breaker
        if not breaker.allow():
            # Raised like a real failure so that django-redis handles it the same way.
            raise ConnectionInterrupted(connection=None) from RedisConnectionError(
                "Redis skipped: it failed less than REDIS_BREAKER_SECONDS ago"
            )
        try:
            result = method(self, *args, **kwargs)
        except ConnectionInterrupted as error:
            breaker.failed(error)
            raise
        breaker.succeeded()
        return result

    call.__name__ = name
    call.__doc__ = method.__doc__
    return call


for _name in GUARDED:
    setattr(CircuitBreakerClient, _name, _guarded(_name))


class ResilientRedisCache(RedisCache):
    """django-redis's cache with the breaker client, and an unreachable Redis read as a miss
    (``get`` returns the default, ``add``/``set`` return None, ``incr`` returns 0)."""

    def __init__(self, server: str, params: dict) -> None:
        options = {"CLIENT_CLASS": "gotc.cache.CircuitBreakerClient", **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self._ignore_exceptions = True
        # The breaker logs once per outage; a traceback per call would flood the log.
        self._log_ignored_exceptions = False

    def incr(self, *args, **kwargs):
        # django-ratelimit and django-axes compare the count with their limit: 0 (counted
        # nowhere) lets the request through, where None would raise TypeError in axes.
        value = super().incr(*args, **kwargs)
        return 0 if value is None else value

    @property
    def is_skipping(self) -> bool:
        """True while the breaker is open (Redis failed less than a few seconds ago)."""
        return self.client.breaker.is_open


def cache_status(cache) -> str:
    """ "ok" when ``cache`` stores and returns a value, else "down" (at once while the
    breaker is open; otherwise within the short socket timeouts)."""
    if getattr(cache, "is_skipping", False):
        return "down"
    key = f"gotc:healthz:{os.getpid()}:{threading.get_ident()}"  # no race between checkers
    token = time.time_ns()
    try:
        cache.set(key, token, 30)
        return "ok" if cache.get(key) == token else "down"
    except Exception:  # a cache backend without the breaker
        return "down"
