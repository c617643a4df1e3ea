from django.db import migrations

from registration.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0004_roles_staff"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("post_office", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
