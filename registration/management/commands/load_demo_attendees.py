from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agenda.models import Conference, Forum
from registration import services
from registration.models import Question, QuestionChoice, QuestionKind, Registration

FULL_FORUM = "flash-talks"
# The registration questions of the demo (registration.questions): label, kind, required,
# shown at the desk, the forum they are asked for, choices; each in English and Chinese.
DEMO_QUESTIONS = [
    (
        ("Dietary needs", "饮食需求"),
        QuestionKind.CHOICE,
        False,
        True,
        None,
        [
            ("No special needs", "无特殊需求"),
            ("Vegetarian", "素食"),
            ("Halal", "清真"),
            ("Gluten-free", "无麸质"),
        ],
    ),
    (
        ("Interpretation headset (English ⇄ Chinese)", "同传耳机（中英互译）"),
        QuestionKind.BOOLEAN,
        False,
        True,
        None,
        [],
    ),
    (
        ("T-shirt size", "T 恤尺码"),
        QuestionKind.CHOICE,
        False,
        False,
        "main-forum",
        [("S", ""), ("M", ""), ("L", ""), ("XL", ""), ("XXL", "")],
    ),
]


def demo_questions(conference: Conference) -> list[Question]:
    """The demo's questions, created once (found by their English label afterwards)."""
    questions = []
    for position, (labels, kind, required, at_desk, forum_slug, choices) in enumerate(
        DEMO_QUESTIONS
    ):
        question, created = Question.objects.get_or_create(
            conference=conference,
            label_en=labels[0],
            defaults={
                "label_zh_hans": labels[1],
                "kind": kind,
                "required": required,
                "show_at_desk": at_desk,
                "position": position,
            },
        )
        if created:
            QuestionChoice.objects.bulk_create(
                QuestionChoice(
                    question=question, label_en=en, label_zh_hans=zh or None, position=index
                )
                for index, (en, zh) in enumerate(choices)
            )
            if forum_slug:
                question.forums.set(conference.forums.filter(slug=forum_slug))
        questions.append(question)
    return questions


def demo_answers(questions: list[Question], number: int) -> list[services.Reply]:
    """Demo attendee ``number``'s answers: a vegetarian in five, a halal meal in nine, a
    headset for one in four (the T-shirt is for the main forum, which they did not pick)."""
    dietary, headset, _tshirt = questions
    meals = list(dietary.choices.all())
    meal = meals[1] if number % 5 == 0 else meals[2] if number % 9 == 0 else meals[0]
    return [
        services.Reply(dietary, choices=(meal,)),
        services.Reply(headset, value="yes" if number % 4 == 0 else "no"),
    ]


class Command(BaseCommand):
    help = (
        "Fill the demo's Flash Talks forum (40 seats) with made-up attendees "
        "(demo-attendee-N@example.org) so that the demo shows a full forum and its waiting "
        "list, and adds the demo's registration questions (dietary needs, interpretation "
        "headset, T-shirt size) with their answers. Goes through registration.services like "
        "any registration; sends no email. Idempotent. Run after load_demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--conference", default="2023", help="conference slug (default 2023)")

    def handle(self, *args, **options):
        conference = Conference.objects.filter(slug=options["conference"]).first()
        if conference is None:
            raise CommandError(f"No conference {options['conference']!r}: run load_demo first.")
        forum = Forum.objects.filter(conference=conference, slug=FULL_FORUM).first()
        if forum is None:
            raise CommandError(f"The demo forum {FULL_FORUM!r} is missing: run load_demo first.")
        with transaction.atomic():  # each question with its choices, or nothing
            questions = demo_questions(conference)
        created = 0
        for number in range(1, (forum.capacity or 0) + 1):
            email = f"demo-attendee-{number}@example.org"
            if Registration.objects.for_email(conference, email).exists():
                continue
            services.register(
                conference=conference,
                data={
                    "full_name": f"Demo Attendee {number}",
                    "email": email,
                    "organization": "Example Open Source Community",
                    "job_title": "Developer",
                    "language": "en",
                },
                forums=[forum],
                notify=False,
                answers=demo_answers(questions, number),
            )
            created += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo attendees: {created} created; “{forum.title}” is full "
                "(register to see its waiting list)."
            )
        )
