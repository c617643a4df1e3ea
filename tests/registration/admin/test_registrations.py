"""The registration admin: the changelist (search, filters), the change form, and every
action that goes through the services, each with the effect an organizer notices."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registration.enums import PickStatus, RegistrationStatus
from registration.models import Registration
from tests.pages import parse, text
from tests.registration.admin.acting import REGISTRATIONS, run_action, subjects_to
from tests.registration.staff.reading import (
    admin_messages,
    changelist_column,
    changelist_rows,
    form_data,
)

pytestmark = pytest.mark.django_db

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


def test_registration_search_of_a_pasted_paragraph_still_finds_by_its_first_word(
    admin_client, attendees
):
    response = admin_client.get(REGISTRATIONS, {"q": "Wang " * 500})

    assert names(response) == ["Wang Fang"]
    assert admin_messages(response) == ["Only the first 10 words of the search were used."]


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
    assert f"/r/{lina.manage_token}/" in message.body


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
    old_link = f"/r/{zoe.manage_token}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, REGISTRATIONS, "revoke_links", [zoe])

    zoe.refresh_from_db()
    new_link = f"/r/{zoe.manage_token}/"
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
