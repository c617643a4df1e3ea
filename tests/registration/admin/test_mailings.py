"""Emails to attendees in the admin (registration/admin/mailings.py): write, preview, test,
queue once, follow the progress; bad input is a form error, never a 500; forum hosts write to
their forums only."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from registration.enums import Language, PickStatus
from registration.models import ForumHost, Mailing, MailingRecipient, MailingStatus
from registration.roles import FORUM_HOSTS, ORGANIZERS
from tests.factories import ForumFactory, ForumPickFactory, RegistrationFactory
from tests.pages import main_text, parse, text
from tests.registration.staff.reading import admin_messages

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("all_emails_due_at_once")]

ADD = reverse("admin:registration_mailing_add")


@pytest.fixture
def seated(ebpf, web3):
    """Ann (English) and 王伟 (Chinese) seated in eBPF, Fay in Web3."""
    people = {}
    for forum, name, email, language in [
        (ebpf, "Ann Lee", "ann@example.org", Language.ENGLISH),
        (ebpf, "王伟", "wei@example.org", Language.CHINESE),
        (web3, "Fay Web3", "fay@example.org", Language.ENGLISH),
    ]:
        people[name] = ForumPickFactory(
            forum=forum,
            status=PickStatus.SEATED,
            registration=RegistrationFactory(
                conference=forum.conference, full_name=name, email=email, language=language
            ),
        ).registration
    return people


def staff_client(django_user_model, username: str, group: str, forums=()) -> Client:
    user = django_user_model.objects.create_user(
        username, email=f"{username}@example.org", password="pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    for forum in forums:
        ForumHost.objects.create(user=user, forum=forum)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def organizer(django_user_model) -> Client:
    return staff_client(django_user_model, "organizer", ORGANIZERS)


@pytest.fixture
def host(django_user_model, ebpf) -> Client:
    return staff_client(django_user_model, "ebpf-host", FORUM_HOSTS, [ebpf])


def form(conference, forum=None, **overrides) -> dict:
    data = {
        "conference": conference.pk,
        "forum": forum.pk if forum else "",
        "picks": "any",
        "checked_in": "any",
        "language": "",
        "answer": "",
        "subject_en": "Room change",
        "body_en": "Hello {name}, eBPF moves to Hall C. Your ticket: {ticket_code}.",
        "subject_zh": "会场变更",
        "body_zh": "{name}，您好！eBPF 论坛改在 C 厅。票号：{ticket_code}。",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def preview_url(mailing) -> str:
    return reverse("admin:registration_mailing_preview", args=[mailing.pk])


def queue_url(mailing) -> str:
    return reverse("admin:registration_mailing_queue", args=[mailing.pk])


def errors_of(response, field: str) -> list[str]:
    """The errors the admin form shows for ``field``."""
    errors = parse(response).find(f".//ul[@id='id_{field}_error']")
    return [text(li) for li in errors.iter("li")] if errors is not None else []


def test_saving_leads_to_the_preview_of_who_and_what(organizer, conference, ebpf, seated):
    response = organizer.post(ADD, form(conference, ebpf), follow=True)

    mailing = Mailing.objects.get()
    page = main_text(response)
    assert response.redirect_chain[-1][0] == preview_url(mailing)
    assert "2 people get this email, each once." in page
    assert "Ann Lee <ann@example.org>" in page and "王伟 <wei@example.org>" in page
    assert "Fay" not in page
    assert "Hello Ann Lee, eBPF moves to Hall C." in page
    assert "Ann Lee，您好！eBPF 论坛改在 C 厅。" in page
    assert seated["Ann Lee"].manage_token not in response.content.decode()
    assert (mailing.status, mailing.created_by.username) == (MailingStatus.DRAFT, "organizer")


def test_a_placeholder_typo_is_a_form_error_and_nothing_is_saved(organizer, conference, ebpf):
    response = organizer.post(
        ADD, form(conference, ebpf, body_en="Hello {nmae}", subject_zh="会场{变更")
    )

    assert response.status_code == 200
    (typo,) = errors_of(response, "body_en")
    (brace,) = errors_of(response, "subject_zh")
    assert typo.startswith("Unknown placeholder {nmae}. Use only {name}, {manage_url},")
    assert brace.startswith("A brace { or } has no partner.")
    assert Mailing.objects.count() == 0


@pytest.mark.parametrize(
    "bad",
    [
        {"answer": "choice:abc"},
        {"answer": "choice:999999"},
        {"picks": "everybody"},
        {"language": "fr"},
        {"forum": "999999"},
        {"conference": "x"},
    ],
    ids=["answer-garbage", "answer-unknown", "picks", "language", "forum", "conference"],
)
def test_bad_choices_are_form_errors(organizer, conference, ebpf, bad):
    response = organizer.post(ADD, {**form(conference, ebpf), **bad})

    assert response.status_code == 200
    assert Mailing.objects.count() == 0


def test_a_forum_of_another_edition_is_refused(organizer, conference, ebpf):
    other = ForumFactory(title="Old eBPF")

    response = organizer.post(ADD, form(conference, other))

    assert "This forum belongs to another conference." in main_text(response)
    assert Mailing.objects.count() == 0


def test_send_a_test_to_me_reaches_only_me(
    organizer, conference, ebpf, seated, django_capture_on_commit_callbacks
):
    organizer.post(ADD, form(conference, ebpf))
    mailing = Mailing.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer.post(preview_url(mailing), {"test": "1"}, follow=True)

    assert admin_messages(response) == [
        "A test in both languages is on its way to organizer@example.org."
    ]
    assert [m.to for m in mail.outbox] == [["organizer@example.org"]] * 2
    assert mail.outbox[0].subject == "[Test] Room change"
    assert MailingRecipient.objects.count() == 0


def test_queue_asks_first_then_queues_once_even_when_clicked_twice(
    organizer, conference, ebpf, seated, django_capture_on_commit_callbacks
):
    organizer.post(ADD, form(conference, ebpf))
    mailing = Mailing.objects.get()

    asked = organizer.get(queue_url(mailing))
    with django_capture_on_commit_callbacks(execute=True):
        first = organizer.post(queue_url(mailing), {"confirm": "yes"}, follow=True)
        second = organizer.post(queue_url(mailing), {"confirm": "yes"}, follow=True)

    assert "Send this email to 2 people?" in main_text(asked)
    assert admin_messages(first) == ["The email is queued for 2 people."]
    assert admin_messages(second) == ["This email is already queued: nothing more to do."]
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "wei@example.org"]
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {"ann@example.org": "Room change", "wei@example.org": "会场变更"}


def test_a_queued_email_shows_its_progress_and_who_got_it(
    organizer, conference, ebpf, seated, django_capture_on_commit_callbacks
):
    organizer.post(ADD, form(conference, ebpf))
    mailing = Mailing.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        organizer.post(queue_url(mailing), {"confirm": "yes"})

    page = organizer.get(reverse("admin:registration_mailing_change", args=[mailing.pk]))
    log = organizer.get(
        reverse("admin:registration_mailingrecipient_changelist") + f"?mailing={mailing.pk}"
    )

    assert "2 sent, 0 in the mail queue" in main_text(page)
    assert 'name="subject_en"' not in page.content.decode()  # read-only
    assert "Ann Lee" in main_text(log) and "王伟" in main_text(log)
    assert main_text(log).count("Sent") >= 2
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT


def test_nobody_matching_says_so_and_queues_nothing(organizer, conference, ebpf, seated):
    organizer.post(ADD, form(conference, ebpf, picks="waiting"))
    mailing = Mailing.objects.get()

    preview = organizer.get(preview_url(mailing))
    queued = organizer.post(queue_url(mailing), {"confirm": "yes"}, follow=True)

    assert "Nobody matches these choices" in main_text(preview)
    assert admin_messages(queued) == ["Nobody matches these choices: nothing was queued."]
    assert (MailingRecipient.objects.count(), len(mail.outbox)) == (0, 0)
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DRAFT


def test_unknown_email_ids_are_404(organizer):
    assert (
        organizer.get(reverse("admin:registration_mailing_preview", args=[999])).status_code == 404
    )
    assert organizer.post(queue_url(Mailing(pk=999)), {"confirm": "yes"}).status_code == 404


def test_the_preview_in_a_chinese_admin_shows_both_emails(organizer, conference, ebpf, seated):
    organizer.post(ADD, form(conference, ebpf))
    mailing = Mailing.objects.get()

    response = organizer.get(f"/zh-hans{preview_url(mailing)}")

    page = main_text(response)
    assert response.status_code == 200
    assert "Ann Lee，您好！eBPF 论坛改在 C 厅。" in page
    assert "Hello Ann Lee, eBPF moves to Hall C." in page
    assert "简体中文: 1" in page


# --- forum hosts -----------------------------------------------------------------------------


def test_a_host_is_offered_only_their_forums_and_must_pick_one(host, conference, ebpf, web3):
    page = host.get(ADD)
    options = [
        option.get("value")
        for option in parse(page).iterfind(".//select[@name='forum']/option")
        if option.get("value")
    ]

    everyone = host.post(ADD, form(conference, None))
    other = host.post(ADD, form(conference, web3))

    assert options == [str(ebpf.pk)]
    assert everyone.status_code == other.status_code == 200
    assert Mailing.objects.count() == 0


def test_a_host_emails_their_forum_and_cannot_open_an_organizers_email(
    host, organizer, conference, ebpf, seated, django_capture_on_commit_callbacks
):
    organizer.post(ADD, form(conference, None, subject_en="To everyone"))
    everyone = Mailing.objects.get()
    host.post(ADD, form(conference, ebpf))
    own = Mailing.objects.exclude(pk=everyone.pk).get()

    with django_capture_on_commit_callbacks(execute=True):
        host.post(queue_url(own), {"confirm": "yes"})
    refused = [
        host.get(preview_url(everyone)).status_code,
        host.post(queue_url(everyone), {"confirm": "yes"}).status_code,
        host.get(reverse("admin:registration_mailing_change", args=[everyone.pk])).status_code,
    ]
    listed = main_text(host.get(reverse("admin:registration_mailing_changelist")))

    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "wei@example.org"]
    assert refused[:2] == [404, 404]
    assert refused[2] == 302  # the admin's "no such object" redirect to the list
    assert "To everyone" not in listed
