"""The API's URLs, mounted at /api/v1/ (gotc/urls.py), outside the language prefixes: an
answer's language is asked with ?lang= or Accept-Language (docs/api.md)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import door, program, registrations

app_name = "api"

conference = "conferences/<slug:conference>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Public program
    path("conferences/", program.ConferenceList.as_view(), name="conferences"),
    path(conference, program.ConferenceDetail.as_view(), name="conference"),
    path(f"{conference}rooms/", program.RoomList.as_view(), name="rooms"),
    path(f"{conference}forums/", program.ForumList.as_view(), name="forums"),
    path(f"{conference}forums/<slug:slug>/", program.ForumDetail.as_view(), name="forum"),
    path(f"{conference}talks/", program.TalkList.as_view(), name="talks"),
    path(f"{conference}talks/<slug:slug>/", program.TalkDetail.as_view(), name="talk"),
    path(f"{conference}speakers/", program.SpeakerList.as_view(), name="speakers"),
    path(f"{conference}speakers/<slug:slug>/", program.SpeakerDetail.as_view(), name="speaker"),
    # Staff: registrations and the door
    path(
        f"{conference}registrations/",
        registrations.RegistrationList.as_view(),
        name="registrations",
    ),
    path(
        f"{conference}registrations/<int:pk>/",
        registrations.RegistrationDetail.as_view(),
        name="registration",
    ),
    path(
        f"{conference}registrations/<int:pk>/picks/",
        registrations.ChangePicks.as_view(),
        name="registration-picks",
    ),
    path(
        f"{conference}registrations/<int:pk>/cancel/",
        registrations.Cancel.as_view(),
        name="registration-cancel",
    ),
    path(f"{conference}checkins/", door.CheckIn.as_view(), name="checkin"),
    path(f"{conference}checkins/undo/", door.UndoCheckIn.as_view(), name="checkin-undo"),
    path(f"{conference}tickets/<str:code>/", door.Ticket.as_view(), name="ticket"),
]
