"""Read-side querysets for registrations: counts come from annotations, never loops."""

from collections.abc import Iterable

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from post_office.models import STATUS, Email

from registration.enums import PickStatus, RegistrationStatus
from registration.tickets import (
    CALENDAR_LINK,
    MANAGE_LINK,
    TOKEN_SHAPE,
    normalize_ticket_code,
    token_hash,
)

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


def seat_counts(forum_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """{forum id: (seated, waiting)} for these forums (forums nobody picked are absent): the
    counts of ``with_seat_counts`` in one query, without loading the forums."""
    from registration.models import ForumPick

    rows = (
        ForumPick.objects.filter(forum_id__in=list(forum_ids))
        .values("forum_id")
        .annotate(
            seated=Count("pk", filter=Q(status=PickStatus.SEATED)),
            waiting=Count("pk", filter=Q(status=PickStatus.WAITING)),
        )
        .order_by()
    )
    return {row["forum_id"]: (row["seated"], row["waiting"]) for row in rows}


def picks_for_display(registration) -> list:
    """An attendee's seated and waiting picks in time order, with waiting-list positions."""
    return list(
        registration.picks.live()
        .select_related("forum", "forum__room")
        .with_queue_position()
        .order_by("forum__starts_at", "forum__position")
    )


def registration_for_token(token: str):
    """The registration a private link belongs to (or None). Only the SHA-256 of the token is
    stored and compared: an indexed equality on the hash of a 256-bit secret, whose timing
    says nothing about the token (Registration, "Secret links")."""
    from registration.models import Registration

    return _by_secret_link(Registration.objects.select_related("conference"), MANAGE_LINK, token)


def registration_for_calendar_token(token: str):
    """The registration a calendar link belongs to (or None), looked up like a private link."""
    from registration.models import Registration

    return _by_secret_link(Registration.objects.select_related("conference"), CALENDAR_LINK, token)


def _by_secret_link(queryset, link, token: str):
    if not token or not TOKEN_SHAPE.fullmatch(token):
        return None  # not a token we ever issue: no query
    return queryset.filter(**{link.hash_field: token_hash(token)}).first()


def current_manage_token(registration_id: int) -> str | None:
    """The private link's token as stored now (None for a link from before derived links)."""
    from registration.models import Registration

    row = Registration.objects.filter(pk=registration_id).only("manage_nonce").first()
    return row.manage_token if row else None


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


def emails_kept_for(registration):
    """post_office's emails (queued or sent) to exactly this registration's address that name
    its ticket: another person's mail, or this person's mail about another conference, stays
    out (what my-data.json lists, and what erasure deletes)."""
    return Email.objects.filter(
        to__iexact=registration.email, message__contains=registration.ticket_display
    )


def registration_data(registration) -> dict:
    """Everything stored about an attendee, for their own download (JSON): what they told us,
        their ticket and its history (check-in and by whom, "still coming?" asked and answered),
        their forum picks with the check-ins at forum doors (and any forum a volunteer let them into
    without a seat), the emails kept for them and those
        still owed, and what the admin log says about their registration. (The links' nonces and
        hashes are left out: they are keys, not data about the person.)"""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from registration.models import PendingEmail, Registration
    from registration.shown_answers import answers_data

    registration = (
        Registration.objects.select_related("conference", "checked_in_by")
        .filter(pk=registration.pk)
        .get()
    )
    picks = registration.picks.select_related("forum").order_by("forum__starts_at", "pk")
    checked_in_by = registration.checked_in_by
    log = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(registration.pk),
    ).order_by("action_time", "pk")
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
        "last_changed_at": _iso(registration.updated_at),
        "cancelled_at": _iso(registration.cancelled_at),
        "checked_in_at": _iso(registration.checked_in_at),
        "checked_in_by": checked_in_by.get_username() if checked_in_by else None,
        "still_coming_asked_at": _iso(registration.reconfirmation_sent_at),
        "still_coming_confirmed_at": _iso(registration.reconfirmed_at),
        "forum_picks": [
            {
                "forum": pick.forum.title,
                "status": pick.status,
                "picked_at": _iso(pick.picked_at),
                "seated_at": _iso(pick.seated_at),
                "came_to_the_forum_at": _iso(pick.checked_in_at),
                "last_changed_at": _iso(pick.updated_at),
            }
            for pick in picks
        ],
        "answers": answers_data(registration),  # to the registration questions
        "starred_talks": [
            {"talk": star.talk.title, "starred_at": _iso(star.created_at)}
            for star in registration.stars.select_related("talk").order_by("talk__starts_at")
        ],
        "let_in_without_a_seat": [
            {
                "forum": override.forum.title,
                "at": _iso(override.let_in_at),
                "by": override.username,
            }
            for override in registration.door_overrides.select_related("forum").order_by(
                "let_in_at", "pk"
            )
        ],
        "emails": [
            {
                "subject": email.subject,
                "status": None if email.status is None else STATUS._fields[email.status],
                "created_at": _iso(email.created),
                "last_updated_at": _iso(email.last_updated),
            }
            for email in emails_kept_for(registration).order_by("created", "pk")
        ],
        "emails_owed": [
            {"kind": pending.kind, "created_at": _iso(pending.created_at)}
            for pending in PendingEmail.objects.filter(registration=registration)
        ],
        "admin_log": [
            {"at": _iso(entry.action_time), "change": entry.get_change_message()} for entry in log
        ],
    }


def forums_by_id(conference, forum_ids: Iterable[int]) -> dict:
    """{id: forum} of ``conference``, with rooms (ids of other conferences are absent)."""
    from agenda.models import Forum

    return (
        Forum.objects.filter(conference=conference).select_related("room").in_bulk(list(forum_ids))
    )


def my_agenda(registration) -> list[dict]:
    """An attendee's day plan: their seated and waiting forums and their starred talks, in
    time order. Each starred talk says whether they hold a seat in its forum (``seat``:
    "seated", "waiting" or None), and any two items that overlap in time (other than a talk
    inside its own forum) are marked ``clashes`` with each other."""
    from registration.models import Star

    picks = {
        pick.forum_id: pick
        for pick in registration.picks.live().select_related("forum", "forum__room")
    }
    items = [
        {
            "kind": "forum",
            "forum": pick.forum,
            "starts_at": pick.forum.starts_at,
            "ends_at": pick.forum.ends_at,
            "seat": pick.status,
            "clashes": [],
        }
        for pick in picks.values()
    ]
    stars = (
        Star.objects.filter(registration=registration)
        .filter(talk__is_published=True, talk__forum__is_published=True)
        .select_related("talk", "talk__forum", "talk__forum__room")
    )
    for star in stars:
        pick = picks.get(star.talk.forum_id)
        items.append(
            {
                "kind": "talk",
                "talk": star.talk,
                "forum": star.talk.forum,
                "starts_at": star.talk.starts_at,
                "ends_at": star.talk.ends_at,
                "seat": pick.status if pick else None,
                "clashes": [],
            }
        )
    items.sort(key=lambda item: (item["starts_at"], item["kind"] != "forum"))
    for index, item in enumerate(items):
        for other in items[index + 1 :]:
            if other["starts_at"] >= item["ends_at"]:
                break
            if item["forum"].pk == other["forum"].pk:
                continue  # a talk within its own forum
            item["clashes"].append(other)
            other["clashes"].append(item)
    return items
