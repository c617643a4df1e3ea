"""The staff roles and their permissions, applied by data migrations.

Organizers: full rights on the program and on registrations, write to attendees, name
forum hosts. Registration desk: read registrations, export, check in; nothing on the program
but reading, and no deletes. Forum hosts (a partner team running a forum): read, export, check
in and write to the attendees of the forums they host (``registration.staff.scope`` narrows
every list to those forums), nothing on the program, no other forum's attendees.
"""

ORGANIZERS = "Organizers"
DESK = "Registration desk"
FORUM_HOSTS = "Forum hosts"

AGENDA_MODELS = ["conference", "room", "forum", "talk", "speaker", "talkspeaker"]
REGISTRATION_MODELS = ["registration", "forumpick", "question", "questionchoice", "answer"]
CUSTOM = ["export_registrations", "check_in"]
# Emails to attendees and forum hosts: organizers only (hosts write theirs, see below).
ORGANIZER_MODELS = ["mailing", "forumhost"]
# API tokens and webhook endpoints: organizers only (deliveries: see and replay).
API_MODELS = ["apitoken", "webhookendpoint"]
FORUM_HOST_PERMISSIONS = [
    ("registration", codename)
    for codename in (
        "view_registration",
        *CUSTOM,
        "add_mailing",
        "change_mailing",
        "view_mailing",
        "view_mailingrecipient",
        "host_forums",
    )
]


def role_permissions() -> dict[str, list[tuple[str, str]]]:
    """(app_label, codename) pairs per group."""
    organizers = [
        (app, f"{action}_{model}")
        for app, models in (("agenda", AGENDA_MODELS), ("registration", REGISTRATION_MODELS))
        for model in models
        for action in ("add", "change", "delete", "view")
    ]
    organizers += [("registration", codename) for codename in CUSTOM]
    organizers += [
        ("registration", f"{action}_{model}")
        for model in ORGANIZER_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    organizers += [("registration", "view_mailingrecipient")]
    organizers += [("registration", "view_exportlog"), ("admin", "view_logentry")]
    organizers += [("post_office", "view_email"), ("post_office", "view_log")]
    # The REST API's tokens and webhooks (the api app; named here, never imported).
    organizers += [
        ("api", f"{action}_{model}")
        for model in API_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    organizers += [("api", "view_webhookdelivery"), ("api", "change_webhookdelivery")]
    desk = [("agenda", f"view_{model}") for model in AGENDA_MODELS]
    desk += [("registration", f"view_{model}") for model in REGISTRATION_MODELS]
    desk += [("registration", codename) for codename in CUSTOM]
    return {ORGANIZERS: organizers, DESK: desk, FORUM_HOSTS: list(FORUM_HOST_PERMISSIONS)}


def sync_roles(apps, schema_editor=None) -> None:
    """Create the groups and give each exactly its permissions (migrations call this)."""
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
