"""The agenda's time grid (agenda.grid.build_days) and what forum and talk pages offer."""

import datetime as dt

import pytest

from agenda import queries
from agenda.grid import GRID_SLOT, SLOTS_PER_HOUR, build_days
from agenda.models import Forum
from registration.queries import with_seat_counts
from tests.factories import ForumFactory, RoomFactory, TalkFactory
from tests.pages import main_text, parse, text, with_class

pytestmark = pytest.mark.django_db


def days_of(conference) -> list:
    forums = Forum.objects.filter(conference=conference).for_program()
    return build_days(conference, list(forums.order_by("starts_at", "position")))


def cell_of(days, title: str):
    for day in days:
        for cell in day.grid:
            if cell.forum.title == title:
                return cell
    raise AssertionError(f"no forum {title!r} on the grid")


# --- Placement ------------------------------------------------------------------------------


def test_rows_are_five_minutes_and_hours_twelve_rows(program):
    day_one, day_two = days_of(program)

    assert dt.timedelta(minutes=5) == GRID_SLOT
    # Day one runs 09:00-13:00: four hours of twelve rows, after the header row.
    assert day_one.rows == 4 * SLOTS_PER_HOUR
    assert [
        (hour.starts_at.strftime("%H:%M"), hour.row_start, hour.row_end) for hour in day_one.hours
    ] == [
        ("09:00", 2, 14),
        ("10:00", 14, 26),
        ("11:00", 26, 38),
        ("12:00", 38, 50),
    ]
    # Day two: 13:00-15:00, every hour labelled (15:00 is the grid's bottom edge).
    assert [hour.starts_at.strftime("%H:%M") for hour in day_two.hours] == ["13:00", "14:00"]
    assert {hour.row_end - hour.row_start for hour in day_one.hours + day_two.hours} == {12}


def test_forum_from_1330_to_1500_spans_exactly_one_and_a_half_hours_of_rows(program):
    flash = cell_of(days_of(program), "Flash Talks")

    assert (flash.row_start, flash.row_end) == (8, 26)  # 13:30 is 6 rows after 13:00
    assert flash.row_end - flash.row_start == 1.5 * SLOTS_PER_HOUR


def test_each_talk_gets_its_own_rows_inside_its_forum(program):
    flash = cell_of(days_of(program), "Flash Talks")

    # Lines inside the forum's block: 13:30-13:45 and 13:45-14:00.
    assert [(placed.talk.title, placed.row_start, placed.row_end) for placed in flash.talks] == [
        ("Smart Edge and MQTT", 1, 4),
        ("Smart Road OS", 4, 7),
    ]


def test_talk_placed_at_its_time_not_at_the_forum_start(program):
    ebpf = cell_of(days_of(program), "eBPF")

    (practice,) = ebpf.talks
    # 10:00-10:40 in a forum starting 09:00: rows 13 to 21 of the forum's block.
    assert (practice.row_start, practice.row_end) == (13, 21)
    assert (ebpf.row_start, ebpf.row_end) == (2, 50)


def test_rooms_are_columns_in_display_order(program):
    day_one, day_two = days_of(program)

    assert [room.name for room in day_one.rooms] == ["Main Hall", "Hall A"]
    assert [(cell.forum.title, cell.column) for cell in day_one.grid] == [
        ("Main Forum", 2),
        ("eBPF", 3),
    ]
    assert [(cell.forum.title, cell.column) for cell in day_two.grid] == [("Flash Talks", 2)]


def test_times_off_the_five_minute_lines_round_outwards(conference):
    forum = ForumFactory(conference=conference, start=dt.time(9, 0))
    TalkFactory(
        forum=forum,
        offset=dt.timedelta(minutes=62),
        duration=dt.timedelta(minutes=11),  # 10:02-10:13
    )

    (placed,) = cell_of(days_of(conference), forum.title).talks

    assert (placed.row_start, placed.row_end) == (13, 16)  # 10:00-10:15


def test_gaps_between_talks_are_breaks(conference):
    forum = ForumFactory(conference=conference, start=dt.time(9, 0))
    TalkFactory(forum=forum, duration=dt.timedelta(minutes=40))  # 09:00-09:40
    TalkFactory(forum=forum, offset=dt.timedelta(minutes=40))  # 09:40-10:10, no gap
    TalkFactory(forum=forum, offset=dt.timedelta(minutes=90))  # 10:30-11:00 after a break

    cell = cell_of(days_of(conference), forum.title)

    local = conference.tzinfo
    assert [
        (
            gap.starts_at.astimezone(local).strftime("%H:%M"),
            gap.ends_at.astimezone(local).strftime("%H:%M"),
            gap.row_start,
            gap.row_end,
        )
        for gap in cell.breaks
    ] == [("10:10", "10:30", 15, 19)]


