"""Forum hosts in the admin: which staff account runs which forum (registration.staff.scope).

Organizers add a partner's account to the "Forum hosts" group (the user admin: the group is
what makes it a host) and name its forums here; from then on that account sees, exports,
emails and checks in the attendees of those forums only.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registration.admin.lookups import DeclaredLookupsOnly
from registration.models import ForumHost
from registration.roles import FORUM_HOSTS


@admin.register(ForumHost)
class ForumHostAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    list_display = ["user", "forum", "conference"]
    list_filter = ["forum__conference", "forum"]
    list_select_related = ["user", "forum__conference"]
    search_fields = ["user__username", "user__email"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Only the group makes an account a host (staff.scope): offer its members.
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(
                groups__name=FORUM_HOSTS
            ).order_by("username")
        if db_field.name == "forum":
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related(
                "conference"
            ).order_by("-conference__start_date", "starts_at")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("conference"), ordering="forum__conference")
    def conference(self, obj: ForumHost) -> str:
        return obj.forum.conference.name
