"""Admin smoke tests for registrations, picks, the export log and forum fill: lists, search,
filters, change forms and every action, each with the effect an organizer notices."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registration.enums import PickStatus, RegistrationStatus
from registration.models import ExportLog, Registration
from tests.factories import RegistrationFactory
from tests.pages import parse, text
from tests.staff.reading import (
    admin_messages,
    changelist_column,
    changelist_rows,
    csv_rows,
    form_data,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

REGISTRATIONS = reverse("admin:registration_registration_changelist")
FORUMS = reverse("admin:agenda_forum_changelist")
ALL_NAMES = ["Carl Cancelled", "Hannah Link", "Li Na", "Wang Fang", "Zoë O'Brien", "张伟"]


def names(response) -> list[str]:
    return sorted(changelist_column(response, "full_name"))


def filter_link(response, title: str, choice: str) -> str:
    """The href of one choice in the changelist's filter sidebar."""
    sidebar = parse(response).find(".//nav[@id='changelist-filter']")
    for details in sidebar.iter("details"):
        if details.get("data-filter-title") == title:
            for link in details.iter("a"):
                if text(link) == choice:
                    return link.get("href")
    raise AssertionError(f"no filter choice {title!r} / {choice!r}")


def run_action(client, url: str, action: str, selected, **extra):
    data = {"action": action, "_selected_action": [obj.pk for obj in selected], **extra}
    return client.post(url, data, follow=True)


def subjects_to(address: str) -> list[str]:
    return [message.subject for message in mail.outbox if message.to == [address]]


# --- registration changelist ------------------------------------------------------------------


def test_registration_changelist_lists_everyone_with_seats(admin_client, attendees):
    response = admin_client.get(REGISTRATIONS)

    rows = sorted(changelist_rows(response, "full_name", "status", "seated_forums"))
    assert rows == [
        ("Carl Cancelled", "Cancelled", "-"),
        ("Hannah Link", "Confirmed", "-"),
        ("Li Na", "Confirmed", "-"),
        ("Wang Fang", "Confirmed", "Open Source Governance"),
        ("Zoë O'Brien", "Confirmed", "Cloud Native"),
        ("张伟", "Confirmed", "Cloud Native, Open Source Governance"),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Zoë", ["Zoë O'Brien"]),
        ("张", ["张伟"]),
        ("WANG.FANG@example", ["Wang Fang"]),
        ("开放原子", ["张伟"]),
        ("HYPERLINK", ["Hannah Link"]),
        ("nobody-here", []),
    ],
    ids=["name", "chinese-name", "email", "organization", "formula-organization", "no-match"],
)
def test_registration_search(admin_client, attendees, query, expected):
    response = admin_client.get(REGISTRATIONS, {"q": query})

    assert names(response) == expected


@pytest.mark.parametrize(
    "typed",
    [lambda c: f"{c[:4]}-{c[4:]}", lambda c: f"{c[:4]}-{c[4:]}".lower(), lambda c: c],
    ids=["dash", "dash-lower-case", "plain"],
)
def test_registration_search_by_ticket_code(admin_client, attendees, typed):
    response = admin_client.get(REGISTRATIONS, {"q": typed(attendees.wang.ticket_code)})

    assert names(response) == ["Wang Fang"]


def test_registration_search_by_ticket_code_respects_filters(admin_client, attendees):
    code = f"{attendees.wang.ticket_code[:4]}-{attendees.wang.ticket_code[4:]}"

    response = admin_client.get(REGISTRATIONS, {"q": code, "status__exact": "cancelled"})

    assert names(response) == []


@pytest.mark.parametrize(
    "path",
    [
        REGISTRATIONS,
        "/admin/registration/forumpick/",
        "/admin/registration/exportlog/",
        "/admin/agenda/talk/",
        "/admin/agenda/speaker/",
        "/admin/agenda/forum/",
    ],
    ids=["registrations", "picks", "export-log", "talks", "speakers", "forums"],
)
def test_admin_search_of_a_pasted_paragraph_uses_its_first_ten_words(admin_client, attendees, path):
    paragraph = "Wang " + "zzz " * 999

    response = admin_client.get(path, {"q": paragraph}, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Only the first 10 words of the search were used."
    ]


def test_registration_search_of_a_pasted_paragraph_still_finds_by_its_first_word(
    admin_client, attendees
):
    response = admin_client.get(REGISTRATIONS, {"q": "Wang " * 500})

    assert names(response) == ["Wang Fang"]


