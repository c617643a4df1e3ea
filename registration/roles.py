"""The staff roles and their permissions, applied by data migrations.

Organizers: full rights on the program and on registrations. Registration desk: read
registrations, export, check in; nothing on the program but reading, and no deletes.
"""

ORGANIZERS = "Organizers"
DESK = "Registration desk"

AGENDA_MODELS = ["conference", "room", "forum", "talk", "speaker", "talkspeaker"]
REGISTRATION_MODELS = ["registration", "forumpick"]
CUSTOM = ["export_registrations", "check_in"]


def role_permissions() -> dict[str, list[tuple[str, str]]]:
    """(app_label, codename) pairs per group."""
    organizers = [
        (app, f"{action}_{model}")
        for app, models in (("agenda", AGENDA_MODELS), ("registration", REGISTRATION_MODELS))
        for model in models
        for action in ("add", "change", "delete", "view")
    ]
    organizers += [("registration", codename) for codename in CUSTOM]
    organizers += [("registration", "view_exportlog"), ("admin", "view_logentry")]
    organizers += [("post_office", "view_email"), ("post_office", "view_log")]
    desk = [("agenda", f"view_{model}") for model in AGENDA_MODELS]
    desk += [("registration", f"view_{model}") for model in REGISTRATION_MODELS]
    desk += [("registration", codename) for codename in CUSTOM]
    return {ORGANIZERS: organizers, DESK: desk}


def sync_roles(apps, schema_editor=None) -> None:
    """Create both groups and give each exactly its permissions (migrations call this)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, wanted in role_permissions().items():
        group, _ = group_model.objects.get_or_create(name=name)
        permissions = [
            permission
            for permission in permission_model.objects.select_related("content_type").filter(
                content_type__app_label__in={app for app, _ in wanted}
            )
            if (permission.content_type.app_label, permission.codename) in set(wanted)
        ]
        group.permissions.set(permissions)
