"""Ticket codes (drawn, typed, shown), the ticket's QR code (segno), and the secret links of a
registration (its private page and its calendar), whose tokens are derived, never stored."""

import base64
import hashlib
import io
import re
import secrets
from dataclasses import dataclass

import segno
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

# No 0/O, 1/I/L, 5/S or 2/Z: the code is read aloud and typed at the door.
TICKET_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
TICKET_LENGTH = 8

# What a link token can look like (base64url, 43 characters today); anything else is refused
# before a query.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def new_ticket_code() -> str:
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))


def new_manage_token() -> str:
    """A random stored token, as links were before they were derived (migration 0001 names
    it as a default, and reversing 0007 draws new ones)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token, and what a lookup compares: SHA-256, hex."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def derive_token(salt: str, nonce: str) -> str:
    """base64url(HMAC-SHA256(key from SECRET_KEY and ``salt``, ``nonce``)): 256 bits that
    only a holder of SECRET_KEY can compute from what the database stores."""
    digest = salted_hmac(salt, nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class SecretLink:
    """One secret link of a registration: its salt and the two columns it lives in (a random
    nonce, and the SHA-256 of the derived token for lookups). See ``Registration``."""

    salt: str
    nonce_field: str
    hash_field: str

    def token(self, registration) -> str | None:
        """The token, derived; None for a row that has no nonce (a link from before tokens
        were derived: only its hash is known)."""
        nonce = getattr(registration, self.nonce_field)
        return derive_token(self.salt, nonce) if nonce else None

    def is_valid(self, registration) -> bool:
        """Whether the derived token is the one the stored hash accepts (False for a link
        from before tokens were derived, or after SECRET_KEY changed)."""
        token = self.token(registration)
        return token is not None and token_hash(token) == getattr(registration, self.hash_field)

    def issue(self, registration) -> str:
        """Give ``registration`` a new nonce and hash (the caller saves both fields); the old
        token stops working once saved. Returns the new token."""
        nonce = secrets.token_urlsafe(16)
        token = derive_token(self.salt, nonce)
        setattr(registration, self.nonce_field, nonce)
        setattr(registration, self.hash_field, token_hash(token))
        return token

    def current_token(self, registration) -> str:
        """The token to hand out (in an email, on the private page). When the stored hash does
        not accept the derived token (a link from before tokens were derived, or a SECRET_KEY
        changed since), a new nonce is saved first: what is handed out always works, and the
        old link dies then, once."""
        if self.is_valid(registration):
            return self.token(registration)
        stale = getattr(registration, self.nonce_field)
        token = self.issue(registration)
        fields = {name: getattr(registration, name) for name in (self.nonce_field, self.hash_field)}
        rows = type(registration)._default_manager.filter(pk=registration.pk)
        if rows.filter(**{self.nonce_field: stale}).update(**fields):
            return token
        # Another process issued one first: hand out that one.
        registration.refresh_from_db(fields=list(fields))
        return self.token(registration)


MANAGE_LINK = SecretLink("gotc.manage", "manage_nonce", "manage_token_hash")
CALENDAR_LINK = SecretLink("gotc.calendar", "calendar_nonce", "calendar_token_hash")
SECRET_LINKS = (MANAGE_LINK, CALENDAR_LINK)


def normalize_ticket_code(value: str) -> str:
    """Accept what people type: any case, spaces or dashes between the groups."""
    return "".join(ch for ch in value.upper() if ch.isalnum())


def format_ticket_code(code: str) -> str:
    """The one printed form of a ticket code: two halves joined by a dash (``ABCD-EFGH``)."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def qr_svg(ticket_code: str, *, title: str = "") -> SafeString:
    # segno escapes the title; the code itself is from our own alphabet.
    svg = segno.make_qr(ticket_code, error="m").svg_inline(
        scale=6,
        border=2,
        dark="#0b2a5b",
        title=title or None,
        svgclass="ticket-qr",
        omitsize=True,  # a viewBox instead of a fixed size: CSS scales it
    )
    return mark_safe(svg)


def qr_png(ticket_code: str) -> bytes:
    """The ticket's QR code as a PNG (for emails: 6 pixels a module, 2 modules of margin)."""
    out = io.BytesIO()
    segno.make_qr(ticket_code, error="m").save(out, kind="png", scale=6, border=2, dark="#0b2a5b")
    return out.getvalue()
