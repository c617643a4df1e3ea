"""Every write that enforces a registration rule lives here (DESIGN.md, "Rules that must hold").

1. Seated picks of a forum never exceed its capacity; registrations never exceed the
   conference's capacity.
2. An attendee is never seated in two forums that overlap in time (one registration may not
   even pick two overlapping forums).
3. When a seat frees (cancel, change of picks, capacity raised) the first waiting pick that
   fits is seated at once, and that attendee is emailed.
4. Registering (and changing picks) is possible only inside the window of a published
   conference.
5. Nothing an attendee submitted is lost: emails are queued in the same transaction and
   delivered after commit; a failing mail server delays them, never the save.

Each public function is one transaction. Capacity is consumed under locks taken in a stable
order: the conference row (registrations), then forum rows in id order. PostgreSQL takes
``SELECT ... FOR UPDATE``; SQLite serialises writers itself (``transaction_mode=IMMEDIATE``).
"""

import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda import caching
from agenda.models import Conference, Forum
from registration import mailing
from registration.enums import PickStatus, RegistrationStatus
from registration.models import (
    ATTENDEE_FIELDS,
    ForumPick,
    PendingEmail,
    Registration,
    new_manage_token,
    new_ticket_code,
)

ATTENDEE_DEFAULTS = {"language": "en", "newsletter": False}
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+")


class RegistrationError(Exception):
    """A rule said no. ``field`` names the form field the message belongs to, if any."""

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


class RegistrationClosed(RegistrationError):
    pass


class ConferenceFull(RegistrationError):
    pass


class InvalidPick(RegistrationError):
    field = "forums"


class OverlappingPicks(InvalidPick):
    pass


class NotActive(RegistrationError):
    pass


@dataclass
class RegistrationOutcome:
    """What ``register`` did. ``registration`` is None when the email was already registered:
    callers must show the same page either way (no email enumeration)."""

    registration: Registration | None
    seated: list[Forum] = field(default_factory=list)
    waiting: list[Forum] = field(default_factory=list)

    @property
    def created(self) -> bool:
        return self.registration is not None


@dataclass
class PickChanges:
    added_seated: list[Forum] = field(default_factory=list)
    added_waiting: list[Forum] = field(default_factory=list)
    removed: list[Forum] = field(default_factory=list)
    promoted: list[ForumPick] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added_seated or self.added_waiting or self.removed)


# --- checks (pure; also used by forms to report early) ----------------------------------------


def check_window(conference: Conference, now: datetime | None = None) -> None:
    """Raise RegistrationClosed unless the conference is published and its window is open."""
    if not conference.registration_is_open(now):
        raise RegistrationClosed(
            _("Registration for %(conference)s is closed.") % {"conference": conference.name}
        )


def check_picks(conference: Conference, forums: Sequence[Forum]) -> None:
    """Raise InvalidPick for a forum of another conference and OverlappingPicks for two
    picked forums that overlap in time (the message names both)."""
    for forum in forums:
        if forum.conference_id != conference.pk:
            raise InvalidPick(
                _("“%(forum)s” is not part of this conference.") % {"forum": forum.title}
            )
    ordered = sorted(forums, key=lambda f: (f.starts_at, f.pk))
    for index, first in enumerate(ordered):
        for second in ordered[index + 1 :]:
            if second.starts_at >= first.ends_at:
                break
            raise OverlappingPicks(
                _("“%(first)s” and “%(second)s” take place at the same time: pick one of them.")
                % {"first": first.title, "second": second.title}
            )


def find_manageable(token: str) -> Registration | None:
    """The registration a secret manage link belongs to, compared in constant time."""
    if not token or len(token) > 64 or not TOKEN_SHAPE.fullmatch(token):
        return None
    registration = (
        Registration.objects.select_related("conference").filter(manage_token=token).first()
    )
    if registration is None or not hmac.compare_digest(registration.manage_token, token):
        return None
    return registration


# --- locking and seat accounting --------------------------------------------------------------


