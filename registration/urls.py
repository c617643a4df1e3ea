from django.urls import path

from registration.views import calendar, manage, register, stars

app_name = "registration"

urlpatterns = [
    path("register/", register.register, name="register"),
    path("register/done/", register.done, name="done"),
    path("privacy/", register.privacy, name="privacy"),
    path("register/new-link/", register.new_link, name="new-link"),
    path("r/<str:token>/", manage.manage, name="manage"),
    path("r/<str:token>/cancel/", manage.cancel, name="cancel"),
    path("r/<str:token>/leave/<int:forum_id>/", manage.leave_waiting_list, name="leave"),
    # The calendar's old address: a redirect to its own link (views/calendar.py).
    path("r/<str:token>/calendar.ics", manage.calendar, name="old-calendar"),
    path("r/<str:token>/still-coming/", manage.reconfirm, name="reconfirm"),
    path("r/<str:token>/my-data.json", manage.my_data, name="my-data"),
    path("r/<str:token>/delete/", manage.delete, name="delete"),
    path("r/<str:token>/new-link/", manage.replace_link, name="replace-link"),
    path("calendar/<str:token>.ics", calendar.calendar, name="calendar"),
    path("stars/<str:key>/", stars.stars_view, name="stars"),
    path("r/<str:token>/agenda/", manage.my_agenda, name="my-agenda"),
]
