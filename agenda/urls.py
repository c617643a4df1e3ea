from django.urls import path

from agenda import changelog, feeds, schedule, views
from agenda.cached import PROGRAM, SEATS, program_page, public_feed

app_name = "agenda"

# Every public program page and feed is served from the page cache until the program changes
# (agenda.cached); the forum page also until seats change, as it may show seats left.
program = program_page(PROGRAM)
feed = public_feed(PROGRAM)

urlpatterns = [
    path("agenda/", views.agenda, name="agenda"),
    path("agenda.ics", feed(feeds.agenda_ics), name="agenda-ics"),
    path("agenda.json", feed(feeds.agenda_json), name="agenda-json"),
    path(
        "schedule.xml",
        public_feed(PROGRAM, by_language=True)(schedule.schedule_xml),
        name="schedule-xml",
    ),
    path(
        "schedule.json",
        public_feed(PROGRAM, by_language=True)(schedule.schedule_json),
        name="schedule-json",
    ),
    path(
        "agenda/forums/<slug:slug>/",
        program_page(PROGRAM, SEATS)(views.forum_detail),
        name="forum",
    ),
    path("agenda/forums/<slug:slug>.ics", feed(feeds.forum_ics), name="forum-ics"),
    path("agenda/talks/<slug:slug>/", program(views.talk_detail), name="talk"),
    path("agenda/talks/<slug:slug>.ics", feed(feeds.talk_ics), name="talk-ics"),
    path("agenda/speakers/", program(views.speaker_list), name="speakers"),
    path("agenda/speakers/<slug:slug>/", program(views.speaker_detail), name="speaker"),
    path("agenda/changes/", program(changelog.changelog), name="changes"),
    path("agenda/changes.atom", feed(changelog.changes_feed), name="changes-atom"),
]
