"""Staff API tokens, webhook endpoints and the webhook outbox."""

import datetime as dt
import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import Conference

# Every token starts with this: secret scanners (and people) recognise it in a leaked file.
TOKEN_PREFIX = "gotc_"  # noqa: S105 - a prefix, not a secret
# The first characters after the prefix, kept in clear so that organizers can tell tokens
# apart in the admin and in a leaked file (a tenth of the secret's entropy, not enough to use).
TOKEN_HINT_LENGTH = 6
DEFAULT_TOKEN_LIFETIME = dt.timedelta(days=90)
# last_used_at is written at most this often per token: a busy scanner is not a write per scan.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def default_expiry() -> dt.datetime:
    return timezone.now() + DEFAULT_TOKEN_LIFETIME


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    """A staff token for one conference and some scopes (api.scopes).

    The token itself is shown once, when it is created in the admin, and never stored: the
    row keeps its SHA-256 (a lookup hashes what a request brings) and a short hint. A
    database dump, a backup or an admin therefore opens nothing."""

    name = models.CharField(
        _("name"), max_length=100, help_text=_("What uses it, e.g. “badge printer at gate 2”.")
    )
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="+", verbose_name=_("conference")
    )
    scopes = models.JSONField(_("scopes"), default=list)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    hint = models.CharField(_("starts with"), max_length=20, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires"), default=default_expiry)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    def issue(self) -> str:
        """Draw a new secret for this (unsaved) token and return it: the only time it is
        known. The row keeps its hash and hint."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.token_hash = token_hash(token)
        self.hint = token[: len(TOKEN_PREFIX) + TOKEN_HINT_LENGTH]
        return token

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def touch(self, now: dt.datetime | None = None) -> None:
        """Record a use, at most once per LAST_USED_PRECISION (one indexed UPDATE)."""
        now = now or timezone.now()
        if self.last_used_at and now - self.last_used_at < LAST_USED_PRECISION:
            return
        stale = models.Q(last_used_at__isnull=True) | models.Q(
            last_used_at__lte=now - LAST_USED_PRECISION
        )
        ApiToken.objects.filter(stale, pk=self.pk).update(last_used_at=now)
        self.last_used_at = now


class Event(models.TextChoices):
    REGISTRATION_CREATED = "registration.created", _("Registration created")
    REGISTRATION_CHANGED = "registration.changed", _("Forum picks changed")
    REGISTRATION_CANCELLED = "registration.cancelled", _("Registration cancelled")
    REGISTRATION_PROMOTED = "registration.promoted", _("Seated from a waiting list")
    REGISTRATION_CHECKED_IN = "registration.checked_in", _("Checked in")


class WebhookEndpoint(models.Model):
    """A URL that receives a conference's registration events, signed with ``secret``."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="+", verbose_name=_("conference")
    )
    url = models.URLField(
        _("URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_webhook_secret,
        help_text=_("The receiver checks X-Gotc-Signature with it (docs/api.md)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["conference", "url"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event owed to one endpoint: written in the transaction of the registration change
    (an outbox: it commits with the change or not at all) and sent by the worker
    (api.delivery), retried with backoff until it is delivered or out of attempts."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event = models.CharField(_("event"), max_length=40, choices=Event)
    # The same for a replay: receivers drop an event id they have already handled.
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class WebhookAttempt(models.Model):
    """One try to deliver: what the receiver answered (or why it could not be reached)."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.status_code or self.error}"
