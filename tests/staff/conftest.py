"""Fixtures for the staff tests: the five kinds of user, a small program with seated and
waiting attendees (non-ASCII names, a formula-looking organization, a cancellation)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from agenda.models import Conference, Forum
from registration.enums import PickStatus, RegistrationStatus
from registration.models import ForumPick, Registration
from registration.roles import DESK, ORGANIZERS
from tests.factories import ForumFactory, ForumPickFactory, RegistrationFactory, RoomFactory

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
def cloud(conference) -> Forum:
    """Day one 09:00-12:00, two seats."""
    return ForumFactory(
        conference=conference,
        title="Cloud Native",
        slug="cloud-native",
        room=RoomFactory(conference=conference, name="Hall A"),
        day=1,
        start=dt.time(9, 0),
        capacity=2,
    )


@pytest.fixture
def governance(conference) -> Forum:
    """Day one 13:30-16:30, ten seats."""
    return ForumFactory(
        conference=conference,
        title="Open Source Governance",
        slug="governance",
        room=RoomFactory(conference=conference, name="Hall B"),
        day=1,
        start=dt.time(13, 30),
        capacity=10,
    )


@pytest.fixture
def make_pick() -> Callable[..., ForumPick]:
    """``make_pick(registration, forum, status, minute)``: a pick made ``minute`` minutes
    after a fixed hour ago, so waiting lists have a known order."""
    base = timezone.now() - dt.timedelta(hours=1)

    def build(registration, forum, status=PickStatus.SEATED, minute=0) -> ForumPick:
        picked_at = base + dt.timedelta(minutes=minute)
        return ForumPickFactory(
            registration=registration,
            forum=forum,
            status=status,
            picked_at=picked_at,
            seated_at=picked_at if status == PickStatus.SEATED else None,
        )

    return build


@dataclass
class Attendees:
    zhang: Registration
    zoe: Registration
    hannah: Registration
    wang: Registration
    lina: Registration
    carl: Registration

    @property
    def confirmed(self) -> list[Registration]:
        return [self.zhang, self.zoe, self.hannah, self.wang, self.lina]


@pytest.fixture
def attendees(conference, cloud, governance, make_pick) -> Attendees:
    """Cloud Native is full (张伟, Zoë seated; Hannah then Wang Fang waiting); Wang Fang and
    张伟 sit in Governance; Li Na picked nothing; Carl cancelled (his pick released)."""
    zhang = RegistrationFactory(
        conference=conference,
        full_name="张伟",
        email="zhang.wei@example.org",
        organization="开放原子开源基金会",
        job_title="工程师",
    )
    zoe = RegistrationFactory(
        conference=conference,
        full_name="Zoë O'Brien",
        email="zoe.obrien@example.org",
        organization='O\'Reilly, "Media" & Co',
        job_title="Editor",
    )
    hannah = RegistrationFactory(
        conference=conference,
        full_name="Hannah Link",
        email="hannah@example.org",
        organization='=HYPERLINK("http://x")',
    )
    wang = RegistrationFactory(
        conference=conference, full_name="Wang Fang", email="wang.fang@example.org"
    )
    lina = RegistrationFactory(conference=conference, full_name="Li Na", email="li.na@example.org")
    carl = RegistrationFactory(
        conference=conference,
        full_name="Carl Cancelled",
        email="carl@example.org",
        status=RegistrationStatus.CANCELLED,
        cancelled_at=timezone.now(),
    )
    make_pick(zhang, cloud, minute=0)
    make_pick(zoe, cloud, minute=1)
    make_pick(hannah, cloud, PickStatus.WAITING, minute=2)
    make_pick(wang, cloud, PickStatus.WAITING, minute=3)
    make_pick(zhang, governance, minute=4)
    make_pick(wang, governance, minute=5)
    make_pick(carl, governance, PickStatus.RELEASED, minute=6)
    return Attendees(zhang=zhang, zoe=zoe, hannah=hannah, wang=wang, lina=lina, carl=carl)


@pytest.fixture
def other_conference(db) -> Conference:
    """Last year's edition (never the current one)."""
    from tests.factories import ConferenceFactory

    return ConferenceFactory(
        start_date=dt.date.today() - dt.timedelta(days=365),
        end_date=dt.date.today() - dt.timedelta(days=364),
    )
