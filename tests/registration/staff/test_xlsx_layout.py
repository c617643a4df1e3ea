"""The Excel export as an organizer opens it: header frozen and filtered, columns wide enough,
times as Excel dates at the venue, forum columns titled with their day and times."""

import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from agenda.models import Conference
from registration.models import Registration
from registration.staff import downloads
from registration.staff.exports import FORUM_TITLE_MAX, forum_heading
from tests.factories import ConferenceFactory, ForumFactory, RegistrationFactory
from tests.registration.staff.reading import download

pytestmark = pytest.mark.django_db

EXPORT = "/staff/exports/"


def sheet_of(response):
    """The first sheet, fully loaded (layout and values)."""
    return load_workbook(io.BytesIO(download(response))).worksheets[0]


def export(admin_client, columns, **options):
    data = {"forum": "", "statuses": "both", "columns": columns, "file_format": "xlsx"}
    data.update(options)
    return sheet_of(admin_client.post(EXPORT, data))


def test_header_is_frozen_and_filtered_over_every_row(admin_client, attendees):
    sheet = export(admin_client, ["ticket_code", "full_name", "email", "organization"])

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D6"  # 4 columns, header and 5 attendees
    assert [cell.font.b for cell in sheet[1]] == [True] * 4


def test_filter_of_an_empty_export_covers_the_header(admin_client, conference):
    sheet = export(admin_client, ["full_name", "email"])

    assert sheet.auto_filter.ref == "A1:B1"


def test_columns_are_as_wide_as_their_content_within_bounds(admin_client, conference):
    RegistrationFactory(
        conference=conference,
        full_name="张伟",
        email="a.rather.long.address@example.org",
        organization="开放原子开源基金会",
        job_title="A job title far longer than any column should ever grow to be wide",
    )

    sheet = export(admin_client, ["ticket_code", "full_name", "email", "organization", "job_title"])

    widths = {
        sheet.cell(1, column).value: sheet.column_dimensions[letter].width
        for column, letter in enumerate("ABCDE", start=1)
    }
    assert widths["Ticket code"] == len("Ticket code") + 2
    assert widths["Full name"] == len("Full name") + 2  # 张伟 is 4 wide: the header is wider
    assert widths["Email"] == len("a.rather.long.address@example.org") + 2
    assert widths["Organization"] == 2 * len("开放原子开源基金会") + 2  # CJK is double width
    assert widths["Job title"] == downloads.MAX_WIDTH


def test_times_are_excel_dates_at_the_venue(admin_client, conference):
    conference.time_zone = "Asia/Shanghai"
    conference.save()
    early = RegistrationFactory(conference=conference, full_name="Early Bird")
    RegistrationFactory(conference=conference, full_name="Not There")
    Registration.objects.filter(pk=early.pk).update(
        created_at=dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC),
        checked_in_at=dt.datetime(2026, 4, 1, 1, 5, tzinfo=dt.UTC),
    )

    sheet = export(admin_client, ["full_name", "registered_at", "checked_in_at"])

    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    registered, checked_in = rows["Early Bird"][1], rows["Early Bird"][2]
    assert registered.is_date
    assert registered.value == dt.datetime(2026, 3, 2, 0, 30)  # naive, Shanghai time
    assert registered.number_format == "yyyy-mm-dd hh:mm"
    assert checked_in.value == dt.datetime(2026, 4, 1, 9, 5)
    assert rows["Not There"][2].value is None


def test_forum_columns_are_titled_with_day_and_time(admin_client, attendees, cloud):
    sheet = export(admin_client, ["full_name"], forum_columns="on")

    titles = [cell.value for cell in sheet[1]]
    tz = cloud.conference.tzinfo
    starts, ends = cloud.starts_at.astimezone(tz), cloud.ends_at.astimezone(tz)
    day = f"{starts:%a} {starts.day} {starts:%b}"
    assert titles[1] == f"Cloud Native · {day} {starts:%H:%M}–{ends:%H:%M}"


@pytest.fixture
def gotc_2023(db) -> Conference:
    return ConferenceFactory(start_date=dt.date(2023, 5, 27), end_date=dt.date(2023, 5, 28))


def test_forum_heading_names_the_day_and_times_at_the_venue(gotc_2023):
    ebpf = ForumFactory(conference=gotc_2023, title="eBPF", start=dt.time(9, 0))

    assert forum_heading(ebpf, gotc_2023) == "eBPF · Sat 27 May 09:00–12:00"
    with translation.override("zh-hans"):
        assert forum_heading(ebpf, gotc_2023) == "eBPF · 5月27日 周六 09:00–12:00"


def test_forum_heading_shortens_a_long_title_at_a_word(gotc_2023):
    long = ForumFactory(
        conference=gotc_2023,
        title="Open Source Governance, Compliance and the Future of Foundations in Asia",
        day=2,
        start=dt.time(13, 30),
    )

    heading = forum_heading(long, gotc_2023)

    assert heading == "Open Source Governance… · Sun 28 May 13:30–16:30"
    title = heading.split(" · ")[0]
    assert len(title) <= FORUM_TITLE_MAX


def test_forum_heading_shortens_a_chinese_title_by_characters(gotc_2023):
    title = "开源治理与合规：基金会、企业与社区如何共同构建可持续发展的开源生态体系以及未来的展望"
    forum = ForumFactory(conference=gotc_2023, title=title)

    heading = forum_heading(forum, gotc_2023)

    shown = heading.split(" · ")[0]
    assert shown == title[: FORUM_TITLE_MAX - 1] + "…"
