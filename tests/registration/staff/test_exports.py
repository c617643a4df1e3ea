"""Attendee-list exports at /staff/exports/, parsed back the way Excel reads them."""

import datetime as dt

import pytest

from registration.enums import Language, PickStatus
from registration.models import ExportLog, Registration
from registration.staff import exports
from tests.factories import ForumFactory, RegistrationFactory
from tests.pages import parse, text, with_class
from tests.registration.staff.reading import (
    BOM,
    checked_values,
    csv_rows,
    csv_rows_of,
    download,
    field_errors,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

EXPORT = "/staff/exports/"
CONTACT = ["ticket_code", "full_name", "email", "organization"]
CONTACT_HEADER = ["Ticket code", "Full name", "Email", "Organization"]


def export_data(**overrides) -> dict:
    data = {"forum": "", "statuses": "both", "columns": CONTACT, "file_format": "csv"}
    data.update(overrides)
    return data


def heading(forum) -> str:
    """A forum column's title (tested in test_xlsx_layout.py)."""
    return exports.forum_heading(forum, forum.conference)


def contact(registration) -> list[str]:
    code = registration.ticket_code
    return [f"{code[:4]}-{code[4:]}", registration.full_name, registration.email]


# --- the file itself --------------------------------------------------------------------------


def test_csv_export_starts_with_bom_and_is_utf8(admin_client, attendees):
    response = admin_client.post(EXPORT, export_data())

    raw = download(response)
    assert raw.startswith(BOM)
    assert "张伟".encode() in raw
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{attendees.zhang.conference.slug}-attendees-all.csv"'
    )


def test_csv_export_all_lists_confirmed_registrations_by_name(admin_client, attendees):
    a = attendees

    response = admin_client.post(EXPORT, export_data())

    assert csv_rows(response) == [
        CONTACT_HEADER,
        [*contact(a.hannah), '\'=HYPERLINK("http://x")'],
        [*contact(a.lina), "Open Source China"],
        [*contact(a.wang), "Open Source China"],
        [*contact(a.zoe), 'O\'Reilly, "Media" & Co'],
        [*contact(a.zhang), "开放原子开源基金会"],
    ]


def test_csv_export_header_equals_chosen_columns(admin_client, attendees):
    columns = ["email", "seated_forums", "waiting_forums", "job_title"]

    response = admin_client.post(EXPORT, export_data(columns=columns))

    rows = csv_rows(response)
    assert rows[0] == ["Email", "Seated forums", "Waiting lists", "Job title"]
    assert rows[1:] == [
        ["hannah@example.org", "", "Cloud Native (#1)", "Developer"],
        ["li.na@example.org", "", "", "Developer"],
        ["wang.fang@example.org", "Open Source Governance", "Cloud Native (#2)", "Developer"],
        ["zoe.obrien@example.org", "Cloud Native", "", "Editor"],
        ["zhang.wei@example.org", "Cloud Native; Open Source Governance", "", "工程师"],
    ]


@pytest.mark.parametrize(
    "organization",
    ['=HYPERLINK("http://x")', "+86 Open Source", "-1+1", "@SUM(A1:A2)", "\t=1+1"],
    ids=["equals", "plus", "minus", "at", "tab"],
)
def test_csv_export_neutralises_formula_cells(admin_client, conference, organization):
    RegistrationFactory(conference=conference, full_name="Eve", organization=organization)

    response = admin_client.post(EXPORT, export_data(columns=["full_name", "organization"]))

    assert csv_rows(response) == [["Full name", "Organization"], ["Eve", "'" + organization]]


