"""Registration questions at the desk: the walk-in form asks them, check-in shows the answers
marked "show at the desk", exports have one column per question, the dashboard counts the
choices (in English and Chinese)."""

import pytest
from django.contrib.auth.models import Group

from registration import services
from registration.enums import PickStatus
from registration.models import ForumHost, QuestionKind, Registration
from registration.roles import FORUM_HOSTS
from tests.pages import parse, text, with_class
from tests.registration.questions import ask, choice, dietary, headset
from tests.registration.staff.reading import csv_rows, field_errors, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(conference):
    """Dietary needs (one choice, required, shown at the desk), headset (yes / no, shown at
    the desk), topics (several choices), a note (short text, not shown at the desk)."""
    return {
        "dietary": dietary(conference),
        "headset": headset(conference, show_at_desk=True),
        "topics": ask(
            conference,
            QuestionKind.MULTIPLE,
            "Topics",
            "话题",
            choices=(("Kernel", "内核"), ("Cloud", "云原生")),
        ),
        "note": ask(conference, QuestionKind.TEXT, "Note", "备注"),
    }


def reply(question, value="", *labels):
    return services.Reply(
        question, value=value, choices=tuple(choice(question, label) for label in labels)
    )


@pytest.fixture
def answered(attendees, asked):
    """张伟: Vegetarian, headset yes, topics Kernel and Cloud, a note that looks like a
    formula. Zoë: Vegetarian, headset no. Wang Fang: Halal. Carl (cancelled): Vegetarian."""
    a = attendees
    services.save_answers(
        a.zhang,
        [
            reply(asked["dietary"], "", "Vegetarian"),
            reply(asked["headset"], "yes"),
            reply(asked["topics"], "", "Cloud", "Kernel"),
            reply(asked["note"], "=1+2"),
        ],
    )
    services.save_answers(
        a.zoe, [reply(asked["dietary"], "", "Vegetarian"), reply(asked["headset"], "no")]
    )
    services.save_answers(a.wang, [reply(asked["dietary"], "", "Halal")])
    services.save_answers(a.carl, [reply(asked["dietary"], "", "Vegetarian")])
    return a


# --- walk-in ---------------------------------------------------------------------------------


@pytest.fixture
def walkin_data(form_data):
    def build(forums, **overrides) -> dict:
        data = form_data(forums, email="walk.in@example.org", full_name="王小明", **overrides)
        data.pop("website")
        return data

    return build


def test_walkin_form_asks_the_questions_and_saves_the_answers(
    desk_client, asked, governance, walkin_data
):
    page = parse(desk_client.get("/staff/walkin/"))
    assert page.find(".//form[@class]//fieldset[@data-questions]") is not None

    data = walkin_data(
        [governance],
        **{
            f"question_{asked['dietary'].pk}": str(choice(asked["dietary"], "Halal").pk),
            f"question_{asked['headset'].pk}": "yes",
        },
    )
    response = desk_client.post("/staff/walkin/", data)

    assert response.status_code == 302
    registration = Registration.objects.get(email="walk.in@example.org")
    assert sorted(registration.answers.values_list("question__label_en", "value")) == [
        ("Dietary needs", ""),
        ("Interpretation headset", "yes"),
    ]


def test_walkin_form_reports_a_missing_required_answer(desk_client, asked, governance, walkin_data):
    response = desk_client.post("/staff/walkin/", walkin_data([governance]))

    assert response.status_code == 200
    assert field_errors(response, f"question_{asked['dietary'].pk}") == ["This field is required."]
    assert not Registration.objects.filter(email="walk.in@example.org").exists()


# --- check-in --------------------------------------------------------------------------------


def desk_answers(response) -> list[tuple[str, str]]:
    lists = with_class(parse(response), "dl", "desk-answers")
    if not lists:
        return []
    box = lists[0]
    return list(
        zip([text(dt) for dt in box.iter("dt")], [text(dd) for dd in box.iter("dd")], strict=True)
    )


def test_checkin_shows_the_answers_marked_for_the_desk(desk_client, answered):
    response = desk_client.post("/staff/checkin/", {"code": answered.zhang.ticket_code})

    assert desk_answers(response) == [
        ("Dietary needs", "Vegetarian"),
        ("Interpretation headset", "Yes"),
    ]


def test_checkin_in_chinese_shows_them_in_chinese(desk_client, answered):
    response = desk_client.post("/zh-hans/staff/checkin/", {"code": answered.zoe.ticket_code})

    assert desk_answers(response) == [("饮食需求", "素食"), ("同传耳机", "否")]


def test_checkin_without_desk_answers_shows_no_list(desk_client, answered):
    response = desk_client.post("/staff/checkin/", {"code": answered.lina.ticket_code})

    assert response.status_code == 200
    assert with_class(parse(response), "dl", "desk-answers") == []


