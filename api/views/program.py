"""The public program: conferences, rooms, forums (with seats left), talks and speakers.

No token needed, published program only. Every answer is kept in the page cache
(gotc.pagecache) like the program pages and feeds: until the program changes, and for forums
also until seats change; a hit is answered by the middleware without a query, with its ETag
(304 on If-None-Match). The cache key holds the path, the query parameters these views read
and the language asked for (``?lang=``, else the language cookie or Accept-Language).

A token with ``program:read`` for the conference may add ``?drafts=true``: its unpublished
conference, draft forums and talks are then included, never cached.
"""

import datetime as dt
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from agenda.caching import PROGRAM, fragments
from agenda.enums import ForumKind, TalkKind
from agenda.models import Conference, Forum, Room, Speaker, Talk
from agenda.rows import ForumRow, program_rows
from api.authentication import TokenAuthentication
from api.schema import errors
from api.scopes import Scope
from api.serializers import (
    ConferenceSerializer,
    ForumSerializer,
    RoomSerializer,
    SpeakerSerializer,
    TalkSerializer,
)
from api.throttles import PerAddress
from gotc import pagecache
from registration.caching import SEATS
from registration.queries import seat_counts, with_seat_counts

LANG = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    enum=[code for code, _name in settings.LANGUAGES],
    description="Language of program texts (default: the language cookie or Accept-Language).",
)
DRAFTS = OpenApiParameter(
    "drafts",
    OpenApiTypes.BOOL,
    description="Include drafts (a token with program:read for this conference only).",
)
DAY = OpenApiParameter("day", OpenApiTypes.DATE, description="Only this conference day.")
TRUE = {"1", "true", "yes"}
# A bad parameter, a drafts token missing or lacking, no such conference or item, too many.
PUBLIC_ERRORS = (400, 401, 403, 404, 429)


class ProgramView(GenericAPIView):
    """A public, cached read of one conference's program (or of the conference list)."""

    permission_classes = [AllowAny]  # drafts are checked where they are asked for
    throttle_classes = [PerAddress]
    http_method_names = ["get", "head"]
    # Versions the answer depends on: the cached copy is dropped when one moves.
    versions: tuple[str, ...] = (PROGRAM,)
    # Query parameters the view reads besides lang and drafts: {name: how it is validated}.
    filters: dict[str, serializers.Field] = {}

    def perform_authentication(self, request: Request) -> None:
        """A token is read only for ``?drafts=``: the public answer is the same for every
        caller, with or without one (a cached copy never checks it)."""

    def get(self, request: Request, *args, **kwargs) -> Response:
        self.language = self._language(request)
        self.drafts = self._drafts(request)
        self.params = self._filters(request)
        if not self.drafts:
            pagecache.opt_in(
                request._request,
                *self.versions,
                # As given (each was validated above); "drafts" is read only when true.
                params={
                    "drafts": "",
                    **{name: request.GET.get(name, "") for name in ("lang", *self.filters)},
                },
                vary_language=True,
            )
        with translation.override(self.language):
            data = self.answer(**kwargs)
        response = Response(data)
        response["Content-Language"] = self.language
        response["Vary"] = "Accept-Language, Cookie"
        if self.drafts:
            response["Cache-Control"] = "private, no-store"
        else:
            response["Access-Control-Allow-Origin"] = "*"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            response.status_code == 200
            and not getattr(self, "drafts", True)
            and getattr(request._request, "page_cache_deps", None) is None
        ):
            # Not going into the cache (a visitor with a session): validators all the same.
            response.render()
            response = pagecache.conditional(request._request, response)
        return response

    def answer(self, **kwargs):
        raise NotImplementedError

    # --- Parameters ---------------------------------------------------------------------------
    @staticmethod
    def _language(request: Request) -> str:
        asked = request.query_params.get("lang")
        if asked is None:
            return translation.get_language_from_request(request._request, check_path=False)
        if asked not in dict(settings.LANGUAGES):
            raise exceptions.ValidationError(
                {"lang": [_("Unknown language: use one of %(codes)s.") % {"codes": _codes()}]}
            )
        return asked

    def _drafts(self, request: Request) -> bool:
        value = request.query_params.get("drafts", "")
        if value.lower() not in TRUE:
            return False
        token = TokenAuthentication().authenticate(request)
        if token is None:
            raise exceptions.NotAuthenticated()
        self.token = token[1]
        if not self.token.has_scope(Scope.PROGRAM_READ):
            raise exceptions.PermissionDenied(
                _("This token lacks the scope %(scope)s.") % {"scope": Scope.PROGRAM_READ},
                code="missing_scope",
            )
        return True

    def _filters(self, request: Request) -> dict:
        values, errors = {}, {}
        for name, field in self.filters.items():
            if name not in request.query_params:
                continue
            try:
                values[name] = field.run_validation(request.query_params[name])
            except serializers.ValidationError as error:
                errors[name] = error.detail
        if errors:
            raise exceptions.ValidationError(errors)
        return values

    # --- Reads --------------------------------------------------------------------------------
    def conference(self) -> Conference:
        """The conference of the URL: published, or the drafts token's own."""
        slug = self.kwargs["conference"]
        queryset = Conference.objects.all()
        if self.drafts:
            queryset = queryset.filter(pk=self.token.conference_id)
        else:
            queryset = queryset.published()
        conference = get_object_or_404(queryset, slug=slug)
        timezone.activate(conference.tzinfo)
        return conference

    def day_bounds(self, conference: Conference) -> tuple[dt.datetime, dt.datetime] | None:
        day = self.params.get("day")
        if day is None:
            return None
        if day not in conference.days:
            raise exceptions.ValidationError(
                {"day": [_("Not a day of %(conference)s.") % {"conference": conference.name}]}
            )
        start = conference.local_datetime(day, dt.time.min)
        return start, start + dt.timedelta(days=1)

    def talks(self) -> QuerySet:
        talks = Talk.objects.with_speakers().order_by("starts_at", "pk")
        return talks if self.drafts else talks.filter(is_published=True)


