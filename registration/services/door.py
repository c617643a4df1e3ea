"""The door: check attendees in at the entrance and at forum doors, and take it back.

A forum's door lets in those seated in it. Anyone else is refused (NotSeatedHere) until a
volunteer says "let in anyway", which is recorded (DoorOverride: who, when), or seats them
from the waiting list, which the waiting-list rules decide (``seat_at_door``).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Conference, Forum
from registration import signals
from registration.enums import PickStatus
from registration.models import DoorOverride, ForumPick, Registration
from registration.services.errors import (
    AlreadyCheckedIn,
    NotActive,
    NotSeatedHere,
    OtherEditionTicket,
    UnknownTicket,
)
from registration.services.locking import lock, lock_one
from registration.services.waitinglist import promote_locked
from registration.tickets import format_ticket_code, normalize_ticket_code

REGISTRATIONS = Registration.objects.select_related("checked_in_by")
FORUMS = Forum.objects.select_related("conference")


@dataclass
class CheckIn:
    """What ``check_in`` did: the attendee, the forum pick checked in at a door (if any), and
    the override when a volunteer let them in without a seat there."""

    registration: Registration
    forum_pick: ForumPick | None = None
    override: DoorOverride | None = None
    seated_now: bool = False  # seated from the waiting list at the door


def find_ticket(*, conference: Conference, code: str) -> Registration:
    """The registration a typed or scanned ticket code belongs to (any case, with or without
    the dash). Raises UnknownTicket, saying so when the code is another edition's."""
    normalized = normalize_ticket_code(code or "")
    found = None
    if 4 <= len(normalized) <= 16:
        # Codes are unique across editions: one indexed lookup tells both cases apart.
        found = (
            Registration.objects.select_related("checked_in_by", "conference")
            .filter(ticket_code=normalized)
            .first()
        )
    if found is not None and found.conference_id == conference.pk:
        return found
    if found is not None:
        raise OtherEditionTicket(
            _("The ticket %(code)s is for %(other)s, not for %(conference)s.")
            % {
                "code": format_ticket_code(normalized),
                "other": found.conference.name,
                "conference": conference.name,
            }
        )
    raise UnknownTicket(_("No ticket with the code “%(code)s”.") % {"code": code.strip()[:32]})


def check_in(
    *,
    registration: Registration,
    by,
    forum: Forum | None = None,
    let_in: bool = False,
    now: datetime | None = None,
) -> CheckIn:
    """Check an attendee in at the entrance (and, with ``forum``, at that forum's door).

    Raises NotActive for a cancelled registration and AlreadyCheckedIn (saying when and by
    whom) for a second entrance check-in; a forum door check-in of someone already at the
    entrance is fine. At a forum's door, someone without a seat there is NotSeatedHere and
    nothing changes, unless ``let_in`` (the volunteer's "let in anyway", recorded with
    ``by``) or an earlier override for that forum.
    """
    now = now or timezone.now()
    with transaction.atomic():
        registration = lock_one(REGISTRATIONS, registration.pk)
        if not registration.is_active:
            raise NotActive.for_registration(registration)
        if forum is None and registration.checked_in_at:
            raise _already_checked_in(registration)
        result = CheckIn(registration=registration)
        if forum is not None:
            _check_in_at_door(result, forum, by, let_in, now)
        _check_in_at_entrance(registration, by, now)
        return result


def seat_at_door(
    *, registration: Registration, forum: Forum, by, now: datetime | None = None
) -> CheckIn:
    """Someone on ``forum``'s waiting list is at its door while seats are free: serve the
    waiting list now (``promote_locked``, the one set of rules: first waiting, first seated;
    never into two overlapping forums), then check them in if that seated them.

    Whoever the promotion seats keeps the seat (and is emailed), even when it is not this
    attendee: then NotSeatedHere says why (someone was ahead of them, or the forum overlaps
    one they are seated in)."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = lock_one(REGISTRATIONS, registration.pk)
        if not registration.is_active:
            raise NotActive.for_registration(registration)
        locked = lock(FORUMS, [forum.pk])
        if forum.pk in locked:
            promote_locked(locked, [forum.pk], now)
        pick = registration.picks.filter(forum=forum).first()
        seated = pick is not None and pick.is_seated
        if seated:
            result = CheckIn(registration=registration, seated_now=True)
            _check_in_at_door(result, forum, by, False, now)
            _check_in_at_entrance(registration, by, now)
            return result
        missed = _(
            "No seat for %(name)s in “%(forum)s”: the free seats went to people ahead of them "
            "on the waiting list, or this forum overlaps one they are seated in."
        )
        refusal = _refusal(registration, forum, pick, message=missed)
    # Raised after the commit: the seats the promotion gave others stand.
    raise refusal


def _check_in_at_entrance(registration: Registration, by, now: datetime) -> None:
    if not registration.checked_in_at:
        registration.checked_in_at = now
        registration.checked_in_by = by
        registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
        signals.registration_checked_in.send(sender=Registration, registration=registration)


def _already_checked_in(registration: Registration) -> AlreadyCheckedIn:
    who = registration.checked_in_by.get_username() if registration.checked_in_by else "?"
    when = timezone.localtime(registration.checked_in_at).strftime("%Y-%m-%d %H:%M")
    return AlreadyCheckedIn(
        _("%(name)s was already checked in at %(when)s by %(who)s.")
        % {"name": registration.full_name, "when": when, "who": who},
        registration=registration,
    )


def _check_in_at_door(result: CheckIn, forum: Forum, by, let_in: bool, now: datetime) -> None:
    registration = result.registration
    pick = registration.picks.filter(forum=forum).first()
    if pick is not None and pick.is_seated:
        if not pick.checked_in_at:
            pick.checked_in_at = now
            pick.save(update_fields=["checked_in_at", "updated_at"])
        result.forum_pick = pick
        return
    override = DoorOverride.objects.filter(registration=registration, forum=forum).first()
    if override is None and not let_in:
        raise _refusal(registration, forum, pick)
    if override is None:
        override = DoorOverride.objects.create(
            registration=registration,
            forum=forum,
            let_in_by=by,
            username=by.get_username() if by else "",
            let_in_at=now,
        )
    result.override = override


def _refusal(
    registration: Registration, forum: Forum, pick: ForumPick | None, *, message: str = ""
) -> NotSeatedHere:
    seated = list(
        Forum.objects.filter(picks__registration=registration, picks__status=PickStatus.SEATED)
        .select_related("room")
        .order_by("starts_at")
    )
    waiting = pick is not None and pick.status == PickStatus.WAITING
    if not message and waiting:
        message = _("%(name)s has no seat in “%(forum)s”: they are on its waiting list.")
    elif not message:
        message = _("%(name)s has no seat in “%(forum)s”.")
    return NotSeatedHere(
        message % {"name": registration.full_name, "forum": forum.title},
        registration=registration,
        forum=forum,
        seated=seated,
        waiting=waiting,
    )


def undo_check_in(*, registration: Registration) -> Registration:
    """Take back an entrance check-in (and the forum door check-ins and overrides with it)."""
    with transaction.atomic():
        registration = lock_one(REGISTRATIONS, registration.pk)
        registration.checked_in_at = None
        registration.checked_in_by = None
        registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
        registration.picks.filter(checked_in_at__isnull=False).update(checked_in_at=None)
        registration.door_overrides.all().delete()
    return registration
