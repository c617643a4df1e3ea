"""Fixtures for the security and privacy tests: a small program, attendees registered through
the services (so seats and waiting lists are real), staff users of each role, and a way to
see log lines exactly as the production LOGGING writes them."""

import copy
import datetime as dt
import io
import logging
import logging.config
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from post_office.models import Email

from agenda.models import Conference, Forum
from gotc import settings as production_settings
from registration import services
from registration.models import PendingEmail, Registration
from registration.roles import DESK, ORGANIZERS
from tests.factories import ForumFactory, RoomFactory

PASSWORD = "correct horse battery staple"

ON_POSTGRESQL = connection.vendor == "postgresql"


def owed_emails() -> int:
    """Emails owed to attendees: post_office's mail queue (sent or not) plus the outbox rows
    not rendered yet (PendingEmail)."""
    return Email.objects.count() + PendingEmail.objects.count()


@pytest.fixture
def morning(conference) -> Forum:
    """Day one 09:00-12:00, one seat: the second attendee waits."""
    return ForumFactory(
        conference=conference,
        title="Cloud Native",
        slug="cloud-native",
        room=RoomFactory(conference=conference, name="Hall A"),
        day=1,
        start=dt.time(9, 0),
        capacity=1,
    )


@pytest.fixture
def afternoon(conference) -> Forum:
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


def attendee_data(**overrides) -> dict:
    data = {
        "full_name": "Li Wei",
        "email": "li.wei@example.org",
        "organization": "OpenAtom Foundation",
        "job_title": "Maintainer",
        "phone": "+86 138 0000 0001",
        "language": "en",
        "newsletter": True,
    }
    data.update(overrides)
    return data


@pytest.fixture
def enroll() -> Callable[..., Registration]:
    """``enroll(conference, forums, **fields)``: a registration made through
    services.register (no email), seated or waiting as the seats allow."""

    def run(conference: Conference, forums, **fields) -> Registration:
        outcome = services.register(
            conference=conference, data=attendee_data(**fields), forums=forums, notify=False
        )
        return outcome.registration

    return run


@dataclass
class People:
    li: Registration  # seated in the morning (its only seat) and the afternoon
    zhang: Registration  # waiting for the morning, seated in the afternoon
    zoe: Registration  # seated in the afternoon only


@pytest.fixture
def people(conference, morning, afternoon, enroll) -> People:
    li = enroll(conference, [morning, afternoon])
    zhang = enroll(
        conference,
        [morning, afternoon],
        full_name="张伟",
        email="zhang.wei@example.org",
        organization="开放原子开源基金会",
        job_title="工程师",
        phone="+86 139 0000 0002",
    )
    zoe = enroll(
        conference,
        [afternoon],
        full_name="Zoë O'Brien",
        email="zoe@example.org",
        organization="O'Reilly",
        job_title="Editor",
        phone="",
        newsletter=False,
    )
    return People(li=li, zhang=zhang, zoe=zoe)


@pytest.fixture
def make_user(db, django_user_model) -> Callable:
    """``make_user(role, username=None)``: a user of that role ("plain", "desk",
    "organizer", "superuser"), password PASSWORD."""

    def build(role: str, username: str | None = None):
        username = username or role
        if role == "superuser":
            return django_user_model.objects.create_superuser(
                username=username, email=f"{username}@example.org", password=PASSWORD
            )
        user = django_user_model.objects.create_user(
            username=username,
            email=f"{username}@example.org",
            password=PASSWORD,
            is_staff=role != "plain",
        )
        group = {"desk": DESK, "organizer": ORGANIZERS}.get(role)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return build


@pytest.fixture
def client_for(make_user) -> Callable[..., Client]:
    """``client_for(role)``: a client logged in as a new user of that role (anonymous: none)."""

    def build(role: str, username: str | None = None) -> Client:
        client = Client()
        client.user = None
        if role != "anonymous":
            client.user = make_user(role, username)
            client.force_login(client.user)
        return client

    return build


@pytest.fixture
def production_log() -> Iterator[io.StringIO]:
    """The production LOGGING (gotc/settings.py, with its RedactSecrets filter) installed for
    the test, its console handler writing into the returned buffer; restored afterwards."""
    config = copy.deepcopy(production_settings.LOGGING)
    buffer = io.StringIO()
    config["handlers"]["console"]["stream"] = buffer
    config["handlers"]["console"]["formatter"] = "plain"
    config["formatters"] = {"plain": {"format": "%(name)s %(levelname)s %(message)s"}}
    names = [None, *config["loggers"]]
    saved = {}
    for name in names:
        logger = logging.getLogger(name)
        saved[name] = (
            logger.handlers[:],
            logger.filters[:],
            logger.level,
            logger.propagate,
            logger.disabled,
        )
    logging.config.dictConfig(config)
    try:
        yield buffer
    finally:
        for name, (handlers, filters, level, propagate, disabled) in saved.items():
            logger = logging.getLogger(name)
            for handler in logger.handlers[:]:
                logger.removeHandler(handler)
                if handler not in handlers:
                    handler.close()
            for handler in handlers:
                logger.addHandler(handler)
            logger.filters[:] = filters
            logger.setLevel(level)
            logger.propagate = propagate
            logger.disabled = disabled
