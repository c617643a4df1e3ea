"""The registration desk on a 390x844 phone: the dashboard fits without scrolling sideways,
and a walk-in is registered, shown its ticket and checked in, end to end."""

import pytest
from playwright.sync_api import expect

from registration.enums import PickStatus
from registration.models import Registration
from registration.roles import DESK
from tests.e2e import browser as b
from tests.e2e.program import register_attendee

pytestmark = pytest.mark.e2e


def phone(new_page):
    return new_page(viewport=b.PHONE, is_mobile=True, has_touch=True)


def fits_390(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_dashboard_fits_a_phone(new_page, program, make_staff, login):
    register_attendee(program)
    make_staff("dana", DESK)
    page = phone(new_page)

    login(page, "dana", "/staff/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("registration desk")
    assert fits_390(page)
    # Every forum's numbers are on screen: the Waiting and Came labels of its card included.
    card = page.locator(".forum-table tbody tr").filter(has_text="Rust Workshop")
    for label in ("Seated", "Capacity", "Waiting", "Came"):
        cell = card.locator(f"td[data-label='{label}']")
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    door_list = card.get_by_role("link", name="Door list")
    expect(door_list).to_be_visible()
    assert door_list.bounding_box()["x"] + door_list.bounding_box()["width"] <= 390
    # One day of registrations: one bar, its day written once.
    expect(page.locator(".reg-chart rect")).to_have_count(1)
    expect(page.locator(".reg-chart text.chart-day")).to_have_count(1)
    assert b.blocking(b.run_axe(page, "staff-dashboard-phone", "en")) == []


def test_walkin_registration_on_a_phone_shows_the_ticket_and_checks_in(
    new_page, program, make_staff, login
):
    make_staff("dana", DESK)
    page = phone(new_page)
    login(page, "dana", "/staff/")

    page.get_by_role("link", name="Register a walk-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Walk-in registration")
    assert fits_390(page)
    assert b.blocking(b.run_axe(page, "staff-walkin", "en")) == []
    b.field(page, "Full name").fill("王小明")
    b.field(page, "Email").fill("xiaoming@example.org")
    b.field(page, "Organization").fill("开源社")
    b.field(page, "Job title").fill("志愿者")
    page.get_by_label("Cloud Native").check()
    page.get_by_label("Rust Workshop").check()  # full: the waiting list, as online
    b.submit(page, page.get_by_role("button", name="Register and show the ticket"))
    # The privacy box was not ticked: nothing saved, the volunteer is told.
    expect(
        page.get_by_text("Confirm that the attendee accepted the privacy notice.")
    ).to_be_visible()
    assert not Registration.objects.filter(email="xiaoming@example.org").exists()
    page.get_by_label("The attendee has read and accepted the privacy notice.").check()
    b.submit(page, page.get_by_role("button", name="Register and show the ticket"))

    registration = Registration.objects.get(email="xiaoming@example.org")
    expect(page.locator("#ticket-code")).to_have_text(registration.ticket_display)
    expect(page.locator("section.ticket .qr svg")).to_be_visible()
    expect(page.locator(".ticket-forums")).to_contain_text("Cloud Native")
    expect(page.locator(".ticket-forums")).to_contain_text("Waiting list: number 1")
    expect(page.get_by_role("button", name="Print ticket")).to_be_visible()
    assert fits_390(page)
    assert b.blocking(b.run_axe(page, "staff-walkin-ticket", "en")) == []
    assert registration.picks.get(forum=program.workshop).status == PickStatus.WAITING
    assert [m.subject for m in b.emails_to("xiaoming@example.org")] != []

    b.submit(page, page.get_by_role("button", name="Check in now"))

    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    expect(page.locator("main")).to_contain_text("王小明")


def test_walkin_with_a_registered_email_points_to_check_in(new_page, program, make_staff, login):
    grace = register_attendee(program)
    make_staff("dana", DESK)
    page = phone(new_page)
    login(page, "dana", "/staff/walkin/")

    b.field(page, "Full name").fill("Grace Again")
    b.field(page, "Email").fill(grace.email.upper())
    b.field(page, "Organization").fill("OSI")
    b.field(page, "Job title").fill("Maintainer")
    page.get_by_label("Cloud Native").check()
    page.get_by_label("The attendee has read and accepted the privacy notice.").check()
    b.submit(page, page.get_by_role("button", name="Register and show the ticket"))

    link = page.get_by_role("link", name="Find them at check-in")
    expect(link).to_be_visible()
    assert link.get_attribute("href").lower() == "/staff/checkin/?q=grace%40example.org"
    assert Registration.objects.filter(email__iexact=grace.email).count() == 1
