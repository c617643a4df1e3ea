"""Program days in each language (agenda/templatetags/program.py, formats in gotc/formats)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from agenda.templatetags.program import day_long, day_short

SATURDAY = dt.date(2023, 5, 27)


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [
        ("en", "Sat 27 May", "Saturday, 27 May 2023"),
        ("zh-hans", "5月27日 周六", "2023年5月27日 星期六"),
    ],
    ids=["english", "chinese"],
)
def test_days_read_the_way_of_the_language(language, short, long):
    with translation.override(language):
        assert (day_short(SATURDAY), day_long(SATURDAY)) == (short, long)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2023, 5, 22), "5月22日 周一"),
        (dt.date(2023, 5, 28), "5月28日 周日"),
        (dt.date(2023, 12, 1), "12月1日 周五"),
    ],
    ids=["monday", "sunday", "december"],
)
def test_chinese_short_days_use_short_weekday_names(day, expected):
    with translation.override("zh-hans"):
        assert day_short(day) == expected


def test_a_moment_is_shown_on_the_day_of_the_active_time_zone():
    # 20:00 UTC on Saturday is already Sunday in Shanghai.
    moment = dt.datetime(2023, 5, 27, 20, 0, tzinfo=dt.UTC)

    with timezone.override(ZoneInfo("Asia/Shanghai")), translation.override("en"):
        assert (day_short(moment), day_long(moment)) == ("Sun 28 May", "Sunday, 28 May 2023")


def test_without_an_active_language_days_are_english():
    translation.deactivate_all()

    assert day_short(SATURDAY) == "Sat 27 May"


@pytest.mark.parametrize("value", [None, "", "2023-05-27"], ids=["none", "empty", "text"])
def test_a_value_that_is_no_date_shows_nothing(value):
    assert (day_short(value), day_long(value)) == ("", "")


def test_filters_in_a_template():
    template = Template("{% load program %}{{ day|day_short }} / {{ day|day_long }}")

    with translation.override("zh-hans"):
        rendered = template.render(Context({"day": SATURDAY}))

    assert rendered == "5月27日 周六 / 2023年5月27日 星期六"


def test_django_date_formats_of_the_language_are_unchanged():
    # gotc/formats adds the program's day formats; Django's own stay as they were.
    template = Template('{{ day|date:"DATE_FORMAT" }}')

    with translation.override("zh-hans"):
        chinese = template.render(Context({"day": SATURDAY}))
    with translation.override("en"):
        english = template.render(Context({"day": SATURDAY}))

    assert (chinese, english) == ("2023年5月27日", "May 27, 2023")
