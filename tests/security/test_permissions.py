"""The permission matrix for the privacy views: my-data, delete and new-link are public, keyed
only by the secret link (a staff login opens nothing more); staff pages need staff status and
the desk's permissions (a desk volunteer without staff status is sent to log in, a view-only
organizer sees the dashboard only)."""

import pytest
from django.test import Client

from registration.enums import RegistrationStatus
from registration.models import Registration
from tests.registration.staff.roles import MORE_ROLES, make_more_user
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
