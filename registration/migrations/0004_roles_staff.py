from django.db import migrations

from registration.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("registration", "0003_staff")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