def _lock_forums(forum_ids: Iterable[int]) -> dict[int, Forum]:
    ids = sorted(set(forum_ids))
    if not ids:
        return {}
    # of=("self",): lock the forum rows only, never the joined conference row (register()
    # locks that one first; locking it here, after the forums, would invert the order).
    forums = (
        Forum.objects.select_for_update(of=("self",), no_key=True)
        .select_related("conference")
        .filter(pk__in=ids)
    )
    return {forum.pk: forum for forum in forums.order_by("pk")}


def _lock_capacities(forum_ids: Iterable[int]) -> dict[int, int | None]:
    """Lock forum rows (id order) and return their capacities: all that seating needs. Plain
    values, no model instances: this runs on every registration, under its locks."""
    ids = sorted(set(forum_ids))
    if not ids:
        return {}
    rows = (
        Forum.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "capacity")
    )
    return dict(rows)


def _seated_counts(forum_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        ForumPick.objects.filter(forum_id__in=list(forum_ids), status=PickStatus.SEATED)
        .values("forum_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["forum_id"]: row["n"] for row in rows}


def _place(
    registration: Registration,
    forums: Sequence[Forum],
    capacities: dict[int, int | None],
    now: datetime,
) -> tuple[list[Forum], list[Forum]]:
    """Seat each forum that has room, wait-list the others (forums must be locked, and
    ``capacities`` read under those locks)."""
    gone = [forum for forum in forums if forum.pk not in capacities]
    if gone:
        # Deleted by an organizer after the attendee's form was checked.
        raise InvalidPick(_("“%(forum)s” is no longer on the program.") % {"forum": gone[0].title})
    seated_counts = _seated_counts(forum.pk for forum in forums)
    seated, waiting, picks = [], [], []
    for forum in sorted(forums, key=lambda f: f.starts_at):
        capacity = capacities[forum.pk] or 0
        if seated_counts.get(forum.pk, 0) < capacity:
            seated.append(forum)
            status, seated_at = PickStatus.SEATED, now
        else:
            waiting.append(forum)
            status, seated_at = PickStatus.WAITING, None
        picks.append(
            ForumPick(
                registration=registration,
                forum=forum,
                status=status,
                picked_at=now,
                seated_at=seated_at,
            )
        )
    # A forum picked before (and released) keeps its row: upsert on (registration, forum).
    caching.bump(caching.SEATS)
    ForumPick.objects.bulk_create(
        picks,
        update_conflicts=True,
        unique_fields=["registration", "forum"],
        update_fields=["status", "picked_at", "seated_at", "updated_at"],
    )
    return seated, waiting


# --- services ---------------------------------------------------------------------------------


def register(
    *,
    conference: Conference,
    data: dict,
    forums: Sequence[Forum],
    now: datetime | None = None,
    notify: bool = True,
) -> RegistrationOutcome:
    """Register an attendee and place their forum picks (seated or waiting).

    ``data`` holds the attendee fields (full_name, email, organization, job_title, phone,
    language, newsletter). An email that already has an active registration for this
    conference creates nothing: its owner is emailed their existing manage link and the
    outcome has ``registration=None``. A cancelled registration with the same email is
    reactivated. ``notify=False`` (demo data, imports) queues no confirmation email.
    Raises RegistrationClosed, ConferenceFull, InvalidPick, OverlappingPicks.
    """
    now = now or timezone.now()
    forums = list(forums)
    check_window(conference, now)
    check_picks(conference, forums)
    email = data["email"].strip()
    with transaction.atomic():
        # Lock order: the conference row (only when it has an overall capacity to count),
        # then forum rows by id. Without a conference lock, registrations for different
        # forums proceed in parallel; the same email twice is caught by the unique index.
        conference = _fresh_window(conference)
        if conference.capacity is not None:
            conference = Conference.objects.select_for_update(no_key=True).get(pk=conference.pk)
        check_window(conference, now)
        existing = Registration.objects.for_email(conference, email).order_by("-created_at")
        existing = list(existing[:5])
        active = next((r for r in existing if r.is_active), None)
        if active is not None:
            return _already_registered(active, notify)
        if conference.capacity is not None:
            confirmed = Registration.objects.filter(conference=conference).active().count()
            if confirmed >= conference.capacity:
                raise ConferenceFull(
                    _("%(conference)s is fully booked: no more registrations are possible.")
                    % {"conference": conference.name}
                )
        fields = {
            name: data.get(name, ATTENDEE_DEFAULTS.get(name, ""))
            for name in ATTENDEE_FIELDS
            if name != "email"
        }
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    registration = _save_attendee(conference, existing, email, fields, now)
                break
            except IntegrityError:
                # The same email registered at the same instant by another request...
                active = Registration.objects.for_email(conference, email).active().first()
                if active is not None:
                    return _already_registered(active, notify)
                # ...or a ticket code drawn twice (about one registration in 10^6 at 100,000
                # attendees): draw again.
                if attempt == SAVE_ATTEMPTS:
                    raise
        capacities = _lock_capacities(forum.pk for forum in forums)
        seated, waiting = _place(registration, forums, capacities, now)
        if notify:
            mailing.queue(registration, "confirmation")
    return RegistrationOutcome(registration=registration, seated=seated, waiting=waiting)


SAVE_ATTEMPTS = 3


def _save_attendee(
    conference: Conference, existing: list[Registration], email: str, fields: dict, now: datetime
) -> Registration:
    """A new registration, or the latest cancelled one of this email brought back (the same
    person returns: same ticket code, a new private link)."""
    if not existing:
        return Registration.objects.create(
            conference=conference,
            email=email,
            consent_at=now,
            ticket_code=new_ticket_code(),
            **fields,
        )
    registration = existing[0]
    for name, value in fields.items():
        setattr(registration, name, value)
    registration.email = email
    registration.status = RegistrationStatus.CONFIRMED
    registration.cancelled_at = None
    registration.consent_at = now
    registration.manage_token = new_manage_token()
    registration.save()
    return registration


WINDOW_FIELDS = ("is_published", "registration_opens", "registration_closes", "capacity")


def _fresh_window(conference: Conference) -> Conference:
    """``conference`` with its window and capacity as committed now (the caller's copy may be
    a request old). Reads four columns, not the whole translated row."""
    fresh = Conference.objects.filter(pk=conference.pk).values(*WINDOW_FIELDS).first()
    if fresh is None:
        raise RegistrationClosed(_("This conference no longer takes registrations."))
    for name, value in fresh.items():
        setattr(conference, name, value)
    return conference


def _already_registered(active: Registration, notify: bool) -> RegistrationOutcome:
    """No second registration: the owner of the email gets their link again, by email only."""
    if notify:
        mailing.queue(active, "already_registered")
    return RegistrationOutcome(registration=None)


def change_picks(
    *, registration: Registration, forums: Sequence[Forum], now: datetime | None = None
) -> PickChanges:
    """Replace an attendee's picks: keep unchanged ones (and their place), release dropped
    ones (promoting the next waiting attendee), seat or wait-list new ones.

    Raises NotActive for a cancelled registration, RegistrationClosed outside the window,
    InvalidPick / OverlappingPicks for a bad selection.
    """
    now = now or timezone.now()
    forums = list(forums)
    conference = registration.conference
    if not registration.is_active:
        raise NotActive(_("This registration is cancelled."))
    check_window(conference, now)
    check_picks(conference, forums)
    changes = PickChanges()
    with transaction.atomic():
        registration = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
        if not registration.is_active:
            raise NotActive(_("This registration is cancelled."))
        current = {pick.forum_id: pick for pick in registration.picks.live()}
        wanted = {forum.pk: forum for forum in forums}
        locked = _lock_forums(set(current) | set(wanted))
        dropped = [pick for forum_id, pick in current.items() if forum_id not in wanted]
        freed = [pick.forum_id for pick in dropped if pick.status == PickStatus.SEATED]
        if dropped:
            caching.bump(caching.SEATS)
            ForumPick.objects.filter(pk__in=[pick.pk for pick in dropped]).update(
                status=PickStatus.RELEASED, seated_at=None, updated_at=now
            )
            changes.removed = [locked[pick.forum_id] for pick in dropped]
        new = [forum for forum_id, forum in wanted.items() if forum_id not in current]
        if new:
            capacities = {pk: forum.capacity for pk, forum in locked.items()}
            changes.added_seated, changes.added_waiting = _place(registration, new, capacities, now)
        if freed:
            changes.promoted = _promote_locked(locked, freed, now)
        if changes.changed:
            mailing.queue(registration, "change")
    return changes


def leave_waiting_list(*, registration: Registration, forum: Forum) -> bool:
    """Drop a waiting pick. Returns False when there was none (nothing changes)."""
    with transaction.atomic():
        updated = ForumPick.objects.filter(
            registration=registration, forum=forum, status=PickStatus.WAITING
        ).update(status=PickStatus.RELEASED, updated_at=timezone.now())
        if updated:
            caching.bump(caching.SEATS)
            mailing.queue(registration, "change")
    return bool(updated)


def cancel_registration(
    *, registration: Registration, now: datetime | None = None
) -> list[ForumPick]:
    """Cancel (never delete) a registration, release its picks and promote from the waiting
    lists of the forums it leaves. Idempotent. Returns the picks promoted."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
        if not registration.is_active:
            return []
        live = list(registration.picks.live())
        locked = _lock_forums(pick.forum_id for pick in live)
        freed = [pick.forum_id for pick in live if pick.status == PickStatus.SEATED]
        caching.bump(caching.SEATS)
        ForumPick.objects.filter(pk__in=[pick.pk for pick in live]).update(
            status=PickStatus.RELEASED, seated_at=None, updated_at=now
        )
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        mailing.queue(registration, "cancellation")
        return _promote_locked(locked, freed, now)


def promote_waiting(
    *, forums: Iterable[Forum | int], now: datetime | None = None
) -> list[ForumPick]:
    """Seat waiting attendees wherever seats are free (after a capacity raise, say).

    Serves each forum's waiting list in the order the picks were made, skipping a pick that
    would overlap a forum its attendee is already seated in. Each promoted attendee is emailed.
    """
    now = now or timezone.now()
    ids = [forum if isinstance(forum, int) else forum.pk for forum in forums]
    with transaction.atomic():
        locked = _lock_forums(ids)
        return _promote_locked(locked, list(locked), now)


def _promote_locked(
    locked: dict[int, Forum], forum_ids: Iterable[int], now: datetime
) -> list[ForumPick]:
    forum_ids = sorted(set(forum_ids))
    if not forum_ids:
        return []
    counts = _seated_counts(forum_ids)
    promoted: list[ForumPick] = []
    for forum_id in forum_ids:
        forum = locked[forum_id]
        free = (forum.capacity or 0) - counts.get(forum_id, 0)
        if free <= 0:
            continue
        queue = (
            ForumPick.objects.queue()
            .filter(forum_id=forum_id, registration__status=RegistrationStatus.CONFIRMED)
            .select_related("registration", "forum")
        )
        for pick in list(queue):
            if free <= 0:
                break
            clash = (
                ForumPick.objects.seated()
                .filter(
                    registration_id=pick.registration_id,
                    forum__starts_at__lt=forum.ends_at,
                    forum__ends_at__gt=forum.starts_at,
                )
                .exists()
            )
            if clash:
                continue
            pick.status = PickStatus.SEATED
            pick.seated_at = now
            pick.save(update_fields=["status", "seated_at", "updated_at"])
            mailing.queue(pick.registration, "promotion", forum=forum)
            promoted.append(pick)
            caching.bump(caching.SEATS)
            free -= 1
    return promoted


def resend_confirmation(*, registration: Registration) -> None:
    """Queue the confirmation email again (ticket, picks, manage link)."""
    with transaction.atomic():
        mailing.queue(registration, "confirmation" if registration.is_active else "cancellation")


def revoke_manage_link(*, registration: Registration) -> Registration:
    """Issue a new secret manage link (the old one stops working) and email it."""
    with transaction.atomic():
        registration.manage_token = new_manage_token()
        registration.save(update_fields=["manage_token", "updated_at"])
        mailing.queue(registration, "confirmation" if registration.is_active else "cancellation")
    return registration


# --- the door ---------------------------------------------------------------------------------


class UnknownTicket(RegistrationError):
    field = "code"


class AlreadyCheckedIn(RegistrationError):
    def __init__(self, message: str, *, registration: Registration):
        super().__init__(message)
        self.registration = registration


@dataclass
class CheckIn:
    registration: Registration
    forum_pick: ForumPick | None = None
    forum_note: str = ""


def find_ticket(*, conference: Conference, code: str) -> Registration:
    """The registration a typed or scanned ticket code belongs to. Raises UnknownTicket."""
    from registration.models import normalize_ticket_code

    normalized = normalize_ticket_code(code or "")
    registration = (
        Registration.objects.select_related("checked_in_by")
        .filter(conference=conference, ticket_code=normalized)
        .first()
        if 4 <= len(normalized) <= 16
        else None
    )
    if registration is None:
        raise UnknownTicket(_("No ticket with the code “%(code)s”.") % {"code": code.strip()[:32]})
    return registration


def check_in(
    *,
    registration: Registration,
    by,
    forum: Forum | None = None,
    now: datetime | None = None,
) -> CheckIn:
    """Check an attendee in at the entrance (and, with ``forum``, at that forum's door).

    Raises NotActive for a cancelled registration and AlreadyCheckedIn (saying when and by
    whom) for a second entrance check-in; a forum door check-in of someone already at the
    entrance is fine.
    """
    now = now or timezone.now()
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(no_key=True, of=("self",))
            .select_related("checked_in_by")
            .get(pk=registration.pk)
        )
        if not registration.is_active:
            raise NotActive(
                _("%(name)s's registration is cancelled.") % {"name": registration.full_name}
            )
        result = CheckIn(registration=registration)
        if forum is None and registration.checked_in_at:
            who = registration.checked_in_by.get_username() if registration.checked_in_by else "?"
            when = timezone.localtime(registration.checked_in_at).strftime("%Y-%m-%d %H:%M")
            raise AlreadyCheckedIn(
                _("%(name)s was already checked in at %(when)s by %(who)s.")
                % {"name": registration.full_name, "when": when, "who": who},
                registration=registration,
            )
        if not registration.checked_in_at:
            registration.checked_in_at = now
            registration.checked_in_by = by
            registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
        if forum is not None:
            pick = registration.picks.filter(forum=forum).first()
            if pick is None or pick.status != PickStatus.SEATED:
                result.forum_note = _("Not seated in “%(forum)s”.") % {"forum": forum.title}
            else:
                if not pick.checked_in_at:
                    pick.checked_in_at = now
                    pick.save(update_fields=["checked_in_at", "updated_at"])
                result.forum_pick = pick
        return result


def undo_check_in(*, registration: Registration) -> Registration:
    """Take back an entrance check-in (and the forum door check-ins with it)."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
        registration.checked_in_at = None
        registration.checked_in_by = None
        registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
        registration.picks.filter(checked_in_at__isnull=False).update(checked_in_at=None)
    return registration


# --- "still coming?" --------------------------------------------------------------------------


def send_reconfirmation(
    *, conference: Conference, registrations=None, now: datetime | None = None
) -> int:
    """Ask seated attendees whether they are still coming. Returns how many were asked.

    Only confirmed registrations with at least one seat and no answer yet are asked; an answer
    of "no" goes through ``answer_reconfirmation`` and frees the seats."""
    now = now or timezone.now()
    queryset = registrations if registrations is not None else Registration.objects.all()
    targets = (
        queryset.filter(conference=conference, reconfirmed_at__isnull=True)
        .active()
        .filter(picks__status=PickStatus.SEATED)
        .distinct()
        .select_related("conference")
    )
    count = 0
    with transaction.atomic():
        for registration in targets:
            mailing.queue(registration, "reconfirmation")
            count += 1
        Registration.objects.filter(pk__in=[r.pk for r in targets]).update(
            reconfirmation_sent_at=now
        )
    return count


def answer_reconfirmation(
    *, registration: Registration, coming: bool, now: datetime | None = None
) -> list[ForumPick]:
    """Record the answer: yes keeps the seats; no cancels and promotes from the waiting lists."""
    now = now or timezone.now()
    if coming:
        Registration.objects.filter(pk=registration.pk).update(reconfirmed_at=now)
        registration.reconfirmed_at = now
        return []
    return cancel_registration(registration=registration, now=now)


# --- privacy ----------------------------------------------------------------------------------

ERASED_NAME = "—"


def _erase_fields(registration: Registration) -> None:
    registration.full_name = ERASED_NAME
    registration.email = f"erased-{registration.pk}@invalid"
    registration.organization = ""
    registration.job_title = ""
    registration.phone = ""
    registration.newsletter = False
    registration.manage_token = new_manage_token()  # the old link dies with the data


def _forget_emails(registrations: list[tuple[str, str]]) -> None:
    """Drop the queued and sent emails about these registrations (they hold names and links):
    sent to exactly that address and naming that ticket, so another person's mail, or the same
    person's mail about another conference, stays."""
    from post_office.models import Email

    for address, ticket in registrations:
        Email.objects.filter(to__iexact=address, message__contains=ticket).delete()


def _forget_admin_log(registration_ids: list[int]) -> None:
    """The admin log names the registration ("Name <email>"): keep the entry, drop the name."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id__in=[str(pk) for pk in registration_ids],
    ).update(object_repr=ERASED_NAME)


def erase_registration(*, registration: Registration, now: datetime | None = None) -> None:
    """The attendee deletes their registration: seats freed (waiting lists promoted), personal
    fields erased, the manage link dead. The row stays, cancelled, so counts stay right."""
    now = now or timezone.now()
    with transaction.atomic():
        cancel_registration(registration=registration, now=now)
        registration = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
        address, ticket = registration.email, registration.ticket_display
        _erase_fields(registration)
        registration.save()
        # No email to an erased address: drop what this very change queued, and the past ones.
        PendingEmail.objects.filter(registration=registration).delete()
        _forget_emails([(address, ticket)])
        _forget_admin_log([registration.pk])


def anonymize_conference(*, conference: Conference) -> int:
    """Erase the personal fields of every registration of a conference (after the event).

    Status, picks, check-in times and all counts stay; emails sent to attendees are deleted.
    Returns how many registrations were erased. Idempotent."""
    with transaction.atomic():
        registrations = list(
            Registration.objects.select_for_update(no_key=True)
            .filter(conference=conference)
            .exclude(full_name=ERASED_NAME, organization="", phone="")
        )
        addresses = [(r.email, r.ticket_display) for r in registrations]
        for registration in registrations:
            _erase_fields(registration)
        Registration.objects.bulk_update(
            registrations,
            [
                "full_name",
                "email",
                "organization",
                "job_title",
                "phone",
                "newsletter",
                "manage_token",
            ],
            batch_size=1000,
        )
        PendingEmail.objects.filter(registration__in=registrations).delete()
        _forget_emails(addresses)
        _forget_admin_log([r.pk for r in registrations])
    return len(registrations)


def send_new_link(*, conference: Conference, email: str) -> bool:
    """ "Send me a new link": re-issue the manage link of the active registration with this
    email and mail it. Returns whether one existed (callers must not tell the visitor)."""
    registration = Registration.objects.for_email(conference, email).active().first()
    if registration is None:
        return False
    revoke_manage_link(registration=registration)
    return True


def registration_data(registration: Registration) -> dict:
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
        "privacy_notice_accepted_at": registration.consent_at.isoformat(),
        "registered_at": registration.created_at.isoformat(),
        "cancelled_at": registration.cancelled_at.isoformat()
        if registration.cancelled_at
        else None,
        "checked_in_at": (
            registration.checked_in_at.isoformat() if registration.checked_in_at else None
        ),
        "forum_picks": [
            {
                "forum": pick.forum.title,
                "status": pick.status,
                "picked_at": pick.picked_at.isoformat(),
                "seated_at": pick.seated_at.isoformat() if pick.seated_at else None,
            }
            for pick in picks
        ],
    }
