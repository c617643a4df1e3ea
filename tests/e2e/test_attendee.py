"""Attendee journeys in a real browser: read the program, register, manage, cancel."""

import re

import pytest
from playwright.sync_api import Page, expect

from registration.enums import PickStatus, RegistrationStatus
from registration.models import Registration
from tests.e2e import browser as b
from tests.e2e.program import Program

pytestmark = pytest.mark.e2e


def fill_registration(page: Page, *, name: str, email: str, forums: list[str]) -> None:
    """Fill the registration form as a person does: labels, then the forum cards."""
    b.field(page, "Full name").fill(name)
    b.field(page, "Email").fill(email)
    b.field(page, "Organization").fill("Open Source Initiative")
    b.field(page, "Job title").fill("Maintainer")
    for title in forums:
        page.get_by_role("checkbox", name=title).check()
    page.get_by_role("checkbox", name="I have read and accept the privacy notice").check()


def pick_item(page: Page, title: str):
    """The list item of one forum in the "Your forums" list (done and manage pages)."""
    return (
        page.locator("section, div")
        .filter(has=page.get_by_role("heading", name="Your forums", exact=True))
        .last.get_by_role("listitem")
        .filter(has_text=title)
    )


def read_program_and_register(page: Page, program: Program, *, email: str) -> None:
    """Home -> agenda -> forum page -> registration form -> done page."""
    conference = program.conference
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(conference.name)
    workshop_card = page.locator("article").filter(has_text="Rust Workshop")
    expect(workshop_card).to_contain_text("Full")
    expect(page.locator("article").filter(has_text="Cloud Native")).to_contain_text(
        "100 seats left"
    )
    assert b.no_horizontal_scroll(page)

    page.get_by_role("link", name="See the agenda").click()
    expect(page).to_have_url(re.compile(r"/agenda/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Agenda")
    for forum in program.forums:
        expect(page.get_by_role("heading", name=forum.title, exact=True)).to_be_visible()
    assert b.no_horizontal_scroll(page)

    page.get_by_role("link", name="Cloud Native", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cloud Native")
    expect(page.get_by_role("heading", name="Cloud Native: part 1")).to_be_visible()
    expect(page.get_by_role("link", name="Li Lei")).to_be_visible()
    assert b.no_horizontal_scroll(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Register for {conference.name}")
    expect(page.locator(f"#forum-status-{program.workshop.pk}")).to_contain_text(
        "Full Tick to join the waiting list"
    )
    assert b.no_horizontal_scroll(page)
    fill_registration(
        page,
        name="Grace Hopper",
        email=email,
        forums=["Cloud Native", "eBPF and the Kernel", "Rust Workshop"],
    )
    page.get_by_role("button", name="Register").click()

    expect(page).to_have_url(re.compile(r"/register/done/$"))
    # The done page claims no seat (a registered email would read the same): the email says.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(page.get_by_role("status")).to_contain_text(
        f"Thank you, Grace Hopper. We have sent an email to {email}."
    )
    expect(page.get_by_role("main").get_by_role("listitem")).to_contain_text(
        ["Cloud Native", "eBPF and the Kernel", "Rust Workshop"]
    )
    assert b.no_horizontal_scroll(page)


def test_attendee_registers_changes_leaves_waiting_list_and_cancels(page, program):
    # The pages behind the secret link send "Referrer-Policy: same-origin": with "no-referrer"
    # a real browser posts their forms with "Origin: null" and Django's CSRF check says 403.
    email = "grace@example.org"

    read_program_and_register(page, program, email=email)

    registration = Registration.objects.get(email=email)
    assert {pick.forum.slug: pick.status for pick in registration.picks.live()} == {
        "cloud-native": PickStatus.SEATED,
        "ebpf": PickStatus.SEATED,
        "rust-workshop": PickStatus.WAITING,
    }
    name = program.conference.name
    assert [m.subject for m in b.emails_to(email)] == [
        f"Your ticket for {name}: {registration.ticket_display}"
    ]

    # The ticket, from the link in the confirmation email.
    page.goto(b.manage_path(email))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration")
    ticket = page.locator("section.ticket")
    expect(ticket).to_contain_text(registration.ticket_display)
    expect(ticket).to_contain_text("Grace Hopper")
    expect(ticket.locator(".qr svg")).to_be_visible()
    expect(pick_item(page, "Rust Workshop")).to_contain_text("Waiting list: number 1")

    # Change a pick: Governance instead of Cloud Native (same time slot).
    change = page.locator("section").filter(
        has=page.get_by_role("heading", name="Change your forums")
    )
    change.get_by_role("checkbox", name="Cloud Native").uncheck()
    change.get_by_role("checkbox", name="Open Source Governance").check()
    b.submit(page, change.get_by_role("button", name="Save my forums"))
    expect(page.get_by_role("status").first).to_have_text(
        "Your forums are updated. We have sent you an email."
    )
    expect(pick_item(page, "Open Source Governance")).to_contain_text("Seat reserved")
    expect(pick_item(page, "Cloud Native")).to_have_count(0)

    # Leave the waiting list.
    b.submit(page, page.get_by_role("button", name="Leave the waiting list Rust Workshop"))
    expect(page.get_by_role("status").first).to_have_text(
        "You have left the waiting list of “Rust Workshop”."
    )
    expect(pick_item(page, "Rust Workshop")).to_have_count(0)

    # Cancel, through the confirmation step.
    page.get_by_role("link", name="Cancel my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your registration?")
    expect(page.get_by_role("main").get_by_role("listitem")).to_have_text(
        ["Open Source Governance", "eBPF and the Kernel"]
    )
    b.submit(page, page.get_by_role("button", name="Yes, cancel my registration"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration")
    expect(page.get_by_text("This registration is cancelled.")).to_be_visible()
    expect(page.get_by_role("link", name="Cancel my registration")).to_have_count(0)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert list(registration.picks.live()) == []
    assert [m.subject for m in b.emails_to(email)][1:] == [
        f"Your forums for {name} have changed",  # Governance instead of Cloud Native
        f"Your forums for {name} have changed",  # left the waiting list
        f"Your registration for {name} is cancelled",
    ]


def test_attendee_registers_on_a_phone_without_horizontal_scrolling(new_page, program):
    page = new_page(viewport=b.PHONE, is_mobile=True, has_touch=True)
    email = "phone@example.org"

    read_program_and_register(page, program, email=email)

    page.goto(b.manage_path(email))
    registration = Registration.objects.get(email=email)
    expect(page.locator("section.ticket")).to_contain_text(registration.ticket_display)
    expect(page.locator("section.ticket .qr svg")).to_be_visible()
    assert b.no_horizontal_scroll(page)
    page.get_by_role("link", name="Cancel my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your registration?")
    assert b.no_horizontal_scroll(page)
