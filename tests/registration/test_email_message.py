"""The email an attendee receives, parsed as their mail client would: the MIME message
django-post-office builds from its queue. It arrives whole: the ticket's QR code as an inline
part the HTML shows by Content-ID, the calendar of their forums as an ``.ics`` part, the venue
with a map link, links to the forum pages, every link under SITE_URL; in English and Chinese."""

import email
import os
import re
from email import policy

import html5lib
import pytest
from django.core import mail
from django.core.files.storage import default_storage
from post_office.models import STATUS, Attachment, Email

from registration import mailing
from registration.services import privacy
from tests.pages import text

pytestmark = pytest.mark.django_db

SITE_URL = "http://testserver"
URL = re.compile(r"https?://[^\s<>\"']+")


@pytest.fixture
def contact(conference):
    conference.address_en = "Pudong New Area, Shanghai, China"
    conference.address_zh_hans = "中国上海市浦东新区"
    conference.venue_zh_hans = "张江科学会堂"
    conference.contact_email = "contact@gotc.example.org"
    conference.contact_wechat_id = "GOTC_demo"
    conference.save()
    return conference


def sent(register, conference, forums, capture, **attendee) -> email.message.EmailMessage:
    """Register, and return the one email sent, as the bytes on the wire parsed back."""
    with capture(execute=True):
        register(conference, forums, **attendee)
    (message,) = mail.outbox
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def part(message, content_type: str):
    (found,) = [p for p in message.walk() if p.get_content_type() == content_type]
    return found


def links(html: str) -> list[str]:
    page = html5lib.parse(html, namespaceHTMLElements=False)
    return [a.get("href") for a in page.iter("a")]


@pytest.fixture
def english(register, contact, morning, afternoon, django_capture_on_commit_callbacks):
    return sent(register, contact, [morning, afternoon], django_capture_on_commit_callbacks)


def test_qr_code_is_an_inline_part_the_html_shows_by_content_id(english):
    qr = part(english, "image/png")
    html = part(english, "text/html").get_content()

    content_id = qr["Content-ID"].strip("<>")
    assert f'src="cid:{content_id}"' in html
    assert qr.get_content_disposition() == "inline"
    assert qr.get_content().startswith(b"\x89PNG\r\n\x1a\n")
    assert "data:image" not in html


def test_calendar_of_the_seated_forums_is_attached(english, morning, afternoon):
    calendar = part(english, "text/calendar")

    body = calendar.get_content()
    assert calendar.get_filename() == f"{morning.conference.slug}-my-forums.ics"
    assert calendar.get_content_disposition() == "attachment"
    assert body.count("BEGIN:VEVENT") == 2
    assert f"SUMMARY:{morning.conference.name}: {morning.title}" in body
    assert f"SUMMARY:{afternoon.conference.name}: {afternoon.title}" in body
    assert f"URL:{SITE_URL}/editions/{morning.conference.slug}/agenda/forums/{morning.slug}/" in (
        body.replace("\r\n ", "")
    )


def test_every_link_is_under_the_site_url_but_the_map_and_mail(english, contact, morning):
    html = part(english, "text/html").get_content()
    plain = part(english, "text/plain").get_content()

    hrefs = links(html)
    map_link = "https://www.openstreetmap.org/search?query=Pudong+New+Area%2C+Shanghai%2C+China"
    forum = f"{SITE_URL}/editions/{contact.slug}/agenda/forums/{morning.slug}/"
    assert forum in hrefs
    assert map_link in hrefs
    assert "mailto:contact@gotc.example.org" in hrefs
    assert f"{SITE_URL}/contact/" in hrefs
    outside = [h for h in hrefs if not h.startswith(f"{SITE_URL}/")]
    assert outside == [map_link, "mailto:contact@gotc.example.org"]
    assert [u for u in URL.findall(plain) if not u.startswith(f"{SITE_URL}/")] == [map_link]
    assert forum in plain.splitlines()[6]


