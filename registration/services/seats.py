"""Taking and giving back seats: register, change picks, leave a waiting list, cancel.

Rules (DESIGN.md, "Rules that must hold"):
1. Seated picks of a forum never exceed its capacity; registrations never exceed the
   conference's capacity.
2. An attendee is never seated in two forums that overlap in time (one registration may not
   even pick two overlapping forums).
3. When a seat frees, the first waiting pick that fits is seated at once (waitinglist.py).
4. Registering (and changing picks) is possible only inside the window of a published
   conference.
5. Nothing an attendee submitted is lost: emails are owed in the same transaction and
   delivered after commit; a failing mail server delays them, never the save.

Each public function is one transaction; capacity is consumed under the locks of locking.py.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Conference, Forum
from registration import caching, mailing, signals, tickets
from registration.enums import PickStatus, RegistrationStatus
from registration.models import ATTENDEE_FIELDS, MANAGE_LINK, ForumPick, Registration
from registration.queries import seated_counts
from registration.services.answers import Reply, save_answers
from registration.services.errors import ConferenceFull, InvalidPick, NotActive, RegistrationClosed
from registration.services.locking import lock, lock_one
from registration.services.rules import check_picks, check_window
from registration.services.waitinglist import promote_locked

ATTENDEE_DEFAULTS = {"language": "en", "newsletter": False}
WINDOW_FIELDS = ("is_published", "registration_opens", "registration_closes", "capacity")
# A ticket code drawn twice is drawn again; three draws in a row never collide in practice.
SAVE_ATTEMPTS = 3
FORUMS = Forum.objects.select_related("conference")
REGISTRATIONS = Registration.objects.all()


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
    """What ``change_picks`` did."""

    added_seated: list[Forum] = field(default_factory=list)
    added_waiting: list[Forum] = field(default_factory=list)
    removed: list[Forum] = field(default_factory=list)
    promoted: list[ForumPick] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added_seated or self.added_waiting or self.removed)


def register(
    *,
    conference: Conference,
    data: dict,
    forums: Sequence[Forum],
    now: datetime | None = None,
    notify: bool = True,
    answers: Sequence[Reply] = (),
) -> RegistrationOutcome:
    """Register an attendee and place their forum picks (seated or waiting).

    ``data`` holds the attendee fields (full_name, email, organization, job_title, phone,
    language, newsletter). An email that already has an active registration for this
    conference creates nothing: its owner is emailed their existing manage link and the
    outcome has ``registration=None``. A cancelled registration with the same email is
    reactivated. ``notify=False`` (demo data, imports) queues no confirmation email.
    ``answers`` (``services.answers.Reply``) become the new registration's answers to the
    registration questions, replacing those of a reactivated one.

    When the conference is full, every email gets ConferenceFull, registered or not (no
    enumeration): the owner of a registered one is emailed their link, and an unknown one
    costs the same (a stand-in outbox row). "Fully booked" is what a newcomer must read, and
    the owner's email says their registration stands; the done page for everyone would tell
    a newcomer they got in.
    Raises RegistrationClosed, ConferenceFull, InvalidPick, OverlappingPicks.
    """
    now = now or timezone.now()
    forums = list(forums)
    check_window(conference, now)
    check_picks(conference, forums)
    email = data["email"].strip()
    with transaction.atomic():
        # The conference row is locked only when it has an overall capacity to count; without
        # it, registrations for different forums proceed in parallel and the same email twice
        # is caught by the unique index.
        conference = _fresh_window(conference)
        if conference.capacity is not None:
            conference = lock_one(Conference.objects.all(), conference.pk)
        check_window(conference, now)
        existing = Registration.objects.for_email(conference, email).order_by("-created_at")
        existing = list(existing[:5])
        active = next((r for r in existing if r.is_active), None)
        full = _is_full(conference)
        if active is not None or full:
            outcome = _already_registered(active, notify)
        else:
            outcome = _register_new(conference, existing, email, data, forums, now, notify)
            if outcome.created:  # the registration questions' answers (services.answers)
                save_answers(outcome.registration, answers, replace=bool(existing))
    if full:
        raise ConferenceFull(
            _("%(conference)s is fully booked: no more registrations are possible.")
            % {"conference": conference.name}
            + " "
            + _(
                "If this email address is already registered, your registration stands: we "
                "have emailed you its private link."
            )
        )
    return outcome


def _register_new(
    conference: Conference,
    existing: list[Registration],
    email: str,
    data: dict,
    forums: list[Forum],
    now: datetime,
    notify: bool,
) -> RegistrationOutcome:
    """Save the attendee (new or returning) and place their picks, inside the caller's
    transaction (and conference lock)."""
    fields = {
        name: data.get(name, ATTENDEE_DEFAULTS.get(name, ""))
        for name in ATTENDEE_FIELDS
        if name != "email"
    }
    registration, raced = _save_attendee(conference, existing, email, fields, now)
    if raced:
        return _already_registered(registration, notify)
    capacities = lock(FORUMS, (forum.pk for forum in forums), values=["capacity"])
    seated, waiting = _place(registration, forums, capacities, now)
    signals.registration_created.send(sender=Registration, registration=registration)
    if notify:
        mailing.queue(registration, "confirmation")
    return RegistrationOutcome(registration=registration, seated=seated, waiting=waiting)


def _is_full(conference: Conference) -> bool:
    """Whether the conference's overall capacity is reached (counted under its lock)."""
    if conference.capacity is None:
        return False
    confirmed = Registration.objects.filter(conference=conference).active().count()
    return confirmed >= conference.capacity


