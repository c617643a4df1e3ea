"""Memoized fragments (agenda.caching.fragment): a program change shows on the very next
request of every page and feed, with no invalidation to run.

The requests here carry a session cookie, so the page cache (gotc.pagecache) is bypassed and
every page is rendered: what is checked is the memo alone. Changes are made with
``QuerySet.update()``, which sends no signal and moves no version: the fragments are keyed on
what they show, so the next request sees the change all the same.
"""

import datetime as dt
import re

import pytest
from django.conf import settings

from agenda import caching, queries
from agenda.models import Forum, Room, Speaker, Talk
from registration.queries import with_seat_counts

pytestmark = pytest.mark.django_db

# Every public program page and feed showing the keynote, its forum or its speaker.
KEYNOTE_PAGES = [
    "/agenda/",
    "/zh-hans/agenda/",
    "/agenda/forums/main-forum/",
    "/agenda/talks/big-models/",
    "/agenda/speakers/",
    "/agenda/speakers/hou-zhenyu/",
    "/agenda.ics",
    "/agenda.json",
    "/schedule.xml",
    "/schedule.json",
    "/zh-hans/schedule.xml",
]


@pytest.fixture
def visitor(client):
    """A visitor with a session: pages are rendered for them, never replayed from the cache."""
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-session"
    return client


