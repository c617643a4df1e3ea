"""The done page's copy of what a visitor typed (name, email, picks), kept for an hour.

Erasing a registration must reach that copy in every browser that holds it, not only in the
one that asks for the erasure. So the copy is not in the session: it lives in the cache under
a random id (the session holds only the id), and each copy is noted under a keyed digest of
its email; erasure deletes every copy noted for the email (two cache round trips for any
number of registrations)."""

import secrets
from collections.abc import Iterable

from django.core.cache import cache
from django.utils.crypto import salted_hmac

DONE_PAGE_SECONDS = 60 * 60
# More copies than this for one email within an hour are not a person registering.
MAX_NOTED = 20


def keep_done_page(*, email: str, summary: dict) -> str:
    """Keep ``summary`` (what the done page shows about ``email``) for an hour; returns the
    id the visitor's session keeps."""
    done_id = secrets.token_urlsafe(16)
    key = _email_key(email)
    noted = [k for k in cache.get(key, []) if k != done_id][-(MAX_NOTED - 1) :]
    cache.set_many({_summary_key(done_id): summary, key: [*noted, done_id]}, DONE_PAGE_SECONDS)
    return done_id


def done_page(done_id: str | None) -> dict | None:
    """The summary kept under ``done_id``, or None (expired, erased, or never kept)."""
    if not isinstance(done_id, str) or not done_id:
        return None  # nothing kept, or a session from before copies left it
    return cache.get(_summary_key(done_id))


def forget_done_pages(*, emails: Iterable[str]) -> int:
    """Delete every done-page copy naming one of ``emails``. Returns how many were noted."""
    keys = [_email_key(email) for email in set(emails)]
    if not keys:
        return 0
    noted = cache.get_many(keys)
    ids = [done_id for done_ids in noted.values() for done_id in done_ids]
    cache.delete_many([*(_summary_key(done_id) for done_id in ids), *noted])
    return len(ids)


def _summary_key(done_id: str) -> str:
    return f"gotc.done-page:{done_id}"


def _email_key(email: str) -> str:
    # Keyed, so the cache holds no plain digest of an address that anyone could recompute.
    digest = salted_hmac("gotc.done-pages", email.strip().lower(), algorithm="sha256")
    return f"gotc.done-pages:{digest.hexdigest()}"
