"""The desk dashboard at /staff/: totals, fill per forum, registrations per day."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from registration.models import Registration
from tests.factories import RegistrationFactory
from tests.pages import parse, text

pytestmark = pytest.mark.django_db


def stat(response, element_id: str) -> str:
    return text(parse(response).find(f".//*[@id='{element_id}']"))


def forum_rows(response) -> list[tuple[str, ...]]:
    """(forum, seated, capacity, waiting, came) per row of the forums table."""
    table = parse(response).find(".//section[@aria-labelledby='forums-heading']//table")
    rows = []
    for row in table.find("tbody").iter("tr"):
        cells = [text(cell) for cell in row]
        rows.append((cells[0], *cells[2:6]))
    return rows


SVG = "{http://www.w3.org/2000/svg}"


def chart(response):
    """The inline <svg> of the "registrations per day" section (None without one)."""
    return parse(response).find(f".//section[@aria-labelledby='chart-heading']//{SVG}svg")


def chart_bars(response) -> list[str]:
    """The tooltip ("YYYY-MM-DD: n") of every bar of the registrations chart."""
    svg = chart(response)
    if svg is None:
        return []
    return [text(rect.find(f"{SVG}title")) for rect in svg.iter(f"{SVG}rect")]


def test_dashboard_shows_totals(desk_client, attendees, cloud):
    attendees.zoe.checked_in_at = timezone.now()
    attendees.zoe.save()

    response = desk_client.get(reverse("staff:dashboard"))

    assert (stat(response, "stat-confirmed"), stat(response, "stat-checked-in")) == ("5", "1")


def test_dashboard_shows_fill_per_forum(desk_client, attendees, cloud):
    attendees.zhang.picks.filter(forum=cloud).update(checked_in_at=timezone.now())

    response = desk_client.get(reverse("staff:dashboard"))

    assert forum_rows(response) == [
        ("Cloud Native", "2", "2", "2", "1"),
        ("Open Source Governance", "2", "10", "0", "0"),
    ]


def test_dashboard_links_door_lists(desk_client, cloud):
    response = desk_client.get(reverse("staff:dashboard"))

    links = [a.get("href") for a in parse(response).iter("a") if text(a) == "Door list"]
    assert links == [reverse("staff:forum-print", args=[cloud.pk])]


def test_dashboard_chart_has_one_bar_per_day_with_registrations(desk_client, conference):
    tz = conference.tzinfo
    today = timezone.localdate(timezone=tz)
    days = {today - dt.timedelta(days=5): 2, today - dt.timedelta(days=2): 1, today: 3}
    for day, count in days.items():
        noon = dt.datetime.combine(day, dt.time(12, 0), tzinfo=tz)
        for _ in range(count):
            registration = RegistrationFactory(conference=conference)
            Registration.objects.filter(pk=registration.pk).update(created_at=noon)

    response = desk_client.get(reverse("staff:dashboard"))

    assert chart_bars(response) == [f"{day:%Y-%m-%d}: {count}" for day, count in days.items()]


def test_dashboard_chart_counts_days_in_the_conference_time_zone(desk_client, conference):
    # 23:30 in Shanghai is still the previous day in UTC: both belong to one Shanghai day.
    tz = conference.tzinfo
    day = timezone.localdate(timezone=tz) - dt.timedelta(days=1)
    for time in (dt.time(0, 30), dt.time(23, 30)):
        registration = RegistrationFactory(conference=conference)
        Registration.objects.filter(pk=registration.pk).update(
            created_at=dt.datetime.combine(day, time, tzinfo=tz)
        )

    response = desk_client.get(reverse("staff:dashboard"))

    assert chart_bars(response) == [f"{day:%Y-%m-%d}: 2"]


def test_dashboard_without_registrations_has_no_chart(desk_client, conference):
    response = desk_client.get(reverse("staff:dashboard"))

    section = parse(response).find(".//section[@aria-labelledby='chart-heading']")
    assert chart(response) is None
    assert text(section) == "Registrations per day No registrations yet."


@pytest.mark.parametrize(
    ("role", "offered"), [("desk", False), ("organizer", True)], ids=["desk", "organizer"]
)
def test_dashboard_offers_still_coming_to_organizers_only(client_for, conference, role, offered):
    response = client_for(role).get(reverse("staff:dashboard"))

    forms = [f.get("action") for f in parse(response).iter("form")]
    assert (reverse("staff:reconfirm") in forms) is offered


def test_dashboard_leaves_out_other_conferences(desk_client, attendees, other_conference):
    RegistrationFactory(conference=other_conference)

    response = desk_client.get(reverse("staff:dashboard"))

    assert stat(response, "stat-confirmed") == "5"
