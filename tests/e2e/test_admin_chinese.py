"""An organizer whose browser prefers Chinese gets the admin in Chinese, and can switch."""

import re

import pytest
from playwright.sync_api import expect

from registration.roles import ORGANIZERS
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_an_organizer_in_a_chinese_browser_sees_the_admin_in_chinese(new_page, make_staff):
    make_staff("lihua", ORGANIZERS)
    page = new_page(locale="zh-CN")

    page.goto("/admin/")
    # Not logged in: the login page, in Chinese, keeps where the organizer was going.
    expect(page).to_have_url(re.compile(r"/zh-hans/admin/login/\?next=/zh-hans/admin/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_label("用户名").fill("lihua")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(re.compile(r"/zh-hans/admin/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("会议管理")
    expect(page.locator("#site-name")).to_have_text("GOTC 主办方后台")
    expect(page.get_by_role("link", name="论坛").first).to_be_visible()

    # The switcher: English, on the same page, remembered for the next visit.
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    assert "/zh-hans/" not in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Conference administration")
    page.goto("/admin/agenda/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="简体中文").click()
    expect(page).to_have_url(re.compile(r"/zh-hans/admin/agenda/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_a_speaker_created_from_the_talk_forms_popup_is_saved(page, program, make_staff, login):
    """The "+" next to a talk's speaker opens the speaker form with the talk's conference
    chosen: saving it needs nothing else, and the new speaker is picked in the talk form."""
    make_staff("organizer", ORGANIZERS)
    login(page, "organizer", f"/admin/agenda/talk/{program.talk.pk}/change/")

    with page.expect_popup() as popup_info:
        page.locator("a.add-related[href*='/admin/agenda/speaker/add/']").first.click()
    popup = popup_info.value
    popup.wait_for_load_state()
    chosen = popup.locator("select[name=conference] option:checked")
    expect(chosen).to_have_attribute("value", str(program.conference.pk))
    popup.locator("input[name=name_en]").fill("Grace Newcomer")
    popup.locator("input[name=name_en]").press("Tab")
    # The slug fills itself from the name (prepopulated_fields).
    expect(popup.locator("input[name=slug]")).to_have_value("grace-newcomer")
    popup.locator("input[name=_save]").click()
    popup.wait_for_event("close")

    expect(
        page.locator("select[name$='-speaker'] option", has_text="Grace Newcomer")
    ).to_have_count(1)
    speaker = program.conference.speakers.get(slug="grace-newcomer")
    assert speaker.name == "Grace Newcomer"
