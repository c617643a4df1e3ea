"""Who may do what: every staff page, the admin pages staff use and every admin action, for
anonymous visitors, plain users, the registration desk (with and without staff status), a
view-only organizer, organizers and superusers."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email

from registration.enums import RegistrationStatus
from registration.models import ExportLog, PendingEmail, Registration
from tests.pages import parse, text
from tests.registration.conftest import Attendees
from tests.registration.staff.conftest import ROLES
from tests.registration.staff.reading import action_choices, csv_rows
from tests.registration.staff.roles import MORE_ROLES, make_more_user

pytestmark = pytest.mark.django_db

ALL_ROLES = [*ROLES, *MORE_ROLES]
# Without staff status nobody enters the staff pages or the admin: both send them to log in.
NOT_STAFF = {"anonymous", "plain", "desk-not-staff"}


@pytest.fixture
def make_user(make_user, django_user_model):
    """The conftest's roles plus MORE_ROLES."""

    def build(role: str):
        if role in MORE_ROLES:
            return make_more_user(django_user_model, role, password="pw")
        return make_user(role)

    return build


def heading(response) -> str:
    root = parse(response)
    found = root.find(".//main//h1")
    if found is None:
        found = root.find(".//*[@id='content']//h1")
    return text(found) if found is not None else ""


@dataclass
class Target:
    name: str
    method: str
    url: Callable[[Attendees], str]
    area: str  # "staff" or "admin"
    desk: str  # what the desk gets: "ok" or "forbidden"
    viewer: str  # what the view-only organizer gets: "ok" or "forbidden"
    shows: Callable  # (response, attendees, role) -> None: what an allowed user notices
    data: Callable[[Attendees], dict] | None = None


def shows_heading(expected: str | Callable[[Attendees, str], str]):
    def check(response, attendees, role):
        wanted = expected(attendees, role) if callable(expected) else expected
        assert (response.status_code, heading(response)) == (200, wanted)

    return check


def shows_export(response, attendees, role):
    assert response["Content-Disposition"].startswith("attachment;")
    assert csv_rows(response) == [
        ["Full name"],
        ["Hannah Link"],
        ["Li Na"],
        ["Wang Fang"],
        ["Zoë O'Brien"],
        ["张伟"],
    ]


def shows_checked_in(response, attendees, role):
    result = parse(response).find(".//div[@class='card checkin-result border-success border-3']")
    assert response.status_code == 200
    assert text(result).startswith("✓ Checked in Wang Fang")


def shows_undone(response, attendees, role):
    attendees.zhang.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, reverse("staff:checkin"))
    assert attendees.zhang.checked_in_at is None


def shows_reconfirmation_sent(response, attendees, role):
    assert (response.status_code, response["Location"]) == (302, reverse("staff:dashboard"))
    # Owed in the same transaction, rendered into the mail queue once it commits.
    owed = PendingEmail.objects.select_related("registration")
    assert sorted(pending.registration.email for pending in owed) == [
        "wang.fang@example.org",
        "zhang.wei@example.org",
        "zoe.obrien@example.org",
    ]


def shows_registrations(response, attendees, role):
    assert response.status_code == 200
    names = [text(th) for th in parse(response).iter("th") if th.get("class") == "field-full_name"]
    assert sorted(names) == sorted(
        ["张伟", "Zoë O'Brien", "Hannah Link", "Wang Fang", "Li Na", "Carl Cancelled"]
    )


def change_or_view(model: str):
    return lambda attendees, role: f"{'View' if role in {'desk', 'viewer'} else 'Change'} {model}"


def select_to_view_or_change(model: str):
    return lambda attendees, role: (
        f"Select {model} to {'change' if role == 'superuser' else 'view'}"
    )