@pytest.mark.parametrize("param", ["forum", "pick"], ids=["forum", "seated-or-waiting"])
def test_registration_search_by_ticket_code_within_forum_filter(
    admin_client, attendees, cloud, param
):
    code = f"{attendees.wang.ticket_code[:4]}-{attendees.wang.ticket_code[4:]}"
    value = cloud.pk if param == "forum" else "waiting"

    response = admin_client.get(REGISTRATIONS, {"q": code, param: value})

    assert names(response) == ["Wang Fang"]


@pytest.mark.parametrize(
    ("title", "choice", "expected"),
    [
        ("forum", "Cloud Native", ["Hannah Link", "Wang Fang", "Zoë O'Brien", "张伟"]),
        ("forum", "Open Source Governance", ["Wang Fang", "张伟"]),
        ("seated or waiting", "Has a seat", ["Wang Fang", "Zoë O'Brien", "张伟"]),
        ("seated or waiting", "On a waiting list", ["Hannah Link", "Wang Fang"]),
        ("seated or waiting", "No forum", ["Carl Cancelled", "Li Na"]),
        ("status", "Cancelled", ["Carl Cancelled"]),
        ("status", "Confirmed", ["Hannah Link", "Li Na", "Wang Fang", "Zoë O'Brien", "张伟"]),
        ("checked in", "Yes", ["Zoë O'Brien"]),
        ("checked in", "No", ["Carl Cancelled", "Hannah Link", "Li Na", "Wang Fang", "张伟"]),
        ("registered", "Past 7 days", ["Hannah Link", "Wang Fang", "Zoë O'Brien", "张伟"]),
        ("registered", "This month", ["Hannah Link", "Wang Fang", "Zoë O'Brien", "张伟"]),
        ("registered", "Any date", ALL_NAMES),
    ],
    ids=[
        "forum-cloud",
        "forum-governance",
        "seated",
        "waiting",
        "no-forum",
        "cancelled",
        "confirmed",
        "checked-in",
        "not-checked-in",
        "past-7-days",
        "this-month",
        "any-date",
    ],
)
def test_registration_list_filter(admin_client, attendees, title, choice, expected):
    Registration.objects.filter(pk=attendees.zoe.pk).update(checked_in_at=timezone.now())
    # Li Na and Carl registered two months ago.
    Registration.objects.filter(pk__in=[attendees.lina.pk, attendees.carl.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=62)
    )
    page = admin_client.get(REGISTRATIONS)
    if title == "forum":
        choice = f"{attendees.zhang.conference.slug} · {choice}"

    response = admin_client.get(REGISTRATIONS + filter_link(page, title, choice))

    assert names(response) == expected


def test_registration_forum_filter_lists_every_edition(admin_client, attendees, other_conference):
    from tests.factories import ForumFactory

    ForumFactory(conference=other_conference, title="Keynotes")

    response = admin_client.get(REGISTRATIONS)

    sidebar = parse(response).find(".//details[@data-filter-title='forum']")
    assert [text(a) for a in sidebar.iter("a")] == [
        "All",
        f"{attendees.zhang.conference.slug} · Cloud Native",
        f"{attendees.zhang.conference.slug} · Open Source Governance",
        f"{other_conference.slug} · Keynotes",
    ]


# --- registration change form -----------------------------------------------------------------


def test_registration_change_form_shows_picks_read_only(admin_client, attendees):
    url = reverse("admin:registration_registration_change", args=[attendees.wang.pk])

    response = admin_client.get(url)

    inline = parse(response).find(".//*[@id='picks-group']")
    forums = [text(td) for td in inline.iter("td") if td.get("class") == "field-forum"]
    statuses = [text(td) for td in inline.iter("td") if td.get("class") == "field-status"]
    assert (forums, statuses) == (
        ["Cloud Native", "Open Source Governance"],
        ["Waiting list", "Seated"],
    )
    assert parse(response).find(".//input[@name='picks-0-status']") is None


def test_registration_change_form_saves_organization(admin_client, attendees, cloud):
    url = reverse("admin:registration_registration_change", args=[attendees.zoe.pk])
    data = form_data(admin_client.get(url), "registration_form")
    data["organization"] = ["CNCF 中国"]
    data["_save"] = ["Save"]

    response = admin_client.post(url, data, follow=True)

    attendees.zoe.refresh_from_db()
    assert response.redirect_chain[-1][0] == REGISTRATIONS
    assert attendees.zoe.organization == "CNCF 中国"
    assert attendees.zoe.picks.get(forum=cloud).status == PickStatus.SEATED


