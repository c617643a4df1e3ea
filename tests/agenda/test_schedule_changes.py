"""Schedule changes are recorded as a published program is saved (agenda/changes.py)."""

import datetime as dt

import pytest
from django.urls import reverse
from lxml import etree

from agenda.models import ChangeKind, ScheduleChange
from tests.factories import ForumFactory, RoomFactory, TalkFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def flash(conference):
    return conference.forums.get(slug="flash-talks")


def test_a_new_time_is_recorded_with_before_and_after(conference, program):
    forum = flash(conference)
    old_start, old_end = forum.starts_at, forum.ends_at

    forum.starts_at += dt.timedelta(minutes=30)
    forum.ends_at += dt.timedelta(minutes=30)
    forum.save()

    change = ScheduleChange.objects.get()
    assert (change.kind, change.forum, change.talk) == (ChangeKind.TIME, forum, None)
    assert change.times("before") == (old_start, old_end)
    assert change.times("after") == (forum.starts_at, forum.ends_at)
    assert change.title("en") == "Flash Talks"
    assert change.room_before("en") == change.room_after("en") == "Salon"


def test_a_new_room_is_recorded_in_both_languages(conference, program):
    forum = flash(conference)
    hall = RoomFactory(conference=conference, name="Hall C", name_zh_hans="C 厅", position=9)

    forum.room = hall
    forum.save()

    change = ScheduleChange.objects.get()
    assert change.kind == ChangeKind.ROOM
    assert (change.room_before("en"), change.room_after("en")) == ("Salon", "Hall C")
    assert change.room_after("zh-hans") == "C 厅"


def test_edits_that_move_nothing_are_not_changes(conference, program):
    forum = flash(conference)
    forum.title = "Lightning Talks"
    forum.description = "Five minutes each."
    forum.save()
    talk = forum.talks.first()
    talk.title = "A better title"
    talk.save()

    assert not ScheduleChange.objects.exists()


def test_nothing_is_recorded_before_the_program_is_published(conference, program):
    conference.is_published = False
    conference.save()
    forum = flash(conference)

    forum.starts_at += dt.timedelta(hours=1)
    forum.ends_at += dt.timedelta(hours=1)
    forum.save()

    assert not ScheduleChange.objects.exists()


def test_a_moved_talk_is_recorded_against_its_forum(conference, program):
    talk = flash(conference).talks.order_by("starts_at").first()

    talk.starts_at += dt.timedelta(minutes=10)
    talk.ends_at += dt.timedelta(minutes=10)
    talk.save()

    change = ScheduleChange.objects.get()
    assert (change.kind, change.talk, change.forum) == (ChangeKind.TIME, talk, talk.forum)
    assert change.forum_title("en") == "Flash Talks"


def test_a_deleted_talk_is_a_cancellation_that_keeps_its_title(conference, program):
    talk = flash(conference).talks.first()
    title = talk.title

    talk.delete()

    change = ScheduleChange.objects.get()
    assert (change.kind, change.talk, change.title("en")) == (ChangeKind.CANCELLED, None, title)
    assert change.forum == flash(conference)


def test_a_deleted_forum_is_one_cancellation_not_one_per_talk(conference):
    room = RoomFactory(conference=conference)
    forum = ForumFactory(conference=conference, room=room, title="Rust")
    TalkFactory.create_batch(3, forum=forum)

    forum.delete()

    change = ScheduleChange.objects.get()
    assert (change.kind, change.forum, change.title("en")) == (ChangeKind.CANCELLED, None, "Rust")


def test_deleting_a_conference_records_nothing_and_takes_its_changes(conference, program):
    forum = flash(conference)
    forum.starts_at += dt.timedelta(hours=1)
    forum.ends_at += dt.timedelta(hours=1)
    forum.save()

    conference.delete()

    assert not ScheduleChange.objects.exists()


def move_flash_by_an_hour(conference):
    forum = flash(conference)
    forum.starts_at += dt.timedelta(hours=1)
    forum.ends_at += dt.timedelta(hours=1)
    forum.save()
    return forum


def test_the_changelog_page_lists_changes_newest_first(client, conference, program):
    move_flash_by_an_hour(conference)
    flash(conference).talks.first().delete()

    page = client.get(reverse("agenda:changes")).content.decode()

    assert page.index("Cancelled (was") < page.index("New time:")
    assert "Flash Talks" in page
    assert reverse("edition:changes-atom", args=[conference.slug]) in page


def test_the_changelog_speaks_chinese_with_chinese_room_names(client, conference, program):
    forum = flash(conference)
    room = forum.room
    room.name_zh_hans = "开源沙龙"
    room.save()
    move_flash_by_an_hour(conference)

    page = client.get("/zh-hans/agenda/changes/").content.decode()

    assert "开源沙龙" in page


def test_an_empty_changelog_says_so(client, conference, program):
    page = client.get(reverse("agenda:changes")).content.decode()

    assert "No changes so far" in page


def test_the_atom_feed_has_one_entry_per_change_with_a_stable_id(client, conference, program):
    move_flash_by_an_hour(conference)
    url = reverse("agenda:changes-atom")

    first = etree.fromstring(client.get(url).content)
    second = etree.fromstring(client.get(url).content)

    entries = first.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}title").text == "Flash Talks: new time"
    assert entries[0].find(f"{ATOM}id").text == second.find(f"{ATOM}entry/{ATOM}id").text
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.endswith(flash(conference).get_absolute_url())


def test_an_unpublished_editions_changelog_is_not_found(client, conference, program):
    assert client.get(reverse("edition:changes", args=["no-such-edition"])).status_code == 404
    assert client.get(reverse("edition:changes-atom", args=["no-such-edition"])).status_code == 404


def test_moving_a_draft_forum_or_talk_records_nothing(conference, program):
    forum = flash(conference)
    forum.is_published = False
    forum.save()
    move_flash_by_an_hour(conference)
    talk = forum.talks.first()
    talk.starts_at += dt.timedelta(minutes=5)
    talk.ends_at += dt.timedelta(minutes=5)
    talk.save()
    talk.delete()
    forum.delete()

    assert not ScheduleChange.objects.exists()
