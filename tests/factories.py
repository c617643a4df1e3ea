"""One factory per model. Defaults build a valid, published program in Asia/Shanghai.

Times are built from the conference's own ``tzinfo`` (wall-clock times at the venue), the way
organizers think of them; the database stores them in UTC.
"""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from agenda.enums import ForumKind, TalkKind
from agenda.models import Conference, Forum, Room, Speaker, Talk, TalkSpeaker
from registration.enums import PickStatus
from registration.models import ForumPick, Registration


class ConferenceFactory(DjangoModelFactory):
    """A published two-day conference a month from now, registration open (no closing date)."""

    class Meta:
        model = Conference

    name = factory.Sequence(lambda n: f"GOTC {3000 + n}")
    slug = factory.Sequence(lambda n: f"{3000 + n}")
    tagline = "Global Open-source Technology Conference"
    description = "Open source, from kernels to clouds."
    start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=1))
    time_zone = "Asia/Shanghai"
    venue = "Zhangjiang Science Hall"
    address = "Pudong New Area, Shanghai"
    registration_opens = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=7))
    registration_closes = None
    capacity = None
    is_published = True


class RoomFactory(DjangoModelFactory):
    class Meta:
        model = Room

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Hall {n}")
    seats = 100
    position = 0


class ForumFactory(DjangoModelFactory):
    """A three-hour topic forum, 09:00 local time on the first day, in a room of its own.

    ``day`` (1-based), ``start`` (a ``datetime.time``) and ``duration`` place it on the program.
    """

    class Meta:
        model = Forum

    class Params:
        day = 1
        start = dt.time(9, 0)
        duration = dt.timedelta(hours=3)

    conference = factory.SubFactory(ConferenceFactory)
    title = factory.Sequence(lambda n: f"Forum {n}")
    slug = factory.Sequence(lambda n: f"forum-{n}")
    kind = ForumKind.TOPIC
    description = "Talks and discussion."
    room = factory.SubFactory(RoomFactory, conference=factory.SelfAttribute("..conference"))
    starts_at = factory.LazyAttribute(
        lambda o: o.conference.local_datetime(
            o.conference.start_date + dt.timedelta(days=o.day - 1), o.start
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + o.duration)
    host = ""
    position = 0


class TalkFactory(DjangoModelFactory):
    """A 30-minute talk at the start of its forum; ``offset`` moves it later in the forum."""

    class Meta:
        model = Talk

    class Params:
        offset = dt.timedelta(0)
        duration = dt.timedelta(minutes=30)

    forum = factory.SubFactory(ForumFactory)
    conference = factory.SelfAttribute("forum.conference")
    title = factory.Sequence(lambda n: f"Talk {n}")
    slug = factory.Sequence(lambda n: f"talk-{n}")
    kind = TalkKind.TALK
    abstract = "What we learned."
    starts_at = factory.LazyAttribute(lambda o: o.forum.starts_at + o.offset)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + o.duration)


class SpeakerFactory(DjangoModelFactory):
    class Meta:
        model = Speaker

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Speaker {n}")
    slug = factory.Sequence(lambda n: f"speaker-{n}")
    job_title = "Engineer"
    organization = "OpenAtom"
    bio = ""


class TalkSpeakerFactory(DjangoModelFactory):
    class Meta:
        model = TalkSpeaker

    talk = factory.SubFactory(TalkFactory)
    speaker = factory.SubFactory(
        SpeakerFactory, conference=factory.SelfAttribute("..talk.conference")
    )
    position = 0


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    conference = factory.SubFactory(ConferenceFactory)
    full_name = factory.Sequence(lambda n: f"Attendee {n}")
    email = factory.Sequence(lambda n: f"attendee{n}@example.org")
    organization = "Open Source China"
    job_title = "Developer"
    consent_at = factory.LazyFunction(timezone.now)


class ForumPickFactory(DjangoModelFactory):
    class Meta:
        model = ForumPick

    registration = factory.SubFactory(RegistrationFactory)
    forum = factory.SubFactory(
        ForumFactory, conference=factory.SelfAttribute("..registration.conference")
    )
    status = PickStatus.SEATED
    picked_at = factory.LazyFunction(timezone.now)