def _save_attendee(
    conference: Conference, existing: list[Registration], email: str, fields: dict, now: datetime
) -> tuple[Registration, bool]:
    """Save the attendee: ``(registration, False)``; or ``(the active registration, True)``
    when the same email registered at the same instant in another request."""
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return _new_or_returning(conference, existing, email, fields, now), False
        except IntegrityError:
            active = Registration.objects.for_email(conference, email).active().first()
            if active is not None:
                return active, True
            # Otherwise a ticket code drawn twice: draw again.
            if attempt == SAVE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _new_or_returning(
    conference: Conference, existing: list[Registration], email: str, fields: dict, now: datetime
) -> Registration:
    """A new registration, or the latest cancelled one of this email brought back (the same
    person returns: same ticket code, a new private link)."""
    if not existing:
        return Registration.objects.create(
            conference=conference,
            email=email,
            consent_at=now,
            ticket_code=tickets.new_ticket_code(),
            **fields,
        )
    registration = existing[0]
    for name, value in fields.items():
        setattr(registration, name, value)
    registration.email = email
    registration.status = RegistrationStatus.CONFIRMED
    registration.cancelled_at = None
    registration.consent_at = now
    MANAGE_LINK.issue(registration)
    registration.save()
    return registration


def _fresh_window(conference: Conference) -> Conference:
    """``conference`` with its window and capacity as committed now (the caller's copy may be
    a request old). Reads four columns, not the whole translated row."""
    fresh = Conference.objects.filter(pk=conference.pk).values(*WINDOW_FIELDS).first()
    if fresh is None:
        raise RegistrationClosed(_("This conference no longer takes registrations."))
    for name, value in fresh.items():
        setattr(conference, name, value)
    return conference


