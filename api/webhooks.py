"""Registration events become webhook deliveries: an outbox written in the change's own
transaction.

registration.services send ``registration.signals`` inside their transaction; the receivers
here write one ``WebhookDelivery`` per active endpoint of the conference that subscribed to
the event, with the event's body frozen as it is now. The rows commit with the change or
not at all, and the worker (api.delivery) sends them later: a receiver that is down never
slows, blocks or undoes a registration.

Which endpoints listen is remembered per process until an endpoint changes (the
"webhooks" version of gotc.pagecache): a registration of a conference without webhooks costs
no query here.
"""

import uuid
from functools import partial

from django.conf import settings
from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

from api import delivery
from api.models import Event, WebhookDelivery, WebhookEndpoint
from api.serializers import ForumBriefSerializer, RegistrationSerializer
from gotc import pagecache
from registration import signals
from registration.models import ForumPick, Registration

WEBHOOKS = "webhooks"
SIGNALS = {
    Event.REGISTRATION_CREATED: signals.registration_created,
    Event.REGISTRATION_CHANGED: signals.registration_changed,
    Event.REGISTRATION_CANCELLED: signals.registration_cancelled,
    Event.REGISTRATION_PROMOTED: signals.registration_promoted,
    Event.REGISTRATION_CHECKED_IN: signals.registration_checked_in,
}


def connect() -> None:
    """Called once from ApiConfig.ready()."""
    for event, signal in SIGNALS.items():
        signal.connect(partial(_receive, event), weak=False, dispatch_uid=f"api.webhooks.{event}")
    signals.worker_pass.connect(delivery.on_worker_pass, dispatch_uid="api.delivery")
    for signal in (post_save, post_delete):
        signal.connect(
            _endpoints_changed, sender=WebhookEndpoint, dispatch_uid=f"api.webhooks.{signal}"
        )


def _endpoints_changed(**kwargs) -> None:
    pagecache.bump(WEBHOOKS)


def listening(conference_id: int) -> list[tuple[int, list[str]]]:
    """(endpoint id, its events) of the conference's active endpoints."""

    def read():
        return list(
            WebhookEndpoint.objects.filter(conference_id=conference_id, is_active=True)
            .order_by("pk")
            .values_list("pk", "events")
        )

    return pagecache.remembered(f"api:webhooks:{conference_id}", WEBHOOKS, read)


def _receive(event: str, sender, registration: Registration, forum=None, **kwargs) -> None:
    owe(event, registration, forum=forum)


def owe(event: str, registration: Registration, *, forum=None) -> list[WebhookDelivery]:
    """Write the deliveries of ``event`` (inside the caller's transaction)."""
    endpoints = [pk for pk, events in listening(registration.conference_id) if event in events]
    if not endpoints:
        return []
    payload = event_body(event, registration, forum=forum)
    event_id = uuid.UUID(payload["id"])
    return WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint_id=pk, event=event, event_id=event_id, payload=payload)
        for pk in endpoints
    )


def event_body(event: str, registration: Registration, *, forum=None) -> dict:
    """What a receiver gets: the event, and the registration as the API shows it now."""
    picks = (
        ForumPick.objects.live()
        .select_related("forum")
        .order_by("forum__starts_at", "forum__position", "pk")
    )
    current = (
        Registration.objects.select_related("conference")
        .prefetch_related(Prefetch("picks", queryset=picks, to_attr="live_picks"))
        .get(pk=registration.pk)
    )
    conference = current.conference
    with (
        translation.override(settings.LANGUAGE_CODE),
        timezone.override(conference.tzinfo),
    ):
        data = {"registration": RegistrationSerializer(current).data}
        if forum is not None:
            data["forum"] = ForumBriefSerializer(forum).data
        return {
            "id": str(uuid.uuid4()),
            "type": event,
            "created_at": timezone.localtime().isoformat(),
            "conference": conference.slug,
            "data": data,
        }
