"""Registering with the keyboard only: Tab to move, typing into fields, Space, Enter."""

import re

import pytest
from playwright.sync_api import expect

from registration.enums import PickStatus
from registration.models import Registration
from tests.e2e import browser as b

pytestmark = pytest.mark.e2e


def press_tab_expecting(page, selector: str) -> None:
    page.keyboard.press("Tab")
    assert b.focused_matches(page, selector), (
        selector,
        page.evaluate("document.activeElement.outerHTML.slice(0, 160)"),
    )


def test_keyboard_only_registration(page, program):
    page.goto("/register/")

    # The first Tab shows the skip link; Enter jumps to the content.
    press_tab_expecting(page, "a.skip-link")
    expect(page.get_by_role("link", name="Skip to content")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/register/#main$"))

    # The fields come in reading order.
    press_tab_expecting(page, "#id_full_name")
    page.keyboard.type("Linus Keyboard")
    press_tab_expecting(page, "#id_email")
    page.keyboard.type("keys@example.org")
    press_tab_expecting(page, "#id_organization")
    page.keyboard.type("Keyboard Foundation")
    press_tab_expecting(page, "#id_job_title")
    page.keyboard.type("Typist")
    press_tab_expecting(page, "#id_phone")
    press_tab_expecting(page, "#id_language")

    # Forum cards: Space ticks the focused checkbox.
    for forum in (program.cloud, program.ebpf, program.workshop):
        b.tab_to(page, f"#id_forums_{forum.pk}")
        page.keyboard.press("Space")
        expect(page.locator(f"#id_forums_{forum.pk}")).to_be_checked()

    b.tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    expect(page.locator("#id_consent")).to_be_checked()
    press_tab_expecting(page, "label[for=id_consent] a")  # the privacy notice link
    press_tab_expecting(page, "#id_newsletter")
    # The honeypot field is never reached: the next stop is the button.
    press_tab_expecting(page, "button[type=submit]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/register/done/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    registration = Registration.objects.get(email="keys@example.org")
    assert registration.full_name == "Linus Keyboard"
    assert {p.forum.slug: p.status for p in registration.picks.live()} == {
        "cloud-native": PickStatus.SEATED,
        "ebpf": PickStatus.SEATED,
        "rust-workshop": PickStatus.WAITING,
    }


def test_keyboard_focus_is_visible_on_form_controls(page, program):
    page.goto("/register/")
    b.tab_to(page, "#id_full_name")

    ring = page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return {shadow: style.boxShadow, outline: style.outlineStyle};
        }"""
    )

    assert ring["shadow"] != "none" or ring["outline"] not in ("none", ""), ring
