"""Registration questions on the public form, the private page, my-data.json and erasure:
every answer type, required and optional, for everyone or for some forums, in English and
Chinese, and the bad input a browser (or a script) can send."""

import datetime as dt
import io
import json

import pytest
from django import forms
from django.utils import timezone, translation

from registration import services
from registration.models import Answer, QuestionKind, Registration
from tests.pages import fields_with_errors, main_text, parse, text, with_class
from tests.registration.questions import ask, choice, dietary, headset

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(conference, parallel):
    """Every answer type: dietary needs (one choice, required), headset (yes / no),
    T-shirt size (one choice, required, only for the eBPF forum), topics (several choices),
    age (number), arrival (date), country, a short and a long text (all optional)."""
    return {
        "dietary": dietary(conference),
        "headset": headset(conference),
        "tshirt": ask(
            conference,
            QuestionKind.CHOICE,
            "T-shirt size",
            "T 恤尺码",
            choices=(("S", ""), ("M", ""), ("L", "")),
            forums=[parallel],
            required=True,
        ),
        "topics": ask(
            conference,
            QuestionKind.MULTIPLE,
            "Topics you follow",
            "关注的话题",
            choices=(("Kernel", "内核"), ("Cloud", "云原生"), ("AI", "人工智能")),
        ),
        "years": ask(conference, QuestionKind.NUMBER, "Years in open source", "参与开源的年数"),
        "arrival": ask(conference, QuestionKind.DATE, "Arrival date", "到达日期"),
        "country": ask(conference, QuestionKind.COUNTRY, "Country or region", "国家或地区"),
        "heard": ask(
            conference, QuestionKind.TEXT, "How did you hear of GOTC?", "您从哪里得知 GOTC？"
        ),
        "access": ask(conference, QuestionKind.TEXTAREA, "Accessibility needs", "无障碍需求"),
    }


def name(question) -> str:
    return f"question_{question.pk}"


def answers(questions, **values) -> dict:
    """Form fields for the questions: ``dietary="Vegetarian"`` picks that choice (by label),
    other values go as typed."""
    data = {}
    for key, value in values.items():
        question = questions[key]
        if question.kind == QuestionKind.CHOICE:
            value = str(choice(question, value).pk)
        elif question.kind == QuestionKind.MULTIPLE:
            value = [str(choice(question, label).pk) for label in value]
        data[name(question)] = value
    return data


def stored(registration) -> dict:
    """The registration's answers as {English label: value or choice labels}."""
    found = {}
    for answer in registration.answers.select_related("question").prefetch_related("choices"):
        labels = [c.label_en for c in answer.choices.all()]
        found[answer.question.label_en] = labels if labels else answer.value
    return found


def field_errors(page, field: str) -> list[str]:
    """The errors shown inside ``field``'s own container (crispy forms writes them as spans
    under text inputs, as paragraphs under radio buttons and check boxes)."""
    box = page.find(f".//div[@id='div_id_{field}']//div[@id='id_{field}_error']")
    if box is None:
        return []
    return [text(item) for item in box if item.tag in {"span", "p"}]


def question_labels(page) -> list[str]:
    box = page.find(".//fieldset[@data-questions]")
    if box is None:
        return []
    labels = []
    for question in with_class(box, "div", "question"):
        label = question.find(".//label") if question.find(".//legend") is None else None
        legend = question.find(".//legend")
        labels.append(text(legend if legend is not None else label))
    return labels


# --- the public form -------------------------------------------------------------------------


