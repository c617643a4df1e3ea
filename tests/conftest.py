import datetime as dt
from collections.abc import Callable

import pytest

from agenda.enums import ForumKind
from agenda.models import Conference, Talk
from tests.factories import (
    ConferenceFactory,
    ForumFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkSpeakerFactory,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: no cached page, version or rate-limit count
    leaks from one test into the next."""
    from django.core.cache import cache

    from gotc.pagecache import forget_versions

    cache.clear()
    forget_versions()
    yield
    cache.clear()
    forget_versions()


@pytest.fixture(autouse=True)
def _fresh_mail_connections():
    """post_office caches one mail backend per thread and keeps it after a failed send:
    start and end every test without one so a failing backend never leaks into the next."""
    import post_office.connections

    post_office.connections.connections.close()
    yield
    post_office.connections.connections.close()


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request in Chinese leaves Chinese active in its thread; each test starts in English
    so that factories' plain ``title=`` values land in the English field."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


TALKS_PER_FORUM = 3
# (day, start) slots; each slot runs one forum per room in parallel.
SLOTS = [(1, dt.time(9, 0)), (1, dt.time(13, 30)), (2, dt.time(9, 0)), (2, dt.time(13, 30))]
ROOMS = 3


def build_program(conference: Conference, *, talks: int) -> list[Talk]:
    """A realistic program of ``talks`` talks: forums of three talks in three parallel rooms
    over both days, kinds varied, one speaker per talk and a second one on every third talk.
    """
    rooms = [RoomFactory(conference=conference, name=f"Room {i}", position=i) for i in range(ROOMS)]
    kinds = list(ForumKind)
    created: list[Talk] = []
    forum = None
    for index in range(talks):
        forum_index, slot_in_forum = divmod(index, TALKS_PER_FORUM)
        if slot_in_forum == 0:
            day, start = SLOTS[forum_index // ROOMS]
            forum = ForumFactory(
                conference=conference,
                room=rooms[forum_index % ROOMS],
                kind=kinds[forum_index % len(kinds)],
                day=day,
                start=start,
            )
        talk = TalkFactory(forum=forum, offset=dt.timedelta(minutes=40 * slot_in_forum))
        speaker = SpeakerFactory(conference=conference)
        TalkSpeakerFactory(talk=talk, speaker=speaker, position=0)
        if index % 3 == 2:
            TalkSpeakerFactory(talk=talk, speaker=SpeakerFactory(conference=conference), position=1)
        created.append(talk)
    return created


@pytest.fixture
def conference(db) -> Conference:
    return ConferenceFactory()


@pytest.fixture
def make_program(db) -> Callable[..., list[Talk]]:
    """``make_program(conference, talks=N)`` builds a program of N talks (see build_program)."""
    return build_program


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path_factory):
    """Uploaded files (logos, photos; the demo's partner logos) go to a folder of the test
    run, never to the checkout's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
