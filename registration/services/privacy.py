"""Personal data: an attendee erases their registration; organizers anonymize a past conference.

Erasing keeps the row (cancelled), its picks and check-in times, so counts stay right; what
identifies the person goes: the personal fields, their answers to the registration questions,
the emails sent to them, their name in the admin log, and both secret links. (The done page's
copy is in the visitor's browser only, for an hour: the server keeps none to erase.)"""

from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from agenda.models import Conference
from registration.mailing import drop_attachments
from registration.models import SECRET_LINKS, Answer, PendingEmail, Registration
from registration.queries import emails_kept_for
from registration.services.locking import lock, lock_one
from registration.services.seats import cancel_registration

ERASED_NAME = "—"
ERASED_FIELDS = ["full_name", "email", "organization", "job_title", "phone", "newsletter"]
LINK_FIELDS = [name for link in SECRET_LINKS for name in (link.nonce_field, link.hash_field)]


def erase_registration(*, registration: Registration, now: datetime | None = None) -> None:
    """The attendee deletes their registration: seats freed (waiting lists promoted), personal
    fields erased, the manage link dead. The row stays, cancelled, so counts stay right."""
    now = now or timezone.now()
    with transaction.atomic():
        cancel_registration(registration=registration, now=now)
        registration = lock_one(Registration.objects.all(), registration.pk)
        _erase([registration])
        registration.save()
        # Their starred talks go too (after the event, anonymizing keeps the counts).
        registration.stars.all().delete()


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
            registrations, [*ERASED_FIELDS, *LINK_FIELDS], batch_size=1000
        )
    return len(registrations)


def _erase(registrations: list[Registration]) -> None:
    """Blank the personal fields (the caller saves) and forget what names these people."""
    emails = [emails_kept_for(registration) for registration in registrations]
    for registration in registrations:
        registration.full_name = ERASED_NAME
        registration.email = f"erased-{registration.pk}@invalid"
        registration.organization = ""
        registration.job_title = ""
        registration.phone = ""
        registration.newsletter = False
        for link in SECRET_LINKS:  # the old links die with the data; nobody gets new ones
            link.issue(registration)
    # What they answered to the registration questions (dietary needs, say) goes too.
    Answer.objects.filter(registration__in=registrations).delete()
    # No email to an erased address: drop what is still owed (a cancellation, say)...
    PendingEmail.objects.filter(registration__in=registrations).delete()
    # ...and the queued and sent ones, which hold names and links: sent to exactly that address
    # and naming that ticket, so another person's mail, or the same person's mail about
    # another conference, stays.
    for kept in emails:
        drop_attachments(list(kept.values_list("pk", flat=True)))  # its QR code and calendar
        kept.delete()
    # The admin log names the registration ("Name <email>"): keep the entry, drop the name.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id__in=[str(r.pk) for r in registrations],
    ).update(object_repr=ERASED_NAME)
