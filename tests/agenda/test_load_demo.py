"""`manage.py load_demo`: the GOTC 2023 program from the announcement, safe to run again."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from agenda.models import Conference, Forum, Room, Speaker, Talk, TalkSpeaker

pytestmark = pytest.mark.django_db

PROGRAM_MODELS = [Conference, Room, Forum, Talk, Speaker, TalkSpeaker]


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in PROGRAM_MODELS}


def test_load_demo_twice_changes_nothing_the_second_time():
    load_demo()
    first_counts = counts()
    first_update = Conference.objects.get().updated_at

    output = load_demo()

    assert counts() == first_counts
    assert first_counts == {
        "Conference": 1,
        "Room": 5,
        "Forum": 6,
        "Talk": 7,
        "Speaker": 7,
        "TalkSpeaker": 7,
    }
    assert Conference.objects.get().updated_at == first_update
    assert ": 0 created, 0 updated, " in output


def test_load_demo_conference_matches_the_announcement():
    load_demo()

    conference = Conference.objects.get()
    assert (conference.name, conference.slug, conference.venue, conference.time_zone) == (
        "GOTC 2023",
        "2023",
        "Zhangjiang Science Hall",
        "Asia/Shanghai",
    )
    assert (conference.start_date, conference.end_date) == (
        dt.date(2023, 5, 27),
        dt.date(2023, 5, 28),
    )
    assert conference.is_published
    # Registration would close at the end of 27-28 May 2023: the demo keeps it open.
    assert conference.registration_is_open()
    assert conference.accent_color == "#1E3A8A"
    assert [
        (p.kind, p.name_en, p.name_zh_hans, bool(p.logo)) for p in conference.partners.all()
    ] == [
        ("host", "OpenAtom Open Source Foundation", "开放原子开源基金会", True),
        ("host", "Linux Foundation Asia Pacific", "Linux 基金会亚太区", True),
        ("host", "Shanghai Pudong Software Park", "上海浦东软件园", True),
        ("host", "Open Source China", "开源中国", True),
    ]


def test_load_demo_forums_and_talks_match_the_announcement():
    load_demo()

    program = [
        (
            forum.title,
            forum.get_kind_display(),
            [talk.title for talk in forum.talks.order_by("starts_at")],
        )
        for forum in Forum.objects.order_by("position")
    ]
    assert program == [
        ("Main Forum", "Main forum", ["Big Models Open New Era of AI"]),
        ("eBPF", "Topic forum", ["eBPF Technology Practice in Cloud Native Domain"]),
        (
            "Web3 · Meta-Universe Worlds",
            "Topic forum",
            [
                "Distributed Instant Messaging Infrastructure Practice and Application Based on "
                "Blockchain"
            ],
        ),
        (
            "AI is Everywhere",
            "Featured forum",
            ["Deep Learning Platform + Big Models Compacting the Base of Industrial Intelligence"],
        ),
        (
            "Infrastructure and Software Architecture",
            "Thematic forum",
            ["Apache HugeGraph Distributed Storage and Computing Open Source Evolution Road"],
        ),
        (
            "Flash Talks",
            "Flash talks",
            [
                "Baidu Smart Edge and MQTT Message Middleware Open Source Project Overview",
                "Smart Road OS - Open Source and Open Vehicle-Road-Cloud Integrated Intelligent "
                "Networked Roadside Operating System",
            ],
        ),
    ]


@pytest.mark.parametrize(
    ("name", "job_title", "organization", "talk"),
    [
        ("Hou Zhenyu", "Vice President", "Baidu Group", "Big Models Open New Era of AI"),
        (
            "Weihua Di",
            "Cloud Native Architect",
            "Baidu",
            "eBPF Technology Practice in Cloud Native Domain",
        ),
        (
            "Shiming Zhang",
            "Graph Database Leader",
            "CVTE Research Institute",
            "Apache HugeGraph Distributed Storage and Computing Open Source Evolution Road",
        ),
        (
            "Huang Cheng",
            "Director Architect, Internet of Things",
            "Baidu Intelligent Cloud",
            "Baidu Smart Edge and MQTT Message Middleware Open Source Project Overview",
        ),
    ],
    ids=["keynote", "ebpf", "hugegraph", "flash-talk"],
)
def test_load_demo_speakers_match_the_announcement(name, job_title, organization, talk):
    load_demo()

    speaker = Speaker.objects.get(name=name)

    assert (speaker.job_title, speaker.organization) == (job_title, organization)
    assert [t.title for t in speaker.talks.all()] == [talk]


def test_load_demo_talks_lie_inside_their_forums_and_rooms_do_not_clash():
    load_demo()

    for model in PROGRAM_MODELS:
        for obj in model.objects.all():
            obj.full_clean()


def test_load_demo_program_is_on_the_public_agenda(client):
    load_demo()

    response = client.get("/agenda/")

    assert response.status_code == 200
    assert [forum.title for day in response.context["days"] for forum in day.forums] == [
        "Main Forum",
        "eBPF",
        "Web3 · Meta-Universe Worlds",
        "AI is Everywhere",
        "Infrastructure and Software Architecture",
        "Flash Talks",
    ]


def test_load_demo_organizer_can_log_in_to_the_admin(client, settings):
    settings.DEBUG = True

    output = load_demo("--organizer")
    load_demo("--organizer")  # a second run keeps one working account

    user = get_user_model().objects.get()
    assert (user.username, user.is_staff, user.is_superuser) == ("organizer", True, False)
    assert [group.name for group in user.groups.all()] == ["Organizers"]
    assert "username “organizer”, password “gotc-demo-2023”" in output
    login = client.post(
        "/admin/login/",
        {"username": "organizer", "password": "gotc-demo-2023", "next": "/admin/"},
    )
    assert login.status_code == 302
    assert login["Location"] == "/admin/"
    forums = client.get("/admin/agenda/forum/")
    assert forums.status_code == 200
    assert len(forums.context["cl"].result_list) == 6


def test_load_demo_organizer_is_refused_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="refusing with DEBUG off"):
        load_demo("--organizer")

    assert get_user_model().objects.count() == 0
    assert Conference.objects.count() == 0