def test_break_starts_where_the_block_of_the_talk_before_ends(conference):
    forum = ForumFactory(conference=conference, start=dt.time(9, 0))
    TalkFactory(forum=forum, duration=dt.timedelta(minutes=13))  # 09:00-09:13: lines 1-4
    TalkFactory(forum=forum, offset=dt.timedelta(minutes=30))  # 09:30: line 7

    cell = cell_of(days_of(conference), forum.title)

    assert [(gap.row_start, gap.row_end) for gap in cell.breaks] == [(4, 7)]


def test_forum_without_talks_is_one_block(conference):
    forum = ForumFactory(conference=conference, start=dt.time(14, 0))

    cell = cell_of(days_of(conference), forum.title)

    assert cell.talks == []
    assert (cell.row_start, cell.row_end) == (2, 2 + 3 * SLOTS_PER_HOUR)


def test_parallel_forums_share_a_time_slot_and_name_each_other(program):
    day_one, day_two = days_of(program)

    assert [[cell.forum.title for cell in slot.forums] for slot in day_one.slots] == [
        ["Main Forum", "eBPF"]
    ]
    assert day_one.slots[0].is_parallel
    assert [f.title for f in cell_of([day_one], "Main Forum").parallel] == ["eBPF"]
    assert [f.title for f in cell_of([day_one], "eBPF").parallel] == ["Main Forum"]
    assert not day_two.slots[0].is_parallel
    assert cell_of([day_two], "Flash Talks").parallel == []


def test_forums_one_after_the_other_are_separate_slots(conference):
    room = RoomFactory(conference=conference)
    ForumFactory(conference=conference, room=room, title="Morning", start=dt.time(9, 0))
    ForumFactory(conference=conference, room=room, title="Afternoon", start=dt.time(13, 0))

    (day,) = days_of(conference)

    assert [[cell.forum.title for cell in slot.forums] for slot in day.slots] == [
        ["Morning"],
        ["Afternoon"],
    ]
    # The lunch break between them is rows without a forum: 12:00-13:00.
    assert [(cell.row_start, cell.row_end) for cell in day.grid] == [(2, 38), (50, 86)]


# --- The rendered grid ----------------------------------------------------------------------


def forum_article(response, title: str):
    for article in with_class(parse(response), "article", "grid-forum"):
        if text(article.find(".//h3")) == title:
            return article
    raise AssertionError(f"no forum {title!r} on the agenda")


def test_agenda_places_forums_and_talks_on_the_grid(client, program):
    response = client.get("/agenda/")

    flash = forum_article(response, "Flash Talks")
    assert "grid-row: 8 / 26;" in flash.get("style")
    assert [li.get("style") for li in flash.iter("li")] == [
        "grid-row: 1 / 4;",
        "grid-row: 4 / 7;",
    ]
    grid = with_class(parse(response), "div", "schedule")[0]
    assert "--rows: 48;" in grid.get("style")
    assert grid.get("data-starts") == f"{program.start_date.isoformat()}T09:00:00+08:00"


def test_more_rooms_than_fit_scroll_in_their_own_box(client, conference):
    for _ in range(7):  # day one: seven rooms at once
        ForumFactory(conference=conference, room=RoomFactory(conference=conference))
    ForumFactory(conference=conference, day=2)

    grids = with_class(parse(client.get("/agenda/")), "div", "schedule")

    assert ["schedule-wide" in grid.get("class").split() for grid in grids] == [True, False]


def test_agenda_labels_the_end_of_each_day(client, program):
    page = parse(client.get("/agenda/"))

    ends = [hour.get("data-ends") for hour in with_class(page, "div", "schedule-hour")]
    assert [end for end in ends if end] == ["13:00", "15:00"]


def test_agenda_talks_are_links_with_times(client, program):
    response = client.get("/agenda/")

    for li in forum_article(response, "Flash Talks").iter("li"):
        assert li.find(".//time").get("datetime").endswith("+08:00")
        assert li.find(".//a").get("href").startswith("/agenda/talks/")


def test_agenda_marks_parallel_forums(client, program):
    response = client.get("/agenda/")

    slots = [text(p) for p in with_class(parse(response), "p", "schedule-slot-label")]
    assert slots == ["09:00–13:00 · 2 forums in parallel", "13:30–15:00"]
    main = forum_article(response, "Main Forum")
    assert text(with_class(main, "p", "forum-parallel")[0]) == (
        "Parallel At the same time as: eBPF (Hall A)"
    )
    assert with_class(forum_article(response, "Flash Talks"), "p", "forum-parallel") == []


def test_agenda_room_headers_and_hours_only_draw_the_grid(client, program):
    page = parse(client.get("/agenda/"))

    rooms = with_class(page, "div", "schedule-room")
    assert [text(room) for room in rooms] == ["Main Hall", "Hall A", "Salon"]
    assert {room.get("aria-hidden") for room in rooms} == {"true"}
    assert {hour.get("aria-hidden") for hour in with_class(page, "div", "schedule-hour")} == {
        "true"
    }


