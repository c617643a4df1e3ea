"""The conference's look and feel (logo, accent colour, headline image, venue map,
directions), its partners, and registration closing at the end by default."""

import django.db.models.deletion
from django.db import migrations, models

import agenda.models


class Migration(migrations.Migration):
    dependencies = [("agenda", "0006_contact")]

    operations = [
        migrations.AddField(
            model_name="conference",
            name="accent_color",
            field=models.CharField(
                blank=True,
                help_text="Navigation bar and headline colour, as #RRGGBB (e.g. #0B2A5B); white text must be readable on it. Leave empty for the default navy.",
                max_length=7,
                validators=[agenda.models.validate_accent_color],
                verbose_name="accent colour",
            ),
        ),
        migrations.AddField(
            model_name="conference",
            name="directions",
            field=models.TextField(
                blank=True,
                help_text="Metro stations, bus lines, parking, entrances: shown on the home page.",
                verbose_name="how to get there",
            ),
        ),
        migrations.AddField(
            model_name="conference",
            name="directions_en",
            field=models.TextField(
                blank=True,
                help_text="Metro stations, bus lines, parking, entrances: shown on the home page.",
                null=True,
                verbose_name="how to get there",
            ),
        ),
        migrations.AddField(
            model_name="conference",
            name="directions_zh_hans",
            field=models.TextField(
                blank=True,
                help_text="Metro stations, bus lines, parking, entrances: shown on the home page.",
                null=True,
                verbose_name="how to get there",
            ),
        ),
        migrations.AddField(
            model_name="conference",
            name="hero_image",
            field=models.ImageField(
                blank=True,
                help_text="A wide photo behind the conference name on the home page.",
                upload_to="conferences/",
                verbose_name="headline image",
            ),
        ),
        migrations.AddField(
            model_name="conference",
            name="logo",
            field=models.ImageField(
                blank=True,
                help_text="Shown in the navigation bar on the accent colour: a light or white logo.",
                upload_to="conferences/",
                verbose_name="logo",
            ),
        ),
        migrations.AddField(
            model_name="conference",
            name="venue_map",
            field=models.ImageField(
                blank=True,
                help_text="A map of the venue or of the way there, shown on the home page.",
                upload_to="conferences/",
                verbose_name="venue map",
            ),
        ),
        migrations.AlterField(
            model_name="conference",
            name="registration_closes",
            field=models.DateTimeField(
                blank=True,
                help_text="Leave empty to close at the end of the last day (at the venue).",
                null=True,
                verbose_name="registration closes",
            ),
        ),
        migrations.CreateModel(
            name="Partner",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("name_en", models.CharField(max_length=200, null=True, verbose_name="name")),
                ("name_zh_hans", models.CharField(max_length=200, null=True, verbose_name="name")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("host", "Host"),
                            ("sponsor", "Sponsor"),
                            ("partner", "Partner"),
                            ("media", "Media partner"),
                        ],
                        default="sponsor",
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "logo",
                    models.ImageField(
                        blank=True,
                        help_text="Shown on white, at most 64 pixels high; without a logo, the name is shown.",
                        upload_to="partners/",
                        verbose_name="logo",
                    ),
                ),
                ("url", models.URLField(blank=True, verbose_name="website")),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=0, verbose_name="display order"),
                ),
                (
                    "conference",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="partners",
                        to="agenda.conference",
                        verbose_name="conference",
                    ),
                ),
            ],
            options={
                "verbose_name": "partner",
                "verbose_name_plural": "partners",
                "ordering": ["conference", "position", "pk"],
            },
        ),
    ]
