"""The site as a visitor whose browser prefers Chinese sees it."""

import re

import pytest
from playwright.sync_api import Page, expect

from registration.enums import Language, PickStatus
from registration.models import Registration
from tests.e2e import browser as b
from tests.e2e.program import Program

pytestmark = pytest.mark.e2e

# Django's "这个字段是必填项。", or "该字段是必填项。" from Django REST framework's catalogue
# (an installed app's translations take precedence over Django's own).
REQUIRED = "字段是必填项。"


@pytest.fixture
def chinese_page(new_page) -> Page:
    return new_page(locale="zh-CN")


def open_chinese_form(page: Page, program: Program) -> None:
    page.goto("/")
    # First visit: the browser's language wins.
    expect(page).to_have_url(re.compile(r"/zh-hans/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("GOTC 2031 全球开源技术峰会")
    expect(page.get_by_role("heading", level=2, name="论坛一览")).to_be_visible()
    expect(page.get_by_role("heading", name="云原生")).to_be_visible()
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link", name="议程")).to_be_visible()

    page.get_by_role("link", name="立即报名").click()
    expect(page).to_have_url(re.compile(r"/zh-hans/register/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("报名参加 GOTC 2031 全球开源技术峰会")
    expect(page.locator(f"#forum-status-{program.workshop.pk}")).to_contain_text(
        "已满 勾选即可加入候补名单"
    )


def test_chinese_visitor_lands_in_chinese_and_reads_chinese_errors(chinese_page, program):
    page = chinese_page
    open_chinese_form(page, program)

    page.get_by_role("button", name="报名", exact=True).click()

    expect(page.get_by_role("alert").first).to_contain_text("请修正下方标出的字段。")
    for label in ("姓名", "邮箱", "单位", "职位"):
        control = b.field(page, label)
        expect(control).to_have_attribute("aria-invalid", "true")
        described = control.get_attribute("aria-describedby") or ""
        errors = " ".join(page.locator(f"#{i}").inner_text() for i in described.split())
        assert REQUIRED in errors, (label, errors)
    expect(page.locator("#forums-errors")).to_have_text("请至少选择一个您要参加的论坛。")
    expect(page.get_by_text("请同意隐私声明后再报名。")).to_be_visible()
    assert Registration.objects.count() == 1  # Ada Early only


def test_chinese_visitor_registers_with_a_chinese_name_and_full_width_characters(
    chinese_page, program
):
    page = chinese_page
    open_chinese_form(page, program)

    b.field(page, "姓名").fill("张伟")
    b.field(page, "邮箱").fill("zhang.wei@example.org")
    b.field(page, "单位").fill("开放原子开源基金会（OpenAtom）")
    b.field(page, "职位").fill("高级工程师／维护者")
    page.get_by_role("checkbox", name="云原生").check()
    page.get_by_role("checkbox", name="Rust 工作坊").check()
    page.get_by_role("checkbox", name="我已阅读并同意 隐私声明").check()
    page.get_by_role("button", name="报名", exact=True).click()

    expect(page).to_have_url(re.compile(r"/zh-hans/register/done/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("请查收邮件")
    expect(page.get_by_role("status")).to_contain_text("谢谢您，张伟！")
    items = page.get_by_role("main").get_by_role("listitem")
    expect(items).to_contain_text(["云原生", "Rust 工作坊"])

    registration = Registration.objects.get(email="zhang.wei@example.org")
    assert registration.full_name == "张伟"
    assert registration.organization == "开放原子开源基金会（OpenAtom）"
    assert registration.job_title == "高级工程师／维护者"
    assert registration.language == Language.CHINESE
    assert {p.forum.slug: p.status for p in registration.picks.live()} == {
        "cloud-native": PickStatus.SEATED,
        "rust-workshop": PickStatus.WAITING,
    }
    [email] = b.emails_to("zhang.wei@example.org")
    assert email.subject == (f"您的 GOTC 2031 全球开源技术峰会 门票：{registration.ticket_display}")

    # The link in the Chinese email opens the Chinese ticket page.
    path = b.manage_path("zhang.wei@example.org")
    assert path.startswith("/zh-hans/r/")
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("我的报名")
    expect(page.locator("section.ticket")).to_contain_text("张伟")
    expect(page.locator("section.ticket")).to_contain_text(registration.ticket_display)


def test_chinese_visitor_types_a_full_width_phone_number(chinese_page, program):
    page = chinese_page
    open_chinese_form(page, program)

    b.field(page, "姓名").fill("张伟")
    b.field(page, "邮箱").fill("zhang.wei@example.org")
    b.field(page, "单位").fill("开放原子开源基金会")
    b.field(page, "职位").fill("工程师")
    b.field(page, "电话（选填）").fill("＋８６ １３８ ０００ ００００")
    page.get_by_role("checkbox", name="云原生").check()
    page.get_by_role("checkbox", name="我已阅读并同意 隐私声明").check()
    page.get_by_role("button", name="报名", exact=True).click()

    expect(page).to_have_url(re.compile(r"/zh-hans/register/done/$"), timeout=3_000)
    assert Registration.objects.get(email="zhang.wei@example.org").phone == "+86 138 000 0000"