def test_register_page_asks_the_questions_in_order_after_the_forums(client, questions, parallel):
    page = parse(client.get("/register/"))

    assert question_labels(page) == [
        "Dietary needs*",
        "Interpretation headset (optional)",
        "T-shirt size",
        "Topics you follow (optional)",
        "Years in open source (optional)",
        "Arrival date (optional)",
        "Country or region (optional)",
        "How did you hear of GOTC? (optional)",
        "Accessibility needs (optional)",
    ]
    boxes = [
        "picks" if "forum-picks" in (box.get("class") or "") else "questions"
        for box in page.iter("fieldset")
        if "forum-picks" in (box.get("class") or "") or box.get("data-questions") is not None
    ]
    assert boxes == ["picks", "questions"]
    tshirt = page.find(f".//div[@id='question-{questions['tshirt'].pk}']")
    assert tshirt.get("data-forums") == str(parallel.pk)
    assert "Only if you pick “eBPF and the Kernel”." in text(tshirt)


def test_register_page_in_chinese_shows_chinese_labels_and_choices(client, questions):
    page = parse(client.get("/zh-hans/register/"))

    labels = question_labels(page)
    assert labels[0] == "饮食需求*"
    assert labels[1] == "同传耳机（选填）"
    assert labels[2] == "T 恤尺码"
    dietary_box = page.find(f".//div[@id='question-{questions['dietary'].pk}']")
    assert "素食" in text(dietary_box) and "Vegetarian" not in text(dietary_box)
    # A choice without a Chinese label falls back to the English one.
    assert "M" in text(page.find(f".//div[@id='question-{questions['tshirt'].pk}']"))
    country = page.find(f".//select[@name='{name(questions['country'])}']")
    options = [text(option) for option in country.iter("option")]
    assert options[:2] == ["—", "中国"]
    assert "中国台湾" in options and "德国" in options


def test_every_answer_type_is_saved_with_the_registration(
    client, conference, form_data, questions, parallel
):
    data = form_data(
        [parallel],
        **answers(
            questions,
            dietary="Vegetarian",
            headset="yes",
            tshirt="M",
            topics=["Kernel", "AI"],
            years="１２",  # full-width digits, as a Chinese input method types them
            arrival="2026-10-27",
            country="DE",
            heard="  A friend  ",
            access="Step-free access, please.\nAnd a seat near the front.",
        ),
    )

    response = client.post("/register/", data)

    assert response.status_code == 302
    registration = Registration.objects.get(email="li.wei@example.org")
    assert stored(registration) == {
        "Dietary needs": ["Vegetarian"],
        "Interpretation headset": "yes",
        "T-shirt size": ["M"],
        "Topics you follow": ["Kernel", "AI"],
        "Years in open source": "12",
        "Arrival date": "2026-10-27",
        "Country or region": "DE",
        "How did you hear of GOTC?": "A friend",
        "Accessibility needs": "Step-free access, please.\nAnd a seat near the front.",
    }


def test_optional_questions_left_blank_store_nothing(client, form_data, questions, parallel):
    data = form_data([parallel], **answers(questions, dietary="Halal", tshirt="S"))

    client.post("/register/", data)

    registration = Registration.objects.get(email="li.wei@example.org")
    assert stored(registration) == {"Dietary needs": ["Halal"], "T-shirt size": ["S"]}


def test_a_required_question_left_blank_is_reported_next_to_it_and_nothing_is_lost(
    client, form_data, questions, parallel
):
    data = form_data(
        [parallel], **answers(questions, headset="no", heard="Twitter", years="3", tshirt="L")
    )

    response = client.post("/register/", data)

    assert response.status_code == 200
    page = parse(response)
    assert fields_with_errors(page) == {name(questions["dietary"])}
    assert field_errors(page, name(questions["dietary"])) == ["This field is required."]
    assert not Registration.objects.exists()
    # What was typed and picked is still there.
    assert page.find(f".//input[@name='{name(questions['heard'])}']").get("value") == "Twitter"
    assert page.find(f".//input[@name='{name(questions['years'])}']").get("value") == "3"
    checked = page.find(f".//input[@name='{name(questions['headset'])}'][@checked]")
    assert checked.get("value") == "no"
    tshirt = page.find(f".//input[@name='{name(questions['tshirt'])}'][@checked]")
    assert tshirt.get("value") == str(choice(questions["tshirt"], "L").pk)


