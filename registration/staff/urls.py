from django.urls import path

from registration.staff import badge_views, views, walkin
from registration.staff.scope import every_forum_required

app_name = "staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("exports/", views.export, name="export"),
    path("forums/<int:forum_id>/print/", views.forum_print, name="forum-print"),
    path("checkin/", views.checkin, name="checkin"),
    path("checkin/<int:registration_id>/undo/", views.undo_checkin, name="undo-checkin"),
    path("reconfirm/", views.reconfirm, name="reconfirm"),
    path("badges/", badge_views.badge_page, name="badges"),
    path("badges/pdf/", badge_views.badge_pdf, name="badges-pdf"),
    path("badges/<int:registration_id>/pdf/", badge_views.person_badge, name="badge-person"),
    # Walk-ins register for any forum: not for forum hosts (staff.scope).
    path("walkin/", every_forum_required(walkin.walkin), name="walkin"),
    path(
        "walkin/<int:registration_id>/",
        every_forum_required(walkin.walkin_ticket),
        name="walkin-ticket",
    ),
]
