"""Admin actions on registrations are recorded (who, what, when) in the admin log, which
organizers can read and nobody can change."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from registration.enums import RegistrationStatus
from registration.models import Registration
from tests.pages import parse, text

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/registration/registration/"
ADMIN_LOG = "/admin/admin/logentry/"


def run_action(client, action: str, *registrations):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [r.pk for r in registrations]}
    )


def entries() -> list[tuple]:
    return [
        (entry.user.username, entry.object_id, entry.action_flag, entry.get_change_message())
        for entry in LogEntry.objects.select_related("user").order_by("pk")
    ]


@pytest.mark.parametrize(
    ("role", "action", "message"),
    [
        ("organizer", "cancel_selected", "Changed cancelled."),
        pytest.param("organizer", "check_in_selected", "Changed checked in."),
        pytest.param("desk", "check_in_selected", "Changed checked in."),
        ("organizer", "revoke_links", "Changed private link replaced."),
        ("organizer", "resend_confirmation", "Changed confirmation email resent."),
    ],
    ids=["cancel", "check-in", "desk-check-in", "revoke", "resend"],
)
def test_action_is_recorded_with_user_and_change(client_for, people, role, action, message):
    client = client_for(role)

    response = run_action(client, action, people.li, people.zoe)

    assert response.status_code == 302
    li, zoe = str(people.li.pk), str(people.zoe.pk)
    assert sorted(entries()) == sorted([(role, li, CHANGE, message), (role, zoe, CHANGE, message)])
    content_type = ContentType.objects.get_for_model(Registration)
    assert set(LogEntry.objects.values_list("content_type", flat=True)) == {content_type.pk}


def test_undo_check_in_is_recorded(client_for, people):
    client = client_for("desk")
    run_action(client, "check_in_selected", people.li)

    run_action(client, "undo_check_in", people.li)

    assert [entry[3] for entry in entries()] == ["Changed checked in.", "Changed check-in undone."]


def test_action_that_changes_nothing_records_nothing(client_for, people):
    """Cancelling an already cancelled registration is not a change."""
    client = client_for("organizer")
    run_action(client, "cancel_selected", people.zoe)
    LogEntry.objects.all().delete()

    run_action(client, "cancel_selected", people.zoe)

    assert entries() == []
    assert Registration.objects.get(pk=people.zoe.pk).status == RegistrationStatus.CANCELLED


def test_refused_action_records_nothing(client_for, people):
    desk = client_for("desk")

    run_action(desk, "cancel_selected", people.li)

    assert entries() == []
    assert Registration.objects.get(pk=people.li.pk).status == RegistrationStatus.CONFIRMED


def test_edit_of_attendee_details_is_recorded(client_for, people):
    organizer = client_for("organizer")
    url = reverse("admin:registration_registration_change", args=[people.zoe.pk])
    data = {
        "full_name": "Zoë O'Brien",
        "email": "zoe@example.org",
        "organization": "O'Reilly Media",
        "job_title": "Editor",
        "phone": "",
        "language": "en",
        "picks-TOTAL_FORMS": "1",
        "picks-INITIAL_FORMS": "1",
        "picks-MIN_NUM_FORMS": "0",
        "picks-MAX_NUM_FORMS": "1000",
        "picks-0-id": str(people.zoe.picks.get().pk),
        "picks-0-registration": str(people.zoe.pk),
        # The answers inline (read-only) sends its management form too.
        "answers-TOTAL_FORMS": "0",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "1000",
    }

    response = organizer.post(url, data)

    assert response.status_code == 302
    assert entries() == [("organizer", str(people.zoe.pk), CHANGE, "Changed Organization.")]


def test_organizer_reads_the_admin_log(client_for, people):
    organizer = client_for("organizer")
    run_action(organizer, "cancel_selected", people.zoe)

    response = organizer.get(ADMIN_LOG)

    assert response.status_code == 200
    rows = [
        [text(cell) for cell in row.findall("./td")]
        for row in parse(response).find(".//table[@id='result_list']").find("tbody")
    ]
    assert rows == [
        [
            "organizer",
            "Registration | registration",
            str(people.zoe),
            "Change",
            "Changed cancelled.",
        ]
    ]


@pytest.mark.parametrize(
    ("role", "status"),
    [("desk", 403), ("plain", 302), ("anonymous", 302), ("organizer", 200), ("superuser", 200)],
)
def test_admin_log_is_for_organizers(client_for, people, role, status):
    response = client_for(role).get(ADMIN_LOG)

    assert response.status_code == status
    if status == 302:
        assert response["Location"] == f"/admin/login/?next={ADMIN_LOG}"


@pytest.mark.parametrize("role", ["organizer", "superuser"])
def test_nobody_edits_or_deletes_log_entries(client_for, people, role):
    client = client_for(role)
    run_action(client, "cancel_selected", people.zoe)
    (entry,) = LogEntry.objects.all()
    before = entries()
    change = reverse("admin:admin_logentry_change", args=[entry.pk])
    delete = reverse("admin:admin_logentry_delete", args=[entry.pk])

    edit = client.post(change, {"change_message": "[]", "object_repr": "nothing happened"})
    removal = client.post(delete, {"post": "yes"})
    bulk = client.post(
        ADMIN_LOG, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    add = client.get(reverse("admin:admin_logentry_add"))

    assert (edit.status_code, removal.status_code, add.status_code) == (403, 403, 403)
    assert bulk.status_code in {200, 302}
    assert entries() == before
    assert client.get(ADMIN_LOG).context["action_form"] is None  # no bulk delete offered