def test_required_message_in_chinese(client, form_data, questions, parallel):
    data = form_data([parallel], **answers(questions, tshirt="L"))

    page = parse(client.post("/zh-hans/register/", data))

    with translation.override("zh-hans"):
        required = str(forms.Field.default_error_messages["required"])  # Django's own words
    assert required.endswith("必填项。")
    assert field_errors(page, name(questions["dietary"])) == [required]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("dietary", "999999", "Select a valid choice. 999999 is not one of the available choices."),
        (
            "dietary",
            "garbage",
            "Select a valid choice. garbage is not one of the available choices.",
        ),
        ("headset", "maybe", "Select a valid choice. maybe is not one of the available choices."),
        ("years", "twelve", "Enter a number."),
        ("years", "NaN", "Enter a number."),
        ("years", "1e400", "Ensure that there are no more than 16 digits in total."),
        (
            "years",
            "12345678901234",
            "Ensure that there are no more than 12 digits before the decimal point.",
        ),
        ("years", "1.23456", "Ensure that there are no more than 4 decimal places."),
        ("arrival", "2026-13-45", "Enter a valid date."),
        ("arrival", "yesterday", "Enter a valid date."),
        ("country", "XX", "Select a valid choice. XX is not one of the available choices."),
        ("heard", "x" * 301, "Ensure this value has at most 300 characters (it has 301)."),
        ("heard", "a friend\x00", "Null characters are not allowed."),
        ("heard", "a\x07friend", "Please remove the invisible control characters."),
        ("access", "y" * 3001, "Ensure this value has at most 3000 characters (it has 3001)."),
    ],
)
def test_bad_answers_are_refused_next_to_the_field(
    client, form_data, questions, parallel, key, value, message
):
    data = form_data([parallel], **answers(questions, dietary="Halal", tshirt="M"))
    data[name(questions[key])] = value

    response = client.post("/register/", data)

    assert response.status_code == 200
    assert field_errors(parse(response), name(questions[key])) == [message]
    assert not Registration.objects.exists()


def test_a_choice_of_another_question_is_refused(client, form_data, questions, parallel):
    data = form_data([parallel], **answers(questions, tshirt="M"))
    data[name(questions["dietary"])] = str(choice(questions["tshirt"], "S").pk)
    data[name(questions["topics"])] = [str(choice(questions["dietary"], "Halal").pk)]

    page = parse(client.post("/register/", data))

    assert {name(questions["dietary"]), name(questions["topics"])} <= fields_with_errors(page)
    assert not Registration.objects.exists()


def test_a_forum_question_is_neither_required_nor_kept_without_its_forum(
    client, form_data, questions, morning
):
    # The T-shirt question is for the eBPF forum only: Li Wei picks another one. A stale
    # answer (a browser without the script shows every question) is not kept, and an invalid
    # one does not stop the registration.
    data = form_data([morning], **answers(questions, dietary="Vegetarian"))
    data[name(questions["tshirt"])] = "not a choice"

    response = client.post("/register/", data)

    assert response.status_code == 302
    assert stored(Registration.objects.get()) == {"Dietary needs": ["Vegetarian"]}


def test_a_forum_question_is_required_with_its_forum(client, form_data, questions, parallel):
    data = form_data([parallel], **answers(questions, dietary="Vegetarian"))

    page = parse(client.post("/register/", data))

    assert fields_with_errors(page) == {name(questions["tshirt"])}
    assert not Registration.objects.exists()


def test_with_bad_forums_the_forum_questions_follow_what_was_ticked(
    client, form_data, questions, parallel, morning
):
    # Two overlapping forums: the forums field says so; the T-shirt question (eBPF ticked)
    # is reported too, so the next submission has everything.
    data = form_data([parallel, morning], **answers(questions, dietary="Vegetarian"))

    page = parse(client.post("/register/", data))

    assert fields_with_errors(page) == {"forums", name(questions["tshirt"])}


