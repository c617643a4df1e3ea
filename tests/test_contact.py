"""How attendees reach the organizers: the contact page, the footer, the privacy notice and the
error pages (404, 429 and, without the database, 500 and 503)."""

import io
import types

import django_ratelimit.core
import pytest
import segno
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from gotc import views
from gotc.database import database_down_response
from tests.pages import main_text, parse, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(conference):
    conference.address_zh_hans = "中国上海市浦东新区"
    conference.venue_zh_hans = "张江科学会堂"
    conference.contact_email = "contact@gotc.example.org"
    conference.contact_wechat_id = "GOTC_demo"
    conference.contact_phone = "+86 21 5555 0100"
    conference.save()
    return conference


def hrefs(response) -> list[str]:
    return [a.get("href") for a in parse(response).iter("a")]


def contact_details(response) -> dict[str, str]:
    """The organizers' contact as listed: {label: value}."""
    (listing,) = [dl for dl in parse(response).iter("dl") if "contact-list" in dl.get("class")]
    labels = [text(dt) for dt in listing.iter("dt")]
    return dict(zip(labels, [text(dd) for dd in listing.iter("dd")], strict=True))


def footer_links(response) -> dict[str, str]:
    footer = parse(response).find(".//footer")
    return {text(a): a.get("href") for a in footer.iter("a")}


# --- the contact page -------------------------------------------------------------------------


def test_contact_page_gives_every_way_to_reach_the_organizers(client, contact):
    response = client.get("/contact/")

    assert response.status_code == 200
    assert contact_details(response) == {
        "Email": "contact@gotc.example.org",
        "WeChat ID": "GOTC_demo",
        "Phone": "+86 21 5555 0100",
    }
    body = main_text(response)
    assert "Zhangjiang Science Hall, Pudong New Area, Shanghai" in body
    links = hrefs(response)
    assert "mailto:contact@gotc.example.org" in links
    assert "tel:+862155550100" in links
    assert "https://www.openstreetmap.org/search?query=Pudong+New+Area%2C+Shanghai" in links
    assert "/privacy/" in links


def test_contact_page_in_chinese_names_the_venue_in_chinese_order(client, contact):
    response = client.get("/zh-hans/contact/")

    assert contact_details(response) == {
        "邮箱": "contact@gotc.example.org",
        "微信号": "GOTC_demo",
        "电话": "+86 21 5555 0100",
    }
    body = main_text(response)
    assert "中国上海市浦东新区张江科学会堂" in body
    assert "/zh-hans/privacy/" in hrefs(response)


def test_organizers_map_link_replaces_the_map_search(client, contact):
    contact.map_url = "https://uri.amap.com/marker?position=121.59,31.20&name=GOTC"
    contact.save()

    response = client.get("/contact/")

    assert contact.map_url in hrefs(response)
    assert not [link for link in hrefs(response) if "openstreetmap" in link]


def test_contact_page_shows_the_wechat_qr_code(client, contact, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    png = io.BytesIO()
    segno.make_qr("https://u.wechat.com/demo").save(png, kind="png", scale=4)
    contact.contact_wechat_qr = SimpleUploadedFile("wechat.png", png.getvalue(), "image/png")
    contact.save()

    response = client.get("/contact/")

    (image,) = [img for img in parse(response).iter("img") if "contact-qr" in img.get("class")]
    assert image.get("src") == contact.contact_wechat_qr.url
    assert "WeChat QR code" in image.get("alt")


def test_contact_page_without_a_contact_says_so(client, conference):
    response = client.get("/contact/")

    assert "The organizers have not published a contact yet." in main_text(response)


def test_contact_page_of_an_empty_site_is_not_an_error(client, db):
    response = client.get("/contact/")

    assert response.status_code == 200
    assert "No conference is published yet" in main_text(response)


def test_contact_page_refuses_a_post_without_an_error(client, contact):
    response = client.post("/contact/", {"anything": "x"})

    assert response.status_code == 405


def test_admin_edits_the_contact_with_the_conference(admin_client, contact):
    response = admin_client.get(f"/admin/agenda/conference/{contact.pk}/change/")

    assert response.status_code == 200
    page = parse(response)
    for name in ["contact_email", "contact_phone", "contact_wechat_id", "contact_wechat_qr"]:
        assert page.find(f".//input[@name='{name}']") is not None, name
    assert page.find(".//input[@name='map_url']") is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [("contact_email", "not an address"), ("map_url", "javascript:alert(1)")],
)
def test_contact_fields_refuse_bad_values(contact, field, value):
    setattr(contact, field, value)

    with pytest.raises(ValidationError) as refused:
        contact.full_clean()

    assert field in refused.value.message_dict


