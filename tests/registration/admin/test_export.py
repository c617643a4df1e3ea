"""The admin's "export selected" actions: the download staff pages give, for the chosen rows."""

import pytest

from registration.models import ExportLog
from tests.factories import RegistrationFactory
from tests.registration.admin.acting import REGISTRATIONS, run_action
from tests.registration.staff.reading import admin_messages, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db


def test_export_csv_action_exports_selected(admin_client, attendees):
    zhang, hannah = attendees.zhang, attendees.hannah
    data = {"action": "export_csv", "_selected_action": [zhang.pk, hannah.pk]}

    response = admin_client.post(REGISTRATIONS, data)

    assert csv_rows(response) == [
        [
            "Ticket code",
            "Full name",
            "Email",
            "Organization",
            "Job title",
            "Seated forums",
            "Waiting lists",
            "Checked in",
        ],
        [
            hannah.ticket_display,
            "Hannah Link",
            "hannah@example.org",
            '\'=HYPERLINK("http://x")',
            "Developer",
            "",
            "Cloud Native (#1)",
            "",
        ],
        [
            zhang.ticket_display,
            "张伟",
            "zhang.wei@example.org",
            "开放原子开源基金会",
            "工程师",
            "Cloud Native; Open Source Governance",
            "",
            "",
        ],
    ]
    log = ExportLog.objects.get()
    assert (log.source, log.file_format, log.filters["selected"], log.row_count) == (
        "admin",
        "csv",
        2,
        2,
    )


def test_export_xlsx_action_exports_selected(admin_client, attendees):
    data = {"action": "export_xlsx", "_selected_action": [attendees.zoe.pk, attendees.wang.pk]}

    response = admin_client.post(REGISTRATIONS, data)

    rows = xlsx_rows(response)
    assert [row[1] for row in rows] == ["Full name", "Wang Fang", "Zoë O'Brien"]
    assert rows[1][5:7] == ["Open Source Governance", "Cloud Native (#2)"]
    assert ExportLog.objects.get().row_count == 2


def test_export_action_refuses_two_conferences(admin_client, attendees, other_conference):
    old = RegistrationFactory(conference=other_conference)

    response = run_action(admin_client, REGISTRATIONS, "export_csv", [attendees.zoe, old])

    assert admin_messages(response) == ["Select registrations of one conference to export."]
    assert ExportLog.objects.count() == 0
