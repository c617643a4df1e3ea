"""The check-in desk searches people, and records who was let into a forum without a seat.

``Registration.search_text`` holds name, email, organization, phone and ticket code with
accents dropped and case folded (``registration.models.search_text_of``): existing rows get
theirs here, in batches. The function is copied, not imported, so that this migration keeps
doing what it did when the model's version changes. Reversing drops the column.
"""

import unicodedata

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BATCH = 1000


def searchable(value):
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def search_text_of(registration):
    phone_digits = "".join(ch for ch in registration.phone or "" if ch.isdigit())
    code = registration.ticket_code or ""
    half = len(code) // 2
    parts = [
        registration.full_name,
        registration.email,
        registration.organization,
        registration.phone,
        phone_digits,
        code,
        f"{code[:half]}-{code[half:]}" if code else "",
    ]
    return "\n".join(searchable(part or "") for part in parts)


def fill_search_text(apps, schema_editor):
    Registration = apps.get_model("registration", "Registration")
    rows = Registration.objects.using(schema_editor.connection.alias).order_by("pk")
    fields = ("pk", "full_name", "email", "organization", "phone", "ticket_code")
    batch = []
    for registration in rows.only(*fields).iterator(chunk_size=BATCH):
        registration.search_text = search_text_of(registration)
        batch.append(registration)
        if len(batch) == BATCH:
            Registration.objects.bulk_update(batch, ["search_text"])
            batch = []
    Registration.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0003_forum_room_restrict"),
        ("registration", "0007_derived_secret_links"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="search_text",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search text"
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
        migrations.CreateModel(
            name="DoorOverride",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("username", models.CharField(max_length=150, verbose_name="username")),
                ("let_in_at", models.DateTimeField(verbose_name="let in at")),
                (
                    "forum",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="door_overrides",
                        to="agenda.forum",
                        verbose_name="forum",
                    ),
                ),
                (
                    "let_in_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="let in by",
                    ),
                ),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="door_overrides",
                        to="registration.registration",
                        verbose_name="registration",
                    ),
                ),
            ],
            options={
                "verbose_name": "door override",
                "verbose_name_plural": "door overrides",
                "ordering": ["-let_in_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("registration", "forum"), name="one_door_override_per_forum"
                    )
                ],
            },
        ),
    ]
