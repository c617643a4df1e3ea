"""Reading a forum's picks the way the service tests assert on them."""

import datetime as dt

from django.utils import timezone

from registration.enums import PickStatus
from registration.models import ForumPick
from tests.factories import ForumPickFactory, RegistrationFactory


def statuses(forum) -> dict[str, str]:
    """{attendee email: pick status} for every live pick of a forum."""
    return {
        pick.registration.email: pick.status
        for pick in ForumPick.objects.live().filter(forum=forum).select_related("registration")
    }


def waiting_queue(forum) -> list[str]:
    """Emails on a forum's waiting list, in the order they are served."""
    return [pick.registration.email for pick in ForumPick.objects.queue().filter(forum=forum)]


def seated_count(forum) -> int:
    return ForumPick.objects.seated().filter(forum=forum).count()


def add_waiting(forum, email: str, minutes_ago: int) -> ForumPick:
    """A waiting pick made ``minutes_ago`` minutes ago by a new attendee."""
    return ForumPickFactory(
        registration=RegistrationFactory(conference=forum.conference, email=email),
        forum=forum,
        status=PickStatus.WAITING,
        picked_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )
