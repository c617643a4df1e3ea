"""Registration questions for tests: written as an organizer would, in both languages."""

from agenda.models import Conference
from registration.models import Question, QuestionChoice, QuestionKind


def ask(
    conference: Conference,
    kind: str,
    label: str,
    label_zh: str = "",
    *,
    choices: tuple[tuple[str, str], ...] = (),
    forums=(),
    **fields,
) -> Question:
    """A question of ``conference`` (labels in English and Chinese), with its choices as
    (English, Chinese) pairs and the forums it is asked for."""
    position = fields.pop("position", Question.objects.filter(conference=conference).count())
    question = Question.objects.create(
        conference=conference,
        kind=kind,
        label_en=label,
        label_zh_hans=label_zh or None,
        position=position,
        **fields,
    )
    for index, (english, chinese) in enumerate(choices):
        QuestionChoice.objects.create(
            question=question, label_en=english, label_zh_hans=chinese or None, position=index
        )
    question.forums.set(forums)
    return question


def choice(question: Question, label: str) -> QuestionChoice:
    """The choice of ``question`` labelled ``label`` (in English)."""
    return question.choices.get(label_en=label)


def dietary(conference: Conference, **fields) -> Question:
    """ "Dietary needs": one choice, required, shown at the desk."""
    fields.setdefault("required", True)
    fields.setdefault("show_at_desk", True)
    return ask(
        conference,
        QuestionKind.CHOICE,
        "Dietary needs",
        "饮食需求",
        choices=(("No special needs", "无特殊需求"), ("Vegetarian", "素食"), ("Halal", "清真")),
        **fields,
    )


def headset(conference: Conference, **fields) -> Question:
    """ "Interpretation headset": yes / no, optional."""
    return ask(conference, QuestionKind.BOOLEAN, "Interpretation headset", "同传耳机", **fields)
