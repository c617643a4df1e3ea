"""Unpublished editions: only those who may change the program (organizers, superusers, with
staff status) preview them; the registration desk, a view-only organizer and anyone without
staff status get the public's 404, on the program pages and on the staff pages alike."""

import pytest
from django.test import Client

from tests.factories import ConferenceFactory, ForumFactory
from tests.pages import parse, text
from tests.registration.staff.roles import make_more_user
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROGRAM_PAGES = [
    "/editions/{slug}/",
    "/editions/{slug}/agenda/",
    "/editions/{slug}/agenda.json",
    "/editions/{slug}/agenda/forums/draft-forum/",
]
PREVIEWERS = ["organizer", "superuser"]
PUBLIC = ["anonymous", "plain", "desk", "desk-not-staff", "viewer", "organizer-not-staff"]


@pytest.fixture
def draft():
    """Next year's edition, not published yet, with one forum."""
    conference = ConferenceFactory(name="GOTC Draft", slug="draft", is_published=False)
    ForumFactory(conference=conference, title="Draft forum", slug="draft-forum")
    return conference


@pytest.fixture
def visitor(client_for, django_user_model):
    """``visitor(role)``: a client of the security conftest's roles, plus a desk volunteer
    without staff status, a view-only organizer and an organizer without staff status."""

    def build(role: str) -> Client:
        if role in {"desk-not-staff", "viewer"}:
            client = Client()
            client.force_login(make_more_user(django_user_model, role, password=PASSWORD))
            return client
        if role == "organizer-not-staff":
            client = client_for("organizer")
            client.user.is_staff = False
            client.user.save()
            return client
        return client_for(role)

    return build


@pytest.mark.parametrize("role", PUBLIC)
@pytest.mark.parametrize("page", PROGRAM_PAGES)
def test_unpublished_edition_is_the_public_404(visitor, draft, role, page):
    response = visitor(role).get(page.format(slug=draft.slug))

    assert response.status_code == 404
    assert "Draft" not in response.content.decode()
    if not page.endswith(".json"):
        assert text(parse(response).find(".//h1")) == "Page not found"


@pytest.mark.parametrize("role", PREVIEWERS)
@pytest.mark.parametrize("page", PROGRAM_PAGES)
def test_unpublished_edition_is_previewed_by_who_may_change_the_program(visitor, draft, role, page):
    response = visitor(role).get(page.format(slug=draft.slug))

    assert response.status_code == 200
    assert "Draft forum" in response.content.decode()


@pytest.mark.parametrize("page", PROGRAM_PAGES)
def test_published_edition_is_open_to_the_desk(visitor, draft, page):
    draft.is_published = True
    draft.save()

    response = visitor("desk").get(page.format(slug=draft.slug))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [("desk", 404), ("organizer", 200), ("superuser", 200)],
)
@pytest.mark.parametrize("page", ["/staff/", "/staff/checkin/", "/staff/exports/"])
def test_staff_pages_of_an_unpublished_edition(visitor, draft, role, status, page):
    response = visitor(role).get(page, {"conference": draft.slug})

    assert response.status_code == status
