"""The permission matrix for the privacy views: my-data, delete and new-link are public, keyed
only by the secret link (a staff login opens nothing more); staff pages need staff status and
the desk's permissions (a desk volunteer without staff status is sent to log in, a view-only
organizer sees the dashboard only); a forum host of eBPF reaches eBPF's attendees on every
staff page and admin list, and gets 403 or 404 for everything about another forum's."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registration.enums import PickStatus, RegistrationStatus
from registration.models import ExportLog, ForumHost, ForumPick, Registration
from registration.roles import FORUM_HOSTS
from registration.staff import search
from tests.factories import ForumFactory, RoomFactory
from tests.registration.staff.roles import MORE_ROLES, make_more_user
from tests.registration.staff.test_badges import pdf_text
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "plain", "desk", "organizer", "superuser", *MORE_ROLES]
UNKNOWN = "x" * 43


@pytest.fixture
def make_user(make_user, django_user_model):
    """The conftest's roles plus MORE_ROLES (a desk volunteer without staff status, a
    view-only organizer)."""

    def build(role: str, username: str | None = None):
        if role in MORE_ROLES:
            return make_more_user(django_user_model, role, username=username, password=PASSWORD)
        return make_user(role, username)

    return build


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("suffix", ["my-data.json", "delete/"], ids=["my-data", "delete"])
def test_private_views_open_with_the_link_for_anyone(client_for, people, role, suffix):
    response = client_for(role).get(f"/r/{people.li.manage_token}/{suffix}")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", "my-data.json"),
        ("get", "delete/"),
        ("post", "delete/"),
        ("get", ""),
        ("post", "cancel/"),
    ],
    ids=["my-data", "delete-get", "delete-post", "manage", "cancel"],
)
def test_unknown_link_is_404_even_for_staff(client_for, people, role, method, suffix):
    before = list(Registration.objects.order_by("pk").values_list("status", "full_name"))

    response = getattr(client_for(role), method)(f"/r/{UNKNOWN}/{suffix}")

    assert response.status_code == 404
    assert list(Registration.objects.order_by("pk").values_list("status", "full_name")) == before


@pytest.mark.parametrize("role", ROLES)
def test_delete_post_with_the_link_erases_for_anyone(client_for, people, role):
    response = client_for(role).post(f"/r/{people.zoe.manage_token}/delete/")

    zoe = Registration.objects.get(pk=people.zoe.pk)
    assert response.status_code == 200
    assert (zoe.status, zoe.full_name) == (RegistrationStatus.CANCELLED, "—")
    others = Registration.objects.exclude(pk=zoe.pk).values_list("full_name", flat=True)
    assert sorted(others) == ["Li Wei", "张伟"]


@pytest.mark.parametrize("role", ROLES)
def test_my_data_shows_only_the_links_owner(client_for, people, role):
    response = client_for(role).get(f"/r/{people.zoe.manage_token}/my-data.json")

    assert response.json()["email"] == "zoe@example.org"


@pytest.mark.parametrize("role", ROLES)
def test_new_link_page_is_public(client_for, people, role):
    client = client_for(role)

    page = client.get("/register/new-link/")
    sent = client.post("/register/new-link/", {"email": "zoe@example.org"})

    assert (page.status_code, sent.status_code) == (200, 200)
    assert sent.context["sent"] is True


def test_delete_and_new_link_need_a_csrf_token(people):
    client = Client(enforce_csrf_checks=True)

    deleted = client.post(f"/r/{people.zoe.manage_token}/delete/")
    new_link = client.post("/register/new-link/", {"email": "zoe@example.org"})

    assert (deleted.status_code, new_link.status_code) == (403, 403)
    zoe = Registration.objects.get(pk=people.zoe.pk)
    assert (zoe.full_name, zoe.manage_token) == ("Zoë O'Brien", people.zoe.manage_token)


STAFF_PAGES = ["/staff/", "/staff/checkin/", "/staff/exports/"]
# Status per page, in STAFF_PAGES order: 302 is the admin login (as the admin answers users
# without staff status), 403 staff without the page's permission.
EXPECTED_STAFF = {
    "anonymous": [302, 302, 302],
    "plain": [302, 302, 302],
    "desk-not-staff": [302, 302, 302],
    "desk": [200, 200, 200],
    "viewer": [200, 403, 403],
    "organizer": [200, 200, 200],
    "superuser": [200, 200, 200],
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_by_role(client_for, people, role, path):
    response = client_for(role).get(path)

    assert response.status_code == EXPECTED_STAFF[role][STAFF_PAGES.index(path)]
    if response.status_code == 302:
        assert response["Location"] == f"/admin/login/?next={path}"


@pytest.mark.parametrize("role", ROLES)
def test_staff_page_shows_no_private_link_to_anyone(client_for, people, role):
    """The desk pages list attendees but never their secret links."""
    response = client_for(role).get("/staff/exports/")

    tokens = [r.manage_token for r in (people.li, people.zhang, people.zoe)]
    assert [token for token in tokens if token in response.content.decode()] == []


# --- forum hosts: a partner team's account sees its forum's attendees and nobody else ---------
#
# Every staff URL and the admin pages a host can reach, each asked about the host's own forum
# (eBPF) and about another forum's attendees (the afternoon's Zoë, the morning's door list):
# the other forum's is always 403 or 404 and shows none of their data.


@pytest.fixture
def ebpf(conference):
    return ForumFactory(
        conference=conference,
        title="eBPF",
        slug="ebpf",
        room=RoomFactory(conference=conference, name="Hall E"),
        day=2,
        start=dt.time(9, 0),
        capacity=10,
    )


@pytest.fixture
def forum_people(people, ebpf, enroll, conference):
    """``people`` plus Ebi, seated in eBPF only; Li also takes a seat in eBPF."""
    ebi = enroll(conference, [ebpf], full_name="Ebi Kernel", email="ebi@example.org")
    now = timezone.now()
    ForumPick.objects.create(
        registration=people.li, forum=ebpf, status=PickStatus.SEATED, picked_at=now, seated_at=now
    )
    return people, ebi


@pytest.fixture
def host(django_user_model, ebpf) -> Client:
    user = django_user_model.objects.create_user(
        "ebpf-host", email="host@ebpf.example.org", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=FORUM_HOSTS))
    ForumHost.objects.create(user=user, forum=ebpf)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


OTHERS = ("Zoë O'Brien", "zoe@example.org", "张伟", "zhang.wei@example.org")
EBPF_PEOPLE = ("Ebi Kernel", "Li Wei")


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    if response.get("Content-Type") == "application/pdf":
        return pdf_text(response.content)
    return response.content.decode()


def shows_no_other_forum(response) -> None:
    body = body_of(response)
    assert [value for value in OTHERS if value in body] == []


def host_requests(people, ebi, ebpf, morning, afternoon):
    """(name, method, url, data, expected status, the host's own forum?) for every staff
    URL (see test_every_staff_url_is_in_the_host_matrix) and the admin pages."""
    zoe = people.zoe
    return [
        ("dashboard", "get", "/staff/", {}, 200, True),
        ("export-form", "get", "/staff/exports/", {}, 200, True),
        ("export-own", "post", "/staff/exports/", export_data(ebpf), 200, True),
        ("export-other", "post", "/staff/exports/", export_data(afternoon), 200, False),
        (
            "export-other-forums-column",
            "post",
            "/staff/exports/",
            {**export_data(ebpf), "columns": ["full_name", "seated_forums"]},
            200,
            False,
        ),
        ("export-all", "post", "/staff/exports/", export_data(None), 200, False),
        ("print-own", "get", f"/staff/forums/{ebpf.pk}/print/", {}, 200, True),
        ("print-other", "get", f"/staff/forums/{afternoon.pk}/print/", {}, 404, False),
        ("checkin-form", "get", "/staff/checkin/", {}, 200, True),
        ("checkin-other-door", "get", f"/staff/checkin/?forum={morning.pk}", {}, 200, False),
        ("search-other", "get", "/staff/checkin/?q=Zo%C3%AB", {}, 200, False),
        ("checkin-own", "post", "/staff/checkin/", at_door(ebpf, code=ebi.ticket_code), 200, True),
        (
            "checkin-other-code",
            "post",
            "/staff/checkin/",
            at_door(ebpf, code=zoe.ticket_code),
            404,
            False,
        ),
        (
            "checkin-other-id",
            "post",
            "/staff/checkin/",
            at_door(ebpf, registration=zoe.pk),
            404,
            False,
        ),
        ("undo-own", "post", f"/staff/checkin/{ebi.pk}/undo/", {}, 302, True),
        ("undo-other", "post", f"/staff/checkin/{zoe.pk}/undo/", {}, 404, False),
        ("reconfirm", "post", "/staff/reconfirm/", {}, 403, False),
        ("badges", "get", "/staff/badges/", {}, 200, True),
        ("badges-everyone", "get", "/staff/badges/?layout=a6&scope=all", {}, None, True),
        (
            "badges-other-forum",
            "get",
            f"/staff/badges/?layout=a6&scope=forum&forum={afternoon.pk}",
            {},
            400,
            False,
        ),
        (
            "badges-other-person",
            "get",
            f"/staff/badges/?layout=a6&scope=person&code={zoe.ticket_code}",
            {},
            400,
            False,
        ),
        (
            "badges-pdf-other",
            "get",
            f"/staff/badges/pdf/?layout=a6&scope=forum&forum={afternoon.pk}",
            {},
            400,
            False,
        ),
        ("badge-person-own", "get", f"/staff/badges/{ebi.pk}/pdf/", {}, None, True),
        ("badge-person-other", "get", f"/staff/badges/{zoe.pk}/pdf/", {}, 404, False),
        ("walkin", "get", "/staff/walkin/", {}, 403, False),
        ("walkin-ticket", "get", f"/staff/walkin/{ebi.pk}/", {}, 403, False),
        # The admin: their attendees, their emails; nothing of the program or the mail queue.
        (
            "admin-registrations",
            "get",
            reverse("admin:registration_registration_changelist"),
            {},
            200,
            True,
        ),
        (
            "admin-registrations-other-forum",
            "get",
            reverse("admin:registration_registration_changelist") + f"?forum={afternoon.pk}",
            {},
            200,
            False,
        ),
        ("admin-registration-own", "get", admin_change(ebi), {}, 200, True),
        ("admin-registration-other", "get", admin_change(zoe), {}, 302, False),
        ("admin-mailings", "get", reverse("admin:registration_mailing_changelist"), {}, 200, True),
        ("admin-mailing-add", "get", reverse("admin:registration_mailing_add"), {}, 200, True),
        (
            "admin-mailing-log",
            "get",
            reverse("admin:registration_mailingrecipient_changelist"),
            {},
            200,
            True,
        ),
        (
            "admin-forum-change",
            "get",
            reverse("admin:agenda_forum_change", args=[ebpf.pk]),
            {},
            403,
            False,
        ),
        ("admin-forums", "get", reverse("admin:agenda_forum_changelist"), {}, 403, False),
        ("admin-talks", "get", reverse("admin:agenda_talk_changelist"), {}, 403, False),
        ("admin-conference-add", "get", reverse("admin:agenda_conference_add"), {}, 403, False),
        ("admin-emails", "get", reverse("admin:post_office_email_changelist"), {}, 403, False),
        (
            "admin-export-log",
            "get",
            reverse("admin:registration_exportlog_changelist"),
            {},
            403,
            False,
        ),
        ("admin-hosts", "get", reverse("admin:registration_forumhost_changelist"), {}, 403, False),
        ("admin-picks", "get", reverse("admin:registration_forumpick_changelist"), {}, 403, False),
    ]


def export_data(forum) -> dict:
    return {
        "forum": forum.pk if forum else "",
        "statuses": "both",
        "columns": ["full_name", "email"],
        "file_format": "csv",
    }


def at_door(forum, **data) -> dict:
    """A check-in at ``forum``'s door: where a host stands (the entrance is not offered)."""
    return {"forum": forum.pk, **data}


def admin_change(registration) -> str:
    return reverse("admin:registration_registration_change", args=[registration.pk])


HOST_CASES = [
    "dashboard", "export-form", "export-own", "export-other", "export-other-forums-column",
    "export-all", "print-own",
    "print-other", "checkin-form", "checkin-other-door", "search-other", "checkin-own",
    "checkin-other-code", "checkin-other-id", "undo-own", "undo-other", "reconfirm", "badges",
    "badges-everyone", "badges-other-forum", "badges-other-person", "badges-pdf-other",
    "badge-person-own", "badge-person-other", "walkin", "walkin-ticket", "admin-registrations",
    "admin-registrations-other-forum", "admin-registration-own", "admin-registration-other",
    "admin-mailings", "admin-mailing-add", "admin-mailing-log", "admin-forum-change",
    "admin-forums", "admin-talks", "admin-conference-add", "admin-emails", "admin-export-log",
    "admin-hosts", "admin-picks",
]  # fmt: skip


@pytest.mark.parametrize("case", HOST_CASES)
def test_forum_host_matrix(host, forum_people, ebpf, morning, afternoon, case):
    people, ebi = forum_people
    requests = {r[0]: r for r in host_requests(people, ebi, ebpf, morning, afternoon)}
    _name, method, url, data, expected, _own = requests[case]
    before_export_logs = ExportLog.objects.count()

    response = getattr(host, method)(url, data)

    if expected is not None:
        assert response.status_code == expected
    else:  # badges, or 503 where WeasyPrint is missing: never a 403/404 for their own
        assert response.status_code in {200, 503}
    body = body_of(response)
    assert [value for value in OTHERS if value in body] == []
    if case == "export-own":
        assert response["Content-Type"].startswith("text/csv")
        rows = body
        assert "Ebi Kernel" in rows and "Li Wei" in rows
    if case in {"export-other", "export-other-forums-column", "export-all"}:
        assert response["Content-Type"].startswith("text/html")
        assert ExportLog.objects.count() == before_export_logs
    if case in {"dashboard", "admin-registrations"}:
        assert "Ebi Kernel" in body or "eBPF" in body
        assert "Cloud Native" not in body and "Open Source Governance" not in body


def test_every_staff_url_is_in_the_host_matrix():
    from registration.staff import urls

    covered = {
        "dashboard": "dashboard",
        "export": "export-form",
        "forum-print": "print-other",
        "checkin": "checkin-form",
        "undo-checkin": "undo-other",
        "reconfirm": "reconfirm",
        "badges": "badges",
        "badges-pdf": "badges-pdf-other",
        "badge-person": "badge-person-other",
        "walkin": "walkin",
        "walkin-ticket": "walkin-ticket",
    }

    assert {pattern.name for pattern in urls.urlpatterns} <= set(covered)
    assert set(covered.values()) <= set(HOST_CASES)


def test_a_host_checks_in_their_own_and_nobody_else(host, forum_people):
    people, ebi = forum_people

    door = {"forum": ForumHost.objects.get().forum_id}
    host.post("/staff/checkin/", {**door, "code": ebi.ticket_code})
    host.post("/staff/checkin/", {**door, "code": people.zoe.ticket_code})
    host.post("/staff/checkin/", {**door, "registration": people.zoe.pk})

    checked = Registration.objects.filter(checked_in_at__isnull=False)
    assert list(checked.values_list("full_name", flat=True)) == ["Ebi Kernel"]


def test_a_host_in_the_group_without_a_forum_sees_nobody(client_for, people, django_user_model):
    user = django_user_model.objects.create_user("lost-host", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=FORUM_HOSTS))
    client = Client()
    client.force_login(user)

    listed = client.get(reverse("admin:registration_registration_changelist"))
    searched = client.get("/staff/checkin/?q=Li")

    shows_no_other_forum(listed)
    assert "Li Wei" not in listed.content.decode() + searched.content.decode()


