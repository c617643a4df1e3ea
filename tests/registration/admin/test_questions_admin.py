"""Registration questions in the admin: written in both languages with their choices, the
current conference preselected, and what would make answers meaningless refused with a
message on the form (no choices, a picked choice deleted, the answer type changed)."""

import pytest
from django.urls import reverse

from registration import services
from registration.models import Answer, Question, QuestionChoice, QuestionKind
from tests.factories import ConferenceFactory, ForumFactory
from tests.pages import parse, text, with_class
from tests.registration.questions import ask, choice, dietary
from tests.registration.staff.reading import admin_messages, changelist_rows, form_data

pytestmark = pytest.mark.django_db

QUESTIONS = reverse("admin:registration_question_changelist")
ADD = reverse("admin:registration_question_add")


def change_url(question) -> str:
    return reverse("admin:registration_question_change", args=[question.pk])


def errors(response) -> list[str]:
    """Every error the admin form shows (fields, the form, the choices inline)."""
    page = parse(response)
    return [text(li) for ul in with_class(page, "ul", "errorlist") for li in ul.iter("li")]


def new_question(**changes) -> dict:
    """An add form: "Dietary needs" / "饮食需求", one choice, two choices in both languages."""
    data = {
        "label_en": "Dietary needs",
        "label_zh_hans": "饮食需求",
        "help_text_en": "For the lunch boxes.",
        "help_text_zh_hans": "用于准备午餐。",
        "kind": QuestionKind.CHOICE,
        "required": "on",
        "position": "0",
        "is_active": "on",
        "show_at_desk": "on",
        "choices-TOTAL_FORMS": "2",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        "choices-0-label_en": "Vegetarian",
        "choices-0-label_zh_hans": "素食",
        "choices-0-position": "0",
        "choices-1-label_en": "Halal",
        "choices-1-label_zh_hans": "清真",
        "choices-1-position": "1",
    }
    data.update(changes)
    return data


def test_add_form_preselects_the_latest_conference(admin_client, conference, other_conference):
    response = admin_client.get(ADD)

    selected = parse(response).find(".//select[@name='conference']/option[@selected]")
    assert selected.get("value") == str(conference.pk)


def test_add_form_asks_labels_and_choices_in_both_languages(admin_client, conference):
    page = parse(admin_client.get(ADD))

    names = {el.get("name") for el in page.iter("input")}
    assert {"label_en", "label_zh_hans", "help_text_en", "help_text_zh_hans"} <= names
    assert {"choices-0-label_en", "choices-0-label_zh_hans"} <= names


def test_organizer_adds_a_question_with_choices(admin_client, conference):
    response = admin_client.post(ADD, new_question(conference=conference.pk), follow=True)

    assert errors(response) == []
    question = Question.objects.get()
    assert (question.label_en, question.label_zh_hans, question.kind) == (
        "Dietary needs",
        "饮食需求",
        QuestionKind.CHOICE,
    )
    assert list(question.choices.values_list("label_en", "label_zh_hans")) == [
        ("Vegetarian", "素食"),
        ("Halal", "清真"),
    ]


def test_a_choice_question_without_choices_is_refused(admin_client, conference):
    # The add form's one empty row, untouched.
    data = new_question(conference=conference.pk, **{"choices-TOTAL_FORMS": "1"})
    data.update(
        {"choices-0-label_en": "", "choices-0-label_zh_hans": "", "choices-0-position": "0"}
    )

    response = admin_client.post(ADD, data)

    assert response.status_code == 200
    assert "Add at least one choice: people answer this question by picking one." in errors(
        response
    )
    assert not Question.objects.exists()


def test_a_text_question_with_choices_is_refused(admin_client, conference):
    response = admin_client.post(ADD, new_question(conference=conference.pk, kind="text"))

    assert (
        "Only questions answered with one or several choices have choices: remove them, or "
        "change the answer type."
    ) in errors(response)
    assert not Question.objects.exists()


def test_an_unknown_answer_type_is_refused(admin_client, conference):
    response = admin_client.post(ADD, new_question(conference=conference.pk, kind="colour"))

    assert response.status_code == 200
    assert not Question.objects.exists()


def test_a_forum_of_another_conference_is_refused(admin_client, conference, other_conference):
    elsewhere = ForumFactory(conference=other_conference, title="Last Year's Keynotes")
    data = new_question(conference=conference.pk, forums=[elsewhere.pk])

    response = admin_client.post(ADD, data)

    assert "“Last Year's Keynotes” is a forum of another conference." in errors(response)
    assert not Question.objects.exists()


@pytest.fixture
def picked(conference, attendees):
    """Dietary needs, with 张伟 and Zoë having picked "Vegetarian"."""
    question = dietary(conference)
    vegetarian = choice(question, "Vegetarian")
    for person in (attendees.zhang, attendees.zoe):
        services.save_answers(person, [services.Reply(question, choices=(vegetarian,))])
    return question


