"""Sending webhook deliveries: signed, retried with backoff, each attempt logged.

The same design as the mail queue (registration.delivery), for the same reasons: on
PostgreSQL one delivery is one short transaction,

    BEGIN; SELECT one due delivery ... FOR UPDATE SKIP LOCKED; POST it;
    UPDATE it (delivered, or the next attempt's time) + its attempt row; COMMIT

so any number of workers send each delivery once, and a crash (``kill -9``, a dropped
connection) can repeat only the one in flight; receivers drop an ``event_id`` they have
already handled (replays keep it too). SQLite (development) has no row locks: the request
is made outside the transaction and one worker is assumed.

The worker is ``manage.py mail_worker``: after each pass over the mail queue it sends the
due deliveries (``on_worker_pass``, connected to ``registration.signals.worker_pass``), so one
process drains both outboxes.

Signature: ``X-Gotc-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>``
(docs/api.md shows how a receiver checks it). A failure (no answer within TIMEOUT, or any
status but 2xx) is retried after 30 s, doubling, at most 6 h apart, MAX_ATTEMPTS times in
all; then the delivery is failed and can be replayed from the admin.

A receiver that is down costs the worker little: after one of its deliveries fails, its other
deliveries wait for the next pass, and a pass spends at most PASS_SECONDS on webhooks before
the worker goes back to the mail queue (a blackholed receiver costs one TIMEOUT per pass).
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from api.models import DeliveryStatus, WebhookAttempt, WebhookDelivery

logger = logging.getLogger(__name__)

TIMEOUT = 10  # seconds a receiver has to answer
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY_DELAY = timedelta(hours=6)
PASS_SECONDS = 30  # at most this long on webhooks per worker pass (then the emails again)
LOCK_HELD_AT_MOST = "60s"
USER_AGENT = "gotc-webhooks/1"
MAX_ERROR_LENGTH = 500


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Gotc-Signature header of ``body`` sent at ``timestamp``."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), MAX_RETRY_DELAY)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other (3xx: not delivered): a POST is never
    silently turned into a GET elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


@dataclass
class Outcome:
    status_code: int | None
    duration_ms: int
    error: str = ""

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(delivery: WebhookDelivery) -> Outcome:
    """POST one delivery to its endpoint, signed now. Never raises."""
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    timestamp = int(time.time())
    # The URL is an http(s) one (WebhookEndpoint.url's validator), typed by an organizer.
    request = urllib.request.Request(  # noqa: S310
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Gotc-Event": delivery.event,
            "X-Gotc-Event-Id": str(delivery.event_id),
            "X-Gotc-Delivery": str(delivery.pk),
            "X-Gotc-Signature": sign(delivery.endpoint.secret, timestamp, body),
        },
    )
    started = time.monotonic()
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            status_code, error = response.status, ""
    except urllib.error.HTTPError as answer:
        status_code, error = answer.code, f"HTTP {answer.code}"
        answer.close()
    except Exception as failure:  # unreachable, refused, timed out, TLS...: retried
        status_code, error = None, f"{type(failure).__name__}: {failure}"
    duration = int((time.monotonic() - started) * 1000)
    return Outcome(status_code, duration, error[:MAX_ERROR_LENGTH])


def record(delivery: WebhookDelivery, outcome: Outcome) -> None:
    """Log the attempt and move the delivery on: delivered, retried later, or failed."""
    now = timezone.now()
    WebhookAttempt.objects.create(
        delivery=delivery,
        status_code=outcome.status_code,
        duration_ms=outcome.duration_ms,
        error=outcome.error,
    )
    delivery.attempts += 1
    if outcome.delivered:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        logger.error(
            "Webhook delivery %s failed for good after %s attempts (%s).",
            delivery.pk,
            delivery.attempts,
            outcome.error,
        )
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        logger.warning(
            "Webhook delivery %s not delivered (%s); attempt %s at %s.",
            delivery.pk,
            outcome.error,
            delivery.attempts + 1,
            delivery.next_attempt_at.isoformat(timespec="seconds"),
        )
    delivery.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])


def due():
    return WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING,
        next_attempt_at__lte=timezone.now(),
        endpoint__is_active=True,
    )


def claim(
    skip_ids: set[int] = frozenset(), skip_endpoints: set[int] = frozenset()
) -> WebhookDelivery | None:
    """The next due delivery (not of ``skip_ids`` nor to ``skip_endpoints``), locked until
    the caller's transaction ends; None when every due one is taken (or none is due)."""
    deliveries = due()
    if skip_ids:
        deliveries = deliveries.exclude(pk__in=skip_ids)
    if skip_endpoints:
        deliveries = deliveries.exclude(endpoint_id__in=skip_endpoints)
    return (
        deliveries.select_for_update(skip_locked=True, of=("self",))
        .select_related("endpoint")
        .order_by("next_attempt_at", "pk")
        .first()
    )


@dataclass
class WebhookSender:
    """Sends due deliveries one at a time, each in its own transaction."""

    delivered: int = 0
    retried: int = 0
    # Tried in this pass already (failed): not again in the same pass.
    tried: set[int] = field(default_factory=set)
    # Endpoints that failed in this pass: their other deliveries wait for the next one.
    failing: set[int] = field(default_factory=set)

    def send_next(self) -> bool:
        """Claim, POST and record one due delivery. False when none is due. Raises the
        database's errors (the worker backs off); never raises for a receiver's failure."""
        if connection.features.has_select_for_update_skip_locked:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SET LOCAL idle_in_transaction_session_timeout = '{LOCK_HELD_AT_MOST}'"
                    )
                delivery = claim(self.tried, self.failing)
                if delivery is None:
                    return False
                self._record(delivery, post(delivery))
            return True
        delivery = claim(self.tried, self.failing)
        if delivery is None:
            return False
        outcome = post(delivery)
        with transaction.atomic():
            self._record(delivery, outcome)
        return True

    def _record(self, delivery: WebhookDelivery, outcome: Outcome) -> None:
        record(delivery, outcome)
        self.tried.add(delivery.pk)
        if outcome.delivered:
            self.delivered += 1
        else:
            self.retried += 1
            self.failing.add(delivery.endpoint_id)


def send_due(*, stop=None, seconds: float = PASS_SECONDS) -> WebhookSender:
    """Send due deliveries until none is left, ``stop()`` is true or ``seconds`` have passed."""
    sender = WebhookSender()
    deadline = time.monotonic() + seconds
    while not (stop and stop()) and time.monotonic() < deadline and sender.send_next():
        pass
    if sender.delivered or sender.retried:
        logger.info("Webhooks: delivered %s, not delivered %s.", sender.delivered, sender.retried)
    return sender


def on_worker_pass(sender, stopping=None, **kwargs) -> None:
    """registration.signals.worker_pass: the mail worker's pass drains the webhooks too."""
    send_due(stop=stopping.is_set if stopping is not None else None)
