"""Acting in the admin as an organizer does, and what attendees receive as a result."""

from django.core import mail
from django.urls import reverse

REGISTRATIONS = reverse("admin:registration_registration_changelist")
FORUMS = reverse("admin:agenda_forum_changelist")


def run_action(client, url: str, action: str, selected, **extra):
    """Post the changelist's action form for the ``selected`` objects; follow the redirect."""
    data = {"action": action, "_selected_action": [obj.pk for obj in selected], **extra}
    return client.post(url, data, follow=True)


def subjects_to(address: str) -> list[str]:
    return [message.subject for message in mail.outbox if message.to == [address]]
