"""The dashboard's per-day chart with one day of data or twenty, and its forums table's
phone layout (one card per forum, each number with its label)."""

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from registration.models import Registration
from registration.staff.charts import PHONE_FONT, chart
from tests.factories import RegistrationFactory
from tests.pages import parse, text

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 1)
SVG = "{http://www.w3.org/2000/svg}"


def days(counts: list[int], start: dt.date = DAY) -> list[dict]:
    return [{"day": start + dt.timedelta(days=i), "count": n} for i, n in enumerate(counts)]


def test_one_day_is_one_narrow_bar_labelled_once():
    drawn = chart(days([3]))

    (bar,) = drawn["bars"]
    assert bar["width"] <= 48  # a bar, not a block across the whole chart
    assert [label["day"] for label in drawn["labels"]] == [DAY]
    assert drawn["labels"][0]["x"] == bar["centre"]
    assert (bar["count_x"], bar["count_y"]) == (bar["centre"], bar["y"] - 6)
    assert [tick["value"] for tick in drawn["ticks"]] == [0, 3]


@pytest.mark.parametrize("count", [1, 2, 5, 7, 20, 31, 90, 400])
def test_day_labels_never_overlap_and_label_each_bar_at_most_once(count):
    drawn = chart(days(list(range(1, count + 1))))

    labels = drawn["labels"]
    xs = [label["x"] for label in labels]
    assert len({label["day"] for label in labels}) == len(labels)
    assert labels[0]["day"] == DAY
    assert all(b - a >= 4 * PHONE_FONT for a, b in itertools.pairwise(xs))
    assert all(drawn["left"] + 2 * PHONE_FONT <= x <= drawn["width"] - 2 * PHONE_FONT for x in xs)
    assert 1 <= len(labels) <= 7


def test_twenty_days_of_small_counts_write_each_count_above_its_bar():
    drawn = chart(days([n % 9 + 1 for n in range(20)]))

    assert [bar.get("count_x") is not None for bar in drawn["bars"]] == [True] * 20


def test_counts_too_wide_for_their_bars_are_left_to_the_axis():
    drawn = chart(days([100 + n for n in range(20)]))

    assert all("count_x" not in bar for bar in drawn["bars"])
    assert drawn["ticks"][-1]["value"] == 119


def test_days_without_registrations_keep_their_place_on_the_axis():
    drawn = chart([{"day": DAY, "count": 2}, {"day": DAY + dt.timedelta(days=3), "count": 1}])

    assert [(bar["day"].day, bar["count"]) for bar in drawn["bars"]] == [
        (1, 2),
        (2, 0),
        (3, 0),
        (4, 1),
    ]


def register_on(conference, day: dt.date, count: int) -> None:
    noon = dt.datetime.combine(day, dt.time(12, 0), tzinfo=conference.tzinfo)
    for _ in range(count):
        registration = RegistrationFactory(conference=conference)
        Registration.objects.filter(pk=registration.pk).update(created_at=noon)


def day_labels(response) -> list[str]:
    svg = parse(response).find(f".//section[@aria-labelledby='chart-heading']//{SVG}svg")
    return [text(t) for t in svg.iter(f"{SVG}text") if "chart-day" in t.get("class", "")]


def test_dashboard_with_one_day_of_registrations_names_the_day_once(desk_client, conference):
    today = timezone.localdate(timezone=conference.tzinfo)
    register_on(conference, today, 2)

    response = desk_client.get(reverse("staff:dashboard"))

    assert day_labels(response) == [f"{today.day} {today:%b}"]


def test_dashboard_with_twenty_days_labels_some_days_once_each(desk_client, conference):
    today = timezone.localdate(timezone=conference.tzinfo)
    for offset in range(20):
        register_on(conference, today - dt.timedelta(days=19 - offset), offset % 3 + 1)

    response = desk_client.get(reverse("staff:dashboard"))

    labels = day_labels(response)
    first = today - dt.timedelta(days=19)
    assert labels[0] == f"{first.day} {first:%b}"
    assert 3 <= len(labels) == len(set(labels)) <= 6


def test_dashboard_chart_labels_days_in_chinese(client_for, conference):
    today = timezone.localdate(timezone=conference.tzinfo)
    register_on(conference, today, 1)

    response = client_for("desk").get("/zh-hans/staff/")

    (label,) = day_labels(response)
    # "n月j日" (12月3日) once the Chinese catalogue has the "j M" format; "3 十二月" before.
    assert str(today.day) in label and "月" in label


def test_dashboard_forums_table_labels_each_number_for_the_phone_cards(
    desk_client, attendees, cloud
):
    response = desk_client.get(reverse("staff:dashboard"))

    page = parse(response)
    row = page.find(".//section[@aria-labelledby='forums-heading']//tbody/tr")
    labels = [cell.get("data-label") for cell in row.iter("td") if cell.get("data-label")]
    assert labels == ["Seated", "Capacity", "Waiting", "Came", "Stars"]
    styles = [link.get("href") for link in page.iter("link")]
    assert any(href.endswith("gotc/dashboard.css") for href in styles)
