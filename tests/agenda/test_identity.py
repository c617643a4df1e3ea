"""A conference's look and feel (accent colour, logo, partners) and its default closing time,
as organizers set them in the admin and attendees see them on the home page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agenda.models import Partner, validate_accent_color
from tests.agenda.test_admin import conference_data, submit
from tests.factories import ConferenceFactory
from tests.pages import main_text, parse, text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value",
    ["#0B2A5B", "#1e3a8a", "#000000"],
    ids=["navy-upper", "indigo-lower", "black"],
)
def test_accent_color_accepts_dark_hex_colours(value):
    validate_accent_color(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0B2A5B", "Enter the colour as # and six hexadecimal digits, for example #0B2A5B."),
        ("#0B2A5", "Enter the colour as # and six hexadecimal digits, for example #0B2A5B."),
        ("#GGGGGG", "Enter the colour as # and six hexadecimal digits, for example #0B2A5B."),
        ("navy", "Enter the colour as # and six hexadecimal digits, for example #0B2A5B."),
        ("#0B2A5B;}", "Enter the colour as # and six hexadecimal digits, for example #0B2A5B."),
        (
            "#FFEE00",
            "White text on #FFEE00 is hard to read (contrast 1.2:1, at least 4.5:1 is needed): "
            "choose a darker colour.",
        ),
    ],
    ids=["no-hash", "five-digits", "not-hex", "name", "css-injection", "too-light"],
)
def test_accent_color_refuses_bad_values_with_a_clear_message(value, message):
    with pytest.raises(ValidationError) as error:
        validate_accent_color(value)

    assert error.value.messages == [message]


def test_admin_shows_a_bad_accent_colour_as_a_form_error(admin_client):
    conference = ConferenceFactory()
    url = f"/admin/agenda/conference/{conference.pk}/change/"

    response = submit(admin_client, url, {**conference_data(conference), "accent_color": "#12345"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["accent_color"] == [
        "Enter the colour as # and six hexadecimal digits, for example #0B2A5B."
    ]
    conference.refresh_from_db()
    assert conference.accent_color == ""


def test_home_sets_the_accent_colour_and_shows_the_logo(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    conference = ConferenceFactory(accent_color="#1E3A8A")
    conference.logo.save("logo.png", SimpleUploadedFile("logo.png", b"not checked here"))

    page = client.get("/").content.decode()

    assert "<style>:root { --gotc-accent: #1E3A8A; }</style>" in page
    brand = parse(client.get("/")).find(".//a[@class='navbar-brand fw-bold']/img")
    assert (brand.get("src"), brand.get("alt")) == ("/media/conferences/logo.png", conference.name)


def test_a_colour_saved_around_the_validation_never_reaches_the_style_sheet(client):
    ConferenceFactory(accent_color="red;}")

    assert "--gotc-accent: red" not in client.get("/").content.decode()


def test_home_groups_partners_by_kind_in_order(client):
    conference = ConferenceFactory()
    Partner.objects.create(conference=conference, name="Daily Open", kind="media")
    Partner.objects.create(conference=conference, name="Acme Cloud", kind="sponsor", position=2)
    Partner.objects.create(conference=conference, name="Zeta DB", kind="sponsor", position=1)
    Partner.objects.create(conference=conference, name="OpenAtom", kind="host", url="https://o.org")

    page = parse(client.get("/"))

    section = page.find(".//section[@aria-labelledby='partners-heading']")
    headings = [text(heading) for heading in section.iter("h3")]
    lists = [[text(item) for item in group.iter("li")] for group in section.iter("ul")]
    groups = list(zip(headings, lists, strict=True))
    assert groups == [
        ("Hosts", ["OpenAtom"]),
        ("Sponsors", ["Zeta DB", "Acme Cloud"]),
        ("Media partners", ["Daily Open"]),
    ]
    assert section.find(".//a[@class='partner']").get("href") == "https://o.org"


def test_home_key_facts_say_dates_zone_venue_forums_and_registration(client):
    conference = ConferenceFactory(
        start_date=dt.date(2031, 5, 27), end_date=dt.date(2031, 5, 28), address="Pudong"
    )

    facts = text(parse(client.get("/")).find(".//aside//dl"))

    assert facts == (
        "Dates 27–28 May 2031 Time zone Beijing time (UTC+8) Venue Zhangjiang Science Hall, Pudong "
        "Forums 0 forums Registration Open, free of charge"
    )
    assert conference.registration_is_open()


def test_chinese_home_reads_venue_in_chinese_order_and_beijing_time(client):
    ConferenceFactory(
        start_date=dt.date(2031, 5, 27),
        end_date=dt.date(2031, 5, 28),
        venue_zh_hans="张江科学会堂",
        address_zh_hans="中国上海市浦东新区",
    )

    text = main_text(client.get("/zh-hans/"))

    assert "中国上海市浦东新区张江科学会堂" in text
    assert "北京时间（UTC+8）" in text
    assert "2031年5月27日至28日" in text
    assert "Asia/Shanghai" not in text


# --- registration closes at the end by default ------------------------------------------------


def test_registration_without_closing_time_closes_at_the_end_of_the_last_day_at_the_venue():
    conference = ConferenceFactory(
        start_date=dt.date(2031, 5, 27),
        end_date=dt.date(2031, 5, 28),
        registration_opens=None,
        registration_closes=None,
    )
    last_minute = dt.datetime(2031, 5, 28, 23, 59, tzinfo=conference.tzinfo)

    assert conference.registration_closes_at == dt.datetime(2031, 5, 29, tzinfo=conference.tzinfo)
    assert conference.registration_is_open(last_minute)
    assert not conference.registration_is_open(last_minute + dt.timedelta(minutes=1))
    # 16:00 UTC is midnight in Shanghai: closed, whatever the server's own zone.
    assert not conference.registration_is_open(dt.datetime(2031, 5, 28, 16, 0, tzinfo=dt.UTC))


def test_an_explicit_closing_time_wins_over_the_default():
    conference = ConferenceFactory(registration_opens=None)
    conference.registration_closes = timezone.now() + dt.timedelta(days=400)

    assert conference.registration_is_open(conference.ends_at + dt.timedelta(days=1))


def test_home_of_a_past_conference_says_registration_is_closed(client):
    ConferenceFactory(
        start_date=dt.date(2023, 5, 27),
        end_date=dt.date(2023, 5, 28),
        registration_opens=None,
        registration_closes=None,
    )

    text = main_text(client.get("/"))

    assert "Registration is closed." in text
    assert "Free registration is open" not in text
    assert "Register now" not in text


def test_home_says_until_when_registration_is_open(client):
    ConferenceFactory(
        start_date=dt.date(2031, 5, 27),
        end_date=dt.date(2031, 5, 28),
        registration_opens=None,
        registration_closes=None,
    )

    english = main_text(client.get("/"))
    chinese = main_text(client.get("/zh-hans/"))

    # By default the last day one can register is the conference's last day, at the venue.
    assert "Free registration is open until May 28, 2031." in english
    assert "免费报名开放至2031年5月28日。" in chinese


# --- organizers set it in the admin -----------------------------------------------------------


def partner_row(**values: str) -> dict[str, str]:
    """One new row of the conference form's partner inline."""
    row = {"name_en": "", "name_zh_hans": "", "kind": "sponsor", "url": "", "position": "0"}
    row.update(values)
    return {
        "partners-TOTAL_FORMS": "1",
        **{f"partners-0-{name}": value for name, value in row.items()},
    }


