"""Getting an attendee their ticket and private link again, or a new private link."""

from django.db import transaction

from agenda.models import Conference
from registration import mailing
from registration.models import MANAGE_LINK, Registration


def resend_confirmation(*, registration: Registration) -> None:
    """Queue the confirmation email again (ticket, picks, manage link); a cancelled
    registration gets its cancellation email instead."""
    with transaction.atomic():
        mailing.queue(registration, _current_email(registration))


def revoke_manage_link(*, registration: Registration) -> Registration:
    """Issue a new private link (the old one stops working at once) and email it, for the
    attendee's "this link leaked" and the organizers' revoke action. The calendar link stays
    (it cannot change anything, and a new one would break the attendee's subscription)."""
    with transaction.atomic():
        MANAGE_LINK.issue(registration)
        registration.save(
            update_fields=[MANAGE_LINK.nonce_field, MANAGE_LINK.hash_field, "updated_at"]
        )
        mailing.queue(registration, _current_email(registration))
    return registration


def send_link_again(*, conference: Conference, email: str) -> None:
    """ "Lost your link?": email the active registration with this address its private link
    again. The link is not replaced: whoever types someone's address must not be able to
    break their link (a new link comes only from the attendee's own page).

    Both branches do the same work: one indexed lookup, then one outbox row in one
    transaction; for an unknown (or cancelled) address the row is a stand-in that the outbox
    drops unsent. With EMAIL_DELIVERY=worker (production) nothing else happens in the request,
    so neither the answer nor its timing says whether the address is registered; with
    ``immediate`` (development) the known address's email is also rendered and sent in the
    request. A link from before derived tokens is replaced once (``SecretLink.current_token``):
    it cannot be derived, so it cannot be sent again."""
    registration = Registration.objects.for_email(conference, email).active().first()
    with transaction.atomic():
        mailing.queue(registration, "confirmation")


def _current_email(registration: Registration) -> str:
    return "confirmation" if registration.is_active else "cancellation"
