"""Registration questions: per-conference questions (labels, help texts and choices in English
and Chinese), their choices, and each registration's answers."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0004_schedule_changes"),
        ("registration", "0010_stars"),
    ]

    operations = [
        migrations.CreateModel(
            name="Question",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("label", models.CharField(max_length=200, verbose_name="question")),
                ("label_en", models.CharField(max_length=200, null=True, verbose_name="question")),
                (
                    "label_zh_hans",
                    models.CharField(max_length=200, null=True, verbose_name="question"),
                ),
                (
                    "help_text",
                    models.CharField(blank=True, max_length=300, verbose_name="help text"),
                ),
                (
                    "help_text_en",
                    models.CharField(
                        blank=True, max_length=300, null=True, verbose_name="help text"
                    ),
                ),
                (
                    "help_text_zh_hans",
                    models.CharField(
                        blank=True, max_length=300, null=True, verbose_name="help text"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("text", "Short text"),
                            ("textarea", "Long text"),
                            ("choice", "One choice"),
                            ("multiple", "Several choices"),
                            ("boolean", "Yes or no"),
                            ("number", "Number"),
                            ("date", "Date"),
                            ("country", "Country or region"),
                        ],
                        default="text",
                        max_length=20,
                        verbose_name="answer type",
                    ),
                ),
                ("required", models.BooleanField(default=False, verbose_name="required")),
                ("position", models.PositiveIntegerField(default=0, verbose_name="position")),
                (
                    "show_at_desk",
                    models.BooleanField(
                        default=False,
                        help_text="The answer is shown at check-in.",
                        verbose_name="show at the desk",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Inactive questions are not asked.",
                        verbose_name="active",
                    ),
                ),
                (
                    "conference",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="questions",
                        to="agenda.conference",
                        verbose_name="conference",
                    ),
                ),
                (
                    "forums",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Asked only of people who pick one of these forums. Leave empty to ask everyone.",
                        related_name="questions",
                        to="agenda.forum",
                        verbose_name="only for these forums",
                    ),
                ),
            ],
            options={
                "verbose_name": "registration question",
                "verbose_name_plural": "registration questions",
                "ordering": ["conference", "position", "pk"],
            },
        ),
        migrations.CreateModel(
            name="QuestionChoice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("label", models.CharField(max_length=200, verbose_name="choice")),
                ("label_en", models.CharField(max_length=200, null=True, verbose_name="choice")),
                (
                    "label_zh_hans",
                    models.CharField(max_length=200, null=True, verbose_name="choice"),
                ),
                ("position", models.PositiveIntegerField(default=0, verbose_name="position")),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="choices",
                        to="registration.question",
                        verbose_name="question",
                    ),
                ),
            ],
            options={
                "verbose_name": "choice",
                "verbose_name_plural": "choices",
                "ordering": ["position", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Answer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.TextField(blank=True, default="", verbose_name="answer")),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="registration.registration",
                        verbose_name="registration",
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="registration.question",
                        verbose_name="question",
                    ),
                ),
                (
                    "choices",
                    models.ManyToManyField(
                        blank=True,
                        related_name="answers",
                        to="registration.questionchoice",
                        verbose_name="choices",
                    ),
                ),
            ],
            options={
                "verbose_name": "answer",
                "verbose_name_plural": "answers",
                "ordering": ["question__position", "question_id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("registration", "question"), name="one_answer_per_question"
                    )
                ],
            },
        ),
    ]
