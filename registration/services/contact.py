"""Getting an attendee their ticket and private link again."""

from django.db import transaction

from agenda.models import Conference
from registration import mailing
from registration.models import Registration, new_manage_token


def resend_confirmation(*, registration: Registration) -> None:
    """Queue the confirmation email again (ticket, picks, manage link); a cancelled
    registration gets its cancellation email instead."""
    with transaction.atomic():
        mailing.queue(registration, _current_email(registration))


def revoke_manage_link(*, registration: Registration) -> Registration:
    """Issue a new secret manage link (the old one stops working at once) and email it."""
    with transaction.atomic():
        registration.manage_token = new_manage_token()
        registration.save(update_fields=["manage_token", "updated_at"])
        mailing.queue(registration, _current_email(registration))
    return registration


def send_new_link(*, conference: Conference, email: str) -> bool:
    """ "Send me a new link": re-issue the manage link of the active registration with this
    email and mail it. Returns whether one existed (callers must not tell the visitor)."""
    registration = Registration.objects.for_email(conference, email).active().first()
    if registration is None:
        return False
    revoke_manage_link(registration=registration)
    return True


def _current_email(registration: Registration) -> str:
    return "confirmation" if registration.is_active else "cancellation"
