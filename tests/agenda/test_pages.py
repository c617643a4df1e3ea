"""Public program pages, as a visitor reads them."""

import datetime as dt

import pytest
from django.utils import timezone

from agenda.models import Forum
from tests.factories import (
    ConferenceFactory,
    ForumFactory,
)
from tests.pages import main_text, parse, text, with_class

pytestmark = pytest.mark.django_db


def agenda_days(response) -> list[tuple[str, list[str]]]:
    """The agenda's day sections: (section id, forum titles in it)."""
    return [
        (section.get("id"), [text(h3) for h3 in section.iter("h3")])
        for section in parse(response).iter("section")
        if (section.get("id") or "").startswith("day-")
    ]


def forum_titles(response) -> list[str]:
    return [
        text(article.find(".//h3"))
        for article in with_class(parse(response), "article", "grid-forum")
    ]


def talk_lines(response, forum_title: str) -> list[str]:
    """Each talk of one forum on the agenda grid: time, title and speakers, as one line."""
    for article in with_class(parse(response), "article", "grid-forum"):
        if text(article.find(".//h3")) == forum_title:
            return [text(li) for li in article.iter("li")]
    raise AssertionError(f"no forum {forum_title!r} on the agenda")


# --- Home -----------------------------------------------------------------------------------


def home_forums_by_day(response) -> list[tuple[str, list[str]]]:
    """The home page's "Forums at a glance": (day heading, forum titles) in page order."""
    section = parse(response).find(".//section[@aria-labelledby='forums-heading']")
    days: list[tuple[str, list[str]]] = []
    for child in section:
        if child.tag == "h3":
            days.append((text(child), []))
        elif child.tag == "div" and days:
            days[-1][1].extend(text(h4) for h4 in child.iter("h4"))
    return days


def test_home_shows_current_conference_with_forums_by_day(client, program):
    response = client.get("/")

    assert response.status_code == 200
    page = parse(response)
    assert text(page.find(".//h1")) == program.name
    first, second = program.days
    assert home_forums_by_day(response) == [
        (f"{first:%A}, {first.day} {first:%B %Y}", ["Main Forum", "eBPF"]),
        (f"{second:%A}, {second.day} {second:%B %Y}", ["Flash Talks"]),
    ]


def test_home_shows_latest_published_conference(client):
    ConferenceFactory(name="GOTC 2023", start_date=dt.date(2023, 5, 27))
    ConferenceFactory(name="GOTC 2024", start_date=dt.date(2024, 5, 25))
    ConferenceFactory(name="GOTC 2025", start_date=dt.date(2025, 5, 24), is_published=False)

    response = client.get("/")

    assert text(parse(response).find(".//h1")) == "GOTC 2024"


@pytest.mark.parametrize("unpublished", [False, True], ids=["empty-database", "only-unpublished"])
def test_home_without_published_conference_says_so(client, db, unpublished):
    if unpublished:
        ConferenceFactory(is_published=False)

    response = client.get("/")

    assert response.status_code == 200
    assert text(parse(response).find(".//h1")) == "No conference is published yet"


def test_agenda_without_published_conference_is_not_found(client, db):
    response = client.get("/agenda/")

    assert response.status_code == 404
    assert text(parse(response).find(".//h1")) == "Page not found"


# --- Agenda ---------------------------------------------------------------------------------


def test_agenda_groups_forums_by_day(client, program):
    response = client.get("/agenda/")

    assert response.status_code == 200
    first, second = program.days
    assert agenda_days(response) == [
        (f"day-{first.isoformat()}", ["Main Forum", "eBPF"]),
        (f"day-{second.isoformat()}", ["Flash Talks"]),
    ]


def test_agenda_lists_talks_with_time_and_speakers_in_order(client, program):
    response = client.get("/agenda/")

    assert talk_lines(response, "eBPF") == ["10:00 eBPF in Cloud Native Weihua Di (Baidu)"]
    assert talk_lines(response, "Flash Talks") == [
        "13:30 Smart Edge and MQTT Jiefeng Sha (AIR, Baidu)",
        "13:45 Smart Road OS Jiefeng Sha (AIR, Baidu), Weihua Di (Baidu)",
    ]


