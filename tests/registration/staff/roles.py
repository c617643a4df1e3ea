"""Staff users the role fixtures do not build: a desk volunteer whose staff status was taken
away (still in the desk group) and an organizer who may only look (every ``view_*``
permission on registration's and post_office's models, nothing else)."""

from django.contrib.auth.models import Group, Permission

from registration.roles import DESK

MORE_ROLES = ["desk-not-staff", "viewer"]


def make_more_user(django_user_model, role: str, *, password: str, username: str | None = None):
    """A user of one of MORE_ROLES."""
    username = username or role
    user = django_user_model.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=password,
        is_staff=role == "viewer",
    )
    if role == "desk-not-staff":
        user.groups.add(Group.objects.get(name=DESK))
    else:
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["registration", "post_office"],
                codename__startswith="view_",
            )
        )
    return user
