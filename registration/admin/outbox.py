"""post_office's email admin, its only data-changing action behind the change permission.

post_office offers "Requeue selected emails" to anyone who may list the emails, and runs it
for them: organizers, who may only read the mail queue (``registration.roles``), could send
every attendee's emails again. Here it is offered, and run, only to users who may change
emails; Django applies an action's ``permissions`` to the posted form as well as to the menu.
post_office's other admins (logs, templates, attachments) and its views (preview, image,
resend) already check the matching permission; "send again" is a POST (a link that sends
mail could be followed by a crawler or triggered from another site) and is shown only to those
who may use it.
"""

from django.contrib import admin
from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext_lazy as _
from post_office import admin as post_office_admin
from post_office.models import Email, Log

from registration.admin.lookups import DeclaredLookupsOnly
from registration.admin.records import organizer_words

# "Emails sent → Logs" says nothing to an organizer: each row is one attempt to send an email.
organizer_words(Log, _("delivery attempt"), _("delivery attempts"))


@admin.action(description=_("Requeue selected emails"), permissions=["change"])
def requeue(modeladmin, request, queryset) -> None:
    post_office_admin.requeue(modeladmin, request, queryset)


admin.site.unregister(Email)


@admin.register(Email)
class EmailAdmin(DeclaredLookupsOnly, post_office_admin.EmailAdmin):
    actions = [requeue]
    change_form_template = "admin/outbox/email_change_form.html"

    def resend(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return super().resend(request, pk)