# --- the footer -------------------------------------------------------------------------------


def test_footer_gives_attendees_the_contact_and_no_admin_login(client, contact):
    links = footer_links(client.get("/"))

    assert links["Contact"] == "/contact/"
    assert links["Privacy"] == "/privacy/"
    assert "Organizers" not in links
    assert "/admin/" not in links.values()


def test_footer_keeps_the_staff_links_for_staff(admin_client, contact):
    links = footer_links(admin_client.get("/"))

    assert links["Contact"] == "/contact/"
    assert links["Organizers"] == "/admin/"
    assert links["Registration desk"] == "/staff/"


# --- the privacy notice -----------------------------------------------------------------------


def test_privacy_notice_says_whom_to_write_to(client, contact):
    response = client.get("/privacy/")

    body = main_text(response)
    assert f"The organizers of {contact.name}, who are responsible for your data:" in body
    assert "mailto:contact@gotc.example.org" in hrefs(response)


def test_privacy_notice_without_a_contact_links_the_contact_page(client, conference):
    response = client.get("/privacy/")

    assert "/contact/" in hrefs(response)


# --- error pages ------------------------------------------------------------------------------


def test_404_page_gives_the_contact_and_the_new_link_page(client, contact):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "mailto:contact@gotc.example.org" in hrefs(response)
    assert "/register/new-link/" in hrefs(response)


@pytest.fixture
def hourly_limit(settings, monkeypatch):
    """Registration limited to 1 an hour, counted on a stopped clock."""
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": "1/h"}
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: 1.8e9))


def test_429_page_tells_the_real_window_and_the_contact(client, contact, hourly_limit):
    client.post("/register/", {"full_name": "First"})

    response = client.post("/register/", {"full_name": "Second"})

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    body = main_text(response)
    assert "Please try again in an hour." in body
    assert "was not saved" in body
    assert "nothing you already submitted is lost" not in body
    assert "few minutes" not in body
    assert "mailto:contact@gotc.example.org" in hrefs(response)


def test_429_page_in_chinese(client, contact, hourly_limit):
    client.post("/zh-hans/register/", {"full_name": "First"})

    response = client.post("/zh-hans/register/", {"full_name": "Second"})

    assert response.status_code == 429
    assert "请在 1 小时后再试。" in main_text(response)


@pytest.mark.parametrize(
    ("rate", "retry_after", "says"),
    [
        ("1/m", "60", "Please try again in a minute."),
        ("1/10m", "600", "Please try again in 10 minutes."),
        ("1/d", "86400", "Please try again in 24 hours."),
    ],
)
def test_429_page_follows_the_configured_window(
    client, contact, hourly_limit, settings, rate, retry_after, says
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": rate}
    client.post("/register/", {"full_name": "First"})

    response = client.post("/register/", {"full_name": "Second"})

    assert response["Retry-After"] == retry_after
    assert says in main_text(response)


def test_500_and_503_pages_show_the_contact_without_a_query(
    client, contact, django_assert_num_queries
):
    client.get("/")  # this process reads the current conference once
    request = RequestFactory().get("/somewhere/")

    with django_assert_num_queries(0):
        server_error = views.server_error(request)
        database_down = database_down_response(request)

    for response in (server_error, database_down):
        assert b"mailto:contact@gotc.example.org" in response.content


def test_500_page_of_a_process_that_has_read_no_conference_yet(contact):
    response = views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"mailto:" not in response.content
