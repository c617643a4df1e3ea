"""The door: check attendees in at the entrance and at forum doors, and take it back."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Conference, Forum
from registration.models import ForumPick, Registration
from registration.queries import registration_for_ticket
from registration.services.errors import AlreadyCheckedIn, NotActive, UnknownTicket
from registration.services.locking import lock_one

REGISTRATIONS = Registration.objects.select_related("checked_in_by")


@dataclass
class CheckIn:
    """What ``check_in`` did: the attendee, the forum pick checked in at a door (if any), and
    a note when the attendee holds no seat in that forum."""

    registration: Registration
    forum_pick: ForumPick | None = None
    forum_note: str = ""


def find_ticket(*, conference: Conference, code: str) -> Registration:
    """The registration a typed or scanned ticket code belongs to. Raises UnknownTicket."""
    registration = registration_for_ticket(conference=conference, code=code)
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
        registration = lock_one(REGISTRATIONS, registration.pk)
        if not registration.is_active:
            raise NotActive.for_registration(registration)
        if forum is None and registration.checked_in_at:
            raise _already_checked_in(registration)
        if not registration.checked_in_at:
            registration.checked_in_at = now
            registration.checked_in_by = by
            registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
        result = CheckIn(registration=registration)
        if forum is not None:
            _check_in_at_door(result, forum, now)
        return result


def _already_checked_in(registration: Registration) -> AlreadyCheckedIn:
    who = registration.checked_in_by.get_username() if registration.checked_in_by else "?"
    when = timezone.localtime(registration.checked_in_at).strftime("%Y-%m-%d %H:%M")
    return AlreadyCheckedIn(
        _("%(name)s was already checked in at %(when)s by %(who)s.")
        % {"name": registration.full_name, "when": when, "who": who},
        registration=registration,
    )


def _check_in_at_door(result: CheckIn, forum: Forum, now: datetime) -> None:
    pick = result.registration.picks.filter(forum=forum).first()
    if pick is None or not pick.is_seated:
        result.forum_note = _("Not seated in “%(forum)s”.") % {"forum": forum.title}
        return
    if not pick.checked_in_at:
        pick.checked_in_at = now
        pick.save(update_fields=["checked_in_at", "updated_at"])
    result.forum_pick = pick


def undo_check_in(*, registration: Registration) -> Registration:
    """Take back an entrance check-in (and the forum door check-ins with it)."""
    with transaction.atomic():
        registration = lock_one(REGISTRATIONS, registration.pk)
        registration.checked_in_at = None
        registration.checked_in_by = None
        registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
        registration.picks.filter(checked_in_at__isnull=False).update(checked_in_at=None)
    return registration
