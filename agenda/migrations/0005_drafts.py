"""Draft forums and talks: ``is_published`` on both, true for every existing row (nothing
that was public disappears)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0004_schedule_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="forum",
            name="is_published",
            field=models.BooleanField(
                default=True,
                help_text="Untick to keep it a draft: hidden from the public and from registration.",
                verbose_name="published",
            ),
        ),
        migrations.AddField(
            model_name="talk",
            name="is_published",
            field=models.BooleanField(
                default=True,
                help_text="Untick to keep it a draft: hidden from the public.",
                verbose_name="published",
            ),
        ),
    ]
