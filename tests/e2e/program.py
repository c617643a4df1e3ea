"""The small program the browser tests (and the HTML validity test) run against.

A published two-day conference with registration open:

- day one 09:00-12:00, in parallel: Cloud Native (main forum, Main Hall) and Open Source
  Governance (topic forum, Hall B);
- day one 13:30-16:30: eBPF and the Kernel (featured forum, Hall B);
- day two 09:00-12:00: Rust Workshop (workshop, one seat, already taken by Ada Early: full,
  its waiting list open);
- every forum has two talks, each with a speaker (one talk has two).

Titles have Chinese versions (modeltranslation), so the Chinese pages read Chinese.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import translation

from agenda.enums import ForumKind, TalkKind
from agenda.models import Conference, Forum, Speaker, Talk
from registration import services
from registration.models import Registration
from tests.factories import (
    ConferenceFactory,
    ForumFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkSpeakerFactory,
)


@dataclass
class Program:
    conference: Conference
    cloud: Forum
    governance: Forum
    ebpf: Forum
    workshop: Forum
    talk: Talk
    speaker: Speaker
    early_bird: Registration

    @property
    def forums(self) -> list[Forum]:
        return [self.cloud, self.governance, self.ebpf, self.workshop]


FORUMS = [
    # attribute, title, Chinese title, slug, kind, room, day, start, capacity
    ("cloud", "Cloud Native", "云原生", "cloud-native", ForumKind.MAIN, "main", 1, (9, 0), 100),
    (
        "governance",
        "Open Source Governance",
        "开源治理",
        "governance",
        ForumKind.TOPIC,
        "hall-b",
        1,
        (9, 0),
        50,
    ),
    (
        "ebpf",
        "eBPF and the Kernel",
        "eBPF 与内核",
        "ebpf",
        ForumKind.FEATURED,
        "hall-b",
        1,
        (13, 30),
        50,
    ),
    (
        "workshop",
        "Rust Workshop",
        "Rust 工作坊",
        "rust-workshop",
        ForumKind.WORKSHOP,
        "salon",
        2,
        (9, 0),
        1,
    ),
]

SPEAKERS = [
    ("Li Lei", "李雷", "OpenAtom Foundation"),
    ("Maria Garcia", "Maria Garcia", "Linux Foundation APAC"),
    ("Wang Fang", "王芳", "Open Source China"),
    ("Kenji Sato", "Kenji Sato", "Cloud Native Computing"),
]


def build_program() -> Program:
    # modeltranslation writes `title=` into the field of the active language: build in English
    # whatever an earlier test left active in this thread (the test client activates Chinese).
    with translation.override("en"):
        return _build_program()


def _build_program() -> Program:
    conference = ConferenceFactory(
        name="GOTC 2031",
        name_zh_hans="GOTC 2031 全球开源技术峰会",
        slug="2031",
        venue="Zhangjiang Science Hall",
        venue_zh_hans="张江科学会堂",
        description="Open source, from kernels to clouds: two days of forums in Shanghai.",
        description_zh_hans="开源，从内核到云：在上海的两天论坛。",
        contact_email="contact@gotc.example.org",
        contact_wechat_id="GOTC_demo",
    )
    rooms = {
        "main": RoomFactory(conference=conference, name="Main Hall", seats=300, position=0),
        "hall-b": RoomFactory(conference=conference, name="Hall B", seats=80, position=1),
        "salon": RoomFactory(conference=conference, name="Salon", seats=20, position=2),
    }
    speakers = [
        SpeakerFactory(
            conference=conference,
            name=name,
            name_zh_hans=chinese,
            slug=f"speaker-{number}",
            organization=organization,
            bio=f"{name} works on open source at {organization}.",
        )
        for number, (name, chinese, organization) in enumerate(SPEAKERS)
    ]
    forums: dict[str, Forum] = {}
    talks: list[Talk] = []
    for number, (attr, title, chinese, slug, kind, room, day, start, capacity) in enumerate(FORUMS):
        forum = ForumFactory(
            conference=conference,
            title=title,
            title_zh_hans=chinese,
            slug=slug,
            kind=kind,
            room=rooms[room],
            day=day,
            start=dt.time(*start),
            capacity=capacity,
            position=number,
            description=f"The {title} forum: talks and discussion.",
        )
        forums[attr] = forum
        for index in range(2):
            talk = TalkFactory(
                forum=forum,
                title=f"{title}: part {index + 1}",
                slug=f"{slug}-{index + 1}",
                kind=TalkKind.KEYNOTE if index == 0 else TalkKind.TALK,
                offset=dt.timedelta(minutes=45 * index),
                abstract=f"What we learned about {title.lower()}.",
            )
            TalkSpeakerFactory(talk=talk, speaker=speakers[(number + index) % len(speakers)])
            talks.append(talk)
    TalkSpeakerFactory(talk=talks[0], speaker=speakers[3], position=1)
    # The workshop's only seat is taken: whoever picks it next waits.
    outcome = services.register(
        conference=conference,
        data={
            "full_name": "Ada Early",
            "email": "ada.early@example.org",
            "organization": "Rust China",
            "job_title": "Trainer",
            "language": "en",
        },
        forums=[forums["workshop"]],
        notify=False,
    )
    return Program(
        conference=conference,
        talk=talks[0],
        speaker=speakers[0],
        early_bird=outcome.registration,
        **forums,
    )


def register_attendee(program: Program, **overrides) -> Registration:
    """An attendee registered through services (no email): seated in Cloud Native and eBPF,
    waiting for the Rust Workshop."""
    data = {
        "full_name": "Grace Hopper",
        "email": "grace@example.org",
        "organization": "Open Source Initiative",
        "job_title": "Maintainer",
        "language": "en",
    }
    data.update(overrides)
    outcome = services.register(
        conference=program.conference,
        data=data,
        forums=[program.cloud, program.ebpf, program.workshop],
        notify=False,
    )
    return outcome.registration
