"""'Still coming?': ask seated attendees before the event, free the seats of those who say no."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from agenda.models import Conference
from registration import mailing
from registration.models import ForumPick, Registration
from registration.queries import reconfirmation_targets
from registration.services.seats import cancel_registration


def send_reconfirmation(
    *, conference: Conference, registrations=None, now: datetime | None = None
) -> int:
    """Ask seated attendees whether they are still coming. Returns how many were asked.

    Only confirmed registrations with at least one seat and no answer yet are asked (among
    ``registrations``, if given); an answer of "no" goes through ``answer_reconfirmation``
    and frees the seats."""
    now = now or timezone.now()
    targets = list(reconfirmation_targets(conference=conference, registrations=registrations))
    with transaction.atomic():
        for registration in targets:
            mailing.queue(registration, "reconfirmation")
        Registration.objects.filter(pk__in=[r.pk for r in targets]).update(
            reconfirmation_sent_at=now
        )
    return len(targets)


def answer_reconfirmation(
    *, registration: Registration, coming: bool, now: datetime | None = None
) -> list[ForumPick]:
    """Record the answer: yes keeps the seats; no cancels and promotes from the waiting lists.
    Returns the picks promoted."""
    now = now or timezone.now()
    if coming:
        Registration.objects.filter(pk=registration.pk).update(reconfirmed_at=now)
        registration.reconfirmed_at = now
        return []
    return cancel_registration(registration=registration, now=now)
