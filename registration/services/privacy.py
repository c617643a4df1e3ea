"""Personal data: an attendee erases their registration; organizers anonymize a past conference.

Erasing keeps the row (cancelled), its picks and check-in times, so counts stay right; what
identifies the person goes: the personal fields, the emails sent to them, their name in the
admin log, and the private link."""

from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from post_office.models import Email

from agenda.models import Conference
from registration.models import PendingEmail, Registration, new_manage_token
from registration.services.locking import lock, lock_one
from registration.services.seats import cancel_registration

ERASED_NAME = "—"
ERASED_FIELDS = ["full_name", "email", "organization", "job_title", "phone", "newsletter"]


def erase_registration(*, registration: Registration, now: datetime | None = None) -> None:
    """The attendee deletes their registration: seats freed (waiting lists promoted), personal
    fields erased, the manage link dead. The row stays, cancelled, so counts stay right."""
    now = now or timezone.now()
    with transaction.atomic():
        cancel_registration(registration=registration, now=now)
        registration = lock_one(Registration.objects.all(), registration.pk)
        _erase([registration])
        registration.save()


def anonymize_conference(*, conference: Conference) -> int:
    """Erase the personal fields of every registration of a conference (after the event).

    Status, picks, check-in times and all counts stay; emails sent to attendees are deleted.
    Returns how many registrations were erased. Idempotent."""
    with transaction.atomic():
        ids = (
            Registration.objects.filter(conference=conference)
            .exclude(full_name=ERASED_NAME, organization="", phone="")
            .values_list("pk", flat=True)
        )
        registrations = list(lock(Registration.objects.all(), ids).values())
        _erase(registrations)
        Registration.objects.bulk_update(
            registrations, [*ERASED_FIELDS, "manage_token"], batch_size=1000
        )
    return len(registrations)


def _erase(registrations: list[Registration]) -> None:
    """Blank the personal fields (the caller saves) and forget what names these people."""
    sent = [(r.email, r.ticket_display) for r in registrations]
    for registration in registrations:
        registration.full_name = ERASED_NAME
        registration.email = f"erased-{registration.pk}@invalid"
        registration.organization = ""
        registration.job_title = ""
        registration.phone = ""
        registration.newsletter = False
        registration.manage_token = new_manage_token()  # the old link dies with the data
    # No email to an erased address: drop what is still owed (a cancellation, say)...
    PendingEmail.objects.filter(registration__in=registrations).delete()
    # ...and the queued and sent ones, which hold names and links: sent to exactly that address
    # and naming that ticket, so another person's mail, or the same person's mail about
    # another conference, stays.
    for address, ticket in sent:
        Email.objects.filter(to__iexact=address, message__contains=ticket).delete()
    # The admin log names the registration ("Name <email>"): keep the entry, drop the name.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id__in=[str(r.pk) for r in registrations],
    ).update(object_repr=ERASED_NAME)