def body(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.parametrize("path", KEYNOTE_PAGES)
def test_talk_title_edit_shows_on_the_next_request(visitor, program, path):
    assert "Big Models Open New Era of AI" in body(visitor, path)
    assert "Big Models Open New Era of AI" in body(visitor, path)  # from the memo

    Talk.objects.filter(slug="big-models").update(
        title="Open Models", title_en="Open Models", title_zh_hans=""
    )

    again = body(visitor, path)
    assert "Open Models" in again
    assert "Big Models Open New Era of AI" not in again


@pytest.mark.parametrize("path", KEYNOTE_PAGES)
def test_speaker_edit_shows_on_the_next_request(visitor, program, path):
    assert "Hou Zhenyu" in body(visitor, path)

    Speaker.objects.filter(slug="hou-zhenyu").update(
        name="Zhenyu Hou", name_en="Zhenyu Hou", name_zh_hans=""
    )

    again = body(visitor, path)
    assert "Zhenyu Hou" in again
    assert "Hou Zhenyu" not in again


@pytest.mark.parametrize(
    ("path", "moved"),
    [
        ("/agenda/", ["Salon Two", ">10:30</time>"]),
        ("/agenda/forums/main-forum/", ["Salon Two", ">10:30</time>"]),
        ("/agenda/talks/big-models/", ["Salon Two", "10:30</time>"]),
        ("/agenda/speakers/hou-zhenyu/", ["Salon Two", "10:30</time>"]),
        ("/agenda.ics", ["Salon Two", "T103000"]),
        ("/agenda.json", ['"room":"Salon Two"', "T10:30:00+08:00"]),
        ("/schedule.xml", ['<room name="Salon Two">', "<start>10:30</start>"]),
        ("/schedule.json", ['"room":"Salon Two"', '"start":"10:30"']),
    ],
)
def test_forum_moved_to_another_room_and_hour_shows_on_the_next_request(
    visitor, program, path, moved
):
    before = body(visitor, path)
    assert not any(text in before for text in moved)
    forum = Forum.objects.get(slug="main-forum")
    room = Room.objects.create(conference=forum.conference, name="Salon Two", seats=40)
    hour = dt.timedelta(hours=1)
    Forum.objects.filter(pk=forum.pk).update(
        room=room, starts_at=forum.starts_at + hour, ends_at=forum.ends_at + hour
    )
    for talk in Talk.objects.filter(forum=forum):
        Talk.objects.filter(pk=talk.pk).update(
            starts_at=talk.starts_at + hour, ends_at=talk.ends_at + hour
        )

    again = body(visitor, path)
    assert all(text in again for text in moved), [t for t in moved if t not in again]


@pytest.mark.parametrize("path", [p for p in KEYNOTE_PAGES if "/talks/" not in p])
def test_talk_made_a_draft_disappears_on_the_next_request(visitor, program, path):
    assert "Big Models Open New Era of AI" in body(visitor, path)

    Talk.objects.filter(slug="big-models").update(is_published=False)

    assert "Big Models Open New Era of AI" not in body(visitor, path)
    assert visitor.get("/agenda/talks/big-models/").status_code == 404


@pytest.mark.parametrize("path", KEYNOTE_PAGES)
def test_page_from_the_memo_is_the_page_rendered_afresh(visitor, program, path):
    body(visitor, path)
    memoized = body(visitor, path)
    caching.forget_fragments()
    fresh = body(visitor, path)

    # A calendar event's DTSTAMP is when this process wrote it (agenda.feeds.agenda_ics).
    def stamp(text):
        return re.sub(r"DTSTAMP:\S+", "DTSTAMP", text)

    assert stamp(memoized) == stamp(fresh)


@pytest.mark.parametrize("path", ["/agenda/talks/nope/", "/agenda/speakers/nope/"])
def test_unknown_slug_is_a_404(visitor, program, path):
    assert visitor.get(path).status_code == 404


def test_memo_is_bounded(visitor, program, monkeypatch):
    monkeypatch.setattr(caching, "FRAGMENTS_SIZE", 3)
    caching.forget_fragments()

    for path in KEYNOTE_PAGES:
        body(visitor, path)

    assert len(caching._fragments) <= 3


def test_memo_is_bounded_in_text(visitor, program, monkeypatch):
    """Whole feeds are memoized too: their text is bounded, not only their number."""
    monkeypatch.setattr(caching, "FRAGMENTS_TEXT", 20_000)
    caching.forget_fragments()

    for path in KEYNOTE_PAGES:
        first = body(visitor, path)
        assert body(visitor, path) == first

    assert caching._text == sum(map(caching._length, caching._fragments.values()))
    assert caching._text <= 20_000


def test_fragment_is_built_once_per_key_language_and_time_zone(program):
    from django.utils import timezone, translation

    built = []

    def build():
        built.append(1)
        return "x"

    caching.forget_fragments()
    for _ in range(2):
        with translation.override("en"):
            caching.fragment(("test", 1), build)
        with translation.override("zh-hans"):
            caching.fragment(("test", 1), build)
        with translation.override("en"), timezone.override(dt.UTC):
            caching.fragment(("test", 1), build)
        with translation.override("en"):
            caching.fragment(("test", 2), build)

    assert len(built) == 4


@pytest.mark.parametrize("path", ["/", "/agenda/forums/main-forum/"])
def test_seats_change_shows_on_the_next_request(visitor, program, path, monkeypatch):
    # What registration's side adds to the forum page (agenda.queries.extend_forum_page).
    monkeypatch.setattr(queries, "_FORUM_PAGE_EXTENSIONS", [with_seat_counts])
    Forum.objects.filter(slug="main-forum").update(capacity=40)
    assert "40 seats left" in body(visitor, path)
    assert "40 seats left" in body(visitor, path)  # from the memo

    Forum.objects.filter(slug="main-forum").update(capacity=0)

    again = body(visitor, path)
    assert "40 seats left" not in again
    assert "Full" in again


@pytest.mark.parametrize("path", ["/agenda/", "/agenda.json", "/schedule.xml", "/schedule.json"])
def test_room_renamed_shows_on_the_next_request(visitor, program, path):
    room = Room.objects.get(forums__slug="main-forum")
    assert room.name in body(visitor, path)

    Room.objects.filter(pk=room.pk).update(name="Hall Nine", name_en="Hall Nine", name_zh_hans="")

    again = body(visitor, path)
    assert "Hall Nine" in again
    assert room.name not in again


def test_site_header_and_footer_follow_the_conference_the_page_and_the_visitor(
    visitor, admin_client, conference, program
):
    # base.html's header and footer are memoized on the conference's columns, the page's
    # nav entry and (the footer) whether the visitor is staff.
    agenda, speakers = body(visitor, "/agenda/"), body(visitor, "/agenda/speakers/")
    staff = admin_client.get("/agenda/").content.decode()
    conference.name = "GOTC Renamed"  # a save (the current conference is remembered per
    conference.save()  # program version): the memoized header and footer follow its columns
    renamed = body(visitor, "/agenda/")

    def active_nav(page):
        header = page.split("</header>")[0]
        return re.findall(r'class="nav-link active"[^>]*>([^<]+)<', header)

    assert active_nav(agenda) == ["Agenda"] and active_nav(speakers) == ["Speakers"]
    # The section's own page is the current page; a page inside it is in the section.
    forum = body(visitor, "/agenda/forums/main-forum/")
    assert active_nav(forum) == ["Agenda"]
    assert 'aria-current="true" href="/agenda/"' in forum
    assert 'aria-current="page" href="/agenda/"' in agenda
    assert "Organizers" in staff and "Organizers" not in agenda
    assert 'class="navbar-brand fw-bold" href="/">GOTC Renamed</a>' in renamed
    assert "GOTC Renamed ·" in renamed  # the footer's name too