def test_csv_export_keeps_ordinary_cells_untouched(admin_client, conference):
    RegistrationFactory(conference=conference, full_name="Ann", organization="O'Reilly = Media")

    response = admin_client.post(EXPORT, export_data(columns=["full_name", "organization"]))

    assert csv_rows(response)[1] == ["Ann", "O'Reilly = Media"]


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ("both", ["Hannah Link", "Li Na", "Wang Fang", "Zoë O'Brien", "张伟"]),
        ("seated", ["Wang Fang", "Zoë O'Brien", "张伟"]),
        ("waiting", ["Hannah Link", "Wang Fang"]),
    ],
    ids=["all", "seated", "waiting"],
)
def test_csv_export_of_all_forums_filters_by_status(admin_client, attendees, statuses, expected):
    response = admin_client.post(EXPORT, export_data(statuses=statuses, columns=["full_name"]))

    assert csv_rows(response) == [["Full name"], *([name] for name in expected)]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (
            "both",
            [
                ["张伟", "Seated", ""],
                ["Zoë O'Brien", "Seated", ""],
                ["Hannah Link", "Waiting list", "1"],
                ["Wang Fang", "Waiting list", "2"],
            ],
        ),
        ("seated", [["张伟", "Seated", ""], ["Zoë O'Brien", "Seated", ""]]),
        ("waiting", [["Hannah Link", "Waiting list", "1"], ["Wang Fang", "Waiting list", "2"]]),
    ],
    ids=["both", "seated", "waiting"],
)
def test_csv_export_of_one_forum_lists_its_seats_then_its_waiting_list(
    admin_client, attendees, cloud, statuses, expected
):
    columns = ["full_name", "pick_status", "waiting_position"]

    response = admin_client.post(
        EXPORT, export_data(forum=cloud.pk, statuses=statuses, columns=columns)
    )

    assert response["Content-Disposition"].endswith('-attendees-cloud-native.csv"')
    assert csv_rows(response) == [
        ["Full name", "Status in this forum", "Waiting-list position"],
        *expected,
    ]


def test_csv_export_of_all_forums_drops_forum_only_columns(admin_client, attendees):
    columns = ["full_name", "pick_status", "waiting_position"]

    response = admin_client.post(EXPORT, export_data(columns=columns, statuses="waiting"))

    assert csv_rows(response) == [["Full name"], ["Hannah Link"], ["Wang Fang"]]


def test_csv_export_forum_columns_mark_seats_and_waiting_places(
    admin_client, attendees, cloud, governance
):
    data = export_data(columns=["full_name"], forum_columns="on")

    response = admin_client.post(EXPORT, data)

    assert csv_rows(response) == [
        ["Full name", heading(cloud), heading(governance)],
        ["Hannah Link", "W1", ""],
        ["Li Na", "", ""],
        ["Wang Fang", "W2", "x"],
        ["Zoë O'Brien", "x", ""],
        ["张伟", "x", "x"],
    ]


def test_csv_export_leaves_out_cancelled_registrations(admin_client, attendees, governance):
    data = export_data(forum=governance.pk, columns=["full_name", "email"])

    response = admin_client.post(EXPORT, data)

    assert csv_rows(response) == [
        ["Full name", "Email"],
        ["张伟", "zhang.wei@example.org"],
        ["Wang Fang", "wang.fang@example.org"],
    ]


def test_csv_export_leaves_out_other_conferences(admin_client, attendees, other_conference):
    RegistrationFactory(conference=other_conference, full_name="Last Year")

    response = admin_client.post(EXPORT, export_data(columns=["full_name"]))

    assert "Last Year" not in [row[0] for row in csv_rows(response)]


# --- Excel ------------------------------------------------------------------------------------


def test_xlsx_export_has_the_same_rows_as_csv(admin_client, attendees):
    columns = ["ticket_code", "full_name", "organization", "waiting_forums"]
    csv_response = admin_client.post(EXPORT, export_data(columns=columns, forum_columns="on"))
    expected = csv_rows(csv_response)

    response = admin_client.post(
        EXPORT, export_data(columns=columns, forum_columns="on", file_format="xlsx")
    )

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('-attendees-all.xlsx"')
    rows = xlsx_rows(response)
    assert rows == expected
    assert rows[1][2] == '\'=HYPERLINK("http://x")'


def test_xlsx_export_of_one_forum_keeps_waiting_positions_as_numbers(
    admin_client, attendees, cloud
):
    data = export_data(
        forum=cloud.pk,
        statuses="waiting",
        columns=["full_name", "waiting_position"],
        file_format="xlsx",
    )

    response = admin_client.post(EXPORT, data)

    assert xlsx_rows(response) == [
        ["Full name", "Waiting-list position"],
        ["Hannah Link", 1],
        ["Wang Fang", 2],
    ]


def test_xlsx_export_of_forum_with_colon_in_title(admin_client, conference):
    forum = ForumFactory(conference=conference, title="AI: Big Models", slug="ai")
    data = export_data(forum=forum.pk, columns=["full_name"], file_format="xlsx")

    response = admin_client.post(EXPORT, data)

    assert xlsx_rows(response) == [["Full name"]]


# --- log and remembered columns ---------------------------------------------------------------


