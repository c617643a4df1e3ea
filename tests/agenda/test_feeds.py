"""Calendar feeds and the JSON program, read back the way a calendar app or a script reads them."""

import datetime as dt
import json

import pytest
from icalendar import Calendar

pytestmark = pytest.mark.django_db


def calendar_of(response) -> Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def wall_time(event, name: str) -> tuple[str, str]:
    """(TZID, local wall-clock time) of a DTSTART/DTEND property."""
    value = event[name]
    return value.params["TZID"], value.dt.strftime("%Y-%m-%d %H:%M")


# --- /agenda.ics ----------------------------------------------------------------------------


def test_agenda_ics_has_one_event_per_talk(client, program):
    response = client.get("/agenda.ics")

    events = calendar_of(response).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == [
        "Big Models Open New Era of AI (Hou Zhenyu)",
        "eBPF in Cloud Native (Weihua Di)",
        "Smart Edge and MQTT (Jiefeng Sha)",
        "Smart Road OS (Jiefeng Sha, Weihua Di)",
    ]


def test_agenda_ics_times_are_venue_wall_clock_with_tzid(client, program, settings):
    settings.TIME_ZONE = "UTC"  # the server's own zone must not leak into the feed
    first, second = program.days

    events = calendar_of(client.get("/agenda.ics")).walk("VEVENT")

    assert [(wall_time(e, "DTSTART"), wall_time(e, "DTEND")) for e in events] == [
        (("Asia/Shanghai", f"{first} 09:30"), ("Asia/Shanghai", f"{first} 10:00")),
        (("Asia/Shanghai", f"{first} 10:00"), ("Asia/Shanghai", f"{first} 10:40")),
        (("Asia/Shanghai", f"{second} 13:30"), ("Asia/Shanghai", f"{second} 13:45")),
        (("Asia/Shanghai", f"{second} 13:45"), ("Asia/Shanghai", f"{second} 14:00")),
    ]
    assert events[0]["DTSTART"].dt.utcoffset() == dt.timedelta(hours=8)


def test_agenda_ics_defines_its_time_zone(client, program):
    calendar = calendar_of(client.get("/agenda.ics"))

    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert str(calendar["X-WR-CALNAME"]) == program.name


def test_agenda_ics_uids_are_stable_across_requests(client, program):
    first = calendar_of(client.get("/agenda.ics")).walk("VEVENT")
    second = calendar_of(client.get("/agenda.ics")).walk("VEVENT")

    uids = [str(event["UID"]) for event in first]
    assert uids == [str(event["UID"]) for event in second]
    assert len(set(uids)) == len(uids)
    assert all(uid.endswith(f".{program.slug}@gotc.example.org") for uid in uids)


def test_agenda_ics_event_says_where_and_links_back(client, program):
    events = calendar_of(client.get("/agenda.ics")).walk("VEVENT")

    ebpf = events[1]
    assert str(ebpf["LOCATION"]) == "Hall A, Zhangjiang Science Hall, Pudong New Area, Shanghai"
    assert str(ebpf["URL"]) == "http://testserver/agenda/talks/ebpf-cloud-native/"
    assert str(ebpf["DESCRIPTION"]) == (
        "eBPF\n\nIntroduction to BPF; BPF in cloud native; practice at Baidu."
    )


def test_edition_ics_links_stay_in_the_edition(client, program):
    events = calendar_of(client.get(f"/editions/{program.slug}/agenda.ics")).walk("VEVENT")

    assert str(events[0]["URL"]) == (
        f"http://testserver/editions/{program.slug}/agenda/talks/big-models/"
    )


# --- /agenda/forums/<slug>.ics --------------------------------------------------------------


def test_forum_ics_is_one_event_with_its_talks(client, program):
    second_day = program.days[1]

    response = client.get("/agenda/forums/flash-talks.ics")

    events = calendar_of(response).walk("VEVENT")
    assert len(events) == 1
    forum = events[0]
    assert str(forum["SUMMARY"]) == f"{program.name}: Flash Talks"
    assert wall_time(forum, "DTSTART") == ("Asia/Shanghai", f"{second_day} 13:30")
    assert wall_time(forum, "DTEND") == ("Asia/Shanghai", f"{second_day} 15:00")
    assert str(forum["DESCRIPTION"]).splitlines()[1:] == [
        "13:30 Smart Edge and MQTT — Jiefeng Sha",
        "13:45 Smart Road OS — Jiefeng Sha, Weihua Di",
    ]
    assert response["Content-Disposition"] == f'inline; filename="{program.slug}-flash-talks.ics"'


# --- /agenda.json ---------------------------------------------------------------------------


def test_agenda_json_describes_the_conference(client, program):
    data = client.get("/agenda.json").json()

    assert data["conference"] == {
        "name": program.name,
        "slug": program.slug,
        "tagline": program.tagline,
        "description": program.description,
        "start_date": program.start_date.isoformat(),
        "end_date": program.end_date.isoformat(),
        "time_zone": "Asia/Shanghai",
        "venue": "Zhangjiang Science Hall",
        "address": "Pudong New Area, Shanghai",
        "url": "http://testserver/",
    }
    assert [(room["name"], room["seats"]) for room in data["rooms"]] == [
        ("Main Hall", 100),
        ("Hall A", 100),
        ("Salon", 100),
    ]


def test_agenda_json_lists_days_forums_and_talks(client, program):
    data = client.get("/agenda.json").json()

    first, second = program.days
    assert [
        (day["date"], [(forum["title"], forum["room"], forum["kind"]) for forum in day["forums"]])
        for day in data["days"]
    ] == [
        (first.isoformat(), [("Main Forum", "Main Hall", "main"), ("eBPF", "Hall A", "topic")]),
        (second.isoformat(), [("Flash Talks", "Salon", "flash")]),
    ]


def test_agenda_json_talks_carry_speakers_and_offset_times(client, program):
    data = client.get("/agenda.json").json()

    flash = data["days"][1]["forums"][0]
    second = program.days[1].isoformat()
    assert flash["starts_at"] == f"{second}T13:30:00+08:00"
    assert flash["ics"] == "http://testserver/agenda/forums/flash-talks.ics"
    road = flash["talks"][1]
    assert (road["title"], road["kind"], road["starts_at"], road["ends_at"]) == (
        "Smart Road OS",
        "flash",
        f"{second}T13:45:00+08:00",
        f"{second}T14:00:00+08:00",
    )
    assert road["speakers"] == [
        {
            "slug": "jiefeng-sha",
            "name": "Jiefeng Sha",
            "job_title": "Senior Engineer",
            "organization": "AIR, Baidu",
            "url": "http://testserver/agenda/speakers/jiefeng-sha/",
        },
        {
            "slug": "weihua-di",
            "name": "Weihua Di",
            "job_title": "Cloud Native Architect",
            "organization": "Baidu",
            "url": "http://testserver/agenda/speakers/weihua-di/",
        },
    ]
    assert dt.datetime.fromisoformat(road["starts_at"]).utcoffset() == dt.timedelta(hours=8)


def test_agenda_json_keeps_non_ascii_readable(client, program):
    program.name = "GOTC 全球开源技术峰会"
    program.save()

    response = client.get("/agenda.json")

    assert "GOTC 全球开源技术峰会" in response.content.decode()
    assert json.loads(response.content)["conference"]["name"] == "GOTC 全球开源技术峰会"