def test_agenda_kind_filter_shows_only_that_kind(client, program):
    response = client.get("/agenda/", {"kind": "flash"})

    assert response.status_code == 200
    assert forum_titles(response) == ["Flash Talks"]


def test_agenda_kind_filter_offers_kinds_on_the_program(client, program):
    response = client.get("/agenda/", {"kind": "flash"})

    nav = parse(response).find(".//nav[@aria-label='Filter by forum kind']")
    links = [(text(a), a.get("aria-current")) for a in nav.iter("a")]
    assert links == [
        ("All forums", None),
        ("Main forum", None),
        ("Topic forum", None),
        ("Flash talks", "page"),
    ]


@pytest.mark.parametrize(
    "kind", ["bogus", "", "FLASH", "<script>"], ids=["unknown", "empty", "wrong-case", "markup"]
)
def test_agenda_unknown_kind_shows_every_forum(client, program, kind):
    response = client.get("/agenda/", {"kind": kind})

    assert response.status_code == 200
    assert forum_titles(response) == ["Main Forum", "eBPF", "Flash Talks"]


def test_agenda_kind_without_forums_says_so(client, program):
    response = client.get("/agenda/", {"kind": "workshop"})

    assert forum_titles(response) == []
    assert "No forum of this kind is on the program." in main_text(response)


# --- Details --------------------------------------------------------------------------------


def test_forum_page_lists_its_talks_in_order(client, program):
    response = client.get("/agenda/forums/flash-talks/")

    assert response.status_code == 200
    page = parse(response)
    assert text(page.find(".//h1")) == "Flash Talks"
    assert [text(h3) for h3 in page.iter("h3")] == [
        "Smart Edge and MQTT Flash talk",
        "Smart Road OS Flash talk",
    ]
    assert "Room: Salon, Zhangjiang Science Hall" in main_text(response)


def test_talk_page_shows_forum_time_and_speakers(client, program):
    response = client.get("/agenda/talks/ebpf-cloud-native/")

    assert response.status_code == 200
    page = parse(response)
    assert text(page.find(".//h1")) == "eBPF in Cloud Native"
    body = main_text(response)
    assert "10:00–10:40 · Hall A" in body
    assert "Forum: eBPF" in body
    speakers = with_class(page, "div", "speaker-card")
    assert [text(card) for card in speakers] == [
        "W Weihua Di Cloud Native Architect, Baidu Works on BPF in Baidu's cloud."
    ]


def test_speaker_list_shows_speakers_by_name_with_their_talks(client, program):
    response = client.get("/agenda/speakers/")

    assert response.status_code == 200
    cards = with_class(parse(response), "article", "card")
    assert [(text(card.find(".//h2")), [text(li) for li in card.iter("li")]) for card in cards] == [
        ("Hou Zhenyu", ["Big Models Open New Era of AI"]),
        ("Jiefeng Sha", ["Smart Edge and MQTT", "Smart Road OS"]),
        ("Weihua Di", ["eBPF in Cloud Native", "Smart Road OS"]),
    ]


def test_speaker_page_shows_affiliation_and_sessions(client, program):
    response = client.get("/agenda/speakers/weihua-di/")

    assert response.status_code == 200
    page = parse(response)
    assert text(page.find(".//h1")) == "Weihua Di"
    assert "Cloud Native Architect, Baidu" in main_text(response)
    sessions = [
        text(li.find("a")) for li in page.find(".//main").iter("li") if li.find("a") is not None
    ]
    assert sessions[-2:] == ["eBPF in Cloud Native", "Smart Road OS"]


