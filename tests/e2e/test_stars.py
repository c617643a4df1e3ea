"""Stars on talks in a real browser: kept in the browser for anyone, and synced through the
server between two browsers of the same attendee (two contexts: a phone and a laptop)."""

import pytest
from playwright.sync_api import expect

from registration.models import Star
from registration.tickets import MANAGE_LINK
from tests.e2e.program import register_attendee

pytestmark = pytest.mark.e2e


def star_of(page, title: str):
    return page.get_by_role("button", name=f"Star this talk: {title}")


def unstar_of(page, title: str):
    return page.get_by_role("button", name=f"Remove the star: {title}")


def test_a_visitor_without_registration_keeps_stars_in_the_browser(new_page, program):
    page = new_page()
    page.goto(program.talk.get_absolute_url())

    star_of(page, program.talk.title).click()
    page.reload()

    expect(unstar_of(page, program.talk.title)).to_have_attribute("aria-pressed", "true")
    assert not Star.objects.exists()  # nothing on the server without a registration

    # On the agenda grid the star sits on the talk's block: a click stars, it does not open
    # the talk; the keyboard reaches it.
    page.goto("/agenda/")
    second = program.ebpf.talks.first()
    star_of(page, second.title).focus()
    page.keyboard.press("Enter")
    expect(unstar_of(page, second.title)).to_be_visible()
    assert page.url.endswith("/agenda/")
    expect(unstar_of(page, program.talk.title)).to_be_visible()


def test_stars_follow_the_attendee_from_one_browser_to_another(new_page, program):
    attendee = register_attendee(program)
    private = f"/r/{MANAGE_LINK.current_token(attendee)}/"
    laptop, phone = new_page(), new_page(viewport={"width": 390, "height": 844})

    # The laptop: a star before opening the private link is merged in on the first visit.
    laptop.goto(program.talk.get_absolute_url())
    star_of(laptop, program.talk.title).click()
    laptop.goto(private)
    expect(laptop.locator("#star-sync")).to_have_count(1)
    laptop.goto(program.cloud.get_absolute_url())
    second = program.cloud.talks.order_by("starts_at").last()
    star_of(laptop, second.title).click()
    expect(unstar_of(laptop, second.title)).to_be_visible()

    def server_stars():
        return set(Star.objects.filter(registration=attendee).values_list("talk_id", flat=True))

    for _ in range(50):
        if server_stars() == {program.talk.pk, second.pk}:
            break
        laptop.wait_for_timeout(100)
    assert server_stars() == {program.talk.pk, second.pk}

    # The phone: the private link once, then the program pages show the same stars.
    phone.goto(private)
    phone.goto(program.cloud.get_absolute_url())
    expect(unstar_of(phone, program.talk.title)).to_be_visible()
    expect(unstar_of(phone, second.title)).to_be_visible()

    # Unstarred on the phone, leaving the page at once: gone on the laptop too.
    unstar_of(phone, second.title).click()
    phone.goto(f"{private}agenda/")
    for _ in range(50):
        if server_stars() == {program.talk.pk}:
            break
        phone.wait_for_timeout(100)
    laptop.goto(program.cloud.get_absolute_url())
    expect(star_of(laptop, second.title)).to_be_visible()
    expect(unstar_of(laptop, program.talk.title)).to_be_visible()

    # And "My agenda" lists the starred talk, not the unstarred one.
    phone.goto(f"{private}agenda/")
    expect(phone.get_by_role("link", name=program.talk.title)).to_be_visible()
    expect(phone.get_by_role("link", name=second.title)).to_have_count(0)