def test_registration_change_form_rejects_bad_email(admin_client, attendees):
    url = reverse("admin:registration_registration_change", args=[attendees.zoe.pk])
    data = form_data(admin_client.get(url), "registration_form")
    data["email"] = ["not an email"]

    response = admin_client.post(url, data)

    attendees.zoe.refresh_from_db()
    errors = parse(response).find(".//div[@class='form-row errors field-email']")
    assert text(errors.find(".//ul")) == "Enter a valid email address."
    assert attendees.zoe.email == "zoe.obrien@example.org"


def test_registration_cannot_be_added_or_deleted_in_admin(admin_client, attendees):
    add = admin_client.get(reverse("admin:registration_registration_add"))
    delete = admin_client.post(
        reverse("admin:registration_registration_delete", args=[attendees.zoe.pk]),
        {"post": "yes"},
    )

    assert (add.status_code, delete.status_code) == (403, 403)
    assert Registration.objects.filter(pk=attendees.zoe.pk).exists()


# --- other changelists ------------------------------------------------------------------------


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


def test_forum_changelist_shows_fill(admin_client, attendees):
    response = admin_client.get(FORUMS)

    rows = changelist_rows(response, "title", "seated", "capacity", "waiting", "fill")
    assert rows == [
        ("Cloud Native", "2", "2", "2", "100 %"),
        ("Open Source Governance", "2", "10", "0", "20 %"),
    ]


# --- registration actions ---------------------------------------------------------------------


def test_cancel_action_frees_seat_and_promotes_first_waiting(
    admin_client, attendees, cloud, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, REGISTRATIONS, "cancel_selected", [attendees.zoe])

    attendees.zoe.refresh_from_db()
    assert admin_messages(response) == [
        "1 registration cancelled.",
        "1 waiting attendee got a seat.",
    ]
    assert attendees.zoe.status == RegistrationStatus.CANCELLED
    assert dict(cloud.picks.live().values_list("registration__full_name", "status")) == {
        "张伟": PickStatus.SEATED,
        "Hannah Link": PickStatus.SEATED,
        "Wang Fang": PickStatus.WAITING,
    }
    assert subjects_to("hannah@example.org") == ["You have a seat: Cloud Native"]
    assert subjects_to("zoe.obrien@example.org") == [
        f"Your registration for {cloud.conference.name} is cancelled"
    ]
    assert subjects_to("wang.fang@example.org") == []


def test_cancel_action_skips_already_cancelled(admin_client, attendees):
    response = run_action(admin_client, REGISTRATIONS, "cancel_selected", [attendees.carl])

    assert admin_messages(response) == ["0 registrations cancelled."]


def test_resend_action_emails_confirmation(
    admin_client, attendees, django_capture_on_commit_callbacks
):
    lina = attendees.lina
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, REGISTRATIONS, "resend_confirmation", [lina])

    assert admin_messages(response) == ["1 email queued."]
    assert subjects_to("li.na@example.org") == [
        f"Your ticket for {lina.conference.name}: {lina.ticket_display}"
    ]
    (message,) = mail.outbox
    assert lina.get_absolute_url() in message.body


def test_check_in_action_then_undo(admin_client, attendees):
    zoe, zhang = attendees.zoe, attendees.zhang

    checked = run_action(admin_client, REGISTRATIONS, "check_in_selected", [zoe, zhang])
    zoe.refresh_from_db()
    checked_at = zoe.checked_in_at
    undone = run_action(admin_client, REGISTRATIONS, "undo_check_in", [zoe])

    zoe.refresh_from_db()
    zhang.refresh_from_db()
    assert admin_messages(checked) == ["2 attendees checked in."]
    assert admin_messages(undone) == ["1 check-in undone."]
    assert checked_at is not None
    assert (zoe.checked_in_at, zhang.checked_in_by.username) == (None, "admin")
    assert sorted(names(admin_client.get(REGISTRATIONS, {"checked_in": "yes"}))) == ["张伟"]


def test_check_in_action_skips_cancelled_and_already_checked_in(admin_client, attendees):
    run_action(admin_client, REGISTRATIONS, "check_in_selected", [attendees.zoe])

    response = run_action(
        admin_client, REGISTRATIONS, "check_in_selected", [attendees.zoe, attendees.carl]
    )

    attendees.carl.refresh_from_db()
    assert admin_messages(response) == ["0 attendees checked in."]
    assert attendees.carl.checked_in_at is None