def test_deleting_a_picked_choice_is_refused_with_a_message(admin_client, picked):
    response = admin_client.get(change_url(picked))
    data = form_data(response, "question_form")
    vegetarian = choice(picked, "Vegetarian")
    assert data["choices-1-id"] == [str(vegetarian.pk)]
    data["choices-1-DELETE"] = "on"

    response = admin_client.post(change_url(picked), data)

    assert response.status_code == 200
    assert (
        "“Vegetarian” was picked by 2 people: it cannot be deleted. Rename it, or make the "
        "question inactive and ask a new one."
    ) in errors(response)
    assert QuestionChoice.objects.filter(pk=vegetarian.pk).exists()
    assert Answer.objects.filter(choices=vegetarian).count() == 2


def test_deleting_a_choice_nobody_picked_works(admin_client, picked):
    data = form_data(admin_client.get(change_url(picked)), "question_form")
    halal = choice(picked, "Halal")
    assert data["choices-2-id"] == [str(halal.pk)]
    data["choices-2-DELETE"] = "on"

    response = admin_client.post(change_url(picked), data, follow=True)

    assert errors(response) == []
    assert list(picked.choices.values_list("label_en", flat=True)) == [
        "No special needs",
        "Vegetarian",
    ]


def test_renaming_a_picked_choice_keeps_the_answers(admin_client, picked):
    data = form_data(admin_client.get(change_url(picked)), "question_form")
    data["choices-1-label_en"] = "Vegetarian (no egg)"

    admin_client.post(change_url(picked), data, follow=True)

    assert Answer.objects.filter(choices__label_en="Vegetarian (no egg)").count() == 2


def test_changing_the_type_of_an_answered_question_is_refused(admin_client, picked):
    data = form_data(admin_client.get(change_url(picked)), "question_form")
    data["kind"] = QuestionKind.TEXT
    for index in range(3):
        data[f"choices-{index}-DELETE"] = "on"

    response = admin_client.post(change_url(picked), data)

    assert (
        "People have answered this question: its answer type cannot change. Make it "
        "inactive and ask a new question instead."
    ) in errors(response)
    picked.refresh_from_db()
    assert picked.kind == QuestionKind.CHOICE


def test_changing_the_type_of_an_unanswered_question_works(admin_client, conference):
    question = ask(conference, QuestionKind.TEXT, "Note")
    data = form_data(admin_client.get(change_url(question)), "question_form")
    data["kind"] = QuestionKind.TEXTAREA

    admin_client.post(change_url(question), data, follow=True)

    question.refresh_from_db()
    assert question.kind == QuestionKind.TEXTAREA


def test_deleting_a_question_lists_its_answers_first(admin_client, picked):
    url = reverse("admin:registration_question_delete", args=[picked.pk])

    response = admin_client.get(url)

    assert response.status_code == 200
    assert "Answers: 2" in text(parse(response).find(".//main"))


def test_changelist_filters_by_conference_and_counts_answers(admin_client, picked, conference):
    later = ConferenceFactory(name="GOTC Next")
    ask(later, QuestionKind.BOOLEAN, "Interpretation headset")

    response = admin_client.get(QUESTIONS, {"conference__id__exact": conference.pk})

    assert changelist_rows(response, "label", "kind", "answer_count") == [
        ("Dietary needs", "One choice", "2")
    ]


def test_changelist_refuses_undeclared_lookups(admin_client, picked):
    response = admin_client.get(QUESTIONS, {"label_en__regex": "["})

    assert response.status_code == 400


def test_admin_in_chinese_names_questions_in_chinese(admin_client, picked):
    response = admin_client.get(f"/zh-hans{QUESTIONS}")

    page = parse(response)
    assert "报名问题" in text(page.find(".//h1"))
    assert changelist_rows(response, "label", "kind") == [("饮食需求", "单选")]


def test_desk_may_read_questions_but_not_change_them(client, django_user_model, picked):
    from django.contrib.auth.models import Group

    from registration.roles import DESK

    user = django_user_model.objects.create_user("desk", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=DESK))
    client.force_login(user)

    assert client.get(change_url(picked)).status_code == 200
    assert client.get(ADD).status_code == 403
    assert client.post(change_url(picked), {"label_en": "x"}).status_code == 403
    assert admin_messages(client.get(QUESTIONS)) == []


def test_registration_page_lists_its_answers(admin_client, picked, attendees):
    url = reverse("admin:registration_registration_change", args=[attendees.zhang.pk])

    page = parse(admin_client.get(url))

    rows = [
        [text(cell) for cell in row.iter("td") if "field-" in (cell.get("class") or "")]
        for row in with_class(page, "tr", "has_original")
        if row.find(".//td[@class='field-answer']") is not None
    ]
    assert rows == [["Dietary needs", "Vegetarian"]]


def test_moving_an_answered_question_to_another_conference_is_refused(
    admin_client, picked, other_conference
):
    data = form_data(admin_client.get(change_url(picked)), "question_form")
    data["conference"] = str(other_conference.pk)

    response = admin_client.post(change_url(picked), data)

    assert "People of this conference have answered this question: it stays with it." in errors(
        response
    )
    picked.refresh_from_db()
    assert picked.conference_id != other_conference.pk