TARGETS = [
    Target(
        "dashboard",
        "get",
        lambda a: reverse("staff:dashboard"),
        "staff",
        "ok",
        "ok",
        shows_heading(lambda a, role: f"{a.zhang.conference.name}: registration desk"),
    ),
    Target(
        "exports-form",
        "get",
        lambda a: reverse("staff:export"),
        "staff",
        "ok",
        "forbidden",
        shows_heading("Export attendee lists"),
    ),
    Target(
        "exports-download",
        "post",
        lambda a: reverse("staff:export"),
        "staff",
        "ok",
        "forbidden",
        shows_export,
        data=lambda a: {"statuses": "both", "columns": ["full_name"], "file_format": "csv"},
    ),
    Target(
        "checkin-form",
        "get",
        lambda a: reverse("staff:checkin"),
        "staff",
        "ok",
        "forbidden",
        shows_heading("Check-in"),
    ),
    Target(
        "checkin",
        "post",
        lambda a: reverse("staff:checkin"),
        "staff",
        "ok",
        "forbidden",
        shows_checked_in,
        data=lambda a: {"code": a.wang.ticket_code},
    ),
    Target(
        "checkin-undo",
        "post",
        lambda a: reverse("staff:undo-checkin", args=[a.zhang.pk]),
        "staff",
        "ok",
        "forbidden",
        shows_undone,
    ),
    Target(
        "forum-print",
        "get",
        lambda a: reverse("staff:forum-print", args=[a.zhang.picks.first().forum_id]),
        "staff",
        "ok",
        "forbidden",
        shows_heading("Cloud Native"),
    ),
    Target(
        "reconfirm",
        "post",
        lambda a: reverse("staff:reconfirm"),
        "staff",
        "forbidden",
        "forbidden",
        shows_reconfirmation_sent,
    ),
    Target(
        "admin-registrations",
        "get",
        lambda a: reverse("admin:registration_registration_changelist"),
        "admin",
        "ok",
        "ok",
        shows_registrations,
    ),
    Target(
        "admin-registration-change",
        "get",
        lambda a: reverse("admin:registration_registration_change", args=[a.zhang.pk]),
        "admin",
        "ok",
        "ok",
        shows_heading(change_or_view("registration")),
    ),
    Target(
        "admin-forum-change",
        "get",
        lambda a: reverse("admin:agenda_forum_change", args=[a.zhang.picks.first().forum_id]),
        "admin",
        "ok",
        "forbidden",
        shows_heading(change_or_view("forum")),
    ),
    Target(
        "admin-export-log",
        "get",
        lambda a: reverse("admin:registration_exportlog_changelist"),
        "admin",
        "forbidden",
        "ok",
        shows_heading("Select export log entry to view"),
    ),
    Target(
        "admin-conference-add",
        "get",
        lambda a: reverse("admin:agenda_conference_add"),
        "admin",
        "forbidden",
        "forbidden",
        shows_heading("Add conference"),
    ),
    Target(
        "admin-emails",
        "get",
        lambda a: reverse("admin:post_office_email_changelist"),
        "admin",
        "forbidden",
        "ok",
        shows_heading(select_to_view_or_change("Email")),
    ),
]


def expected_outcome(target: Target, role: str) -> str:
    if role in NOT_STAFF:
        return "login"
    if role == "desk":
        return target.desk
    if role == "viewer":
        return target.viewer
    return "ok"


def state() -> tuple:
    """What a refused request must leave untouched."""
    return (
        list(Registration.objects.order_by("pk").values_list("status", "checked_in_at")),
        ExportLog.objects.count(),
        Email.objects.count(),
    )


@pytest.fixture
def desk_day(attendees, django_user_model) -> Attendees:
    """张伟 was checked in earlier by a desk colleague."""
    attendees.zhang.checked_in_at = timezone.now()
    attendees.zhang.checked_in_by = django_user_model.objects.create_user(username="colleague")
    attendees.zhang.save()
    return attendees


