"""Model validation through full_clean(): what the admin runs, so what organizers see."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from agenda.models import Conference, Forum, Speaker, Talk
from tests.factories import (
    ConferenceFactory,
    ForumFactory,
    ForumPickFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkSpeakerFactory,
)

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict[str, list[str]]:
    """The message dict full_clean() raises ({} when the object is valid)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


def test_factories_build_objects_that_pass_validation():
    pick = ForumPickFactory()
    link = TalkSpeakerFactory(talk__forum=pick.forum, speaker__conference=pick.forum.conference)

    objects = [pick.forum.conference, pick.forum.room, pick.forum, link.talk, link.speaker, link]

    assert [errors_of(obj) for obj in objects] == [{}] * len(objects)


def test_forum_save_fills_capacity_from_room_seats():
    room = RoomFactory(seats=42)

    forum = ForumFactory(conference=room.conference, room=room, capacity=None)

    assert forum.capacity == 42


def test_talk_save_takes_conference_from_forum():
    forum = ForumFactory()

    talk = Talk.objects.create(
        forum=forum,
        title="Kernels",
        slug="kernels",
        starts_at=forum.starts_at,
        ends_at=forum.starts_at + dt.timedelta(minutes=20),
    )

    assert talk.conference == forum.conference


# --- Conference -----------------------------------------------------------------------------


def test_conference_end_before_start_is_refused(conference):
    conference.end_date = conference.start_date - dt.timedelta(days=1)

    assert errors_of(conference) == {"end_date": ["The last day cannot be before the first day."]}


def test_conference_one_day_is_fine(conference):
    conference.end_date = conference.start_date

    assert errors_of(conference) == {}


@pytest.mark.parametrize(
    "closes_after",
    [dt.timedelta(hours=-1), dt.timedelta(0)],
    ids=["closes-before-opening", "closes-when-opening"],
)
def test_conference_registration_closing_before_it_opens_is_refused(conference, closes_after):
    conference.registration_closes = conference.registration_opens + closes_after

    assert errors_of(conference) == {
        "registration_closes": ["Registration must close after it opens."]
    }


@pytest.mark.parametrize(
    "value", ["Mars/Olympus", "Asia/Shang hai", "../etc/passwd"], ids=["unknown", "space", "path"]
)
def test_conference_bad_time_zone_is_refused(conference, value):
    conference.time_zone = value

    assert errors_of(conference) == {
        "time_zone": [f"“{value}” is not a known time zone (for example Asia/Shanghai)."]
    }


def test_conference_slug_is_unique(conference):
    other = ConferenceFactory.build(slug=conference.slug)

    assert errors_of(other) == {"slug": ["Conference with this Slug already exists."]}


# --- Forum ----------------------------------------------------------------------------------


def test_forum_ending_before_it_starts_is_refused():
    forum = ForumFactory()
    forum.ends_at = forum.starts_at - dt.timedelta(minutes=30)

    assert errors_of(forum) == {"ends_at": ["A forum must end after it starts."]}


@pytest.mark.parametrize(
    ("day", "start"),
    [(0, dt.time(23, 0)), (3, dt.time(0, 0)), (2, dt.time(23, 30))],
    ids=["day-before", "day-after", "runs-past-last-midnight"],
)
def test_forum_outside_conference_dates_is_refused(conference, day, start):
    forum = ForumFactory.build(
        conference=conference, room=RoomFactory(conference=conference), day=day, start=start
    )

    assert errors_of(forum) == {
        "starts_at": [
            f"A forum must take place between {conference.start_date} and {conference.end_date}."
        ]
    }


def test_forum_on_last_evening_is_fine(conference):
    forum = ForumFactory.build(
        conference=conference,
        room=RoomFactory(conference=conference),
        day=2,
        start=dt.time(21, 0),
        duration=dt.timedelta(hours=3),
    )

    assert errors_of(forum) == {}


def test_forum_in_room_of_another_conference_is_refused(conference):
    foreign_room = RoomFactory()  # its own conference
    forum = ForumFactory.build(conference=conference, room=foreign_room)

    assert errors_of(forum) == {"room": ["This room belongs to another conference."]}


@pytest.mark.parametrize(
    ("start", "duration"),
    [
        (dt.time(9, 0), dt.timedelta(hours=3)),
        (dt.time(11, 0), dt.timedelta(hours=2)),
        (dt.time(8, 0), dt.timedelta(hours=2)),
        (dt.time(10, 0), dt.timedelta(minutes=30)),
        (dt.time(8, 0), dt.timedelta(hours=6)),
    ],
    ids=["same-time", "overlaps-end", "overlaps-start", "inside", "around"],
)
def test_forum_overlapping_another_in_same_room_is_refused(start, duration):
    booked = ForumFactory(title="eBPF", start=dt.time(9, 0), duration=dt.timedelta(hours=3))
    clash = ForumFactory.build(
        conference=booked.conference, room=booked.room, start=start, duration=duration
    )

    assert errors_of(clash) == {"room": [f"{booked.room.name} already hosts “eBPF” at that time."]}