def test_inactive_questions_are_not_asked(client, form_data, conference, morning):
    kept = dietary(conference)
    retired = headset(conference, is_active=False, required=True)

    page = parse(client.get("/register/"))
    assert question_labels(page) == ["Dietary needs*"]

    data = form_data([morning], **{name(kept): str(choice(kept, "Halal").pk)})
    data[name(retired)] = "yes"
    assert client.post("/register/", data).status_code == 302
    assert stored(Registration.objects.get()) == {"Dietary needs": ["Halal"]}


def test_a_conference_without_questions_shows_no_question_box(client, conference, morning):
    page = parse(client.get("/register/"))

    assert page.find(".//fieldset[@data-questions]") is None


def test_labels_and_help_texts_are_shown_as_text(client, conference):
    ask(
        conference,
        QuestionKind.TEXT,
        "<b>Badge</b> name",
        help_text='<img src=x onerror="alert(1)"> as printed',
    )

    response = client.get("/register/")

    assert b"<img src=x" not in response.content
    assert b"<b>Badge</b>" not in response.content
    assert "<b>Badge</b> name (optional)" in main_text(response)
    assert '<img src=x onerror="alert(1)"> as printed' in main_text(response)


def test_an_email_already_registered_keeps_its_answers(
    client, conference, form_data, questions, morning, register
):
    existing = register(conference, [morning]).registration
    services.save_answers(
        existing,
        [services.Reply(questions["dietary"], choices=(choice(questions["dietary"], "Halal"),))],
    )
    data = form_data([morning], **answers(questions, dietary="Vegetarian", heard="spam"))

    assert client.post("/register/", data).status_code == 302

    assert stored(existing) == {"Dietary needs": ["Halal"]}


def test_a_returning_attendee_answers_afresh(client, conference, form_data, questions, morning):
    client.post(
        "/register/", form_data([morning], **answers(questions, dietary="Halal", heard="Blog"))
    )
    registration = Registration.objects.get()
    services.cancel_registration(registration=registration)

    client.post("/register/", form_data([morning], **answers(questions, dietary="Vegetarian")))

    assert stored(Registration.objects.get()) == {"Dietary needs": ["Vegetarian"]}


