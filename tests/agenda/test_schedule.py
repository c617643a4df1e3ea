"""/schedule.xml and /schedule.json, read back against c3voc's schemas (tests/agenda/schemas)."""

import datetime as dt
import json
import uuid
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from agenda.models import Room, Talk
from tests.factories import ConferenceFactory, ForumFactory, RoomFactory, TalkFactory

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).parent / "schemas"
SITE = "https://gotc.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@cache
def xml_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "schedule.xml.xsd")))


@cache
def json_schema() -> dict:
    # Upstream keeps two "// TODO" lines in it, which JSON does not allow.
    text = (SCHEMAS / "schema.json").read_text()
    lines = [line for line in text.splitlines() if not line.strip().startswith("//")]
    return json.loads("\n".join(lines))


def valid_xml(response) -> etree._Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    document = etree.fromstring(response.content)
    schema = xml_schema()
    assert schema.validate(document), schema.error_log
    return document


def valid_json(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    jsonschema.Draft6Validator(json_schema()).validate(data)
    return data


def events_of(data: dict) -> list[dict]:
    return [
        event
        for day in data["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
    ]


def talk_guid(talk: Talk) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{SITE}/talks/{talk.pk}"))


# --- validity -------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/zh-hans", "/editions/{slug}"])
def test_schedule_xml_is_valid_against_the_c3voc_xsd(client, program, prefix):
    valid_xml(client.get(prefix.format(slug=program.slug) + "/schedule.xml"))


@pytest.mark.parametrize("prefix", ["", "/zh-hans", "/editions/{slug}"])
def test_schedule_json_is_valid_against_the_c3voc_schema(client, program, prefix):
    valid_json(client.get(prefix.format(slug=program.slug) + "/schedule.json"))


def test_schedule_of_an_empty_program_is_valid(client):
    ConferenceFactory(is_published=True)

    valid_xml(client.get("/schedule.xml"))
    data = valid_json(client.get("/schedule.json"))
    assert events_of(data) == []


def test_schedule_of_a_large_program_is_valid(client, conference, make_program):
    talks = make_program(conference, talks=36)

    document = valid_xml(client.get("/schedule.xml"))
    data = valid_json(client.get("/schedule.json"))

    assert len(document.findall("day/room/event")) == len(talks) == len(events_of(data))


def test_unknown_or_unpublished_edition_is_404(client, program):
    hidden = ConferenceFactory(is_published=False, slug="draft")

    assert client.get("/editions/nope/schedule.xml").status_code == 404
    assert client.get(f"/editions/{hidden.slug}/schedule.json").status_code == 404


# --- content --------------------------------------------------------------------------------


def test_xml_conference_header(client, program):
    document = valid_xml(client.get("/schedule.xml"))
    head = document.find("conference")

    assert head.findtext("title") == program.name
    assert head.findtext("acronym") == program.slug.lower()
    assert head.findtext("start") == program.start_date.isoformat()
    assert head.findtext("end") == program.end_date.isoformat()
    assert head.findtext("days") == str(len(program.days))
    assert head.findtext("time_zone_name") == "Asia/Shanghai"
    assert head.findtext("base_url") == "http://testserver/"
    assert [day.get("date") for day in document.findall("day")] == [
        day.isoformat() for day in program.days
    ]


def test_xml_event_fields(client, program):
    talk = Talk.objects.get(slug="ebpf-cloud-native")
    document = valid_xml(client.get("/schedule.xml"))

    [event] = document.xpath("//event[slug[contains(., 'ebpf-cloud-native')]]")
    assert event.get("id") == str(talk.pk)
    assert event.get("guid") == talk_guid(talk)
    assert event.getparent().get("name") == "Hall A"
    assert event.findtext("room") == "Hall A"
    assert event.findtext("title") == "eBPF in Cloud Native"
    assert event.findtext("track") == "eBPF"
    assert event.findtext("type") == "topic"
    assert event.findtext("start") == "10:00"
    assert event.findtext("duration") == "00:40"
    assert event.findtext("date") == f"{program.days[0]}T10:00:00+08:00"
    assert event.findtext("url") == "http://testserver/agenda/talks/ebpf-cloud-native/"
    assert event.findtext("abstract").startswith("Introduction to BPF")
    assert event.findtext("language") == "en"
    assert [(p.get("id"), p.text) for p in event.find("persons")] == [
        (str(talk.speakers.get().pk), "Weihua Di")
    ]


def test_json_event_fields_and_persons(client, program):
    talk = Talk.objects.get(slug="smart-road-os")
    data = valid_json(client.get("/schedule.json"))

    [event] = [e for e in events_of(data) if e["id"] == talk.pk]
    assert event["guid"] == talk_guid(talk)
    assert event["date"] == f"{program.days[1]}T13:45:00+08:00"
    assert (event["start"], event["duration"], event["room"]) == ("13:45", "00:15", "Salon")
    assert (event["track"], event["type"]) == ("Flash Talks", "flash")
    assert event["url"] == "http://testserver/agenda/talks/smart-road-os/"
    assert [p["public_name"] for p in event["persons"]] == ["Jiefeng Sha", "Weihua Di"]
    for person in event["persons"]:
        assert person["guid"] == str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"{SITE}/speakers/{person['id']}")
        )
    assert (event["links"], event["attachments"]) == ([], [])
    conference = data["schedule"]["conference"]
    assert [room["name"] for room in conference["rooms"]] == ["Main Hall", "Hall A", "Salon"]
    assert {track["name"] for track in conference["tracks"]} == {
        "Main Forum",
        "eBPF",
        "Flash Talks",
    }
    for day in conference["days"]:
        dt.datetime.fromisoformat(day["day_start"])
        assert dt.datetime.fromisoformat(day["day_end"]) > dt.datetime.fromisoformat(
            day["day_start"]
        )


