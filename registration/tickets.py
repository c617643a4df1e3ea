"""Ticket codes (drawn, typed, shown) and the ticket's QR code (segno)."""

import secrets

import segno
from django.utils.safestring import SafeString, mark_safe

# No 0/O, 1/I/L, 5/S or 2/Z: the code is read aloud and typed at the door.
TICKET_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
TICKET_LENGTH = 8


def new_ticket_code() -> str:
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))


def new_manage_token() -> str:
    # 32 random bytes = 256 bits, URL-safe.
    return secrets.token_urlsafe(32)


def normalize_ticket_code(value: str) -> str:
    """Accept what people type: any case, spaces or dashes between the groups."""
    return "".join(ch for ch in value.upper() if ch.isalnum())


def format_ticket_code(code: str) -> str:
    """The one printed form of a ticket code: two halves joined by a dash (``ABCD-EFGH``)."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def qr_svg(ticket_code: str, *, title: str = "") -> SafeString:
    # segno escapes the title; the code itself is from our own alphabet.
    svg = segno.make(ticket_code, error="m").svg_inline(
        scale=6,
        border=2,
        dark="#0b2a5b",
        title=title or None,
        svgclass="ticket-qr",
        omitsize=True,  # a viewBox instead of a fixed size: CSS scales it
    )
    return mark_safe(svg)


def qr_png_data_uri(ticket_code: str) -> str:
    return segno.make(ticket_code, error="m").png_data_uri(scale=6, border=2)
