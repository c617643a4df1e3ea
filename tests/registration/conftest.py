"""Fixtures for registration tests: attendee data, forms as posted, forums of a small program."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from agenda.models import Conference, Forum
from registration import services
from registration.enums import PickStatus, RegistrationStatus
from registration.models import ForumPick, Registration
from tests.factories import (
    ConferenceFactory,
    ForumFactory,
    ForumPickFactory,
    RegistrationFactory,
    RoomFactory,
)


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


# The staff desk's and the admin's program: Cloud Native full with two waiting, Governance
# half empty, six attendees (see ``attendees``).


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


# --- emails to chosen attendees (test_mailings.py, admin/test_mailings.py) ------------------


@pytest.fixture
def all_emails_due_at_once(settings):
    """Every email of a mailing due at once (no spreading at MAILING_RATE_PER_MINUTE), unless
    a test sets its own rate."""
    settings.MAILING_RATE_PER_MINUTE = 1_000_000_000


@pytest.fixture
def ebpf(conference):
    return ForumFactory(conference=conference, title="eBPF", slug="ebpf", day=1)


@pytest.fixture
def web3(conference):
    return ForumFactory(conference=conference, title="Web3", slug="web3", day=2)