def test_csv_export_log_gets_row_count_when_stream_is_read(admin_client, attendees, cloud):
    data = export_data(forum=cloud.pk, statuses="seated", columns=["full_name", "email"])

    response = admin_client.post(EXPORT, data)
    log_before_reading = ExportLog.objects.get()
    download(response)

    log = ExportLog.objects.get()
    assert log_before_reading.row_count is None
    assert (log.user.username, log.username, log.file_format, log.source, log.forum) == (
        "admin",
        "admin",
        "csv",
        "staff",
        cloud,
    )
    assert log.filters == {
        "forum": "cloud-native",
        "statuses": ["seated"],
        "forum_columns": False,
        "selected": None,
    }
    assert (log.columns, log.row_count) == (["full_name", "email"], 2)


def test_xlsx_export_is_logged_with_row_count(admin_client, attendees):
    data = export_data(statuses="waiting", file_format="xlsx", forum_columns="on")

    response = admin_client.post(EXPORT, data)
    rows = xlsx_rows(response)

    log = ExportLog.objects.get()
    assert (log.username, log.file_format, log.forum, log.row_count) == ("admin", "xlsx", None, 2)
    assert log.filters == {
        "forum": None,
        "statuses": ["waiting"],
        "forum_columns": True,
        "selected": None,
    }
    assert len(rows) == 1 + log.row_count


def test_export_form_remembers_columns_per_user(admin_client, desk_client, attendees):
    download(admin_client.post(EXPORT, export_data(columns=["email", "phone"])))

    again = admin_client.get(EXPORT)
    colleague = desk_client.get(EXPORT)

    assert checked_values(again, "columns") == ["email", "phone"]
    assert checked_values(colleague, "columns") == [
        "ticket_code",
        "full_name",
        "email",
        "organization",
        "job_title",
        "checked_in_at",
        "seated_forums",
        "waiting_forums",
        "answers",
    ]


# --- bad input --------------------------------------------------------------------------------


INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


def not_a_choice(value: str) -> str:
    return f"Select a valid choice. {value} is not one of the available choices."


@pytest.mark.parametrize(
    ("overrides", "field", "error"),
    [
        ({"columns": []}, "columns", "Choose at least one column."),
        ({"columns": ["password"]}, "columns", not_a_choice("password")),
        ({"forum": "999999"}, "forum", INVALID_CHOICE),
        ({"forum": "cloud"}, "forum", INVALID_CHOICE),
        ({"file_format": "pdf"}, "file_format", not_a_choice("pdf")),
        ({"file_format": ""}, "file_format", "This field is required."),
        ({"statuses": "everyone"}, "statuses", not_a_choice("everyone")),
    ],
    ids=[
        "no-columns",
        "unknown-column",
        "unknown-forum",
        "forum-not-a-number",
        "bad-format",
        "no-format",
        "bad-status",
    ],
)
def test_export_with_bad_input_shows_error_next_to_field(
    admin_client, attendees, overrides, field, error
):
    response = admin_client.post(EXPORT, export_data(**overrides))

    assert response.status_code == 200
    assert field_errors(response, field) == [error]
    assert ExportLog.objects.count() == 0


def test_export_of_another_conferences_forum_is_refused(admin_client, attendees, other_conference):
    foreign = ForumFactory(conference=other_conference, title="Last Year's Keynotes")

    response = admin_client.post(EXPORT, export_data(forum=foreign.pk))

    assert field_errors(response, "forum") == [INVALID_CHOICE]
    assert ExportLog.objects.count() == 0


def test_export_of_waiting_list_ignores_released_picks(admin_client, attendees, cloud):
    attendees.hannah.picks.update(status=PickStatus.RELEASED)

    response = admin_client.post(
        EXPORT,
        export_data(forum=cloud.pk, statuses="waiting", columns=["full_name", "waiting_position"]),
    )

    assert csv_rows(response) == [["Full name", "Waiting-list position"], ["Wang Fang", "1"]]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"], ids=["csv", "xlsx"])
def test_export_drops_control_characters(admin_client, conference, file_format):
    # Registrations made before the form refused them may still hold control characters.
    RegistrationFactory(conference=conference, full_name="Eve", organization="ACME\x1b Corp\x08")
    data = export_data(columns=["full_name", "organization"], file_format=file_format)

    response = admin_client.post(EXPORT, data)

    rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
    assert rows == [["Full name", "Organization"], ["Eve", "ACME Corp"]]


