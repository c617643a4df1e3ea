"""Every public page in both languages, the switcher, and a registration in Chinese."""

import datetime as dt
import re

import pytest
from django.core import mail
from post_office.models import Email

from registration.models import Registration
from tests.factories import ForumFactory, SpeakerFactory, TalkFactory, TalkSpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(conference):
    forum = ForumFactory(
        conference=conference, title_en="eBPF", title_zh_hans="eBPF 专题", slug="ebpf", capacity=5
    )
    ForumFactory(
        conference=conference,
        title_en="Flash Talks",
        title_zh_hans="闪电演讲",
        slug="flash",
        start=dt.time(14),
        capacity=1,
    )
    talk = TalkFactory(
        forum=forum, title_en="BPF in practice", title_zh_hans="BPF 实践", slug="bpf"
    )
    speaker = SpeakerFactory(conference=conference, name="Weihua Di", slug="weihua-di")
    TalkSpeakerFactory(talk=talk, speaker=speaker)
    return forum


def h1(response) -> str:
    return re.sub(
        r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S).group(1)
    ).strip()


PAGES = [
    ("/", None),
    ("/agenda/", "议程"),
    ("/agenda/forums/ebpf/", "eBPF 专题"),
    ("/agenda/talks/bpf/", "BPF 实践"),
    ("/agenda/speakers/", "嘉宾"),
    ("/agenda/speakers/weihua-di/", "Weihua Di"),
    ("/register/", None),
    ("/privacy/", "隐私声明"),
    ("/register/new-link/", None),
]


@pytest.mark.parametrize(("path", "heading"), PAGES, ids=[p for p, _ in PAGES])
def test_public_page_reads_in_chinese(client, program, path, heading):
    english = client.get(path)
    chinese = client.get(f"/zh-hans{path}")

    assert english.status_code == chinese.status_code == 200
    assert '<html lang="zh-hans">' in chinese.content.decode()
    assert "议程" in chinese.content.decode()  # the navigation
    if heading:
        assert heading in h1(chinese)
        assert heading not in h1(english) or heading == "Weihua Di"
    # The language switcher links back to the same page in English.
    assert f'href="/zh-hans{path}?lang=en"' in chinese.content.decode()


def test_chinese_home_shows_dates_the_chinese_way(client, program, conference):
    page = client.get("/zh-hans/").content.decode()
    day = conference.start_date

    assert f"{day.year}年{day.month}月{day.day}日" in page
    assert "剩余 5 个席位" in page


def test_registration_in_chinese_end_to_end(client, program, django_capture_on_commit_callbacks):
    bad = client.post("/zh-hans/register/", {"full_name": "", "email": "不是邮箱"})
    data = {
        "full_name": "张伟（Ｚｈａｎｇ）",
        "email": "zhang.wei@example.org",
        "organization": "开放原子开源基金会",
        "job_title": "工程师",
        "phone": "+86 138 0000 0000",
        "language": "zh-hans",
        "consent": "on",
        "forums": [program.pk],
    }
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/zh-hans/register/", data)

    # Django's words, or those of an app listed in INSTALLED_APPS that translates them too.
    assert "字段是必填项。" in bad.content.decode()
    assert "有效" in bad.content.decode() or "合法" in bad.content.decode()  # the email error
    assert done.status_code == 302
    assert done["Location"] == "/zh-hans/register/done/"
    registration = Registration.objects.get()
    assert (registration.full_name, registration.organization) == (
        "张伟（Ｚｈａｎｇ）",
        "开放原子开源基金会",
    )
    (message,) = mail.outbox
    assert "张伟（Ｚｈａｎｇ），您好" in message.body
    assert "/zh-hans/r/" in message.body
    assert "席位" in message.subject or "票" in message.subject
    assert Email.objects.get().to == ["zhang.wei@example.org"]


def test_conference_read_once_for_english_still_reads_in_chinese(client, conference, program):
    conference.name_en = "Global Open-source Technology Conference"
    conference.name_zh_hans = "全球开源技术峰会"
    conference.save()
    client.get("/register/")  # this process now remembers the current conference

    chinese = client.get("/zh-hans/register/").content.decode()
    english = client.get("/register/").content.decode()

    assert "全球开源技术峰会" in chinese
    assert "全球开源技术峰会" not in english
    assert "Global Open-source Technology Conference" in english
