"""Fixtures for registration tests: attendee data, forms as posted, forums of a small program."""

import datetime as dt
from collections.abc import Callable

import pytest

from agenda.models import Conference, Forum
from registration import services
from registration.models import Registration
from tests.factories import ConferenceFactory, ForumFactory, RoomFactory


@pytest.fixture
def attendee_data() -> Callable[..., dict]:
    """``attendee_data(**overrides)``: the attendee fields services.register takes."""

    def build(**overrides) -> dict:
        data = {
            "full_name": "Li Wei",
            "email": "li.wei@example.org",
            "organization": "OpenAtom Foundation",
            "job_title": "Maintainer",
            "phone": "+86 138 0000 0000",
            "language": "en",
            "newsletter": False,
        }
        data.update(overrides)
        return data

    return build


@pytest.fixture
def form_data() -> Callable[..., dict]:
    """``form_data(forums, **overrides)``: the registration form as a browser posts it."""

    def build(forums, **overrides) -> dict:
        data = {
            "full_name": "Li Wei",
            "email": "li.wei@example.org",
            "organization": "OpenAtom Foundation",
            "job_title": "Maintainer",
            "phone": "+86 138 0000 0000",
            "language": "en",
            "forums": [forum.pk if isinstance(forum, Forum) else forum for forum in forums],
            "consent": "on",
            "website": "",
        }
        data.update(overrides)
        return data

    return build


@pytest.fixture
def register(attendee_data) -> Callable[..., services.RegistrationOutcome]:
    """``register(conference, forums, **attendee_overrides)`` through services.register."""

    def run(conference: Conference, forums, **overrides) -> services.RegistrationOutcome:
        return services.register(
            conference=conference, data=attendee_data(**overrides), forums=forums
        )

    return run


@pytest.fixture
def fill(attendee_data) -> Callable[..., list[Registration]]:
    """``fill(forum, n, prefix)``: n attendees registered for ``forum`` only, one after the
    other (later ones wait once it is full), without confirmation emails."""

    def run(forum: Forum, n: int, prefix: str = "filler") -> list[Registration]:
        registrations = []
        for number in range(n):
            outcome = services.register(
                conference=forum.conference,
                data=attendee_data(
                    full_name=f"{prefix.title()} {number}",
                    email=f"{prefix}-{number}@example.org",
                ),
                forums=[forum],
                notify=False,
            )
            registrations.append(outcome.registration)
        return registrations

    return run


@pytest.fixture
def morning(conference) -> Forum:
    """Day one 09:00-12:00, five seats."""
    return ForumFactory(
        conference=conference,
        title="Open Source Infrastructure",
        slug="infrastructure",
        day=1,
        start=dt.time(9, 0),
        capacity=5,
    )


@pytest.fixture
def parallel(conference) -> Forum:
    """Day one 10:00-12:00, in parallel with ``morning``, five seats."""
    return ForumFactory(
        conference=conference,
        title="eBPF and the Kernel",
        slug="ebpf",
        day=1,
        start=dt.time(10, 0),
        duration=dt.timedelta(hours=2),
        capacity=5,
    )


@pytest.fixture
def afternoon(conference) -> Forum:
    """Day one 13:30-16:30, two seats."""
    return ForumFactory(
        conference=conference,
        title="Open Source Governance",
        slug="governance",
        day=1,
        start=dt.time(13, 30),
        capacity=2,
    )


@pytest.fixture
def day_two(conference) -> Forum:
    """Day two 09:00-12:00, one seat."""
    return ForumFactory(
        conference=conference,
        title="Flash Talks",
        slug="flash-talks",
        day=2,
        start=dt.time(9, 0),
        capacity=1,
    )


@pytest.fixture
def other_conference(db) -> Conference:
    """Last year's edition (earlier dates, so it is never the current conference)."""
    return ConferenceFactory(
        start_date=dt.date.today() - dt.timedelta(days=365),
        end_date=dt.date.today() - dt.timedelta(days=364),
    )


@pytest.fixture
def foreign_forum(other_conference) -> Forum:
    """A forum of last year's edition."""
    return ForumFactory(
        conference=other_conference,
        title="Last Year's Keynotes",
        slug="keynotes",
        room=RoomFactory(conference=other_conference, name="Old Hall"),
        capacity=5,
    )


@pytest.fixture
def full_day_two(day_two, fill):
    """``day_two`` (one seat) taken by filler-0@example.org."""
    (holder,) = fill(day_two, 1)
    return holder
