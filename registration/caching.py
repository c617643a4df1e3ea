"""The seats version of cached pages (gotc.pagecache): pages showing seats left depend on it."""

from gotc import pagecache

SEATS = "seats"


def seats_changed() -> None:
    """Pages showing seats left go stale once the current transaction commits."""
    pagecache.bump(SEATS)
