"""Organizer words in the admin for models whose names come from elsewhere.

The admin index and sidebar show each app's ``verbose_name`` and each model's
``verbose_name_plural``. Third-party apps name theirs for developers ("POST OFFICE → Emails /
Logs", Django's "Log entries"): organizers read "Emails sent" and "Activity log" instead
(the model names: ``registration.admin.records.organizer_words``).
"""

import post_office.apps
from django.utils.translation import gettext_lazy as _


class PostOfficeConfig(post_office.apps.PostOfficeConfig):
    """django-post-office (the outbox of attendee emails), named for organizers."""

    verbose_name = _("Emails sent")
