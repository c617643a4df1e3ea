"""Organizers in the admin and the registration desk on /staff/, in a real browser."""

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from registration.enums import PickStatus
from registration.roles import DESK, ORGANIZERS
from tests.e2e import browser as b
from tests.e2e.program import register_attendee

pytestmark = pytest.mark.e2e


def forum_row(page: Page, title: str):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=title))


def expect_fill(page: Page, title: str, *, seated: int, capacity: int, waiting: int) -> None:
    cells = forum_row(page, title).get_by_role("cell")
    # Columns: when, seated, capacity, waiting, came, fill, lists.
    expect(cells.nth(1)).to_have_text(str(seated))
    expect(cells.nth(2)).to_have_text(str(capacity))
    expect(cells.nth(3)).to_have_text(str(waiting))


def test_organizer_raises_capacity_in_admin_and_sees_the_promotion(
    page, program, make_staff, login
):
    grace = register_attendee(program)  # waiting for the workshop, behind Ada Early's seat
    make_staff("olivia", ORGANIZERS)

    login(page, "olivia", "/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{program.conference.name}: registration desk"
    )
    expect_fill(page, "Rust Workshop", seated=1, capacity=1, waiting=1)

    page.goto("/admin/")
    page.get_by_role("link", name="Forums", exact=True).click()
    page.get_by_role("link", name="Rust Workshop", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Rust Workshop")).to_be_visible()
    page.get_by_label("Capacity").fill("2")
    page.get_by_role("button", name="Save", exact=True).click()

    messages = page.locator("ul.messagelist")
    expect(messages).to_contain_text("1 waiting attendee got a seat and an email.")
    expect(messages).to_contain_text("Rust Workshop")
    grace_pick = grace.picks.get(forum=program.workshop)
    assert grace_pick.status == PickStatus.SEATED
    assert [m.subject for m in b.emails_to("grace@example.org")] == [
        "You have a seat: Rust Workshop"
    ]

    page.goto("/staff/")
    expect_fill(page, "Rust Workshop", seated=2, capacity=2, waiting=0)
    expect(
        forum_row(page, "Rust Workshop").get_by_role("progressbar", name="Fill of Rust Workshop")
    ).to_have_attribute("aria-valuenow", "100")


def test_desk_downloads_csv_export_and_checks_in_by_ticket_code(page, program, make_staff, login):
    grace = register_attendee(program)
    zhang = register_attendee(
        program, full_name="张伟", email="zhang.wei@example.org", organization="开放原子开源基金会"
    )
    make_staff("dana", DESK)

    login(page, "dana", "/staff/exports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Export attendee lists")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "2031-attendees-all.csv"
    raw = download.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese names right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted((row["Full name"], row["Ticket code"]) for row in rows) == sorted(
        [
            ("Ada Early", program.early_bird.ticket_display),
            ("Grace Hopper", grace.ticket_display),
            ("张伟", zhang.ticket_display),
        ]
    )
    by_name = {row["Full name"]: row for row in rows}
    assert by_name["张伟"]["Organization"] == "开放原子开源基金会"
    assert by_name["张伟"]["Email"] == "zhang.wei@example.org"
    assert "Rust Workshop" in by_name["Grace Hopper"]["Waiting lists"]
    assert "Rust Workshop" in by_name["Ada Early"]["Seated forums"]

    # Check-in: the code as people type it (lower case, a space instead of the dash).
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Check-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-in")
    code = page.get_by_label("Ticket code")
    expect(code).to_be_focused()  # autofocus: the desk types or scans at once
    code.fill(f"{grace.ticket_code[:4].lower()} {grace.ticket_code[4:].lower()}")
    code.press("Enter")

    result = page.locator(".checkin-result")
    expect(result).to_contain_text("Checked in")
    expect(result).to_contain_text("Grace Hopper")
    expect(result).to_contain_text(grace.ticket_display)
    expect(result.get_by_role("listitem")).to_have_text(
        [re.compile(r"^Cloud Native"), re.compile(r"^eBPF and the Kernel")]
    )
    expect(page.get_by_label("Ticket code")).to_have_value("")
    grace.refresh_from_db()
    assert grace.checked_in_at is not None
    assert grace.checked_in_by.username == "dana"

    # The same code again: a warning, not a second check-in.
    page.get_by_label("Ticket code").fill(grace.ticket_code)
    page.get_by_label("Ticket code").press("Enter")
    expect(page.locator(".checkin-result .alert-warning")).to_be_visible()

    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Dashboard").click()
    expect(page.locator("#stat-checked-in")).to_have_text("1")
