"""Organizer words in the admin: no developer words in the index and sidebar, and typed times
labelled with their zone in plain words."""

import datetime as dt

import pytest

from agenda.admin import typed_times_note, utc_offset

pytestmark = pytest.mark.django_db


def test_the_admin_index_speaks_to_organizers(admin_client):
    page = admin_client.get("/admin/").content.decode()

    for words in [
        "Emails sent",
        "Delivery attempts",
        "Activity log",
        "Forum seats and waiting lists",
    ]:
        assert words in page
    for developer_words in ["Post Office", "Log entries", "Forum picks", ">Logs<"]:
        assert developer_words not in page


def test_the_registration_page_names_its_forum_places_plainly(admin_client, conference):
    from tests.factories import RegistrationFactory

    registration = RegistrationFactory(conference=conference)

    page = admin_client.get(
        f"/admin/registration/registration/{registration.pk}/change/"
    ).content.decode()

    assert "Forum seats and waiting lists (change them through" in page


@pytest.mark.parametrize("path", ["/admin/agenda/forum/add/", "/admin/agenda/talk/add/"])
def test_time_fields_say_beijing_time(admin_client, settings, path):
    settings.TIME_ZONE = "Asia/Shanghai"

    page = admin_client.get(path).content.decode()

    assert "Times are in Beijing time (UTC+8)." in page
    assert "TIME_ZONE" not in page
    assert "server&#x27;s time zone" not in page and "server's time zone" not in page


def test_a_zone_without_a_plain_name_shows_its_name(settings):
    settings.TIME_ZONE = "Europe/Berlin"

    assert typed_times_note().startswith("Times are in Europe/Berlin (UTC+")


@pytest.mark.parametrize(
    ("zone", "at", "offset"),
    [
        ("Asia/Shanghai", dt.datetime(2023, 5, 27, tzinfo=dt.UTC), "UTC+8"),
        ("UTC", dt.datetime(2023, 5, 27, tzinfo=dt.UTC), "UTC+0"),
        ("Asia/Kolkata", dt.datetime(2023, 5, 27, tzinfo=dt.UTC), "UTC+5:30"),
        ("America/New_York", dt.datetime(2023, 1, 10, tzinfo=dt.UTC), "UTC-5"),
        ("America/New_York", dt.datetime(2023, 7, 10, tzinfo=dt.UTC), "UTC-4"),
    ],
)
def test_utc_offset(zone, at, offset):
    assert utc_offset(zone, at) == offset