@pytest.mark.parametrize("role", ALL_ROLES, ids=ALL_ROLES)
@pytest.mark.parametrize("target", TARGETS, ids=[target.name for target in TARGETS])
def test_page_access_by_role(client_for, desk_day, target, role):
    client = client_for(role)
    url = target.url(desk_day)
    data = target.data(desk_day) if target.data else {}
    before = state()

    response = getattr(client, target.method)(url, data)

    outcome = expected_outcome(target, role)
    if outcome == "ok":
        target.shows(response, desk_day, role)
        return
    body = response.content.decode()
    leaked = [
        value
        for registration in Registration.objects.all()
        for value in (registration.full_name, registration.email)
        if value in body
    ]
    assert leaked == []
    assert state() == before
    if outcome == "login":
        assert_sent_to_login(response, url)
    else:
        assert response.status_code == 403


def assert_sent_to_login(response, url):
    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('admin:login')}?next={quote(url)}",
    )


STAFF_TARGETS = [target for target in TARGETS if target.area == "staff"]


@pytest.mark.parametrize(
    "revoke",
    [{"is_staff": False}, {"is_active": False}],
    ids=["staff-status-removed", "deactivated"],
)
@pytest.mark.parametrize("target", STAFF_TARGETS, ids=[target.name for target in STAFF_TARGETS])
def test_desk_volunteer_loses_staff_pages_with_staff_status(desk_client, desk_day, target, revoke):
    """Same login, same desk group: only the staff status changes, and the pages close."""
    url = target.url(desk_day)
    data = target.data(desk_day) if target.data else {}
    desk_client.user.__dict__.update(revoke)
    desk_client.user.save()
    before = state()

    response = getattr(desk_client, target.method)(url, data)

    assert_sent_to_login(response, url)
    assert state() == before


# --- desk: reads the program, never writes it -----------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    ["admin:agenda_forum_change", "admin:agenda_forum_delete"],
    ids=["change", "delete"],
)
def test_desk_forum_write_is_forbidden(desk_client, cloud, url_name):
    data = {"title_en": "Renamed", "post": "yes"}

    response = desk_client.post(reverse(url_name, args=[cloud.pk]), data)

    cloud.refresh_from_db()
    assert (response.status_code, cloud.title) == (403, "Cloud Native")


def test_desk_forum_change_page_is_read_only(desk_client, cloud):
    response = desk_client.get(reverse("admin:agenda_forum_change", args=[cloud.pk]))

    root = parse(response)
    assert heading(response) == "View forum"
    assert root.find(".//input[@name='_save']") is None
    assert root.find(".//input[@name='title_en']") is None


def test_desk_registration_change_post_is_forbidden(desk_client, attendees):
    data = {"full_name": "Someone Else", "email": "x@example.org", "organization": "X"}
    url = reverse("admin:registration_registration_change", args=[attendees.zoe.pk])

    response = desk_client.post(url, data)

    attendees.zoe.refresh_from_db()
    assert (response.status_code, attendees.zoe.full_name) == (403, "Zoë O'Brien")


# --- admin actions: offered by role ---------------------------------------------------------

REGISTRATION_ACTIONS = [
    "cancel_selected",
    "resend_confirmation",
    "check_in_selected",
    "undo_check_in",
    "send_reconfirmation",
    "revoke_links",
    "export_csv",
    "export_xlsx",
]
DESK_ACTIONS = ["check_in_selected", "undo_check_in", "export_csv", "export_xlsx"]


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        ("desk", DESK_ACTIONS),
        ("organizer", REGISTRATION_ACTIONS),
        ("superuser", REGISTRATION_ACTIONS),
    ],
    ids=["desk", "organizer", "superuser"],
)
def test_registration_actions_offered_by_role(client_for, attendees, role, offered):
    client = client_for(role)

    response = client.get(reverse("admin:registration_registration_changelist"))

    assert action_choices(response) == offered


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        ("desk", []),
        ("organizer", ["delete_selected", "promote"]),
        ("superuser", ["delete_selected", "promote"]),
    ],
    ids=["desk", "organizer", "superuser"],
)
def test_forum_actions_offered_by_role(client_for, cloud, role, offered):
    client = client_for(role)

    response = client.get(reverse("admin:agenda_forum_changelist"))

    assert action_choices(response) == offered


