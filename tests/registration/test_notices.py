"""Telling attendees their program moved (registration/services/notices.py, the admin action)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from agenda.models import ScheduleChange
from registration.enums import Language, PickStatus, RegistrationStatus
from registration.models import ChangeNotice, PendingEmail
from registration.services import notices
from tests.factories import (
    ForumFactory,
    ForumPickFactory,
    RegistrationFactory,
    RoomFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rooms(conference):
    return RoomFactory(conference=conference, name="Hall A", name_zh_hans="A 厅"), RoomFactory(
        conference=conference, name="Hall C", name_zh_hans="C 厅", position=3
    )


@pytest.fixture
def ebpf(conference, rooms):
    return ForumFactory(conference=conference, room=rooms[0], title="eBPF", title_zh_hans="eBPF")


def seat(forum, count, *, status=PickStatus.SEATED, language=Language.ENGLISH, **kwargs):
    return [
        ForumPickFactory(
            forum=forum,
            status=status,
            registration=RegistrationFactory(
                conference=forum.conference, language=language, **kwargs
            ),
        ).registration
        for _ in range(count)
    ]


def move_to(forum, room):
    forum.room = room
    forum.save()
    return ScheduleChange.objects.filter(forum=forum).latest("pk")


def test_a_room_change_of_a_forum_with_300_seated_queues_300_emails_in_their_languages(
    conference, ebpf, rooms, django_capture_on_commit_callbacks
):
    seat(ebpf, 150)
    seat(ebpf, 150, language=Language.CHINESE)
    change = move_to(ebpf, rooms[1])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        notice = notices.publish(conference, [change.pk], by=None)

    assert notice.recipients == 300
    assert len(mail.outbox) == 300
    assert len({message.to[0] for message in mail.outbox}) == 300
    chinese = [m for m in mail.outbox if "C 厅" in m.body]
    english = [m for m in mail.outbox if "Moved from Hall A to Hall C." in m.body]
    assert (len(chinese), len(english)) == (150, 150)
    assert all("A 厅" in m.body for m in chinese)


def test_publishing_the_same_changes_twice_sends_nothing_twice(
    conference, ebpf, rooms, django_capture_on_commit_callbacks
):
    seat(ebpf, 3)
    change = move_to(ebpf, rooms[1])

    with django_capture_on_commit_callbacks(execute=True):
        first = notices.publish(conference, [change.pk], by=None)
        second = notices.publish(conference, [change.pk], by=None)

    assert first is not None and second is None
    assert len(mail.outbox) == 3
    assert ChangeNotice.objects.count() == 1


def test_waiting_people_are_told_cancelled_and_other_forums_are_not(conference, ebpf, rooms):
    seated = seat(ebpf, 2)
    waiting = seat(ebpf, 1, status=PickStatus.WAITING)
    seat(ebpf, 1, status=PickStatus.RELEASED)
    cancelled = seat(ebpf, 1)[0]
    cancelled.status = RegistrationStatus.CANCELLED
    cancelled.save()
    other = ForumFactory(conference=conference, room=rooms[1], title="Web3", day=2)
    seat(other, 2)
    change = move_to(ebpf, rooms[1])

    plan = notices.plan(conference, [change.pk])

    assert set(plan.recipients) == {r.pk for r in [*seated, *waiting]}


def test_each_email_lists_only_the_changes_of_the_persons_forums(
    conference, ebpf, rooms, django_capture_on_commit_callbacks
):
    web3 = ForumFactory(conference=conference, room=rooms[1], title="Web3", day=2)
    [only_ebpf] = seat(ebpf, 1)
    [only_web3] = seat(web3, 1)
    changes = [move_to(ebpf, RoomFactory(conference=conference, name="Hall D"))]
    web3.starts_at += dt.timedelta(hours=1)
    web3.ends_at += dt.timedelta(hours=1)
    web3.save()
    changes.append(ScheduleChange.objects.filter(forum=web3).latest("pk"))

    with django_capture_on_commit_callbacks(execute=True):
        notices.publish(conference, [c.pk for c in changes], by=None)

    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Hall D" in bodies[only_ebpf.email] and "New time" not in bodies[only_ebpf.email]
    assert "New time" in bodies[only_web3.email] and "Hall D" not in bodies[only_web3.email]


def test_a_move_that_double_books_seated_people_is_flagged_before_publishing(
    conference, ebpf, rooms
):
    web3 = ForumFactory(conference=conference, room=rooms[1], title="Web3", day=2)
    [both] = seat(ebpf, 1)
    ForumPickFactory(registration=both, forum=web3)
    ebpf.starts_at, ebpf.ends_at = web3.starts_at, web3.ends_at
    ebpf.save()
    change = ScheduleChange.objects.filter(forum=ebpf).latest("pk")

    plan = notices.plan(conference, [change.pk])

    assert [(c.registration, c.moved, c.other) for c in plan.clashes] == [(both, ebpf, web3)]
    assert not PendingEmail.objects.exists()  # a plan sends nothing


@pytest.fixture
def organizer(db):
    return get_user_model().objects.create_superuser("org", "org@example.org", "pw")


def test_the_admin_action_previews_then_sends(
    client, organizer, conference, ebpf, rooms, django_capture_on_commit_callbacks
):
    seat(ebpf, 2)
    seat(ebpf, 1, language=Language.CHINESE)
    change = move_to(ebpf, rooms[1])
    client.force_login(organizer)
    url = reverse("admin:agenda_schedulechange_changelist")
    form = {"action": "notify_attendees", "_selected_action": [change.pk]}

    preview = client.post(url, form)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "3 people seated or waiting in these forums get one email each." in page
    assert "Send the 3 emails" in page
    assert not PendingEmail.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {**form, "confirm": "yes"}, follow=True)
    assert "3 emails queued about 1 change(s)." in sent.content.decode()
    assert len(mail.outbox) == 3

    again = client.post(url, {**form, "confirm": "yes"}, follow=True)
    assert "already announced: nothing was sent again" in again.content.decode()
    assert len(mail.outbox) == 3


def test_an_empty_recipient_set_is_said_and_marks_the_change_announced(
    client, organizer, conference, ebpf, rooms
):
    change = move_to(ebpf, rooms[1])
    client.force_login(organizer)
    url = reverse("admin:agenda_schedulechange_changelist")
    form = {"action": "notify_attendees", "_selected_action": [change.pk]}

    preview = client.post(url, form)
    assert "Nobody is seated or waiting in these forums" in preview.content.decode()
    client.post(url, {**form, "confirm": "yes"})

    change.refresh_from_db()
    assert change.notified_at is not None
    assert ChangeNotice.objects.get().recipients == 0


def test_staff_without_the_permission_cannot_notify(client, conference, ebpf, rooms):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("desk", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_schedulechange"))
    change = move_to(ebpf, rooms[1])
    client.force_login(user)

    response = client.post(
        reverse("admin:agenda_schedulechange_changelist"),
        {"action": "notify_attendees", "_selected_action": [change.pk], "confirm": "yes"},
    )

    assert response.status_code == 403
    assert not ChangeNotice.objects.exists()


def test_people_who_starred_a_moved_or_cancelled_talk_are_told_too(
    conference, ebpf, rooms, django_capture_on_commit_callbacks
):
    from registration.models import Star
    from tests.factories import TalkFactory

    web3 = ForumFactory(conference=conference, room=rooms[1], title="Web3", day=2)
    [fan] = seat(web3, 1)  # no seat in eBPF: they only starred its talks
    moved = TalkFactory(forum=ebpf, title="XDP deep dive")
    dropped = TalkFactory(forum=ebpf, title="BPF LSM")
    Star.objects.create(registration=fan, talk=moved)
    Star.objects.create(registration=fan, talk=dropped)
    moved.starts_at += dt.timedelta(minutes=15)
    moved.ends_at += dt.timedelta(minutes=15)
    moved.save()
    dropped.delete()
    changes = list(ScheduleChange.objects.filter(forum=ebpf).values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        notice = notices.publish(conference, changes, by=None)

    assert notice.recipients == 1
    (message,) = mail.outbox
    assert message.to == [fan.email]
    assert "XDP deep dive" in message.body and "BPF LSM" in message.body
    assert "Cancelled (was" in message.body
