"""Read-side querysets for registrations: counts come from annotations, never loops."""

from collections.abc import Iterable

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower

from registration.enums import PickStatus, RegistrationStatus


# The one order of a forum's waiting list: first picked, first served; ids break ties.
WAITING_ORDER = ("picked_at", "pk")
SEATED = Q(picks__status=PickStatus.SEATED)
WAITING = Q(picks__status=PickStatus.WAITING)


class RegistrationQuerySet(models.QuerySet):
    def active(self) -> "RegistrationQuerySet":
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def for_email(self, conference, email: str) -> "RegistrationQuerySet":
        """Registrations of ``conference`` under ``email``, whatever its case. Compared as
        LOWER(email) = LOWER(value), the expression of the unique constraint and of
        registration_email_idx (``email__iexact`` is UPPER(...) on PostgreSQL: no index
        matches it, and every registration would scan the whole conference)."""
        return self.alias(email_lower=Lower("email")).filter(
            conference=conference, email_lower=Lower(Value(email.strip()))
        )


class ForumPickQuerySet(models.QuerySet):
    def seated(self) -> "ForumPickQuerySet":
        return self.filter(status=PickStatus.SEATED)

    def waiting(self) -> "ForumPickQuerySet":
        return self.filter(status=PickStatus.WAITING)

    def live(self) -> "ForumPickQuerySet":
        return self.filter(status__in=[PickStatus.SEATED, PickStatus.WAITING])

    def queue(self) -> "ForumPickQuerySet":
        """Waiting picks in the order they are served (WAITING_ORDER)."""
        return self.waiting().order_by(*WAITING_ORDER)

    def with_queue_position(self) -> "ForumPickQuerySet":
        """Annotate waiting picks with their 1-based position on their forum's waiting list."""
        from registration.models import ForumPick

        # Ahead = earlier in WAITING_ORDER: picked earlier, or at the same instant with a
        # smaller id (the same order queue() serves).
        ahead = (
            ForumPick.objects.filter(forum=OuterRef("forum"), status=PickStatus.WAITING)
            .filter(
                Q(picked_at__lt=OuterRef("picked_at"))
                | Q(picked_at=OuterRef("picked_at"), pk__lt=OuterRef("pk"))
            )
            .order_by()
            .values("forum")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(queue_ahead=Coalesce(Subquery(ahead), 0))


def with_seat_counts(forums: models.QuerySet) -> models.QuerySet:
    """Annotate forums with ``seated_count`` and ``waiting_count`` (one query for the list)."""
    return forums.annotate(
        seated_count=Count("picks", filter=SEATED, distinct=True),
        waiting_count=Count("picks", filter=WAITING, distinct=True),
    )


def seated_counts(forum_ids: Iterable[int]) -> dict[int, int]:
    """{forum id: seated picks} for these forums (forums without a seat taken are absent).
    The same count as ``with_seat_counts``, without loading the forums."""
    from registration.models import ForumPick

    rows = (
        ForumPick.objects.filter(forum_id__in=list(forum_ids), status=PickStatus.SEATED)
        .values("forum_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["forum_id"]: row["n"] for row in rows}


def picks_for_display(registration) -> list:
    """An attendee's seated and waiting picks in time order, with waiting-list positions."""
    return list(
        registration.picks.live()
        .select_related("forum", "forum__room")
        .with_queue_position()
        .order_by("forum__starts_at", "forum__position")
    )
