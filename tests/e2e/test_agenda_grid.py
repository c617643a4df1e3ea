"""The agenda's time grid as a browser draws it: a fixed time scale, sticky room headers, the
current-time line, and the phone's list by time slot.

The program (tests/e2e/program.py): day one, Cloud Native (Main Hall) and Open Source
Governance (Hall B) 09:00-12:00 in parallel, eBPF 13:30-16:30 (Hall B); day two the Rust
Workshop 09:00-12:00. Every forum has two 30-minute talks, at its start and 45 minutes later.
"""

import re
from itertools import pairwise

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import browser as b
from tests.factories import ForumFactory, RoomFactory

pytestmark = pytest.mark.e2e


def first_day(page: Page):
    return page.locator("section.program-day").first


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, "not rendered"
    return found


def forum_block(page: Page, title: str):
    return page.locator("article.grid-forum").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


def test_every_hour_is_the_same_height(page, program):
    page.goto("/agenda/")

    hours = first_day(page).locator(".schedule-hour")
    heights = [box(hours.nth(i))["height"] for i in range(hours.count())]
    labels = first_day(page).locator(".schedule-hour-label")
    tops = [box(labels.nth(i))["y"] for i in range(labels.count())]

    # 09:00 to 17:00 (eBPF ends 16:30): eight hours, each labelled.
    assert [labels.nth(i).inner_text() for i in range(labels.count())] == [
        f"{hour:02d}:00" for hour in range(9, 17)
    ]
    assert max(heights) - min(heights) < 0.5, heights
    steps = [later - earlier for earlier, later in pairwise(tops)]
    assert max(steps) - min(steps) < 0.5, steps
    assert heights[0] == pytest.approx(steps[0], abs=0.5)
    # The grid's bottom line says when the day ends.
    end = hours.last.evaluate("el => getComputedStyle(el, '::after').content")
    assert end == '"17:00"'


def test_blocks_are_sized_to_their_length(page, program):
    page.goto("/agenda/")
    hour = box(first_day(page).locator(".schedule-hour").first)["height"]

    ebpf = box(forum_block(page, "eBPF and the Kernel"))
    thirteen = box(first_day(page).locator(".schedule-hour").nth(4))  # 13:00
    talks = forum_block(page, "eBPF and the Kernel").locator("li.grid-talk")

    assert ebpf["height"] == pytest.approx(3 * hour, abs=1)  # 13:30-16:30
    assert ebpf["y"] - thirteen["y"] == pytest.approx(hour / 2, abs=1)
    for i in range(talks.count()):  # 30 minutes each, less a 1px margin above and below
        assert box(talks.nth(i))["height"] == pytest.approx(hour / 2, abs=3)
    # The second talk starts 45 minutes in: the 15 minutes between them is a visible break.
    second = box(talks.nth(1))
    assert second["y"] - ebpf["y"] == pytest.approx(0.75 * hour, abs=2)
    expect(forum_block(page, "eBPF and the Kernel").locator(".grid-break")).to_be_visible()


def test_parallel_forums_sit_side_by_side(page, program):
    page.goto("/agenda/")

    cloud = box(forum_block(page, "Cloud Native"))
    governance = box(forum_block(page, "Open Source Governance"))

    assert cloud["y"] == pytest.approx(governance["y"], abs=0.5)
    assert cloud["height"] == pytest.approx(governance["height"], abs=0.5)
    assert cloud["x"] + cloud["width"] <= governance["x"]


def test_room_headers_stay_visible_after_scrolling(page, program):
    page.goto("/agenda/")
    rooms = first_day(page).locator(".schedule-room")
    expect(rooms.first).to_be_visible()

    # Scroll until 14:00 of day one is at the top of the window.
    fourteen = first_day(page).locator(".schedule-hour").nth(5)
    page.evaluate("y => window.scrollTo(0, y)", box(fourteen)["y"] + page.evaluate("scrollY"))
    page.wait_for_function("window.scrollY > 300")

    viewport = page.viewport_size
    for i in range(rooms.count()):
        header = box(rooms.nth(i))
        assert 0 <= header["y"] < viewport["height"] / 4, (rooms.nth(i).inner_text(), header)
    assert rooms.nth(1).inner_text() == "Hall B"
    # The hour labels stay beside the grid, below the headers.
    assert box(fourteen.locator(".schedule-hour-label"))["x"] < box(rooms.first)["x"]


