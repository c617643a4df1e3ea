"""Webhooks: an outbox written with the change, signed deliveries, retries, replays."""

import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from api import delivery
from api.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from registration import services
from tests.concurrency import errors, run_together
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check, as docs/api.md shows it."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


class Receiver:
    """A webhook receiver on 127.0.0.1 that checks signatures and answers ``status``."""

    def __init__(self, secret: str):
        self.secret = secret
        self.status = 200
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {
                        "headers": dict(self.headers),
                        "body": json.loads(body),
                        "verified": verify(receiver.secret, self.headers["X-Gotc-Signature"], body),
                        "tampered": verify(
                            receiver.secret, self.headers["X-Gotc-Signature"], body + b" "
                        ),
                    }
                )
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/gotc"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver("whsec_test-secret")
    yield running
    running.stop()


@pytest.fixture
def endpoint(conference, receiver) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        conference=conference, url=receiver.url, events=list(Event.values), secret=receiver.secret
    )


@pytest.fixture
def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/down"


def person(email: str) -> dict:
    return {"full_name": email.split("@")[0], "email": email, "organization": "O", "job_title": "J"}


def register(conference, forums, email="li@example.org"):
    return services.register(
        conference=conference, data=person(email), forums=forums, notify=False
    ).registration


def events() -> list[str]:
    return list(WebhookDelivery.objects.order_by("pk").values_list("event", flat=True))


def test_every_registration_event_owes_a_delivery(conference, program, endpoint):
    first = register(conference, [program["rust"]], "first@example.org")
    second = register(conference, [program["rust"]], "second@example.org")
    services.change_picks(registration=first, forums=[program["cloud"]])  # frees rust
    services.check_in(registration=second, by=None)
    services.cancel_registration(registration=first)

    assert events() == [
        "registration.created",
        "registration.created",
        "registration.promoted",  # the seat first's change freed, in the same transaction
        "registration.changed",
        "registration.checked_in",
        "registration.cancelled",
    ]
    promoted = WebhookDelivery.objects.get(event=Event.REGISTRATION_PROMOTED).payload
    assert promoted["data"]["registration"]["email"] == "second@example.org"
    assert promoted["data"]["forum"]["slug"] == "rust"
    assert promoted["conference"] == conference.slug


def test_a_second_scan_owes_nothing_more(conference, program, endpoint):
    guest = register(conference, [program["main"]])
    services.check_in(registration=guest, by=None)
    services.check_in(registration=guest, by=None, forum=program["main"])

    assert events().count("registration.checked_in") == 1


def test_only_subscribed_active_endpoints_of_the_conference_are_owed(conference, program, receiver):
    WebhookEndpoint.objects.create(conference=conference, url=receiver.url, events=["x"])
    WebhookEndpoint.objects.create(
        conference=conference, url=receiver.url, events=list(Event.values), is_active=False
    )
    WebhookEndpoint.objects.create(
        conference=ConferenceFactory(), url=receiver.url, events=list(Event.values)
    )
    cancelled_only = WebhookEndpoint.objects.create(
        conference=conference, url=receiver.url, events=[Event.REGISTRATION_CANCELLED]
    )

    guest = register(conference, [program["main"]])
    services.cancel_registration(registration=guest)

    assert list(WebhookDelivery.objects.values_list("endpoint", "event")) == [
        (cancelled_only.pk, "registration.cancelled")
    ]


def test_the_outbox_rolls_back_with_the_change(conference, program, endpoint):
    with pytest.raises(RuntimeError), transaction.atomic():
        register(conference, [program["main"]])
        raise RuntimeError("the request failed after the service")

    assert not WebhookDelivery.objects.exists()


def test_a_delivery_is_signed_and_verified_by_a_real_receiver(
    conference, program, endpoint, receiver
):
    guest = register(conference, [program["main"]])

    sent = delivery.send_due()

    assert sent.delivered == 1
    [got] = receiver.received
    assert got["verified"] is True
    assert got["tampered"] is False
    assert got["headers"]["X-Gotc-Event"] == "registration.created"
    assert got["body"]["type"] == "registration.created"
    assert got["body"]["data"]["registration"]["id"] == guest.pk
    assert got["headers"]["X-Gotc-Event-Id"] == got["body"]["id"]
    row = WebhookDelivery.objects.get()
    assert row.status == DeliveryStatus.DELIVERED
    assert [(a.status_code, a.error) for a in row.attempt_log.all()] == [(200, "")]