def test_answers_are_saved_with_the_registration_or_not_at_all(
    conference, attendee_data, questions, parallel, monkeypatch
):
    # A failure after the answers are written (the confirmation email cannot be queued)
    # leaves neither a registration nor answers.
    from registration import mailing

    def broken(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(mailing, "queue", broken)
    reply = services.Reply(questions["headset"], value="yes")

    with pytest.raises(RuntimeError):
        services.register(
            conference=conference, data=attendee_data(), forums=[parallel], answers=[reply]
        )

    assert not Registration.objects.exists()
    assert not Answer.objects.exists()


# --- the private page ------------------------------------------------------------------------


@pytest.fixture
def answered(client, conference, form_data, questions, parallel) -> Registration:
    """Li Wei, in the eBPF forum, answered dietary needs (Vegetarian), headset (yes) and
    T-shirt (M)."""
    data = form_data(
        [parallel], **answers(questions, dietary="Vegetarian", headset="yes", tshirt="M")
    )
    assert client.post("/register/", data).status_code == 302
    return Registration.objects.get()


def manage_url(registration) -> str:
    return f"/r/{registration.manage_token}/"


def test_private_page_shows_the_answers_in_a_form(client, answered, questions):
    page = parse(client.get(manage_url(answered)))

    section = page.find(".//section[@aria-labelledby='answers-heading']")
    assert text(section.find(".//h2")) == "Your answers"
    form = section.find(".//form")
    dietary_pick = form.find(f".//input[@name='{name(questions['dietary'])}'][@checked]")
    assert dietary_pick.get("value") == str(choice(questions["dietary"], "Vegetarian").pk)
    assert (
        form.find(f".//input[@name='{name(questions['headset'])}'][@checked]").get("value") == "yes"
    )
    # The T-shirt question applies (eBPF is picked).
    assert form.find(f".//input[@name='{name(questions['tshirt'])}'][@checked]") is not None


def test_attendee_changes_their_answers(client, answered, questions):
    data = {"form": "answers", **answers(questions, dietary="Halal", tshirt="L", years="7.50")}

    response = client.post(manage_url(answered), data, follow=True)

    assert "Your answers are saved." in main_text(response)
    assert stored(answered) == {
        "Dietary needs": ["Halal"],
        "T-shirt size": ["L"],
        "Years in open source": "7.5",
    }


def test_bad_answers_on_the_private_page_are_reported_and_nothing_changes(
    client, answered, questions
):
    data = {"form": "answers", **answers(questions, tshirt="L"), name(questions["years"]): "many"}

    response = client.post(manage_url(answered), data)

    assert response.status_code == 200
    page = parse(response)
    assert fields_with_errors(page) == {name(questions["dietary"]), name(questions["years"])}
    assert page.find(f".//input[@name='{name(questions['years'])}']").get("value") == "many"
    assert stored(answered)["Dietary needs"] == ["Vegetarian"]


def test_posting_answers_leaves_the_forum_picks_alone(client, answered, questions, parallel):
    data = {"form": "answers", **answers(questions, dietary="Halal", tshirt="L")}

    client.post(manage_url(answered), data)

    assert list(answered.picks.live().values_list("forum", flat=True)) == [parallel.pk]


def test_forum_questions_follow_the_current_picks(client, answered, questions, morning):
    # Li Wei moves from eBPF to the morning forum: the T-shirt question no longer applies.
    services.change_picks(registration=answered, forums=[morning])

    page = parse(client.get(manage_url(answered)))
    form = page.find(".//section[@aria-labelledby='answers-heading']//form")
    assert form.find(f".//input[@name='{name(questions['tshirt'])}']") is None

    data = {"form": "answers", **answers(questions, dietary="Vegetarian")}
    client.post(manage_url(answered), data)
    assert "T-shirt size" not in stored(answered)


def test_new_picks_with_unanswered_questions_ask_for_them(
    client, conference, form_data, questions, morning, parallel
):
    client.post("/register/", form_data([morning], **answers(questions, dietary="Halal")))
    registration = Registration.objects.get()

    response = client.post(manage_url(registration), {"forums": [parallel.pk]}, follow=True)

    assert "Your new forums come with questions: please answer them." in main_text(response)


def test_answers_are_read_only_once_registration_closes(client, answered, conference, questions):
    conference.registration_closes = timezone.now() - dt.timedelta(hours=1)
    conference.save()

    response = client.get(manage_url(answered))
    section = parse(response).find(".//section[@aria-labelledby='answers-heading']")
    assert section.find(".//form") is None
    listed = (
        [text(item) for item in section.iter("dt")],
        [text(item) for item in section.iter("dd")],
    )
    assert listed == (
        ["Dietary needs", "Interpretation headset", "T-shirt size"],
        ["Vegetarian", "Yes", "M"],
    )

    data = {"form": "answers", **answers(questions, dietary="Halal", tshirt="L")}
    response = client.post(manage_url(answered), data, follow=True)
    assert f"Registration for {conference.name} is closed." in main_text(response)
    assert stored(answered)["Dietary needs"] == ["Vegetarian"]


def test_private_page_in_chinese_shows_answers_in_chinese(client, answered, conference):
    conference.registration_closes = timezone.now() - dt.timedelta(hours=1)
    conference.save()

    page = parse(client.get(f"/zh-hans{manage_url(answered)}"))

    section = page.find(".//section[@aria-labelledby='answers-heading']")
    assert [text(item) for item in section.iter("dt")] == ["饮食需求", "同传耳机", "T 恤尺码"]
    assert [text(item) for item in section.iter("dd")] == ["素食", "是", "M"]


def test_cancelled_registration_cannot_change_answers(client, answered, questions):
    services.cancel_registration(registration=answered)
    data = {"form": "answers", **answers(questions, dietary="Halal", tshirt="L")}

    response = client.post(manage_url(answered), data)

    assert response.status_code == 200
    assert stored(answered)["Dietary needs"] == ["Vegetarian"]


def test_change_answers_refuses_a_cancelled_registration(answered, questions):
    services.cancel_registration(registration=answered)

    with pytest.raises(services.NotActive):
        services.change_answers(registration=answered, replies=[], questions=[questions["dietary"]])


# --- my data, erasure ------------------------------------------------------------------------


def test_my_data_holds_the_answers(client, answered):
    response = client.get(f"{manage_url(answered)}my-data.json")

    data = json.loads(response.content)
    assert data["answers"] == [
        {"question": "Dietary needs", "answer": "Vegetarian"},
        {"question": "Interpretation headset", "answer": "Yes"},
        {"question": "T-shirt size", "answer": "M"},
    ]


def test_my_data_in_chinese(client, answered):
    response = client.get(f"/zh-hans{manage_url(answered)}my-data.json")

    assert json.loads(response.content)["answers"][:2] == [
        {"question": "饮食需求", "answer": "素食"},
        {"question": "同传耳机", "answer": "是"},
    ]


def test_deleting_a_registration_erases_its_answers(client, answered):
    client.post(f"{manage_url(answered)}delete/")

    assert not Answer.objects.filter(registration=answered).exists()


def test_anonymizing_a_conference_erases_every_answer(answered, conference, register, morning):
    other = register(conference, [morning], email="other@example.org").registration
    Answer.objects.create(registration=other, question=answered.answers.first().question)

    services.anonymize_conference(conference=conference)

    assert not Answer.objects.exists()


def test_anonymizing_one_conference_keeps_another_conferences_answers(answered, other_conference):
    other_question = headset(other_conference)
    other = Registration.objects.create(
        conference=other_conference,
        full_name="Zhang Wei",
        email="zhang@example.org",
        organization="Example",
        job_title="Developer",
        consent_at=timezone.now(),
    )
    Answer.objects.create(registration=other, question=other_question, value="yes")

    services.anonymize_conference(conference=answered.conference)

    assert list(Answer.objects.values_list("registration", flat=True)) == [other.pk]


# --- the demo --------------------------------------------------------------------------------


def test_demo_attendees_come_with_the_demo_questions_and_answers(db):
    from django.core.management import call_command

    from registration.shown_answers import answer_counts
    from tests.factories import ConferenceFactory, ForumFactory

    conference = ConferenceFactory(slug="2023")
    main = ForumFactory(conference=conference, slug="main-forum", title="Main Forum")
    ForumFactory(conference=conference, slug="flash-talks", title="Flash Talks", capacity=10)

    call_command("load_demo_attendees", stdout=io.StringIO())
    call_command("load_demo_attendees", stdout=io.StringIO())  # idempotent

    questions = list(conference.questions.order_by("position"))
    assert [(q.label_en, q.label_zh_hans, q.kind, q.required) for q in questions] == [
        ("Dietary needs", "饮食需求", QuestionKind.CHOICE, False),
        ("Interpretation headset (English ⇄ Chinese)", "同传耳机（中英互译）", "boolean", False),
        ("T-shirt size", "T 恤尺码", QuestionKind.CHOICE, False),
    ]
    assert list(questions[2].forums.all()) == [main]
    counts = {count.question.label_en: count.rows for count in answer_counts(conference)}
    assert counts["Dietary needs"] == [
        ("No special needs", 7),
        ("Vegetarian", 2),
        ("Halal", 1),
        ("Gluten-free", 0),
    ]
    assert counts["Interpretation headset (English ⇄ Chinese)"] == [("Yes", 2), ("No", 8)]