def test_agenda_loads_its_script_and_styles(client, program):
    page = parse(client.get("/agenda/"))

    assert any("gotc/agenda.js" in (s.get("src") or "") for s in page.iter("script"))
    assert any("gotc/agenda.css" in (link.get("href") or "") for link in page.iter("link"))


def test_agenda_has_no_form(client, program):
    """Cached for every visitor: nothing per visitor, no CSRF token."""
    response = client.get("/agenda/")

    assert parse(response).find(".//form") is None
    assert "csrfmiddlewaretoken" not in response.content.decode()


# --- Forum pages: seats and registering -----------------------------------------------------


@pytest.fixture
def seats_on_forum_pages():
    """What registration's side adds to the forum page (agenda.queries.extend_forum_page)."""
    before = list(queries._FORUM_PAGE_EXTENSIONS)
    queries.extend_forum_page(with_seat_counts)
    yield
    queries._FORUM_PAGE_EXTENSIONS[:] = before


def test_forum_page_without_seat_counts_offers_no_register_link(client, program, monkeypatch):
    monkeypatch.setattr(queries, "_FORUM_PAGE_EXTENSIONS", [])  # nothing extends the page

    page = parse(client.get("/agenda/forums/flash-talks/"))

    assert with_class(page, "p", "seats-left") == []
    assert with_class(page, "a", "forum-register") == []


def test_forum_page_shows_seats_left_and_register(client, program, seats_on_forum_pages):
    Forum.objects.filter(slug="flash-talks").update(capacity=12)

    page = parse(client.get("/agenda/forums/flash-talks/"))

    assert text(with_class(page, "p", "seats-left")[0]) == "12 seats left"
    link = with_class(page, "a", "forum-register")[0]
    assert (text(link), link.get("href")) == ("Register", "/register/?forum=flash-talks")


def test_full_forum_page_offers_the_waiting_list(client, program, seats_on_forum_pages):
    Forum.objects.filter(slug="flash-talks").update(capacity=0)

    page = parse(client.get("/agenda/forums/flash-talks/"))

    assert text(with_class(page, "p", "seats-left")[0]) == "Full — join the waiting list"
    assert text(with_class(page, "a", "forum-register")[0]) == "Join the waiting list"


def test_forum_page_offers_no_register_link_when_registration_is_closed(
    client, program, seats_on_forum_pages
):
    program.registration_opens = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    program.registration_closes = dt.datetime(2000, 1, 2, tzinfo=dt.UTC)
    program.save()

    page = parse(client.get("/agenda/forums/flash-talks/"))

    assert with_class(page, "p", "seats-left") != []
    assert with_class(page, "a", "forum-register") == []


# --- Home forum cards -----------------------------------------------------------------------


def test_home_forum_cards_offer_register_or_the_waiting_list(client, program):
    Forum.objects.filter(slug="flash-talks").update(capacity=0)

    page = parse(client.get("/"))

    actions = {
        text(card.find(".//h4")): text(with_class(card, "a", "forum-card-action")[0])
        for card in with_class(page, "article", "forum-card")
    }
    assert actions == {
        "Main Forum": "Register",
        "eBPF": "Register",
        "Flash Talks": "Join the waiting list",
    }


# --- Talk pages -----------------------------------------------------------------------------


def test_talk_page_shows_abstract_forum_time_room_and_calendar(client, program):
    response = client.get("/agenda/talks/ebpf-cloud-native/")

    body = main_text(response)
    assert "Introduction to BPF; BPF in cloud native; practice at Baidu." in body
    assert "Forum: eBPF (09:00–13:00, Hall A, Zhangjiang Science Hall)" in body
    calendar = [a for a in parse(response).iter("a") if text(a) == "Add this forum to my calendar"]
    assert [a.get("href") for a in calendar] == ["/agenda/forums/ebpf.ics"]


def test_talk_page_adds_the_talk_itself_to_a_calendar(client, program):
    from icalendar import Calendar

    response = client.get("/agenda/talks/ebpf-cloud-native/")
    (link,) = [a for a in parse(response).iter("a") if text(a) == "Add to my calendar"]
    assert link.get("href") == "/agenda/talks/ebpf-cloud-native.ics"

    feed = client.get(link.get("href"))
    (event,) = Calendar.from_ical(feed.content).walk("VEVENT")

    assert feed["Content-Type"].startswith("text/calendar")
    assert feed["Access-Control-Allow-Origin"] == "*"
    assert str(event["URL"]).endswith("/agenda/talks/ebpf-cloud-native/")
    assert client.get("/agenda/talks/no-such-talk.ics").status_code == 404