def test_csv_export_times_are_in_the_conference_time_zone(admin_client, conference):
    registration = RegistrationFactory(conference=conference, full_name="Early Bird")
    utc = dt.UTC
    Registration.objects.filter(pk=registration.pk).update(
        created_at=dt.datetime(2026, 3, 1, 16, 30, tzinfo=utc),
        checked_in_at=dt.datetime(2026, 4, 1, 1, 5, tzinfo=utc),
    )
    columns = ["full_name", "registered_at", "checked_in_at"]

    response = admin_client.post(EXPORT, export_data(columns=columns))

    assert csv_rows(response) == [
        ["Full name", "Registered", "Checked in"],
        ["Early Bird", "2026-03-02 00:30", "2026-04-01 09:05"],
    ]


def ticket(registration) -> str:
    code = registration.ticket_code
    return f"{code[:4]}-{code[4:]}"


def set_times(registration, *, created_at: dt.datetime, checked_in_at: dt.datetime | None):
    Registration.objects.filter(pk=registration.pk).update(
        created_at=created_at, checked_in_at=checked_in_at
    )


@pytest.mark.parametrize(
    ("time_zone", "created_at", "checked_in_at", "expected"),
    [
        (
            "Europe/Berlin",
            dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC),
            dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC),
            ["2026-03-29 01:30", "2026-03-29 03:30"],
        ),
        (
            "America/New_York",
            dt.datetime(2026, 1, 1, 3, 59, tzinfo=dt.UTC),
            dt.datetime(2026, 7, 1, 3, 59, tzinfo=dt.UTC),
            ["2025-12-31 22:59", "2026-06-30 23:59"],
        ),
    ],
    ids=["berlin-dst-starts", "new-york-winter-and-summer"],
)
def test_csv_export_times_follow_daylight_saving_of_the_conference(
    admin_client, conference, time_zone, created_at, checked_in_at, expected
):
    conference.time_zone = time_zone
    conference.save()
    registration = RegistrationFactory(conference=conference, full_name="Early Bird")
    set_times(registration, created_at=created_at, checked_in_at=checked_in_at)

    response = admin_client.post(
        EXPORT, export_data(columns=["full_name", "registered_at", "checked_in_at"])
    )

    assert csv_rows(response)[1:] == [["Early Bird", *expected]]


# --- every column, every format ---------------------------------------------------------------


