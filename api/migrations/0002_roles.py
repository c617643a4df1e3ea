"""Organizers manage API tokens and webhooks (registration.roles names them)."""

from django.db import migrations

from registration.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("registration", "0012_mailings_hosts"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
