"""Starred talks of registered attendees, kept on the server behind a key of their own.

The key (``star_key``) only reads and writes the attendee's stars: it opens no private page,
cancels nothing, and it is kept in the browser's storage so that the program pages can sync.
It is a MAC made with SECRET_KEY and bound to the private link's nonce: replacing the private
link (or deleting the registration) kills it.
"""

import hashlib
import hmac

from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from agenda.models import Talk
from registration.models import Registration, Star
from registration.tickets import MANAGE_LINK

SALT = "gotc.stars"
# A registration stars at most this many talks (a program has a few hundred).
MAX_STARS = 500


class StarError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def _fingerprint(registration: Registration) -> str:
    nonce = getattr(registration, MANAGE_LINK.nonce_field) or ""
    return hashlib.sha256(nonce.encode()).hexdigest()[:16]


def _mac(pk: int, fingerprint: str) -> str:
    return salted_hmac(SALT, f"{pk}.{fingerprint}", algorithm="sha256").hexdigest()[:32]


def star_key(registration: Registration) -> str:
    """The attendee's star key, ``<id>-<MAC>`` (a new private link also makes a new key).
    "" for a private link from before derived tokens: it has no nonce to bind to, and making
    one here would end that link (the next email renews it; stars sync from then on)."""
    if not getattr(registration, MANAGE_LINK.nonce_field):
        return ""
    return f"{registration.pk}-{_mac(registration.pk, _fingerprint(registration))}"


def registration_for_key(key: str) -> Registration | None:
    """The active registration a star key belongs to, or None (a wrong MAC, a replaced
    private link, a cancelled or erased registration)."""
    pk, _, mac = key[:100].partition("-")
    if not pk.isdigit() or len(pk) > 18 or not mac:
        return None
    registration = (
        Registration.objects.active().select_related("conference").filter(pk=int(pk)).first()
    )
    if registration is None or not getattr(registration, MANAGE_LINK.nonce_field):
        return None
    expected = _mac(registration.pk, _fingerprint(registration))
    return registration if hmac.compare_digest(mac, expected) else None


def starred_talk_ids(registration: Registration) -> list[int]:
    return list(registration.stars.order_by("talk_id").values_list("talk_id", flat=True))


def set_star(registration: Registration, talk_id: int, starred: bool) -> None:
    """Star or unstar a talk of the attendee's conference (idempotent)."""
    if not starred:
        registration.stars.filter(talk_id=talk_id).delete()
        return
    talk = Talk.objects.filter(pk=talk_id, conference_id=registration.conference_id).first()
    if talk is None:
        raise StarError("No such talk in this conference.", "unknown_talk")
    if registration.stars.count() >= MAX_STARS:
        raise StarError("Too many starred talks.", "too_many")
    try:
        with transaction.atomic():
            Star.objects.get_or_create(registration=registration, talk=talk)
    except IntegrityError:  # the same star from two tabs at once
        pass