@pytest.mark.parametrize(
    "start", [dt.time(12, 0), dt.time(7, 0)], ids=["right-after", "right-before"]
)
def test_forum_adjacent_to_another_in_same_room_is_fine(start):
    booked = ForumFactory(start=dt.time(9, 0), duration=dt.timedelta(hours=3))
    neighbour = ForumFactory.build(
        conference=booked.conference, room=booked.room, start=start, duration=dt.timedelta(hours=2)
    )

    assert errors_of(neighbour) == {}


def test_forum_editing_itself_is_not_an_overlap():
    forum = ForumFactory()
    forum.ends_at += dt.timedelta(minutes=30)

    assert errors_of(forum) == {}


def test_forum_slug_is_unique_per_conference():
    taken = ForumFactory(slug="ebpf")
    duplicate = ForumFactory.build(
        conference=taken.conference, room=RoomFactory(conference=taken.conference), slug="ebpf"
    )

    assert errors_of(duplicate) == {
        "__all__": ["This conference already has a forum with this slug."]
    }


def test_forum_same_slug_in_another_conference_is_fine():
    ForumFactory(slug="ebpf")
    other_conference = ConferenceFactory()
    forum = ForumFactory.build(
        conference=other_conference, room=RoomFactory(conference=other_conference), slug="ebpf"
    )

    assert errors_of(forum) == {}
    assert Forum.objects.filter(slug="ebpf").count() == 1


# --- Talk -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "duration"),
    [
        (dt.timedelta(minutes=-15), dt.timedelta(minutes=30)),
        (dt.timedelta(hours=2, minutes=45), dt.timedelta(minutes=30)),
        (dt.timedelta(hours=4), dt.timedelta(minutes=30)),
    ],
    ids=["starts-before-forum", "ends-after-forum", "after-forum"],
)
def test_talk_outside_its_forum_is_refused(offset, duration):
    forum = ForumFactory(start=dt.time(9, 0), duration=dt.timedelta(hours=3))
    talk = TalkFactory.build(forum=forum, offset=offset, duration=duration)

    assert errors_of(talk) == {
        "starts_at": [
            f"A talk must lie inside its forum ({forum.conference.start_date} 09:00–12:00)."
        ]
    }


def test_talk_filling_its_whole_forum_is_fine():
    forum = ForumFactory(duration=dt.timedelta(hours=3))
    talk = TalkFactory.build(forum=forum, duration=dt.timedelta(hours=3))

    assert errors_of(talk) == {}


def test_talk_ending_before_it_starts_is_refused():
    talk = TalkFactory(offset=dt.timedelta(hours=1))
    talk.ends_at = talk.starts_at - dt.timedelta(minutes=5)

    assert errors_of(talk) == {"ends_at": ["A talk must end after it starts."]}


def test_talk_slug_is_unique_per_conference():
    taken = TalkFactory(slug="kernels")
    other_forum = ForumFactory(conference=taken.conference)
    duplicate = TalkFactory.build(forum=other_forum, slug="kernels")

    assert errors_of(duplicate) == {"slug": ["This conference already has a talk with this slug."]}


def test_talk_same_slug_in_another_conference_is_fine():
    TalkFactory(slug="kernels")
    talk = TalkFactory.build(forum=ForumFactory(), slug="kernels")

    assert errors_of(talk) == {}


# --- Speaker --------------------------------------------------------------------------------


def test_speaker_slug_is_unique_per_conference():
    taken = SpeakerFactory(slug="weihua-di")
    duplicate = SpeakerFactory.build(conference=taken.conference, slug="weihua-di")

    assert errors_of(duplicate) == {
        "__all__": ["This conference already has a speaker with this slug."]
    }


def test_speaker_same_slug_in_another_conference_is_fine():
    SpeakerFactory(slug="weihua-di")
    speaker = SpeakerFactory.build(conference=ConferenceFactory(), slug="weihua-di")

    assert errors_of(speaker) == {}
    assert Speaker.objects.count() == 1


def test_talk_speaker_from_another_conference_is_refused():
    link = TalkSpeakerFactory.build(talk=TalkFactory(), speaker=SpeakerFactory())

    assert errors_of(link) == {"speaker": ["This speaker belongs to another conference."]}


def test_conference_tzinfo_falls_back_to_utc_for_a_bad_stored_value():
    conference = Conference(time_zone="Nowhere/Atlantis")

    assert str(conference.tzinfo) == "UTC"