@pytest.mark.parametrize(
    ("role", "offered"),
    [("viewer", []), ("organizer", []), ("superuser", ["delete_selected", "requeue"])],
    ids=["viewer", "organizer", "superuser"],
)
def test_email_actions_offered_by_role(client_for, attendees, role, offered):
    Email.objects.create(
        from_email="gotc@example.org",
        to=[attendees.zoe.email],
        subject="Your registration",
        message="See you there",
        status=STATUS.sent,
    )
    client = client_for(role)

    response = client.get(reverse("admin:post_office_email_changelist"))

    assert action_choices(response) == offered


@pytest.mark.parametrize(
    "action",
    ["cancel_selected", "resend_confirmation", "send_reconfirmation", "revoke_links"],
    ids=["cancel", "resend", "reconfirm", "revoke"],
)
def test_desk_posting_a_withheld_action_changes_nothing(desk_client, attendees, action):
    token = attendees.zoe.manage_token
    data = {"action": action, "_selected_action": [attendees.zoe.pk]}

    response = desk_client.post(
        reverse("admin:registration_registration_changelist"), data, follow=True
    )

    attendees.zoe.refresh_from_db()
    assert response.status_code == 200
    assert (attendees.zoe.status, attendees.zoe.manage_token) == (
        RegistrationStatus.CONFIRMED,
        token,
    )
    assert Email.objects.count() == 0


def test_desk_promote_action_is_refused(desk_client, cloud, attendees):
    cloud.capacity = 4
    cloud.save()
    data = {"action": "promote", "_selected_action": [cloud.pk]}

    desk_client.post(reverse("admin:agenda_forum_changelist"), data)

    assert cloud.picks.waiting().count() == 2


def test_desk_checks_in_through_the_admin_action(desk_client, attendees):
    data = {"action": "check_in_selected", "_selected_action": [attendees.zoe.pk]}

    desk_client.post(reverse("admin:registration_registration_changelist"), data)

    attendees.zoe.refresh_from_db()
    assert attendees.zoe.checked_in_by == desk_client.user


def test_desk_exports_through_the_admin_action(desk_client, attendees):
    data = {"action": "export_csv", "_selected_action": [attendees.zoe.pk, attendees.lina.pk]}

    response = desk_client.post(reverse("admin:registration_registration_changelist"), data)

    rows = csv_rows(response)
    assert [row[1] for row in rows] == ["Full name", "Li Na", "Zoë O'Brien"]
    assert ExportLog.objects.get().username == "desk"


# --- CSRF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [target for target in TARGETS if target.method == "post" and target.area == "staff"],
    ids=lambda target: target.name,
)
def test_staff_post_without_csrf_token_is_refused(make_user, desk_day, target):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("organizer"))
    before = state()

    response = client.post(target.url(desk_day), target.data(desk_day) if target.data else {})

    assert response.status_code == 403
    assert state() == before


# --- the attendee's private link --------------------------------------------------------------


@pytest.mark.parametrize("role", ["desk", "viewer", "organizer", "superuser"])
def test_registration_page_never_shows_the_private_link(client_for, attendees, role):
    """The private link acts as the attendee: it is in the attendee's email and nowhere else,
    not even for organizers (issue 13, point 1)."""
    url = reverse("admin:registration_registration_change", args=[attendees.zoe.pk])

    private_pages = reverse("registration:manage", args=["token"]).removesuffix("token/")

    response = client_for(role).get(url)

    body = response.content.decode()
    assert response.status_code == 200
    assert (attendees.zoe.manage_token in body, private_pages in body) == (False, False)


# --- every staff page is private ----------------------------------------------------------------


@pytest.mark.parametrize("target", STAFF_TARGETS, ids=[target.name for target in STAFF_TARGETS])
def test_staff_page_is_never_cached_indexed_or_leaked_as_referrer(client_for, desk_day, target):
    url = target.url(desk_day)
    data = target.data(desk_day) if target.data else {}

    response = getattr(client_for("superuser"), target.method)(url, data)

    assert (
        response["Cache-Control"],
        response["X-Robots-Tag"],
        response["Referrer-Policy"],
    ) == ("private, no-store", "noindex, nofollow", "same-origin")