def test_a_receiver_that_is_down_gets_retries_and_nothing_else_breaks(
    conference, program, closed_port_url, writer_client
):
    WebhookEndpoint.objects.create(
        conference=conference, url=closed_port_url, events=list(Event.values)
    )
    response = writer_client.post(
        f"/api/v1/conferences/{conference.slug}/registrations/",
        {**person("li@example.org"), "consent": True, "forums": ["main"]},
    )
    before = timezone.now()

    sent = delivery.send_due()
    again = delivery.send_due()  # not due yet: waits for its backoff

    assert response.status_code == 201
    assert sent.retried == 1
    assert again.retried == again.delivered == 0
    row = WebhookDelivery.objects.get()
    assert row.status == DeliveryStatus.PENDING
    assert row.attempts == 1
    assert (row.next_attempt_at - before).total_seconds() == pytest.approx(30, abs=5)
    [attempt] = row.attempt_log.all()
    assert attempt.status_code is None
    assert "Connection" in attempt.error or "refused" in attempt.error


def test_a_receiver_that_is_down_costs_one_attempt_per_pass(
    conference, program, closed_port_url, endpoint, receiver
):
    WebhookEndpoint.objects.create(
        conference=conference, url=closed_port_url, events=list(Event.values)
    )
    for number in range(3):
        register(conference, [program["cloud"]], f"p{number}@example.org")

    sent = delivery.send_due()

    assert (sent.delivered, sent.retried) == (3, 1)
    assert len(receiver.received) == 3
    down = WebhookDelivery.objects.filter(endpoint__url=closed_port_url)
    assert sorted(down.values_list("attempts", flat=True)) == [0, 0, 1]


def test_backoff_doubles_then_the_delivery_fails(conference, program, receiver, endpoint):
    receiver.status = 500
    register(conference, [program["main"]])
    row = WebhookDelivery.objects.get()

    for attempt in range(delivery.MAX_ATTEMPTS):
        WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        delivery.send_due()
        row.refresh_from_db()
        if attempt < delivery.MAX_ATTEMPTS - 1:
            assert row.status == DeliveryStatus.PENDING

    assert row.status == DeliveryStatus.FAILED
    assert row.attempts == delivery.MAX_ATTEMPTS
    assert {a.status_code for a in row.attempt_log.all()} == {500}
    assert delivery.retry_delay(1).total_seconds() == 30
    assert delivery.retry_delay(2).total_seconds() == 60
    assert delivery.retry_delay(30) == delivery.MAX_RETRY_DELAY


def test_the_mail_worker_drains_the_webhooks_too(conference, program, endpoint, receiver):
    register(conference, [program["main"]])

    call_command("mail_worker", "--once")

    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_new_endpoint_hears_the_next_event(conference, program, receiver):
    register(conference, [program["main"]], "before@example.org")
    WebhookEndpoint.objects.create(
        conference=conference, url=receiver.url, events=list(Event.values)
    )

    register(conference, [program["main"]], "after@example.org")

    assert events() == ["registration.created"]


@pytest.fixture
def writer_client(api_for, conference):
    return api_for(conference)


NEEDS_ROW_LOCKS = pytest.mark.skipif(
    not connection.features.has_select_for_update_skip_locked,
    reason="several workers need FOR UPDATE SKIP LOCKED: SQLite has no row locks (one worker)",
)


@NEEDS_ROW_LOCKS
@pytest.mark.django_db(transaction=True)
def test_three_workers_deliver_each_event_once(conference, program, receiver):
    WebhookEndpoint.objects.create(
        conference=conference, url=receiver.url, events=[Event.REGISTRATION_CREATED]
    )
    for number in range(60):
        register(conference, [program["cloud"]], f"p{number}@example.org")
    results = run_together(3, lambda _: delivery.send_due())

    ids = [got["body"]["id"] for got in receiver.received]
    assert errors(results) == []
    assert len(ids) == len(set(ids)) == 60
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 60