def test_a_host_is_not_offered_the_walk_in_desk(host, forum_people, client_for):
    pages = [host.get("/staff/"), host.get("/staff/checkin/")]
    organizer = client_for("organizer").get("/staff/")

    for page in pages:
        assert page.status_code == 200
        assert "/staff/walkin/" not in page.content.decode()
    assert "/staff/walkin/" in organizer.content.decode()


@pytest.mark.parametrize(
    ("role", "expected"),
    [("organizer", 200), ("desk", 403), ("plain", 302), ("anonymous", 302)],
)
@pytest.mark.parametrize(
    "name",
    ["admin:api_apitoken_add", "admin:api_webhookendpoint_add", "admin:api_apitoken_changelist"],
)
def test_only_organizers_manage_api_tokens_and_webhooks(client_for, role, expected, name):
    response = client_for(role).get(reverse(name))

    assert response.status_code == expected


def test_a_hosts_search_is_not_crowded_out_by_other_forums_attendees(
    host, forum_people, enroll, conference
):
    # More people named Kernel outside eBPF than one result page holds, all sorting first.
    for number in range(search.LIMIT + 5):
        enroll(
            conference, [], full_name=f"Aaron Kernel {number:02}", email=f"a{number}@example.org"
        )

    page = host.get("/staff/checkin/", {"q": "kernel"}).content.decode()

    assert "Ebi Kernel" in page
    assert "Aaron Kernel" not in page
