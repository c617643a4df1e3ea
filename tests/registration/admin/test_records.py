"""Read-only records: forum picks, the export log and the admin log."""

import pytest
from django.urls import reverse

from registration.enums import PickStatus
from registration.models import ExportLog
from tests.registration.staff.reading import changelist_column, changelist_rows

pytestmark = pytest.mark.django_db


def test_forum_pick_changelist_lists_picks(admin_client, attendees, cloud):
    response = admin_client.get(
        reverse("admin:registration_forumpick_changelist"), {"forum__id__exact": cloud.pk}
    )

    assert changelist_rows(response, "registration", "status") == [
        ("张伟 <zhang.wei@example.org>", "Seated"),
        ("Zoë O'Brien <zoe.obrien@example.org>", "Seated"),
        ("Hannah Link <hannah@example.org>", "Waiting list"),
        ("Wang Fang <wang.fang@example.org>", "Waiting list"),
    ]


def test_forum_pick_changelist_search_by_name(admin_client, attendees):
    response = admin_client.get(reverse("admin:registration_forumpick_changelist"), {"q": "Wang"})

    assert changelist_column(response, "forum") == [
        str(attendees.wang.picks.get(status=PickStatus.WAITING).forum),
        str(attendees.wang.picks.get(status=PickStatus.SEATED).forum),
    ]


def test_export_log_changelist_lists_exports(admin_client, attendees, cloud):
    admin_client.get(reverse("staff:forum-print", args=[cloud.pk]))

    response = admin_client.get(reverse("admin:registration_exportlog_changelist"))

    assert changelist_rows(response, "username", "forum", "file_format", "source", "row_count") == [
        ("admin", str(cloud), "print", "staff", "4")
    ]


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:registration_forumpick_changelist"),
        reverse("admin:registration_exportlog_changelist"),
        reverse("admin:admin_logentry_changelist"),
    ],
    ids=["picks", "export-log", "admin-log"],
)
def test_record_search_of_a_pasted_paragraph_uses_its_first_ten_words(admin_client, attendees, url):
    paragraph = "Wang " + "zzz " * 999

    response = admin_client.get(url, {"q": paragraph})

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Only the first 10 words of the search were used."
    ]


@pytest.mark.parametrize(
    ("model", "obj"),
    [("registration_forumpick", "pick"), ("registration_exportlog", "log")],
    ids=["picks", "export-log"],
)
def test_records_cannot_be_added_changed_or_deleted(admin_client, attendees, cloud, model, obj):
    admin_client.get(reverse("staff:forum-print", args=[cloud.pk]))
    pk = (cloud.picks.first() if obj == "pick" else ExportLog.objects.get()).pk

    add = admin_client.get(reverse(f"admin:{model}_add"))
    change = admin_client.post(reverse(f"admin:{model}_change", args=[pk]), {})
    delete = admin_client.post(reverse(f"admin:{model}_delete", args=[pk]), {"post": "yes"})

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
