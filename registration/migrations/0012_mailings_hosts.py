"""Targeted email to attendees (Mailing, MailingRecipient) and forum hosts (ForumHost)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from registration.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0007_identity"),
        ("post_office", "0014_alter_email_recipient_delivery_status_and_more"),
        ("registration", "0011_questions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Mailing",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "filters",
                    models.JSONField(blank=True, default=dict, verbose_name="recipient filter"),
                ),
                ("subject_en", models.CharField(max_length=200, verbose_name="subject (English)")),
                ("body_en", models.TextField(verbose_name="message (English)")),
                ("subject_zh", models.CharField(max_length=200, verbose_name="subject (Chinese)")),
                ("body_zh", models.TextField(verbose_name="message (Chinese)")),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("queued", "Queued"), ("sent", "Sent")],
                        default="draft",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="written")),
                ("queued_at", models.DateTimeField(blank=True, null=True, verbose_name="queued")),
                (
                    "recipient_count",
                    models.PositiveIntegerField(default=0, verbose_name="recipients"),
                ),
                (
                    "conference",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="agenda.conference",
                        verbose_name="conference",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="written by",
                    ),
                ),
                (
                    "forum",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="agenda.forum",
                        verbose_name="forum",
                    ),
                ),
                (
                    "queued_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="queued by",
                    ),
                ),
            ],
            options={
                "verbose_name": "email to attendees",
                "verbose_name_plural": "emails to attendees",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="pendingemail",
            name="mailing",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="registration.mailing",
            ),
        ),
        migrations.CreateModel(
            name="ForumHost",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "forum",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="hosts",
                        to="agenda.forum",
                        verbose_name="forum",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="hosted_forums",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "forum host",
                "verbose_name_plural": "forum hosts",
                "ordering": ["forum__starts_at", "user__username"],
                "permissions": [
                    ("host_forums", "Sees only the attendees of the forums they host")
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("user", "forum"), name="one_host_row_per_forum")
                ],
            },
        ),
        migrations.CreateModel(
            name="MailingRecipient",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField(verbose_name="position")),
                (
                    "language",
                    models.CharField(
                        choices=[("en", "English"), ("zh-hans", "简体中文")],
                        max_length=10,
                        verbose_name="language",
                    ),
                ),
                (
                    "email",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="post_office.email",
                        verbose_name="email in the mail queue",
                    ),
                ),
                (
                    "mailing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="recipients",
                        to="registration.mailing",
                        verbose_name="email",
                    ),
                ),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="registration.registration",
                        verbose_name="registration",
                    ),
                ),
            ],
            options={
                "verbose_name": "recipient",
                "verbose_name_plural": "recipients",
                "ordering": ["mailing", "position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("mailing", "registration"), name="one_mailing_per_person"
                    )
                ],
            },
        ),
        # Every group gets the permissions of the new models (and the Forum hosts group).
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
