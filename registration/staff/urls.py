from django.urls import path

from registration.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("exports/", views.export, name="export"),
    path("forums/<int:forum_id>/print/", views.forum_print, name="forum-print"),
    path("checkin/", views.checkin, name="checkin"),
    path("checkin/<int:registration_id>/undo/", views.undo_checkin, name="undo-checkin"),
    path("reconfirm/", views.reconfirm, name="reconfirm"),
]
