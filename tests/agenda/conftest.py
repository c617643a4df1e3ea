"""A small GOTC-like program shared by the page and feed tests."""

import datetime as dt

import pytest

from agenda.enums import ForumKind, TalkKind
from tests.factories import (
    ForumFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkSpeakerFactory,
)


@pytest.fixture
def program(conference):
    """A small GOTC-like program: two forums on day one, one flash-talk forum on day two."""
    main_hall = RoomFactory(conference=conference, name="Main Hall", position=0)
    hall_a = RoomFactory(conference=conference, name="Hall A", position=1)
    salon = RoomFactory(conference=conference, name="Salon", position=2)
    main = ForumFactory(
        conference=conference,
        room=main_hall,
        title="Main Forum",
        slug="main-forum",
        kind=ForumKind.MAIN,
        day=1,
        start=dt.time(9, 0),
    )
    ebpf = ForumFactory(
        conference=conference,
        room=hall_a,
        title="eBPF",
        slug="ebpf",
        kind=ForumKind.TOPIC,
        day=1,
        start=dt.time(9, 0),
        duration=dt.timedelta(hours=4),
    )
    flash = ForumFactory(
        conference=conference,
        room=salon,
        title="Flash Talks",
        slug="flash-talks",
        kind=ForumKind.FLASH,
        day=2,
        start=dt.time(13, 30),
        duration=dt.timedelta(minutes=90),
    )
    hou = SpeakerFactory(
        conference=conference,
        name="Hou Zhenyu",
        slug="hou-zhenyu",
        job_title="Vice President",
        organization="Baidu Group",
    )
    weihua = SpeakerFactory(
        conference=conference,
        name="Weihua Di",
        slug="weihua-di",
        job_title="Cloud Native Architect",
        organization="Baidu",
        bio="Works on BPF in Baidu's cloud.",
    )
    jiefeng = SpeakerFactory(
        conference=conference,
        name="Jiefeng Sha",
        slug="jiefeng-sha",
        job_title="Senior Engineer",
        organization="AIR, Baidu",
    )
    keynote = TalkFactory(
        forum=main,
        title="Big Models Open New Era of AI",
        slug="big-models",
        kind=TalkKind.KEYNOTE,
        offset=dt.timedelta(minutes=30),
    )
    TalkSpeakerFactory(talk=keynote, speaker=hou)
    practice = TalkFactory(
        forum=ebpf,
        title="eBPF in Cloud Native",
        slug="ebpf-cloud-native",
        offset=dt.timedelta(hours=1),
        duration=dt.timedelta(minutes=40),
        abstract="Introduction to BPF; BPF in cloud native; practice at Baidu.",
    )
    TalkSpeakerFactory(talk=practice, speaker=weihua)
    edge = TalkFactory(
        forum=flash,
        title="Smart Edge and MQTT",
        slug="smart-edge",
        kind=TalkKind.FLASH,
        duration=dt.timedelta(minutes=15),
    )
    road = TalkFactory(
        forum=flash,
        title="Smart Road OS",
        slug="smart-road-os",
        kind=TalkKind.FLASH,
        offset=dt.timedelta(minutes=15),
        duration=dt.timedelta(minutes=15),
    )
    TalkSpeakerFactory(talk=road, speaker=jiefeng, position=0)
    TalkSpeakerFactory(talk=road, speaker=weihua, position=1)
    TalkSpeakerFactory(talk=edge, speaker=jiefeng)
    return conference
