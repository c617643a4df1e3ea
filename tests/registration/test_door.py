"""services/door.py: who passes a forum's door, the recorded override, seating from the
waiting list at the door (by the waiting-list rules), and what undo takes back."""

import datetime as dt
import re

import pytest

from agenda.models import Forum
from registration import tickets
from registration.enums import PickStatus
from registration.models import DoorOverride
from registration.services import door
from registration.services.errors import NotSeatedHere, OtherEditionTicket, UnknownTicket
from tests.factories import ForumFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer(django_user_model):
    return django_user_model.objects.create_user(username="mei", password="pw", is_staff=True)


def test_no_seat_at_a_door_is_refused_and_nothing_changes(attendees, cloud, volunteer):
    with pytest.raises(NotSeatedHere) as refused:
        door.check_in(registration=attendees.wang, by=volunteer, forum=cloud)

    attendees.wang.refresh_from_db()
    assert refused.value.waiting is True
    assert [forum.title for forum in refused.value.seated] == ["Open Source Governance"]
    assert attendees.wang.checked_in_at is None
    assert not DoorOverride.objects.exists()


def test_let_in_is_recorded_once_with_who_and_when(attendees, cloud, volunteer):
    now = dt.datetime(2026, 5, 27, 2, 5, tzinfo=dt.UTC)

    first = door.check_in(
        registration=attendees.lina, by=volunteer, forum=cloud, let_in=True, now=now
    )
    again = door.check_in(registration=attendees.lina, by=volunteer, forum=cloud, let_in=True)

    override = DoorOverride.objects.get()
    assert (override.let_in_by, override.username, override.let_in_at) == (volunteer, "mei", now)
    assert first.override == again.override == override
    assert first.forum_pick is None


def test_seat_at_door_seats_through_the_waiting_list(attendees, cloud, volunteer):
    Forum.objects.filter(pk=cloud.pk).update(capacity=3)

    result = door.seat_at_door(registration=attendees.hannah, forum=cloud, by=volunteer)

    pick = attendees.hannah.picks.get(forum=cloud)
    assert result.seated_now and result.forum_pick == pick
    assert pick.status == PickStatus.SEATED and pick.checked_in_at is not None


def test_seat_at_door_never_seats_into_an_overlapping_forum(
    attendees, cloud, conference, volunteer
):
    # Li Na sits in a forum at the same time as Cloud Native, and waits for Cloud Native.
    clash = ForumFactory(
        conference=conference, title="Clash", slug="clash", day=1, start=dt.time(9, 0), capacity=5
    )
    attendees.lina.picks.create(forum=clash, status=PickStatus.SEATED, picked_at=cloud.starts_at)
    attendees.lina.picks.create(forum=cloud, status=PickStatus.WAITING, picked_at=cloud.starts_at)
    Forum.objects.filter(pk=cloud.pk).update(capacity=5)  # three seats free

    with pytest.raises(NotSeatedHere):
        door.seat_at_door(registration=attendees.lina, forum=cloud, by=volunteer)

    # The promotion stands for those it could seat (Hannah, Wang Fang), not for Li Na.
    assert attendees.lina.picks.get(forum=cloud).status == PickStatus.WAITING
    assert attendees.hannah.picks.get(forum=cloud).status == PickStatus.SEATED
    assert attendees.wang.picks.get(forum=cloud).status == PickStatus.SEATED


def test_undo_takes_back_overrides_and_door_check_ins(attendees, cloud, governance, volunteer):
    door.check_in(registration=attendees.lina, by=volunteer, forum=cloud, let_in=True)
    door.check_in(registration=attendees.zhang, by=volunteer, forum=governance)

    door.undo_check_in(registration=attendees.lina)

    assert not DoorOverride.objects.filter(registration=attendees.lina).exists()
    assert attendees.zhang.picks.get(forum=governance).checked_in_at is not None


def test_find_ticket_names_the_edition_a_code_belongs_to(attendees, conference, other_conference):
    old = RegistrationFactory(conference=other_conference)

    with pytest.raises(OtherEditionTicket) as other:
        door.find_ticket(conference=conference, code=old.ticket_code.lower())
    with pytest.raises(UnknownTicket) as unknown:
        door.find_ticket(conference=conference, code="ABCD-EFGH")

    assert other_conference.name in other.value.message
    assert unknown.value.message == "No ticket with the code “ABCD-EFGH”."
    assert not isinstance(unknown.value, OtherEditionTicket)


def test_ticket_qr_is_a_full_qr_code_that_door_cameras_read(attendees):
    svg = tickets.qr_svg(attendees.zoe.ticket_code)

    # Drawn 6 px a module with a border of 2: a full QR code (21 modules or more) is at least
    # 150 px wide, a Micro QR (11 to 17 modules) at most 126.
    width = int(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    assert width >= 150