@pytest.mark.parametrize(
    "url",
    [
        "/agenda/forums/nope/",
        "/agenda/forums/nope.ics",
        "/agenda/talks/nope/",
        "/agenda/speakers/nope/",
        "/editions/1999/",
        "/editions/1999/agenda/",
        "/no-such-page/",
    ],
    ids=["forum", "forum-ics", "talk", "speaker", "edition", "edition-agenda", "any"],
)
def test_unknown_page_is_not_found_in_site_look(client, program, url):
    response = client.get(url)

    assert response.status_code == 404
    page = parse(response)
    assert text(page.find(".//h1")) == "Page not found"
    assert text(page.find(".//title")) == "Page not found"
    assert with_class(page, "nav", "site-nav") != []
    assert text(with_class(page, "a", "btn-primary")[0]) == "Go to the home page"
    assert with_class(page, "a", "btn-primary")[0].get("href") == "/"


# --- Editions -------------------------------------------------------------------------------


@pytest.fixture
def last_year(program):
    """An older, published edition with one forum of its own."""
    older = ConferenceFactory(
        name="GOTC 2023",
        slug="2023",
        start_date=program.start_date - dt.timedelta(days=365),
        end_date=program.end_date - dt.timedelta(days=365),
    )
    ForumFactory(conference=older, title="Web3 Worlds", slug="web3")
    return older


def test_edition_agenda_shows_that_edition_with_links_under_it(client, last_year):
    response = client.get("/editions/2023/agenda/")

    assert response.status_code == 200
    assert forum_titles(response) == ["Web3 Worlds"]
    article = with_class(parse(response), "article", "grid-forum")[0]
    assert article.find(".//h3/a").get("href") == "/editions/2023/agenda/forums/web3/"


def test_edition_home_shows_that_edition(client, last_year):
    response = client.get("/editions/2023/")

    assert response.status_code == 200
    assert text(parse(response).find(".//h1")) == "GOTC 2023"


def test_current_agenda_does_not_show_other_editions(client, last_year):
    response = client.get("/agenda/")
    forum_of_last_year = client.get("/agenda/forums/web3/")

    assert forum_titles(response) == ["Main Forum", "eBPF", "Flash Talks"]
    assert forum_of_last_year.status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/editions/{slug}/", "/editions/{slug}/agenda/", "/editions/{slug}/agenda.json"],
    ids=["home", "agenda", "json"],
)
def test_unpublished_edition_is_hidden_from_visitors(client, url):
    draft = ForumFactory(conference__is_published=False).conference

    response = client.get(url.format(slug=draft.slug))

    assert response.status_code == 404
    assert text(parse(response).find(".//h1")) == "Page not found"
    assert draft.name not in response.content.decode()


def test_unpublished_edition_is_previewed_by_organizers(admin_client):
    draft = ForumFactory(conference__is_published=False, title="Draft forum").conference

    response = admin_client.get(f"/editions/{draft.slug}/agenda/")

    assert response.status_code == 200
    assert forum_titles(response) == ["Draft forum"]


# --- Time zones -----------------------------------------------------------------------------


def test_times_are_shown_in_the_conference_time_zone(client, program, settings):
    settings.TIME_ZONE = "UTC"  # the server's zone differs from the venue's
    stored = Forum.objects.values_list("starts_at", flat=True).get(slug="main-forum")

    agenda = client.get("/agenda/")
    forum = client.get("/agenda/forums/main-forum/")

    assert stored.astimezone(dt.UTC).time() == dt.time(1, 0)  # 09:00 in Shanghai
    main_forum = with_class(parse(agenda), "article", "grid-forum")[0]
    assert text(with_class(main_forum, "p", "small")[0]) == "09:00–12:00 · Main Hall"
    assert main_forum.find(".//time").get("datetime") == (
        f"{program.start_date.isoformat()}T09:00:00+08:00"
    )
    assert "09:00–12:00" in main_text(forum)


def test_conference_time_zone_does_not_leak_past_the_request(client, program, settings):
    settings.TIME_ZONE = "UTC"

    client.get("/agenda/")

    assert timezone.get_current_timezone_name() == "UTC"
