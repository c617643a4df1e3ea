from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class PickStatus(models.TextChoices):
    SEATED = "seated", _("Seated")
    WAITING = "waiting", _("Waiting list")
    # A pick the attendee dropped (or whose registration was cancelled): kept for history,
    # reused if they pick the forum again.
    RELEASED = "released", _("Released")


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    CHINESE = "zh-hans", "简体中文"
