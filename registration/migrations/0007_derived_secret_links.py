"""Secret links are derived, never stored (see Registration's docstring).

Existing rows keep working links: the hash of their stored token becomes their
manage_token_hash, and their manage nonce stays empty (the old token cannot be derived), so
the first email that carries a link issues a nonce. Every row gets a calendar link of its
own. Then the stored tokens are dropped.

Reversing draws new random tokens: links issued after this migration stop working.
"""

from django.db import migrations, models

from registration.tickets import CALENDAR_LINK, new_manage_token, token_hash

BATCH = 1000


def hash_stored_tokens(apps, schema_editor):
    Registration = apps.get_model("registration", "Registration")
    rows = Registration.objects.using(schema_editor.connection.alias).order_by("pk")
    batch = []
    for registration in rows.only("pk", "manage_token").iterator(chunk_size=BATCH):
        registration.manage_token_hash = token_hash(registration.manage_token)
        registration.manage_nonce = ""
        CALENDAR_LINK.issue(registration)
        batch.append(registration)
        if len(batch) == BATCH:
            _save(Registration, batch)
            batch = []
    _save(Registration, batch)


def _save(Registration, batch):
    Registration.objects.bulk_update(
        batch,
        ["manage_token_hash", "manage_nonce", "calendar_nonce", "calendar_token_hash"],
    )


def draw_random_tokens(apps, schema_editor):
    Registration = apps.get_model("registration", "Registration")
    rows = Registration.objects.using(schema_editor.connection.alias).order_by("pk")
    batch = []
    for registration in rows.only("pk").iterator(chunk_size=BATCH):
        registration.manage_token = new_manage_token()
        batch.append(registration)
        if len(batch) == BATCH:
            Registration.objects.bulk_update(batch, ["manage_token"])
            batch = []
    Registration.objects.bulk_update(batch, ["manage_token"])


# (column prefix, verbose name) of the two secret links.
LINKS = [("manage", "private link"), ("calendar", "calendar link")]


def nonce_field(label):
    return models.CharField(
        blank=True, default="", editable=False, max_length=32, verbose_name=f"{label} nonce"
    )


def hash_field(label, **options):
    return models.CharField(
        editable=False, max_length=64, verbose_name=f"{label} hash", **options
    )


class Migration(migrations.Migration):

    dependencies = [
        ("registration", "0006_pending_email"),
    ]

    operations = [
        *(
            migrations.AddField("registration", f"{name}_nonce", nonce_field(label))
            for name, label in LINKS
        ),
        *(
            migrations.AddField("registration", f"{name}_token_hash", hash_field(label, null=True))
            for name, label in LINKS
        ),
        # Not unique and nullable from here on, so that reversing can add it back empty.
        migrations.AlterField(
            "registration",
            "manage_token",
            models.CharField(
                editable=False, max_length=64, null=True, verbose_name="manage token"
            ),
        ),
        migrations.RunPython(hash_stored_tokens, draw_random_tokens, elidable=False),
        migrations.RemoveField("registration", "manage_token"),
        *(
            migrations.AlterField(
                "registration", f"{name}_token_hash", hash_field(label, unique=True)
            )
            for name, label in LINKS
        ),
        # A stand-in outbox row has no registration (Registration, PendingEmail).
        migrations.AlterField(
            "pendingemail",
            "registration",
            models.ForeignKey(
                null=True,
                on_delete=models.CASCADE,
                related_name="+",
                to="registration.registration",
                verbose_name="registration",
            ),
        ),
    ]
