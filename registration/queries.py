"""Read-side querysets for registrations: counts come from annotations, never loops."""

import hmac
import re
from collections.abc import Iterable

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower

from registration.enums import PickStatus, RegistrationStatus
from registration.tickets import normalize_ticket_code

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

    def clashing(self, *, registration_id: int, forum) -> "ForumPickQuerySet":
        """Picks of this registration in forums that overlap ``forum`` in time."""
        return self.filter(
            registration_id=registration_id,
            forum__starts_at__lt=forum.ends_at,
            forum__ends_at__gt=forum.starts_at,
        )

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


TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+")


def registration_for_token(token: str):
    """The registration a secret manage link belongs to (or None), compared in constant time."""
    from registration.models import Registration

    if not token or len(token) > 64 or not TOKEN_SHAPE.fullmatch(token):
        return None
    registration = (
        Registration.objects.select_related("conference").filter(manage_token=token).first()
    )
    if registration is None or not hmac.compare_digest(registration.manage_token, token):
        return None
    return registration


def registration_for_ticket(*, conference, code: str):
    """The registration of ``conference`` a typed or scanned ticket code belongs to (any case,
    with or without the dash), or None."""
    from registration.models import Registration

    normalized = normalize_ticket_code(code or "")
    if not 4 <= len(normalized) <= 16:
        return None
    return (
        Registration.objects.select_related("checked_in_by")
        .filter(conference=conference, ticket_code=normalized)
        .first()
    )


def seated_forums(registration):
    """The forums ``registration`` holds a seat in, in time order, ready for program pages."""
    from agenda.models import Forum

    return (
        Forum.objects.filter(picks__registration=registration, picks__status=PickStatus.SEATED)
        .for_program()
        .order_by("starts_at")
    )


def reconfirmation_targets(*, conference, registrations=None):
    """Confirmed registrations of ``conference`` (among ``registrations``, if given) with at
    least one seat and no "still coming?" answer yet."""
    from registration.models import Registration

    queryset = registrations if registrations is not None else Registration.objects.all()
    return (
        queryset.filter(conference=conference, reconfirmed_at__isnull=True)
        .active()
        .filter(picks__status=PickStatus.SEATED)
        .distinct()
        .select_related("conference")
    )


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def registration_data(registration) -> dict:
    """Everything stored about an attendee, for their own download (JSON)."""
    picks = registration.picks.select_related("forum").order_by("forum__starts_at")
    return {
        "conference": registration.conference.name,
        "full_name": registration.full_name,
        "email": registration.email,
        "organization": registration.organization,
        "job_title": registration.job_title,
        "phone": registration.phone,
        "preferred_language": registration.language,
        "newsletter": registration.newsletter,
        "status": registration.status,
        "ticket_code": registration.ticket_display,
        "privacy_notice_accepted_at": _iso(registration.consent_at),
        "registered_at": _iso(registration.created_at),
        "cancelled_at": _iso(registration.cancelled_at),
        "checked_in_at": _iso(registration.checked_in_at),
        "forum_picks": [
            {
                "forum": pick.forum.title,
                "status": pick.status,
                "picked_at": _iso(pick.picked_at),
                "seated_at": _iso(pick.seated_at),
            }
            for pick in picks
        ],
    }


def forums_with_seats_left(forum_ids: Iterable[int]) -> set[int]:
    """Which of these forums have a seat left right now."""
    from agenda.models import Forum

    counted = with_seat_counts(Forum.objects.filter(pk__in=list(forum_ids)))
    return {forum.pk for forum in counted if not forum.is_full}


def forums_by_id(conference, forum_ids: Iterable[int]) -> dict:
    """{id: forum} of ``conference``, with rooms (ids of other conferences are absent)."""
    from agenda.models import Forum

    return (
        Forum.objects.filter(conference=conference).select_related("room").in_bulk(list(forum_ids))
    )