def test_email_names_venue_address_map_and_contact(english, contact):
    plain = part(english, "text/plain").get_content().splitlines()
    page = html5lib.parse(part(english, "text/html").get_content(), namespaceHTMLElements=False)

    assert f"Venue: {contact.venue}, Pudong New Area, Shanghai, China" in plain
    assert "Email: contact@gotc.example.org" in plain
    assert "WeChat: GOTC_demo" in plain
    assert f"{contact.venue}, Pudong New Area, Shanghai, China" in text(page)
    assert "Questions? Contact the organizers: contact@gotc.example.org · WeChat: GOTC_demo" in (
        text(page)
    )


def test_greeting_then_a_capitalised_sentence(english):
    lines = part(english, "text/plain").get_content().splitlines()

    assert lines[:3] == [
        "Hello Li Wei,",
        "",
        lines[2],
    ]
    assert lines[2].startswith("You are registered for ")


def test_chinese_email_has_chinese_greeting_and_full_width_punctuation(
    register, contact, morning, django_capture_on_commit_callbacks
):
    message = sent(
        register,
        contact,
        [morning],
        django_capture_on_commit_callbacks,
        full_name="李伟",
        language="zh-hans",
    )

    plain = part(message, "text/plain").get_content()
    html = part(message, "text/html").get_content()
    lines = plain.splitlines()
    assert lines[0] == "李伟，您好："
    assert "您的论坛：" in lines
    (pick,) = [line for line in lines if line.startswith("- ")]
    title, room = morning.title, morning.room.name
    assert re.fullmatch(rf"- {title}，\d+月\d+日 周. 09:00–12:00，{room}：已预留席位", pick), pick
    assert "李伟，您好：" in html
    assert "地点：中国上海市浦东新区张江科学会堂" in lines
    assert f"{SITE_URL}/zh-hans/editions/{contact.slug}/agenda/forums/{morning.slug}/" in plain
    assert part(message, "image/png")["Content-ID"]
    assert "BEGIN:VEVENT" in part(message, "text/calendar").get_content()


def test_waiting_only_registration_gets_the_qr_but_no_empty_calendar(
    register, contact, day_two, fill, django_capture_on_commit_callbacks
):
    fill(day_two, 2)

    message = sent(register, contact, [day_two], django_capture_on_commit_callbacks)

    types = [p.get_content_type() for p in message.walk()]
    assert "image/png" in types
    assert "text/calendar" not in types


def test_cancellation_carries_no_ticket_and_no_calendar(contact, morning, register):
    registration = register(contact, [morning]).registration
    registration.status = "cancelled"

    assert mailing.attachments_for(registration) == {}
    _, plain, html = mailing.render_email(registration, "cancellation")
    assert "cid:" not in html
    assert "Contact the organizers: http://testserver/contact/" in plain


def stored_files(settings) -> list[str]:
    return [name for _, _, names in os.walk(settings.MEDIA_ROOT) for name in names]


def test_sent_email_keeps_no_attachment_files(english, settings):
    """Once in the inbox, the kept copy loses its attachments as it loses its links."""
    assert Email.objects.get().status == STATUS.sent
    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []


def test_queued_email_keeps_its_attachments_until_erasure(
    settings, contact, morning, register, django_capture_on_commit_callbacks
):
    settings.EMAIL_DELIVERY = "worker"
    registration = register(contact, [morning]).registration
    mailing.flush()
    kept = Email.objects.get()
    message = email.message_from_bytes(
        kept.prepare_email_message().message().as_bytes(), policy=policy.default
    )
    assert part(message, "image/png").get_content().startswith(b"\x89PNG")
    files = [a.file.name for a in Attachment.objects.all()]
    assert len(files) == 2

    privacy.erase_registration(registration=registration)

    assert Email.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert not any(default_storage.exists(name) for name in files)
    assert stored_files(settings) == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    "kind",
    ["confirmation", "change", "already_registered", "promotion", "reconfirmation", "cancellation"],
)
def test_every_email_is_valid_html_with_a_capitalised_first_sentence(
    contact, morning, register, kind, language
):
    registration = register(contact, [morning], language=language).registration
    if kind == "cancellation":
        registration.status = "cancelled"

    _, plain, html = mailing.render_email(registration, kind, forum=morning)

    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)
    greeting, blank, sentence = plain.splitlines()[:3]
    assert blank == ""
    assert sentence[0] == sentence[0].upper(), sentence
    assert greeting == ("Hello Li Wei," if language == "en" else "Li Wei，您好：")
