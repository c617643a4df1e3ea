from django.urls import path

from agenda import feeds, views

app_name = "agenda"

urlpatterns = [
    path("agenda/", views.agenda, name="agenda"),
    path("agenda.ics", feeds.agenda_ics, name="agenda-ics"),
    path("agenda.json", feeds.agenda_json, name="agenda-json"),
    path("agenda/forums/<slug:slug>/", views.forum_detail, name="forum"),
    path("agenda/forums/<slug:slug>.ics", feeds.forum_ics, name="forum-ics"),
    path("agenda/talks/<slug:slug>/", views.talk_detail, name="talk"),
    path("agenda/speakers/", views.speaker_list, name="speakers"),
    path("agenda/speakers/<slug:slug>/", views.speaker_detail, name="speaker"),
]
