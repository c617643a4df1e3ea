from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from agenda.urls import urlpatterns as agenda_patterns
from gotc import views

admin.site.site_header = _("GOTC organizers")
admin.site.site_title = _("GOTC admin")
admin.site.index_title = _("Conference administration")

# The program is served twice: the current conference at the root, every published edition
# under /editions/<slug>/ so older years stay reachable.
program_patterns = ([path("", views.home, name="home"), *agenda_patterns], "agenda")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The REST API (docs/api.md): one URL per resource whatever the language (?lang=).
    path("api/v1/", include("api.urls")),
]
# Pages carry their language: English at /agenda/ and /admin/, Chinese at /zh-hans/agenda/ and
# /zh-hans/admin/. A first visit follows the browser (gotc.middleware.FirstVisitLanguage).
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("staff/", include("registration.staff.urls")),
    path("contact/", views.contact, name="contact"),
    path("", include("registration.urls")),
    path("editions/<slug:conference>/", include(program_patterns, namespace="edition")),
    path("", include(program_patterns, namespace="agenda")),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "gotc.views.page_not_found"
handler500 = "gotc.views.server_error"