def test_edition_urls_stay_under_the_edition(client, program):
    data = valid_json(client.get(f"/editions/{program.slug}/schedule.json"))

    assert data["schedule"]["base_url"] == f"http://testserver/editions/{program.slug}/"
    assert all(
        e["url"].startswith(f"http://testserver/editions/{program.slug}/agenda/talks/")
        for e in events_of(data)
    )


def test_guids_and_ids_are_the_same_in_both_formats_and_languages(client, program):
    xml_guids = {
        (int(e.get("id")), e.get("guid"))
        for e in valid_xml(client.get("/schedule.xml")).iter("event")
    }
    json_guids = {(e["id"], e["guid"]) for e in events_of(valid_json(client.get("/schedule.json")))}
    chinese = {
        (e["id"], e["guid"]) for e in events_of(valid_json(client.get("/zh-hans/schedule.json")))
    }

    assert xml_guids == json_guids == chinese
    assert len(xml_guids) == Talk.objects.count()


# --- version --------------------------------------------------------------------------------


def test_version_is_stable_and_the_same_in_both_formats(client, program):
    first = valid_json(client.get("/schedule.json"))["schedule"]["version"]
    again = valid_json(client.get("/schedule.json"))["schedule"]["version"]
    xml = valid_xml(client.get("/schedule.xml")).findtext("version")

    assert first == again == xml


def test_version_changes_when_the_program_changes(client, program):
    before = valid_json(client.get("/schedule.json"))["schedule"]["version"]
    Room.objects.filter(name="Salon").update(name_en="Salon B")  # no signal: no cache bump
    from gotc import pagecache

    pagecache.forget_versions()
    from django.core.cache import cache

    cache.clear()
    after = valid_json(client.get("/schedule.json"))["schedule"]["version"]

    assert before != after


def test_version_changes_through_the_cache_on_a_saved_change(
    client, program, django_capture_on_commit_callbacks
):
    before = valid_xml(client.get("/schedule.xml")).findtext("version")
    talk = Talk.objects.get(slug="smart-edge")
    with django_capture_on_commit_callbacks(execute=True):
        talk.title = "Smart Edge, MQTT and more"
        talk.save()

    document = valid_xml(client.get("/schedule.xml"))

    assert document.findtext("version") != before
    assert "Smart Edge, MQTT and more" in [e.findtext("title") for e in document.iter("event")]


# --- language -------------------------------------------------------------------------------


@pytest.fixture
def chinese_program(program):
    talk = Talk.objects.get(slug="ebpf-cloud-native")
    talk.title_zh_hans = "云原生中的 eBPF"
    talk.save()
    return talk


def test_chinese_under_the_prefix(client, chinese_program):
    document = valid_xml(client.get("/zh-hans/schedule.xml"))

    titles = [e.findtext("title") for e in document.iter("event")]
    assert "云原生中的 eBPF" in titles
    assert "Smart Road OS" in titles  # no Chinese title: falls back to English
    [event] = document.xpath("//event[title='云原生中的 eBPF']")
    assert event.findtext("language") == "zh"
    assert event.findtext("url") == "http://testserver/zh-hans/agenda/talks/ebpf-cloud-native/"


def test_lang_parameter_gives_the_chinese_schedule(client, chinese_program):
    response = client.get("/schedule.json?lang=zh-hans", follow=True)

    titles = [e["title"] for e in events_of(valid_json(response))]
    assert "云原生中的 eBPF" in titles


def test_accept_language_picks_the_language_and_is_cached_apart(client, chinese_program):
    chinese = client.get("/schedule.json", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    english = client.get("/schedule.json", HTTP_ACCEPT_LANGUAGE="en")
    chinese_again = client.get("/schedule.json", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    default = client.get("/schedule.json")

    assert "云原生中的 eBPF" in [e["title"] for e in events_of(valid_json(chinese))]
    assert "eBPF in Cloud Native" in [e["title"] for e in events_of(valid_json(english))]
    assert chinese_again.content == chinese.content
    assert default.content == english.content
    assert "Accept-Language" in english["Vary"]


def test_xml_follows_accept_language_too(client, chinese_program):
    response = client.get("/schedule.xml", HTTP_ACCEPT_LANGUAGE="zh-CN", follow=True)

    assert "云原生中的 eBPF" in [e.findtext("title") for e in valid_xml(response).iter("event")]


def test_events_sorted_by_time_in_each_room(client, conference):
    room = RoomFactory(conference=conference, name="Solo")
    forum = ForumFactory(conference=conference, room=room, day=1, start=dt.time(9, 0))
    later = TalkFactory(forum=forum, offset=dt.timedelta(minutes=30), slug="later")
    earlier = TalkFactory(forum=forum, offset=dt.timedelta(0), slug="earlier")

    data = valid_json(client.get("/schedule.json"))

    assert [e["id"] for e in data["schedule"]["conference"]["days"][0]["rooms"]["Solo"]] == [
        earlier.pk,
        later.pk,
    ]
