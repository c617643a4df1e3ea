from django.urls import path

from registration import views

app_name = "registration"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/done/", views.done, name="done"),
    path("privacy/", views.privacy, name="privacy"),
    path("register/new-link/", views.new_link, name="new-link"),
    path("r/<str:token>/", views.manage, name="manage"),
    path("r/<str:token>/cancel/", views.cancel, name="cancel"),
    path("r/<str:token>/leave/<int:forum_id>/", views.leave_waiting_list, name="leave"),
    path("r/<str:token>/calendar.ics", views.calendar, name="calendar"),
    path("r/<str:token>/still-coming/", views.reconfirm, name="reconfirm"),
    path("r/<str:token>/my-data.json", views.my_data, name="my-data"),
    path("r/<str:token>/delete/", views.delete, name="delete"),
]