def _codes() -> str:
    return ", ".join(code for code, _name in settings.LANGUAGES)


class ConferenceList(ProgramView):
    serializer_class = ConferenceSerializer

    @extend_schema(
        operation_id="conferences_list",
        parameters=[LANG],
        responses={200: ConferenceSerializer(many=True), **errors(400, 429)},
        summary="Published conferences, latest first",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def answer(self):
        conferences = Conference.objects.published().order_by("-start_date", "-pk")
        return ConferenceSerializer(conferences, many=True).data


class ConferenceDetail(ProgramView):
    serializer_class = ConferenceSerializer

    @extend_schema(
        operation_id="conference",
        parameters=[LANG, DRAFTS],
        responses={200: ConferenceSerializer, **errors(*PUBLIC_ERRORS)},
        summary="One conference",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def answer(self, conference):
        return ConferenceSerializer(self.conference()).data


class RoomList(ProgramView):
    serializer_class = RoomSerializer

    @extend_schema(
        operation_id="rooms_list",
        parameters=[LANG, DRAFTS],
        responses={200: RoomSerializer(many=True), **errors(*PUBLIC_ERRORS)},
        summary="A conference's rooms",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def answer(self, conference):
        rooms = Room.objects.filter(conference=self.conference())
        return RoomSerializer(rooms, many=True).data


class ForumOfRow:
    """A published forum's program row (agenda.rows.ForumRow) read as ForumSerializer
    reads a Forum: ``id`` for ``pk``, its room and talks alike. Seat counts are not on the
    row (they change with every registration): ``ForumList.published`` adds them."""

    is_published = True
    seated_count = waiting_count = seats_left = None

    def __init__(self, row: ForumRow):
        self.__dict__.update(row._asdict(), id=row.pk, get_kind_display=row.get_kind_display)
        self.room = SimpleNamespace(**row.room._asdict(), id=row.room.pk)
        self.program_talks = [
            SimpleNamespace(**talk._asdict(), id=talk.pk) for talk in row.program_talks
        ]


class ForumList(ProgramView):
    serializer_class = ForumSerializer
    versions = (PROGRAM, SEATS)
    filters = {
        "day": serializers.DateField(),
        "kind": serializers.ChoiceField(choices=ForumKind.choices),
    }

    @extend_schema(
        parameters=[LANG, DRAFTS, DAY, OpenApiParameter("kind", enum=ForumKind.values)],
        operation_id="forums_list",
        responses={200: ForumSerializer(many=True), **errors(*PUBLIC_ERRORS)},
        summary="A conference's forums, with seats left",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def forums(self, conference: Conference) -> QuerySet:
        forums = Forum.objects.filter(conference=conference).visible(self.drafts)
        forums = forums.select_related("room").prefetch_related(
            Prefetch("talks", queryset=self.talks(), to_attr="program_talks")
        )
        return with_seat_counts(forums).order_by("starts_at", "position", "pk")

    def answer(self, conference):
        conference = self.conference()
        bounds = self.day_bounds(conference)
        if not self.drafts:
            return self.published(conference, bounds)
        forums = self.forums(conference)
        if bounds:
            forums = forums.filter(starts_at__gte=bounds[0], starts_at__lt=bounds[1])
        if "kind" in self.params:
            forums = forums.filter(kind=self.params["kind"])
        return ForumSerializer(forums, many=True, context={"conference": conference}).data

    def published(self, conference: Conference, bounds) -> list[dict]:
        """The published forums from the program rows the pages read (agenda.rows), each
        forum's representation memoized on its row (everything it shows), and today's seat
        counts added: the same answer as serializing the models, without building 800 model
        instances and their fields for each request the page cache does not answer."""
        rows = program_rows(conference, kind=self.params.get("kind", ""))
        if bounds:
            rows = [row for row in rows if bounds[0] <= row.starts_at < bounds[1]]
        counts = seat_counts(row.pk for row in rows)
        memoized = fragments()
        context = {"conference": conference}
        answer = []
        for row in rows:
            shown = memoized(
                ("api-forum", conference.slug, row),
                lambda row=row: ForumSerializer(ForumOfRow(row), context=context).data,
            )
            seated, waiting = counts.get(row.pk, (0, 0))
            answer.append(
                {
                    **shown,
                    "seated": seated,
                    "waiting": waiting,
                    "seats_left": None if row.capacity is None else max(row.capacity - seated, 0),
                }
            )
        return answer


class ForumDetail(ForumList):
    filters = {}

    @extend_schema(
        operation_id="forum",
        parameters=[LANG, DRAFTS],
        responses={200: ForumSerializer, **errors(*PUBLIC_ERRORS)},
        summary="One forum, with seats left",
    )
    def get(self, request, *args, **kwargs):
        return super(ForumList, self).get(request, *args, **kwargs)

    def answer(self, conference, slug):
        conference = self.conference()
        forum = get_object_or_404(self.forums(conference), slug=slug)
        return ForumSerializer(forum, context={"conference": conference}).data


class TalkList(ProgramView):
    serializer_class = TalkSerializer
    filters = {
        "day": serializers.DateField(),
        "kind": serializers.ChoiceField(choices=TalkKind.choices),
        "forum": serializers.SlugField(),
    }

    @extend_schema(
        parameters=[
            LANG,
            DRAFTS,
            DAY,
            OpenApiParameter("kind", enum=TalkKind.values),
            OpenApiParameter("forum", OpenApiTypes.STR, description="A forum's slug."),
        ],
        operation_id="talks_list",
        responses={200: TalkSerializer(many=True), **errors(*PUBLIC_ERRORS)},
        summary="A conference's talks",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def all_talks(self, conference: Conference) -> QuerySet:
        talks = self.talks().filter(conference=conference).select_related("forum__room")
        return talks if self.drafts else talks.filter(forum__is_published=True)

    def answer(self, conference):
        conference = self.conference()
        talks = self.all_talks(conference)
        bounds = self.day_bounds(conference)
        if bounds:
            talks = talks.filter(starts_at__gte=bounds[0], starts_at__lt=bounds[1])
        if "kind" in self.params:
            talks = talks.filter(kind=self.params["kind"])
        if "forum" in self.params:
            talks = talks.filter(forum__slug=self.params["forum"])
        return TalkSerializer(talks, many=True, context={"conference": conference}).data


class TalkDetail(TalkList):
    filters = {}

    @extend_schema(
        operation_id="talk",
        parameters=[LANG, DRAFTS],
        responses={200: TalkSerializer, **errors(*PUBLIC_ERRORS)},
        summary="One talk",
    )
    def get(self, request, *args, **kwargs):
        return super(TalkList, self).get(request, *args, **kwargs)

    def answer(self, conference, slug):
        conference = self.conference()
        talk = get_object_or_404(self.all_talks(conference), slug=slug)
        return TalkSerializer(talk, context={"conference": conference}).data


class SpeakerList(ProgramView):
    serializer_class = SpeakerSerializer

    @extend_schema(
        operation_id="speakers_list",
        parameters=[LANG, DRAFTS],
        responses={200: SpeakerSerializer(many=True), **errors(*PUBLIC_ERRORS)},
        summary="A conference's speakers",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def speakers(self, conference: Conference) -> QuerySet:
        talks = Talk.objects.visible(self.drafts).only("pk", "slug", "starts_at")
        return Speaker.objects.filter(conference=conference).prefetch_related(
            Prefetch("talks", queryset=talks.order_by("starts_at", "pk"), to_attr="program_talks")
        )

    def answer(self, conference):
        conference = self.conference()
        speakers = self.speakers(conference)
        return SpeakerSerializer(speakers, many=True, context={"conference": conference}).data


class SpeakerDetail(SpeakerList):
    @extend_schema(
        operation_id="speaker",
        parameters=[LANG, DRAFTS],
        responses={200: SpeakerSerializer, **errors(*PUBLIC_ERRORS)},
        summary="One speaker",
    )
    def get(self, request, *args, **kwargs):
        return super(SpeakerList, self).get(request, *args, **kwargs)

    def answer(self, conference, slug):
        conference = self.conference()
        speaker = self.speakers(conference).filter(slug=slug).first()
        if speaker is None:
            raise Http404
        return SpeakerSerializer(speaker, context={"conference": conference}).data
