"""Attendee emails: content (text and HTML), and rule 5: a failing mail server never loses a
registration; the email stays queued for the worker."""

import datetime as dt
import io
from smtplib import SMTPException, SMTPServerDisconnected

import html5lib
import post_office.connections
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.utils import timezone
from post_office.models import STATUS, Email

from registration import mailing
from registration.models import PendingEmail, Registration
from tests.pages import text

pytestmark = pytest.mark.django_db


class FailingBackend(LocmemBackend):
    """A mail server that is down: every send raises."""

    def send_messages(self, messages):
        raise SMTPException("421 Service not available")


class DroppingBackend(LocmemBackend):
    """A mail server whose connection drops during an outage. Like Django's SMTP backend, a
    connection that dropped stays dead (smtplib: "please run connect() first"); a new
    connection works again once the outage is over."""

    outage = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dead = False

    def send_messages(self, messages):
        if self.dead or DroppingBackend.outage:
            self.dead = True
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def use_backend(settings, backend: type) -> None:
    path = f"{backend.__module__}.{backend.__qualname__}"
    settings.EMAIL_BACKEND = path
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": path}}


@pytest.fixture
def dropping_backend(settings):
    use_backend(settings, DroppingBackend)
    yield DroppingBackend
    DroppingBackend.outage = False


