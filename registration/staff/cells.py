"""Cells a spreadsheet opens as plain text (CSV/formula injection), in CSV and Excel alike.

A cell starting with = + - @ or a tab or carriage return gets a leading quote, so Excel,
LibreOffice and Google Sheets show it instead of running it; control characters, which an
Excel file cannot hold, are dropped.

Hand-written rather than defusedcsv: that library wraps csv.writer only (the Excel export
needs the same rule), leaves cells starting with a tab or a carriage return alone, rewrites
"|" as "\\|" inside the cells it quotes (changing what the attendee typed), drops no control
character, and checks every cell of every row in Python, where these functions check a whole
column of typed text with two C-level passes.
"""

from collections.abc import Sequence

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_STARTS = frozenset(FORMULA_PREFIXES)


def neutralise(value: object) -> object:
    """``value`` made inert: a quote before a formula start, control characters dropped.
    Anything but text is returned as it is."""
    if isinstance(value, str) and value:
        if not value.isprintable():
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def neutralise_text(value: str) -> str:
    """neutralise() for one text cell; the same text back when it needs nothing."""
    if value[:1] in _FORMULA_STARTS or not value.isprintable():
        return neutralise(value)
    return value


def neutralise_column(values: Sequence[str]) -> Sequence[str]:
    """neutralise() for a column of text cells; the same sequence back when no cell needs
    anything. A printable column holds no control character (anything else unprintable only
    sends the column through the cell-by-cell path)."""
    if " ".join(values).isprintable() and _FORMULA_STARTS.isdisjoint([v[:1] for v in values]):
        return values
    return [neutralise_text(value) for value in values]
