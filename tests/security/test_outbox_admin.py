"""The mail queue in the admin (post_office): whoever may only read it (organizers, a view-only
organizer) is offered no action, and a forged action, edit, delete or resend changes nothing
and sends nothing; a user who may change emails still requeues them."""

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from post_office.models import STATUS, Attachment, Email, EmailTemplate, Log

from tests.registration.staff.reading import action_choices
from tests.registration.staff.roles import make_more_user
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_email(settings, tmp_path) -> Email:
    """A confirmation sent, its delivery logged, a template and an attachment."""
    settings.MEDIA_ROOT = tmp_path
    email = Email.objects.create(
        from_email="gotc@example.org",
        to=["zoe@example.org"],
        subject="Your GOTC registration",
        message="See you in Shanghai",
        status=STATUS.sent,
    )
    Log.objects.create(email=email, status=STATUS.sent, message="delivered")
    EmailTemplate.objects.create(name="confirmation", subject="Welcome", content="Hi")
    attachment = Attachment.objects.create(
        name="ticket.pdf", file=ContentFile(b"%PDF-1.4", name="ticket.pdf")
    )
    attachment.emails.add(email)
    return email


@pytest.fixture
def viewer_client(django_user_model) -> Client:
    """Staff with every view_* permission on registration and post_office, nothing else."""
    client = Client()
    client.force_login(make_more_user(django_user_model, "viewer", password=PASSWORD))
    return client


@pytest.fixture
def readers(viewer_client, client_for) -> dict[str, Client]:
    """Everyone who may read the mail queue but not change it."""
    return {"viewer": viewer_client, "organizer": client_for("organizer")}


def outbox_state() -> tuple:
    return (
        list(Email.objects.order_by("pk").values_list("status", "to", "subject")),
        Log.objects.count(),
        list(EmailTemplate.objects.values_list("name", "subject")),
        Attachment.objects.count(),
        len(mail.outbox),
    )


@pytest.mark.parametrize("reader", ["viewer", "organizer"])
def test_reader_is_offered_no_requeue_and_a_forged_one_changes_nothing(readers, sent_email, reader):
    client = readers[reader]
    url = reverse("admin:post_office_email_changelist")
    before = outbox_state()

    offered = action_choices(client.get(url))
    # With and without "index": the admin's two ways of posting an action.
    forged = [
        client.post(url, {"action": "requeue", "_selected_action": [sent_email.pk]}),
        client.post(url, {"action": "requeue", "_selected_action": [sent_email.pk], "index": 0}),
    ]

    assert offered == []
    assert [response.status_code for response in forged] == [200, 200]
    assert outbox_state() == before


@pytest.mark.parametrize(
    ("model", "action"),
    [
        ("email", "delete_selected"),
        ("log", "delete_selected"),
        ("emailtemplate", "delete_selected"),
        ("attachment", "delete_selected"),
    ],
)
def test_viewer_is_offered_no_action_on_any_post_office_list(
    viewer_client, sent_email, model, action
):
    url = reverse(f"admin:post_office_{model}_changelist")
    selected = {
        "email": sent_email.pk,
        "log": Log.objects.get().pk,
        "emailtemplate": EmailTemplate.objects.get().pk,
        "attachment": Attachment.objects.get().pk,
    }[model]
    before = outbox_state()

    page = viewer_client.get(url)
    forged = viewer_client.post(
        url, {"action": action, "_selected_action": [selected], "post": "yes"}
    )

    assert (page.status_code, action_choices(page)) == (200, [])
    assert forged.status_code == 200
    assert outbox_state() == before


@pytest.mark.parametrize("reader", ["viewer", "organizer"])
def test_reader_cannot_resend_edit_or_delete_an_email(readers, sent_email, reader):
    client = readers[reader]
    change = reverse("admin:post_office_email_change", args=[sent_email.pk])
    before = outbox_state()

    answers = [
        client.post(reverse("admin:resend", args=[sent_email.pk])).status_code,
        client.post(change, {"to": "attacker@example.org", "status": STATUS.queued}).status_code,
        client.post(
            reverse("admin:post_office_email_delete", args=[sent_email.pk]), {"post": "yes"}
        ).status_code,
    ]

    assert answers == [403, 403, 403]
    assert outbox_state() == before


def test_reader_still_reads_the_email(viewer_client, sent_email):
    response = viewer_client.get(reverse("admin:post_office_email_change", args=[sent_email.pk]))

    assert response.status_code == 200
    assert "See you in Shanghai" in response.content.decode()


def test_user_who_may_change_emails_requeues_them(admin_client, sent_email):
    url = reverse("admin:post_office_email_changelist")

    offered = action_choices(admin_client.get(url))
    admin_client.post(url, {"action": "requeue", "_selected_action": [sent_email.pk]})

    sent_email.refresh_from_db()
    assert offered == ["delete_selected", "requeue"]
    assert sent_email.status == STATUS.queued


def test_send_again_is_a_post_button_for_those_who_may_change_emails(
    admin_client, viewer_client, sent_email
):
    change = reverse("admin:post_office_email_change", args=[sent_email.pk])
    resend = reverse("admin:resend", args=[sent_email.pk])

    for_admin = admin_client.get(change).content.decode()
    for_viewer = viewer_client.get(change).content.decode()

    assert f'<form method="post" action="{resend}"' in for_admin
    assert resend not in for_viewer


def test_send_again_by_a_followed_link_sends_nothing(admin_client, sent_email):
    before = outbox_state()

    response = admin_client.get(reverse("admin:resend", args=[sent_email.pk]))

    assert (response.status_code, response["Allow"]) == (405, "POST")
    assert outbox_state() == before


def test_send_again_by_post_sends_the_email_again(admin_client, sent_email):
    response = admin_client.post(reverse("admin:resend", args=[sent_email.pk]))

    assert response.status_code == 302
    assert [message.subject for message in mail.outbox] == ["Your GOTC registration"]