def html_part(message) -> str:
    ((content, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return content


# --- content --------------------------------------------------------------------------------


@pytest.fixture
def confirmation(
    conference, afternoon, day_two, fill, register, django_capture_on_commit_callbacks
):
    """Li Wei seated in the afternoon forum and second on day two's waiting list; the
    confirmation email is the only message in the outbox."""
    fill(day_two, 2)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = register(conference, [day_two, afternoon])
    (message,) = mail.outbox
    return outcome.registration, message


def test_confirmation_email_subject_names_conference_and_ticket(conference, confirmation):
    registration, message = confirmation

    assert message.to == ["li.wei@example.org"]
    assert message.subject == f"Your ticket for {conference.name}: {registration.ticket_display}"


def pick_line(forum, status: str) -> str:
    """How the text email lists one pick: title, day, times, room and status."""
    starts = forum.starts_at.astimezone(forum.conference.tzinfo)
    ends = forum.ends_at.astimezone(forum.conference.tzinfo)
    when = f"{starts:%a} {starts.day} {starts:%b} {starts:%H:%M}–{ends:%H:%M}"
    return f"- {forum.title}, {when}, {forum.room.name}: {status}"


def forum_url(forum) -> str:
    return f"http://testserver/editions/{forum.conference.slug}/agenda/forums/{forum.slug}/"


def test_confirmation_email_text_has_ticket_picks_and_manage_link(confirmation, afternoon, day_two):
    registration, message = confirmation

    lines = message.body.splitlines()
    assert lines[0] == "Hello Li Wei,"
    assert lines[2].startswith("You are registered for ")
    assert lines[4:9] == [
        "Your forums:",
        pick_line(afternoon, "seat reserved"),
        f"  {forum_url(afternoon)}",
        pick_line(day_two, "waiting list, number 2"),
        f"  {forum_url(day_two)}",
    ]
    assert f"Your ticket code: {registration.ticket_display}" in lines
    assert f"http://testserver/r/{registration.manage_token}/" in lines


def test_confirmation_email_html_alternative_has_ticket_qr_picks_and_manage_link(confirmation):
    registration, message = confirmation

    page = html5lib.parse(html_part(message), namespaceHTMLElements=False)
    links = [a.get("href") for a in page.iter("a")]
    assert f"http://testserver/r/{registration.manage_token}/" in links
    images = [img.get("src") for img in page.iter("img")]
    assert images == [f"cid:ticket-{registration.ticket_code}@gotc.example.org"]
    rows = [text(row) for row in page.iter("tr") if "border-bottom" in (row.get("style") or "")]
    assert len(rows) == 2
    assert rows[0].startswith("Open Source Governance")
    assert rows[0].endswith(" Seat reserved")
    assert rows[1].startswith("Flash Talks")
    assert rows[1].endswith(" Waiting list, number 2")
    assert registration.ticket_display in text(page)


@pytest.mark.parametrize(
    "full_name", ["Seán O'Brien", 'Ana "Ani" López', "Tom & Jerry <Ltd>"], ids=str
)
def test_email_text_part_is_not_html_escaped(
    conference, morning, register, django_capture_on_commit_callbacks, full_name
):
    morning.title = "Women's Open Source & Friends"
    morning.save()

    with django_capture_on_commit_callbacks(execute=True):
        register(conference, [morning], full_name=full_name)

    (message,) = mail.outbox
    assert message.body.splitlines()[0] == f"Hello {full_name},"
    assert "- Women's Open Source & Friends, " in message.body
    assert "&#x27;" not in message.body
    assert "&amp;" not in message.body
    assert "&quot;" not in message.body


def test_email_html_part_escapes_the_name(
    conference, morning, register, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(conference, [morning], full_name="<b>Mallory</b>")

    (message,) = mail.outbox
    html = html_part(message)
    assert "<b>Mallory</b>" not in html
    assert "Hello &lt;b&gt;Mallory&lt;/b&gt;," in html


@pytest.mark.parametrize(
    ("kind", "subject"),
    [
        ("confirmation", "Your ticket for {conference}: {ticket}"),
        ("change", "Your forums for {conference} have changed"),
        ("already_registered", "You are already registered for {conference}"),
    ],
    ids=["confirmation", "change", "already-registered"],
)
def test_emails_of_active_registration_have_text_and_html_with_link(
    conference, morning, register, kind, subject
):
    registration = register(conference, [morning]).registration

    title, text_part, html = mailing.render_email(registration, kind)

    manage_url = f"http://testserver/r/{registration.manage_token}/"
    calendar_url = f"http://testserver/calendar/{registration.calendar_token}.ics"
    assert title == subject.format(conference=conference.name, ticket=registration.ticket_display)
    assert manage_url in text_part
    assert calendar_url in text_part.splitlines()
    assert registration.ticket_display in text_part
    assert "Open Source Infrastructure" in text_part
    assert f'href="{manage_url}"' in html
    assert f'href="{calendar_url}"' in html
    assert "/calendar.ics" not in text_part + html
    assert "Open Source Infrastructure" in html


def test_email_of_cancelled_registration_has_no_calendar_link(conference, morning, register):
    registration = register(conference, [morning]).registration
    registration.status = "cancelled"

    _, text_part, html = mailing.render_email(registration, "cancellation")

    assert "/calendar/" not in text_part + html


def test_email_sends_the_same_link_every_time(conference, morning, register):
    """Links are derived, not drawn: a second email carries the link of the first."""
    registration = register(conference, [morning]).registration

    first = mailing.render_email(registration, "confirmation")[1]
    again = mailing.render_email(Registration.objects.get(pk=registration.pk), "confirmation")[1]

    assert first == again
    assert f"http://testserver/r/{registration.manage_token}/" in again


def test_stand_in_email_is_dropped_unsent(conference):
    stand_in = mailing.queue(None, "confirmation")

    sent = mailing.flush([stand_in.pk])

    assert sent == []
    assert PendingEmail.objects.count() == 0
    assert Email.objects.count() == 0


# --- the kept copy of a sent email holds no working link ---------------------------------------


def secrets_in_kept_copies(registration) -> list[str]:
    """Which of the registration's tokens the mail queue's copies still hold."""
    stored = " ".join(f"{email.message} {email.html_message}" for email in Email.objects.all())
    tokens = [registration.manage_token, registration.calendar_token]
    return [token for token in tokens if token in stored]


def test_sent_email_keeps_no_link_in_the_mail_queue(
    conference, morning, register, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(conference, [morning]).registration

    (message,) = mail.outbox
    assert f"http://testserver/r/{registration.manage_token}/" in message.body  # the inbox
    kept = Email.objects.get()
    assert kept.status == STATUS.sent
    assert secrets_in_kept_copies(registration) == []
    assert "http://testserver/r/[link-removed]/" in kept.message
    assert registration.ticket_display in kept.message  # what erasure finds it by


def test_worker_sends_the_link_then_forgets_it(settings, conference, morning, register):
    settings.EMAIL_DELIVERY = "worker"
    registration = register(conference, [morning]).registration

    call_command("mail_worker", "--once", stdout=io.StringIO())  # renders, sends, forgets

    (message,) = mail.outbox
    assert f"http://testserver/r/{registration.manage_token}/" in message.body
    assert Email.objects.get().status == STATUS.sent
    assert secrets_in_kept_copies(registration) == []


def test_email_not_sent_yet_keeps_its_link(
    settings, conference, morning, register, django_capture_on_commit_callbacks
):
    use_backend(settings, FailingBackend)

    with django_capture_on_commit_callbacks(execute=True):
        registration = register(conference, [morning]).registration
    mailing.flush()

    assert Email.objects.get().status == STATUS.requeued
    assert registration.manage_token in secrets_in_kept_copies(registration)


# --- rule 5: a failing mail server delays the email, never the save --------------------------


@pytest.mark.django_db(transaction=True)
def test_register_post_with_mail_server_down_saves_and_requeues_email(
    client, settings, conference, morning, form_data
):
    use_backend(settings, FailingBackend)
    before = timezone.now()

    response = client.post("/register/", form_data([morning]))

    assert response.status_code == 302
    assert response["Location"] == "/register/done/"
    registration = Registration.objects.get()
    assert registration.email == "li.wei@example.org"
    assert registration.picks.get().forum == morning
    email = Email.objects.get()
    assert email.to == ["li.wei@example.org"]
    assert email.status == STATUS.requeued
    assert email.number_of_retries == 1
    assert email.scheduled_time > before + dt.timedelta(minutes=4)
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_owed_email_is_rendered_and_sent_right_after_commit(conference, morning, register):
    registration = register(conference, [morning]).registration

    assert PendingEmail.objects.count() == 0
    assert [message.to for message in mail.outbox] == [["li.wei@example.org"]]
    assert registration.ticket_display in mail.outbox[0].subject


def test_register_with_mail_server_down_returns_outcome(
    settings, conference, morning, register, django_capture_on_commit_callbacks
):
    use_backend(settings, FailingBackend)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = register(conference, [morning])

    assert outcome.seated == [morning]
    assert Email.objects.get().status == STATUS.requeued


def test_requeued_email_is_sent_once_mail_server_is_back(
    settings, conference, morning, register, django_capture_on_commit_callbacks
):
    use_backend(settings, FailingBackend)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(conference, [morning]).registration
    email = Email.objects.get()
    use_backend(settings, LocmemBackend)
    # The worker runs later, in its own process.
    Email.objects.filter(pk=email.pk).update(scheduled_time=timezone.now())
    post_office.connections.connections.close()

    output = io.StringIO()
    call_command("mail_worker", "--once", stdout=output)

    email.refresh_from_db()
    assert output.getvalue() == "sent 1, failed 0, will retry 0\n"
    assert email.status == STATUS.sent
    assert [message.to for message in mail.outbox] == [["li.wei@example.org"]]
    assert registration.ticket_display in mail.outbox[0].body


def test_email_after_mail_server_outage_is_sent_immediately(
    dropping_backend, conference, morning, afternoon, register, django_capture_on_commit_callbacks
):
    dropping_backend.outage = True
    with django_capture_on_commit_callbacks(execute=True):
        register(conference, [morning], email="during-outage@example.org")
    dropping_backend.outage = False

    with django_capture_on_commit_callbacks(execute=True):
        register(conference, [afternoon], email="after-outage@example.org")

    assert [message.to for message in mail.outbox] == [["after-outage@example.org"]]
    assert Email.objects.get(to=["after-outage@example.org"]).status == STATUS.sent
