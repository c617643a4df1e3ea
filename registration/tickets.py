"""The ticket's QR code (segno): inline SVG for pages, PNG data URI for emails."""

import segno
from django.utils.safestring import SafeString, mark_safe


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
