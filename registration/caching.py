"""The "seats" version of cached pages: pages that show seats left depend on it."""

from agenda import caching

SEATS = caching.SEATS


def seats_changed() -> None:
    """Pages showing seats left go stale once the current transaction commits."""
    caching.bump(SEATS)