def _already_registered(active: Registration | None, notify: bool) -> RegistrationOutcome:
    """No second registration: the owner of the email gets their link again, by email only
    (``active=None``, an unknown email at a full conference: a stand-in row, the same work)."""
    if notify:
        mailing.queue(active, "already_registered")
    return RegistrationOutcome(registration=None)


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
    drafts = [forum for forum in forums if not forum.is_published]
    if drafts:
        # A draft is on no public page: nobody takes a new seat in it (a seat taken before
        # it became a draft is kept; only new picks come here).
        raise InvalidPick(
            _("“%(forum)s” is not open for registration.") % {"forum": drafts[0].title}
        )
    counts = seated_counts(forum.pk for forum in forums)
    seated, waiting, picks = [], [], []
    for forum in sorted(forums, key=lambda f: f.starts_at):
        has_room = counts.get(forum.pk, 0) < (capacities[forum.pk] or 0)
        (seated if has_room else waiting).append(forum)
        picks.append(
            ForumPick(
                registration=registration,
                forum=forum,
                status=PickStatus.SEATED if has_room else PickStatus.WAITING,
                picked_at=now,
                seated_at=now if has_room else None,
            )
        )
    caching.seats_changed()
    # A forum picked before (and released) keeps its row: upsert on (registration, forum).
    ForumPick.objects.bulk_create(
        picks,
        update_conflicts=True,
        unique_fields=["registration", "forum"],
        update_fields=["status", "picked_at", "seated_at", "updated_at"],
    )
    return seated, waiting


def _release(picks: list[ForumPick], now: datetime) -> list[int]:
    """Release these live picks; returns the forums whose seats they freed."""
    if not picks:
        return []
    caching.seats_changed()
    ForumPick.objects.filter(pk__in=[pick.pk for pick in picks]).update(
        status=PickStatus.RELEASED, seated_at=None, updated_at=now
    )
    return [pick.forum_id for pick in picks if pick.status == PickStatus.SEATED]


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
        registration = lock_one(REGISTRATIONS, registration.pk)
        if not registration.is_active:
            raise NotActive(_("This registration is cancelled."))
        wanted = {forum.pk: forum for forum in forums}
        picked = registration.picks.live().values_list("forum_id", flat=True)
        locked = lock(FORUMS, set(picked) | set(wanted))
        # Read the picks under the forum locks: a promotion may have seated one meanwhile.
        current = {pick.forum_id: pick for pick in registration.picks.live()}
        dropped = [pick for forum_id, pick in current.items() if forum_id not in wanted]
        freed = _release(dropped, now)
        changes.removed = [locked[pick.forum_id] for pick in dropped]
        new = [forum for forum_id, forum in wanted.items() if forum_id not in current]
        if new:
            capacities = {pk: forum.capacity for pk, forum in locked.items()}
            changes.added_seated, changes.added_waiting = _place(registration, new, capacities, now)
        changes.promoted = promote_locked(locked, freed, now)
        if changes.changed:
            mailing.queue(registration, "change")
            signals.registration_changed.send(sender=Registration, registration=registration)
    return changes


def leave_waiting_list(*, registration: Registration, forum: Forum) -> bool:
    """Drop a waiting pick. Returns False when there was none (nothing changes)."""
    with transaction.atomic():
        updated = ForumPick.objects.filter(
            registration=registration, forum=forum, status=PickStatus.WAITING
        ).update(status=PickStatus.RELEASED, updated_at=timezone.now())
        if updated:
            caching.seats_changed()
            mailing.queue(registration, "change")
            signals.registration_changed.send(sender=Registration, registration=registration)
    return bool(updated)


def cancel_registration(
    *, registration: Registration, now: datetime | None = None
) -> list[ForumPick]:
    """Cancel (never delete) a registration, release its picks and promote from the waiting
    lists of the forums it leaves. Idempotent. Returns the picks promoted."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = lock_one(REGISTRATIONS, registration.pk)
        if not registration.is_active:
            return []
        locked = lock(FORUMS, registration.picks.live().values_list("forum_id", flat=True))
        # Read the picks again under the forum locks: a promotion that committed while this
        # waited for them may have seated one (it would otherwise be released unserved).
        live = list(registration.picks.live())
        freed = _release(live, now)
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        mailing.queue(registration, "cancellation")
        signals.registration_cancelled.send(sender=Registration, registration=registration)
        return promote_locked(locked, freed, now)
