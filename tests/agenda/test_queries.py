"""Query discipline: program pages run a fixed number of queries whatever the program's size.

Each literal below was measured; it must be the same for a small and a large program.
"""

import datetime as dt

import pytest

from agenda.models import Forum
from tests.factories import ForumFactory, SpeakerFactory, TalkFactory, TalkSpeakerFactory

pytestmark = pytest.mark.django_db

PROGRAM_SIZES = pytest.mark.parametrize("talks", [3, 30], ids=["3-talks", "30-talks"])


def forum_with_talks(conference, count: int) -> Forum:
    """One long forum with ``count`` back-to-back talks, two speakers each."""
    forum = ForumFactory(conference=conference, duration=dt.timedelta(minutes=10 * count))
    for index in range(count):
        talk = TalkFactory(
            forum=forum, offset=dt.timedelta(minutes=10 * index), duration=dt.timedelta(minutes=10)
        )
        for position in range(2):
            TalkSpeakerFactory(
                talk=talk, speaker=SpeakerFactory(conference=conference), position=position
            )
    return forum


@PROGRAM_SIZES
def test_home_queries_do_not_grow_with_program(
    client, conference, make_program, talks, django_assert_num_queries
):
    make_program(conference, talks=talks)

    # conference, its partners, forums with room and seat counts
    with django_assert_num_queries(3):
        response = client.get("/")

    assert response.status_code == 200
    assert response.context["conference"] == conference


@PROGRAM_SIZES
def test_agenda_queries_do_not_grow_with_program(
    client, conference, make_program, talks, django_assert_num_queries
):
    program = make_program(conference, talks=talks)

    # conference, forums with rooms, their talks, talk speakers with speakers (the kinds
    # present are the forums'; only a page filtered by kind asks for them)
    with django_assert_num_queries(4):
        response = client.get("/agenda/")

    shown = [
        talk.pk
        for day in response.context["days"]
        for forum in day.forums
        for talk in forum.program_talks
    ]
    assert sorted(shown) == sorted(talk.pk for talk in program)


@PROGRAM_SIZES
def test_agenda_json_queries_do_not_grow_with_program(
    client, conference, make_program, talks, django_assert_num_queries
):
    make_program(conference, talks=talks)

    # conference, forums with rooms, talks, talk speakers, rooms
    with django_assert_num_queries(5):
        response = client.get("/agenda.json")

    assert sum(len(f["talks"]) for d in response.json()["days"] for f in d["forums"]) == talks


@PROGRAM_SIZES
def test_agenda_ics_queries_do_not_grow_with_program(
    client, conference, make_program, talks, django_assert_num_queries
):
    make_program(conference, talks=talks)

    with django_assert_num_queries(4):  # conference, forums with rooms, talks, talk speakers
        response = client.get("/agenda.ics")

    assert response.content.count(b"BEGIN:VEVENT") == talks


@pytest.mark.parametrize("talks", [1, 20], ids=["1-talk", "20-talks"])
def test_forum_page_queries_do_not_grow_with_talks(
    client, conference, talks, django_assert_num_queries
):
    forum = forum_with_talks(conference, talks)

    with django_assert_num_queries(4):  # conference, forum with room, talks, talk speakers
        response = client.get(f"/agenda/forums/{forum.slug}/")

    assert len(response.context["forum"].program_talks) == talks


@pytest.mark.parametrize("talks", [1, 15], ids=["1-talk", "15-talks"])
def test_speaker_list_queries_do_not_grow_with_speakers(
    client, conference, talks, django_assert_num_queries
):
    forum_with_talks(conference, talks)

    with django_assert_num_queries(3):  # conference, talks of the speakers, speakers
        response = client.get("/agenda/speakers/")

    assert len(response.context["cards"]) == 2 * talks
