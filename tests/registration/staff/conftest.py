"""Fixtures for the staff tests: the five kinds of user, a small program with seated and
waiting attendees (non-ASCII names, a formula-looking organization, a cancellation)."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from agenda.models import Forum
from registration.enums import PickStatus
from registration.models import Registration
from registration.roles import DESK, ORGANIZERS
from tests.factories import ForumFactory, RegistrationFactory

ROLES = ["anonymous", "plain", "desk", "organizer", "superuser"]


@pytest.fixture
def make_user(db, django_user_model) -> Callable:
    """``make_user(role)``: a user of that role (None for "anonymous")."""

    def build(role: str):
        if role == "anonymous":
            return None
        if role == "superuser":
            return django_user_model.objects.create_superuser(
                username="root", email="root@example.org", password="pw"
            )
        user = django_user_model.objects.create_user(
            username=role, email=f"{role}@example.org", password="pw", is_staff=role != "plain"
        )
        group = {"desk": DESK, "organizer": ORGANIZERS}.get(role)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return build


@pytest.fixture
def client_for(make_user) -> Callable[[str], Client]:
    """``client_for(role)``: a test client logged in as a new user of that role."""

    def build(role: str) -> Client:
        client = Client()
        user = make_user(role)
        if user is not None:
            client.force_login(user)
        client.user = user
        return client

    return build


@pytest.fixture
def desk_client(client_for) -> Client:
    return client_for("desk")


@pytest.fixture
def organizer_client(client_for) -> Client:
    return client_for("organizer")


@pytest.fixture
def tied_waiting_list(conference, make_pick) -> tuple[Forum, Registration, Registration]:
    """(Rust, Zed First, Amy Second): a forum without seats whose two waiting picks were made
    at the same instant, Zed First's first (the smaller id). On PostgreSQL Zed's row is also
    stored after Amy's, so only the id tiebreak puts Zed first."""
    rust = ForumFactory(conference=conference, title="Rust", slug="rust", capacity=0)
    first = RegistrationFactory(conference=conference, full_name="Zed First")
    second = RegistrationFactory(conference=conference, full_name="Amy Second")
    make_pick(first, rust, PickStatus.WAITING, minute=5)
    make_pick(second, rust, PickStatus.WAITING, minute=4)
    first.picks.update(picked_at=second.picks.get().picked_at)
    return rust, first, second
