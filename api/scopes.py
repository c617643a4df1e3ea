"""What a staff token may do: each scope opens a set of endpoints of its one conference."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    PROGRAM_READ = "program:read", _("Read the program, drafts included")
    REGISTRATIONS_READ = "registrations:read", _("Read registrations")
    REGISTRATIONS_WRITE = "registrations:write", _("Register, change picks, cancel")
    CHECKIN = "checkin", _("Check attendees in (and undo)")
