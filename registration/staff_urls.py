from django.urls import path

from registration import staff

app_name = "staff"

urlpatterns = [
    path("", staff.dashboard, name="dashboard"),
    path("exports/", staff.export, name="export"),
    path("forums/<int:forum_id>/print/", staff.forum_print, name="forum-print"),
    path("checkin/", staff.checkin, name="checkin"),
    path("checkin/<int:registration_id>/undo/", staff.undo_checkin, name="undo-checkin"),
    path("reconfirm/", staff.reconfirm, name="reconfirm"),
]
