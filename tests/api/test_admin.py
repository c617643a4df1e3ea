"""The API in the admin: a token is shown once and stored hashed; revoke; replay deliveries."""

import re

import pytest
from django.urls import reverse

from api.models import ApiToken, DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint, token_hash
from tests.api.conftest import Api, base

pytestmark = pytest.mark.django_db


def test_a_new_token_is_shown_once_and_works(admin_client, conference):
    response = admin_client.post(
        reverse("admin:api_apitoken_add"),
        {
            "name": "Badge printer",
            "conference": conference.pk,
            "scopes": ["registrations:read", "checkin"],
            "expires_at_0": "2099-01-01",
            "expires_at_1": "00:00:00",
        },
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = re.search(r"gotc_[A-Za-z0-9_\-]{43}", response.content.decode()).group()
    token = ApiToken.objects.get()
    assert token.token_hash == token_hash(secret)
    assert token.scopes == ["registrations:read", "checkin"]
    assert token.created_by.is_superuser
    assert Api(secret).get(f"{base(conference)}registrations/").status_code == 200
    change = admin_client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert secret not in change.content.decode()
    assert token.hint in change.content.decode()


def test_a_token_needs_a_scope(admin_client, conference):
    response = admin_client.post(
        reverse("admin:api_apitoken_add"),
        {"name": "x", "conference": conference.pk, "expires_at_0": "2099-01-01"},
    )

    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert response.context["adminform"].form.errors["scopes"]


def test_revoking_in_the_admin_ends_the_token(admin_client, make_token, conference):
    token, secret = make_token(conference)

    admin_client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Api(secret).get(f"{base(conference)}registrations/").status_code == 401


def test_replay_sends_the_same_event_again(admin_client, conference):
    endpoint = WebhookEndpoint.objects.create(
        conference=conference, url="https://hooks.example.org/gotc", events=list(Event.values)
    )
    failed = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=Event.REGISTRATION_CREATED,
        payload={"id": "x"},
        status=DeliveryStatus.FAILED,
        attempts=12,
    )

    admin_client.post(
        reverse("admin:api_webhookdelivery_changelist"),
        {"action": "replay", "_selected_action": [failed.pk]},
    )

    replay = WebhookDelivery.objects.exclude(pk=failed.pk).get()
    assert replay.status == DeliveryStatus.PENDING
    assert replay.event_id == failed.event_id
    assert replay.payload == failed.payload
    assert replay.attempts == 0


def test_admin_pages_render(admin_client, conference):
    endpoint = WebhookEndpoint.objects.create(
        conference=conference, url="https://hooks.example.org/gotc", events=["registration.created"]
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=Event.REGISTRATION_CREATED, payload={}
    )

    for name, args in [
        ("admin:api_apitoken_changelist", []),
        ("admin:api_apitoken_add", []),
        ("admin:api_webhookendpoint_changelist", []),
        ("admin:api_webhookendpoint_add", []),
        ("admin:api_webhookendpoint_change", [endpoint.pk]),
        ("admin:api_webhookdelivery_changelist", []),
        ("admin:api_webhookdelivery_change", [delivery.pk]),
    ]:
        assert admin_client.get(reverse(name, args=args)).status_code == 200, name


def test_an_endpoint_url_must_be_http(admin_client, conference):
    response = admin_client.post(
        reverse("admin:api_webhookendpoint_add"),
        {
            "conference": conference.pk,
            "url": "file:///etc/passwd",
            "events": ["registration.created"],
            "is_active": "on",
            "secret": "whsec_x",
        },
    )

    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()
