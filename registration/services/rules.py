"""The registration rules that need no lock: checked before a service takes any, and by the
forms so that a bad selection is reported next to the field before anything is written."""

from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext as _

from agenda.models import Conference, Forum
from registration.services.errors import InvalidPick, OverlappingPicks, RegistrationClosed


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