def test_current_time_line_on_a_conference_day(page, program):
    day = program.conference.start_date.isoformat()
    page.goto(f"/agenda/?now={day}T10:30:00%2B08:00")

    line = first_day(page).locator(".schedule-now")
    expect(line).to_have_count(1)
    ten = box(first_day(page).locator(".schedule-hour").nth(1))
    assert box(line)["y"] == pytest.approx(ten["y"] + ten["height"] / 2, abs=2)
    # Only on that day's grid.
    expect(page.locator("section.program-day").nth(1).locator(".schedule-now")).to_have_count(0)


def test_no_current_time_line_outside_the_conference(page, program):
    page.goto("/agenda/")  # the conference is a month away

    expect(page.locator(".schedule")).to_have_count(2)
    expect(page.locator(".schedule-now")).to_have_count(0)


def test_grid_works_without_javascript(new_page, program):
    page = new_page(java_script_enabled=False)
    page.goto("/agenda/")

    hours = first_day(page).locator(".schedule-hour")
    heights = {round(box(hours.nth(i))["height"]) for i in range(hours.count())}
    assert len(heights) == 1
    expect(forum_block(page, "Cloud Native").get_by_role("link").nth(1)).to_be_visible()


def test_every_talk_is_reached_by_keyboard_with_a_visible_focus(page, program):
    page.goto("/agenda/")
    talk = "a.talk-link[href='/agenda/talks/cloud-native-1/']"

    b.tab_to(page, talk)

    outline = page.evaluate(
        "() => getComputedStyle(document.activeElement.closest('.talk-body')).outlineStyle"
    )
    assert outline == "solid"
    # The focused talk is drawn whole, over what follows.
    focused = box(page.locator(talk).locator("xpath=ancestor::li[1]"))
    assert focused["height"] > 0


def test_phone_lists_time_slots_with_parallel_forums_marked(new_page, program):
    page = new_page(viewport=b.PHONE)
    page.goto("/agenda/")

    slots = first_day(page).locator(".schedule-slot-label")
    expect(slots.first).to_be_visible()
    expect(slots.first).to_have_text("09:00–12:00 · 2 forums in parallel")
    expect(slots.nth(1)).to_have_text("13:30–16:30")
    marker = forum_block(page, "Cloud Native").locator(".forum-parallel")
    expect(marker).to_be_visible()
    expect(marker).to_contain_text("At the same time as: Open Source Governance (Hall B)")
    expect(forum_block(page, "eBPF and the Kernel").locator(".forum-parallel")).to_have_count(0)
    # The grid's drawing is not shown on a phone; the page never scrolls sideways.
    expect(first_day(page).locator(".schedule-room").first).to_be_hidden()
    expect(first_day(page).locator(".schedule-hour").first).to_be_hidden()
    assert b.no_horizontal_scroll(page)


def test_phone_in_chinese_marks_parallel_forums(new_page, program):
    page = new_page(viewport=b.PHONE, locale="zh-CN")
    page.goto("/zh-hans/agenda/")

    marker = forum_block(page, "云原生").locator(".forum-parallel")
    expect(marker).to_be_visible()
    assert b.no_horizontal_scroll(page)


def test_many_rooms_scroll_in_a_box_whose_headers_and_times_stick(page, program):
    for number in range(5):  # seven rooms on day one
        room = RoomFactory(conference=program.conference, name=f"Room {number}", position=10)
        ForumFactory(conference=program.conference, room=room, title=f"Extra {number}")
    page.goto("/agenda/")

    grid = first_day(page).locator(".schedule")
    expect(grid).to_have_class(re.compile(r"\bschedule-wide\b"))
    grid.evaluate("box => { box.scrollTop = 500; box.scrollLeft = 400; }")

    header = box(first_day(page).locator(".schedule-room").first)
    label = box(first_day(page).locator(".schedule-hour-label").nth(3))
    assert header["y"] == pytest.approx(box(grid)["y"], abs=1)
    assert label["x"] == pytest.approx(box(grid)["x"], abs=1)
    assert b.no_horizontal_scroll(page)


def test_agenda_arrives_compressed_and_a_revisit_is_revalidated(page, program):
    # Chromium asks with Accept-Encoding: gzip and unpacks the page itself; coming back, it
    # sends the weak ETag of the compressed copy and the server's 304 lets it reuse its copy.
    first = page.goto("/agenda/")
    forums = page.locator("article.grid-forum").count()
    again = page.goto("/agenda/")

    assert first.all_headers().get("content-encoding") == "gzip"
    assert first.all_headers()["etag"].startswith('W/"')
    assert again.request.all_headers().get("if-none-match") == first.all_headers()["etag"]
    assert again.ok
    assert page.locator("article.grid-forum").count() == forums > 0
    expect(forum_block(page, "eBPF and the Kernel")).to_be_visible()
