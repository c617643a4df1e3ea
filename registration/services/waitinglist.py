"""Serving waiting lists: whenever a seat frees, the first waiting pick that fits is seated
at once and its attendee is emailed (DESIGN.md, rule 3)."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from agenda.models import Forum
from registration import caching, mailing, signals
from registration.enums import PickStatus, RegistrationStatus
from registration.models import ForumPick
from registration.queries import seated_counts
from registration.services.locking import lock

FORUMS = Forum.objects.select_related("conference")


def promote_waiting(
    *, forums: Iterable[Forum | int], now: datetime | None = None
) -> list[ForumPick]:
    """Seat waiting attendees wherever seats are free (after a capacity raise, say).

    Serves each forum's waiting list in its one order (first picked, first served), skipping a
    pick that would overlap a forum its attendee is already seated in. Each promoted attendee
    is emailed. Returns the picks promoted."""
    now = now or timezone.now()
    ids = [forum if isinstance(forum, int) else forum.pk for forum in forums]
    with transaction.atomic():
        locked = lock(FORUMS, ids)
        return promote_locked(locked, list(locked), now)


def promote_locked(
    locked: dict[int, Forum], forum_ids: Iterable[int], now: datetime
) -> list[ForumPick]:
    """``promote_waiting`` for forums the caller has already locked (``locked``, by id)."""
    forum_ids = sorted(set(forum_ids))
    if not forum_ids:
        return []
    counts = seated_counts(forum_ids)
    promoted: list[ForumPick] = []
    for forum_id in forum_ids:
        forum = locked[forum_id]
        free = (forum.capacity or 0) - counts.get(forum_id, 0)
        if free > 0:
            promoted += _seat_from_queue(forum, free, now)
    return promoted


def _seat_from_queue(forum: Forum, free: int, now: datetime) -> list[ForumPick]:
    queue = (
        ForumPick.objects.queue()
        .filter(forum_id=forum.pk, registration__status=RegistrationStatus.CONFIRMED)
        .select_related("registration", "forum")
    )
    promoted = []
    for pick in queue:
        if len(promoted) == free:
            break
        seated = ForumPick.objects.seated()
        if seated.clashing(registration_id=pick.registration_id, forum=forum).exists():
            continue
        pick.status = PickStatus.SEATED
        pick.seated_at = now
        pick.save(update_fields=["status", "seated_at", "updated_at"])
        mailing.queue(pick.registration, "promotion", forum=forum)
        signals.registration_promoted.send(
            sender=ForumPick, registration=pick.registration, forum=forum
        )
        caching.seats_changed()
        promoted.append(pick)
    return promoted