def test_an_inactive_question_is_not_shown_at_the_desk(desk_client, answered, asked):
    asked["headset"].is_active = False
    asked["headset"].save()

    response = desk_client.post("/staff/checkin/", {"code": answered.zhang.ticket_code})

    assert desk_answers(response) == [("Dietary needs", "Vegetarian")]


# --- exports ---------------------------------------------------------------------------------


def export(client, prefix="", **overrides):
    data = {
        "forum": "",
        "statuses": "both",
        "columns": ["full_name", "answers"],
        "file_format": "csv",
        **overrides,
    }
    return client.post(f"{prefix}/staff/exports/", data)


def test_export_has_one_column_per_question(admin_client, answered):
    rows = csv_rows(export(admin_client))

    assert rows[0] == ["Full name", "Dietary needs", "Interpretation headset", "Topics", "Note"]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name["张伟"] == ["Vegetarian", "Yes", "Kernel; Cloud", "'=1+2"]
    assert by_name["Zoë O'Brien"] == ["Vegetarian", "No", "", ""]
    assert by_name["Li Na"] == ["", "", "", ""]


def test_export_in_chinese_titles_and_choices_in_chinese(admin_client, answered):
    rows = csv_rows(export(admin_client, prefix="/zh-hans"))

    assert rows[0][1:] == ["饮食需求", "同传耳机", "话题", "备注"]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name["张伟"] == ["素食", "是", "内核；云原生", "'=1+2"]


def test_export_of_one_forum_has_the_answers_too(admin_client, answered, governance):
    rows = xlsx_rows(export(admin_client, forum=governance.pk, file_format="xlsx"))

    assert rows[0] == ["Full name", "Dietary needs", "Interpretation headset", "Topics", "Note"]
    assert sorted(tuple(row) for row in rows[1:]) == [
        ("Wang Fang", "Halal", "", "", ""),
        ("张伟", "Vegetarian", "Yes", "Kernel; Cloud", "'=1+2"),
    ]


def test_export_of_a_conference_without_questions_adds_no_column(admin_client, attendees):
    rows = csv_rows(export(admin_client, columns=["full_name", "answers", "email"]))

    assert rows[0] == ["Full name", "Email"]


def test_export_reads_answers_in_a_fixed_number_of_queries(
    admin_client, answered, django_assert_max_num_queries
):
    # The answers of a chunk cost two queries however many people and questions it holds.
    with django_assert_max_num_queries(40):
        response = export(admin_client)
        rows = csv_rows(response)
    assert len(rows) == 6


def test_export_form_offers_the_answers_column(admin_client, conference):
    page = parse(admin_client.get("/staff/exports/"))

    values = {el.get("value") for el in page.iter("input") if el.get("name") == "columns"}
    assert "answers" in values


# --- dashboard -------------------------------------------------------------------------------


def counts(response) -> dict[str, list[tuple[str, str]]]:
    section = parse(response).find(".//section[@aria-labelledby='answers-heading']")
    if section is None:
        return {}
    found = {}
    for card in with_class(section, "div", "answer-count"):
        rows = [
            (text(row.find("th")), text(row.find("td"))) for row in card.find(".//tbody").iter("tr")
        ]
        found[text(card.find(".//h3"))] = rows
    return found


def test_dashboard_counts_each_choice_of_confirmed_registrations(desk_client, answered):
    response = desk_client.get("/staff/")

    assert counts(response) == {
        # Carl cancelled: his vegetarian meal is not counted.
        "Dietary needs": [("No special needs", "0"), ("Vegetarian", "2"), ("Halal", "1")],
        "Interpretation headset": [("Yes", "1"), ("No", "1")],
        "Topics": [("Kernel", "1"), ("Cloud", "1")],
    }


def test_dashboard_counts_in_chinese(desk_client, answered):
    response = desk_client.get("/zh-hans/staff/")

    assert counts(response)["饮食需求"] == [("无特殊需求", "0"), ("素食", "2"), ("清真", "1")]


def test_dashboard_without_questions_shows_no_counts(desk_client, attendees):
    assert counts(desk_client.get("/staff/")) == {}


def test_dashboard_counts_only_a_forum_hosts_attendees(client_for, answered, governance):
    host = client_for("desk")
    host.user.groups.set([Group.objects.get(name=FORUM_HOSTS)])
    ForumHost.objects.create(user=host.user, forum=governance)
    assert governance.picks.filter(status=PickStatus.SEATED).count() == 2

    response = host.get("/staff/")

    # Governance seats 张伟 (Vegetarian) and Wang Fang (Halal); Zoë sits elsewhere.
    assert counts(response)["Dietary needs"] == [
        ("No special needs", "0"),
        ("Vegetarian", "1"),
        ("Halal", "1"),
    ]