def test_admin_saves_look_and_feel_and_a_partner(admin_client):
    conference = ConferenceFactory()
    url = f"/admin/agenda/conference/{conference.pk}/change/"
    values = {
        **conference_data(conference),
        "accent_color": "#1E3A8A",
        "directions_en": "Metro Line 2, Zhangjiang Hi-Tech Park, exit 1.",
        **partner_row(name_en="OpenAtom", name_zh_hans="开放原子", kind="host", url="openatom.org"),
    }

    response = submit(admin_client, url, values)

    assert response.status_code == 302
    conference.refresh_from_db()
    assert (conference.accent_color, conference.directions) == (
        "#1E3A8A",
        "Metro Line 2, Zhangjiang Hi-Tech Park, exit 1.",
    )
    assert [(p.name_en, p.name_zh_hans, p.kind, p.url) for p in conference.partners.all()] == [
        ("OpenAtom", "开放原子", "host", "https://openatom.org")
    ]


def test_admin_refuses_a_partner_without_a_name_or_with_a_bad_address(admin_client):
    conference = ConferenceFactory()
    url = f"/admin/agenda/conference/{conference.pk}/change/"
    values = {**conference_data(conference), **partner_row(kind="nonsense", url="not a url")}

    response = submit(admin_client, url, values)

    assert response.status_code == 200
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "partners"
    ]
    assert sorted(formset.errors[0]) == ["kind", "name_en", "url"]
    assert not Partner.objects.exists()


def test_home_shows_the_headline_image_venue_map_and_directions(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    conference = ConferenceFactory(directions="Metro Line 2.\n\nParking at the north gate.")
    conference.hero_image.save("hall.jpg", SimpleUploadedFile("hall.jpg", b"a photo"))
    conference.venue_map.save("map.png", SimpleUploadedFile("map.png", b"a map"))

    page = parse(client.get("/"))

    assert page.find(".//section[@class='hero has-image']/img").get("src") == (
        "/media/conferences/hall.jpg"
    )
    venue = page.find(".//section[@aria-labelledby='venue-heading']")
    assert text(venue) == (
        "Getting there Zhangjiang Science Hall, Pudong New Area, Shanghai "
        "Metro Line 2. Parking at the north gate."
    )
    assert venue.find(".//img").get("alt") == "Map of the way to Zhangjiang Science Hall"


def test_home_without_directions_or_partners_has_no_empty_sections(client):
    ConferenceFactory()

    page = parse(client.get("/"))

    assert page.find(".//section[@aria-labelledby='venue-heading']") is None
    assert page.find(".//section[@aria-labelledby='partners-heading']") is None
