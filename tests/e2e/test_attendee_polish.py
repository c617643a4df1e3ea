"""Pages that tell attendees the truth, in a real browser: overlapping picks are flagged before
the form is sent, the done page is the same for a new and a registered email, a past
conference says registration is closed, a cancelled ticket offers nothing to show at a door."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from agenda.templatetags.program import day_short
from registration import services
from tests.e2e import browser as b
from tests.e2e.program import Program, register_attendee
from tests.e2e.test_attendee import fill_registration
from tests.factories import ConferenceFactory, ForumFactory

pytestmark = pytest.mark.e2e

OVERLAP = (
    "“Cloud Native” and “Open Source Governance” take place at the same time: pick one of them."
)


def test_ticking_two_overlapping_forums_warns_before_submitting(page: Page, program: Program):
    page.goto("/register/")
    warning = page.locator(".overlap-warning")

    page.get_by_role("checkbox", name="Cloud Native").check()
    page.get_by_role("checkbox", name="eBPF and the Kernel").check()  # later that day: fine
    expect(warning).to_be_hidden()

    page.get_by_role("checkbox", name="Open Source Governance").check()
    expect(warning).to_have_text(OVERLAP)
    expect(page.locator(".pick-card.is-overlapping")).to_have_count(2)

    page.get_by_role("checkbox", name="Open Source Governance").uncheck()
    expect(warning).to_be_hidden()
    expect(page.locator(".pick-card.is-overlapping")).to_have_count(0)


def test_the_server_still_refuses_overlapping_forums(page: Page, program: Program):
    page.goto("/register/")
    fill_registration(
        page,
        name="Li Wei",
        email="li.wei@example.org",
        forums=["Cloud Native", "Open Source Governance"],
    )

    b.submit(page, page.get_by_role("button", name="Register"))

    expect(page.locator("#forums-errors")).to_have_text(OVERLAP)


def test_done_page_for_a_registered_email_is_the_new_email_page(new_page, program: Program):
    def done_page(email: str) -> str:
        page = new_page()
        page.goto("/register/")
        fill_registration(page, name="Ada Early", email=email, forums=["Rust Workshop"])
        b.submit(page, page.get_by_role("button", name="Register"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
        return page.locator("main").inner_text().replace(email, "EMAIL")

    new_email = done_page("someone.new@example.org")
    registered_email = done_page(program.early_bird.email)

    assert registered_email == new_email
    assert "Seat reserved" not in new_email
    assert "waiting list" not in new_email.lower().split("forums you asked for")[1]


def test_home_of_a_past_conference_says_registration_is_closed(page: Page, transactional_db):
    past = ConferenceFactory(
        name="GOTC 2023",
        start_date=dt.date(2023, 5, 27),
        end_date=dt.date(2023, 5, 28),
        registration_opens=None,
        registration_closes=None,
    )
    ForumFactory(conference=past, title="Flash Talks")

    page.goto("/")

    hero = page.locator(".hero")
    expect(hero).to_contain_text("Registration is closed.")
    expect(hero).not_to_contain_text("Free registration is open")
    expect(page.get_by_role("link", name="Register now")).to_have_count(0)
    expect(page.locator("aside")).to_contain_text("Closed")
    page.goto("/register/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Register for GOTC 2023")


def test_a_cancelled_ticket_has_no_qr_code_and_no_print_button(page: Page, program: Program):
    registration = register_attendee(program)
    token = registration.manage_token
    services.cancel_registration(registration=registration)

    page.goto(f"/r/{token}/")

    expect(page.get_by_text("This registration is cancelled.")).to_be_visible()
    expect(page.locator(".ticket .qr")).to_have_count(0)
    expect(page.get_by_role("button", name="Print ticket")).to_have_count(0)


def test_a_printed_ticket_lists_the_forums_with_day_time_and_room(page: Page, program: Program):
    token = register_attendee(program).manage_token

    page.goto(f"/r/{token}/")
    page.emulate_media(media="print")

    first, second = (day_short(day) for day in program.conference.days)
    forums = page.locator(".ticket .ticket-forums li")
    expect(forums).to_have_text(
        [
            f"Cloud Native {first} 09:00–12:00 · Main Hall",
            f"eBPF and the Kernel {first} 13:30–16:30 · Hall B",
            f"Rust Workshop (on the waiting list) {second} 09:00–12:00 · Salon",
        ]
    )
    expect(page.get_by_role("button", name="Print ticket")).to_be_hidden()
