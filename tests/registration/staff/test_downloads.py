"""registration.staff.downloads: an export as a CSV or Excel response, and what it refuses."""

import pytest

from registration.models import ExportLog
from registration.staff import exports
from registration.staff.downloads import csv_chunks, download, sheet_title
from tests.factories import RegistrationFactory
from tests.registration.staff.reading import BOM, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def start(conference, admin_user):
    """``start(file_format, **request)``: an export of ``conference`` by the admin user."""

    def build(file_format: str, **request) -> exports.Export:
        return exports.attendee_export(
            exports.ExportRequest(conference=conference, **request),
            user=admin_user,
            file_format=file_format,
            source="admin",
        )

    return build


def test_download_as_csv_is_a_streamed_attachment(start, conference):
    RegistrationFactory(conference=conference, full_name="张伟")

    response = download(start("csv", columns=["full_name"]))

    assert (response.streaming, response["Content-Type"]) == (True, "text/csv; charset=utf-8")
    assert response["Content-Disposition"] == (
        f'attachment; filename="{conference.slug}-attendees-all.csv"'
    )
    assert csv_rows(response) == [["Full name"], ["张伟"]]


def test_download_as_xlsx_is_a_workbook_attachment(start, conference):
    RegistrationFactory(conference=conference, full_name="张伟")

    response = download(start("xlsx", columns=["full_name"]))
    rows = xlsx_rows(response)
    response.file_to_stream.close()  # as the server does once it has sent the file

    assert response["Content-Disposition"] == (
        f'attachment; filename="{conference.slug}-attendees-all.xlsx"'
    )
    assert rows == [["Full name"], ["张伟"]]
    assert ExportLog.objects.get().row_count == 1


@pytest.mark.parametrize("file_format", ["pdf", "", "CSV", "print"], ids=str)
def test_export_in_an_unknown_format_is_refused_and_not_logged(start, file_format):
    with pytest.raises(ValueError, match="unknown export file format"):
        start(file_format)

    assert ExportLog.objects.count() == 0


def test_download_of_an_export_in_a_format_it_cannot_write_is_refused(start):
    export = start("csv")
    export.file_format = "print"

    with pytest.raises(ValueError, match="no download for the file format 'print'"):
        download(export)


def test_csv_download_stopped_half_way_logs_the_rows_it_sent(start, conference, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 2)
    for name in ["Ann", "Bob", "Cem", "Dan", "Eve"]:
        RegistrationFactory(conference=conference, full_name=name)
    stream = csv_chunks(start("csv", columns=["full_name"]))

    header, first_chunk = next(stream), next(stream)
    stream.close()

    assert (header.encode(), first_chunk) == (BOM + b"Full name\r\n", "Ann\r\nBob\r\n")
    assert ExportLog.objects.get().row_count == 2


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Cloud Native", "Cloud Native"),
        ("AI: Big Models", "AI  Big Models"),
        ("[a/b\\c?d*e]", "a b c d e"),
        ("\x07Bell", "Bell"),
        ("x" * 40, "x" * 31),
        ("", "Attendees"),
        (":/?*[]", "Attendees"),
    ],
    ids=["plain", "colon", "forbidden", "control", "too-long", "empty", "nothing-left"],
)
def test_sheet_title_is_one_excel_accepts(title, expected):
    assert sheet_title(title) == expected