EVERY_COLUMN = [
    "ticket_code",
    "full_name",
    "email",
    "organization",
    "job_title",
    "phone",
    "language",
    "newsletter",
    "registered_at",
    "checked_in_at",
    "seated_forums",
    "waiting_forums",
]
EVERY_HEADER = [
    "Ticket code",
    "Full name",
    "Email",
    "Organization",
    "Job title",
    "Phone",
    "Language",
    "Newsletter",
    "Registered",
    "Checked in",
    "Seated forums",
    "Waiting lists",
]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"], ids=["csv", "xlsx"])
def test_export_of_every_column_neutralises_each_typed_cell(
    admin_client, conference, cloud, governance, make_pick, file_format
):
    # Registrations made before the form refused such values may still hold them.
    typed = RegistrationFactory(
        conference=conference,
        full_name="张伟",
        email="@zhang.wei@example.org",
        organization="-1+1",
        job_title="\x07=cmd|' /C calc'!A0",
        phone="+86 138 0000 0000",
        language=Language.CHINESE,
        newsletter=True,
    )
    plain = RegistrationFactory(conference=conference, full_name="Zoë O'Brien", phone="")
    set_times(
        typed,
        created_at=dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC),
        checked_in_at=dt.datetime(2026, 4, 1, 1, 5, tzinfo=dt.UTC),
    )
    set_times(plain, created_at=dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC), checked_in_at=None)
    make_pick(typed, cloud)
    make_pick(typed, governance, PickStatus.WAITING)
    make_pick(plain, governance)
    data = export_data(columns=EVERY_COLUMN, forum_columns="on", file_format=file_format)

    response = admin_client.post(EXPORT, data)

    rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
    # Excel gets times as dates; the CSV as text.
    when = str if file_format == "csv" else dt.datetime.fromisoformat
    assert rows == [
        [*EVERY_HEADER, heading(cloud), heading(governance)],
        [
            ticket(plain),
            "Zoë O'Brien",
            plain.email,
            "Open Source China",
            "Developer",
            "",
            "en",
            "no",
            when("2026-03-02 16:00"),
            "",
            "Open Source Governance",
            "",
            "",
            "x",
        ],
        [
            ticket(typed),
            "张伟",
            "'@zhang.wei@example.org",
            "'-1+1",
            "'=cmd|' /C calc'!A0",
            "'+86 138 0000 0000",
            "zh-hans",
            "yes",
            when("2026-03-02 00:30"),
            when("2026-04-01 09:05"),
            "Cloud Native",
            "Open Source Governance (#1)",
            "x",
            "W1",
        ],
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"], ids=["csv", "xlsx"])
def test_export_neutralises_forum_titles_in_header_and_cells(
    admin_client, conference, make_pick, file_format
):
    keynotes = ForumFactory(conference=conference, title="+Keynotes\x07", capacity=1)
    RegistrationFactory(conference=conference, full_name="Ann")
    make_pick(RegistrationFactory(conference=conference, full_name="Bob"), keynotes)
    make_pick(
        RegistrationFactory(conference=conference, full_name="Cem"), keynotes, PickStatus.WAITING
    )
    columns = ["full_name", "seated_forums", "waiting_forums"]
    data = export_data(columns=columns, forum_columns="on", file_format=file_format)

    response = admin_client.post(EXPORT, data)

    rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
    assert rows == [
        [
            "Full name",
            "Seated forums",
            "Waiting lists",
            "'" + heading(keynotes).replace("\x07", ""),
        ],
        ["Ann", "", "", ""],
        ["Bob", "'+Keynotes", "", "x"],
        ["Cem", "", "'+Keynotes (#1)", "W1"],
    ]


# --- chunks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"], ids=["csv", "xlsx"])
def test_export_in_several_chunks_keeps_order_and_neutralises_each_chunk(
    admin_client, conference, monkeypatch, file_format
):
    monkeypatch.setattr(exports, "CHUNK", 2)
    for name, organization in [
        ("Ann", "ACME"),
        ("Bob", "ACME"),
        ("Cem", "=1+1"),
        ("Dan", "ACME"),
        ("Eve", "ACME\x1b"),
    ]:
        RegistrationFactory(conference=conference, full_name=name, organization=organization)
    data = export_data(columns=["full_name", "organization"], file_format=file_format)

    response = admin_client.post(EXPORT, data)

    if file_format == "csv":
        raw = download(response)
        assert raw.count(BOM) == 1
        rows = csv_rows_of(raw)
    else:
        rows = xlsx_rows(response)
    assert rows == [
        ["Full name", "Organization"],
        ["Ann", "ACME"],
        ["Bob", "ACME"],
        ["Cem", "'=1+1"],
        ["Dan", "ACME"],
        ["Eve", "ACME"],
    ]
    assert ExportLog.objects.get().row_count == 5


def test_csv_export_forum_columns_stay_right_when_seat_combinations_overflow_the_cache(
    admin_client, attendees, cloud, governance, monkeypatch
):
    monkeypatch.setattr(exports, "SEATED_CACHE_SIZE", 1)
    columns = ["full_name", "seated_forums"]

    response = admin_client.post(EXPORT, export_data(columns=columns, forum_columns="on"))

    assert csv_rows(response) == [
        ["Full name", "Seated forums", heading(cloud), heading(governance)],
        ["Hannah Link", "", "W1", ""],
        ["Li Na", "", "", ""],
        ["Wang Fang", "Open Source Governance", "W2", "x"],
        ["Zoë O'Brien", "Cloud Native", "x", ""],
        ["张伟", "Cloud Native; Open Source Governance", "x", "x"],
    ]


# --- one waiting-list order -------------------------------------------------------------------


def waiting_badges(client, registration) -> list[str]:
    """The waiting-list badges in the "Your forums" list of the attendee's own page."""
    page = parse(client.get(f"/r/{registration.manage_token}/"))
    picks = page.find(".//section[@aria-labelledby='picks-heading']")
    return [text(badge) for badge in with_class(picks, "span", "text-bg-warning")]


def test_export_waiting_positions_equal_the_attendee_page_for_picks_made_at_the_same_time(
    admin_client, client, tied_waiting_list
):
    rust, first, second = tied_waiting_list
    columns = ["full_name", "waiting_forums"]

    everyone = csv_rows(admin_client.post(EXPORT, export_data(columns=columns, forum_columns="on")))
    one_forum = csv_rows(
        admin_client.post(
            EXPORT, export_data(forum=rust.pk, columns=["full_name", "waiting_position"])
        )
    )

    assert everyone[1:] == [["Amy Second", "Rust (#2)", "W2"], ["Zed First", "Rust (#1)", "W1"]]
    assert one_forum[1:] == [["Zed First", "1"], ["Amy Second", "2"]]
    assert waiting_badges(client, first) == ["Waiting list: number 1"]
    assert waiting_badges(client, second) == ["Waiting list: number 2"]