@pytest.mark.parametrize(
    ("who", "emailed"),
    [("zoe", ["zoe.obrien@example.org"]), ("hannah", []), ("lina", []), ("carl", [])],
    ids=["seated", "waiting-only", "no-forum", "cancelled"],
)
def test_reconfirmation_action_emails_seated_attendees_only(
    admin_client, attendees, django_capture_on_commit_callbacks, who, emailed
):
    registration = getattr(attendees, who)
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, REGISTRATIONS, "send_reconfirmation", [registration])

    registration.refresh_from_db()
    assert admin_messages(response) == [f"{len(emailed)} email{'s' * (len(emailed) != 1)} queued."]
    assert [m.to[0] for m in mail.outbox] == emailed
    assert [m.subject for m in mail.outbox] == [
        f"Still coming to {registration.conference.name}?" for _ in emailed
    ]
    assert (registration.reconfirmation_sent_at is not None) is bool(emailed)


def test_reconfirmation_action_on_several_rows_emails_each_attendee_once(
    admin_client, attendees, django_capture_on_commit_callbacks
):
    selected = [attendees.zoe, attendees.hannah, attendees.lina, attendees.carl]
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, REGISTRATIONS, "send_reconfirmation", selected)

    assert [m.to for m in mail.outbox] == [["zoe.obrien@example.org"]]
    assert admin_messages(response) == ["1 email queued."]


def test_revoke_action_replaces_private_link(
    admin_client, client, attendees, django_capture_on_commit_callbacks
):
    zoe = attendees.zoe
    old_link = zoe.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, REGISTRATIONS, "revoke_links", [zoe])

    zoe.refresh_from_db()
    new_link = zoe.get_absolute_url()
    assert admin_messages(response) == ["1 link replaced."]
    assert new_link != old_link
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200
    (message,) = mail.outbox
    assert (message.to, new_link in message.body, old_link in message.body) == (
        ["zoe.obrien@example.org"],
        True,
        False,
    )


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


# --- forums: promotion ------------------------------------------------------------------------


def test_promote_action_seats_waiting_where_seats_are_free(
    admin_client, attendees, cloud, django_capture_on_commit_callbacks
):
    type(cloud).objects.filter(pk=cloud.pk).update(capacity=3)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, FORUMS, "promote", [cloud])

    assert admin_messages(response) == ["1 attendee got a seat."]
    assert list(cloud.picks.waiting().values_list("registration__full_name", flat=True)) == [
        "Wang Fang"
    ]
    assert subjects_to("hannah@example.org") == ["You have a seat: Cloud Native"]


def test_forum_change_form_lists_waiting_list_in_order(admin_client, attendees, cloud):
    response = admin_client.get(reverse("admin:agenda_forum_change", args=[cloud.pk]))

    group = parse(response).find(".//*[@id='picks-group']")
    waiting = [text(td) for td in group.iter("td") if td.get("class") == "field-registration"]
    assert waiting == ["Hannah Link <hannah@example.org>", "Wang Fang <wang.fang@example.org>"]


def test_raising_capacity_in_forum_form_promotes_in_order(
    admin_client, attendees, cloud, make_pick, django_capture_on_commit_callbacks
):
    third = RegistrationFactory(
        conference=cloud.conference, full_name="Third Waiting", email="third@example.org"
    )
    make_pick(third, cloud, PickStatus.WAITING, minute=30)
    url = reverse("admin:agenda_forum_change", args=[cloud.pk])
    data = form_data(admin_client.get(url), "forum_form")
    data["capacity"] = ["4"]
    data["_save"] = ["Save"]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data, follow=True)

    cloud.refresh_from_db()
    assert cloud.capacity == 4
    assert admin_messages(response)[0] == "2 waiting attendees got a seat and an email."
    assert dict(cloud.picks.live().values_list("registration__full_name", "status")) == {
        "张伟": PickStatus.SEATED,
        "Zoë O'Brien": PickStatus.SEATED,
        "Hannah Link": PickStatus.SEATED,
        "Wang Fang": PickStatus.SEATED,
        "Third Waiting": PickStatus.WAITING,
    }
    assert sorted(message.to[0] for message in mail.outbox) == [
        "hannah@example.org",
        "wang.fang@example.org",
    ]


def test_forum_form_without_capacity_change_promotes_nobody(
    admin_client, attendees, cloud, django_capture_on_commit_callbacks
):
    url = reverse("admin:agenda_forum_change", args=[cloud.pk])
    data = form_data(admin_client.get(url), "forum_form")
    data["title_en"] = ["Cloud Native Days"]
    data["_save"] = ["Save"]

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, data, follow=True)

    cloud.refresh_from_db()
    assert cloud.title == "Cloud Native Days"
    assert cloud.picks.waiting().count() == 2
    assert mail.outbox == []
