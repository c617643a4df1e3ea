"""The door for scanner apps (``checkin``): look a ticket up, check it in, take it back.

Through registration.services.door, the desk's own rules. A check-in is idempotent: the same
scan twice is one check-in (the second answer says ``already_checked_in``). At a forum's
door, someone without a seat there is answered ``may_enter: false`` (nothing changes) until
the scanner sends ``let_in: true`` (recorded as the desk's "let in anyway"). Check-ins are
recorded as made by the staff member who created the token.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from agenda.models import Forum
from api.schema import STAFF_ERRORS, errors
from api.scopes import Scope
from api.serializers import (
    CheckInRequestSerializer,
    DoorAnswerSerializer,
    TicketRequestSerializer,
)
from api.views.staff import StaffView
from registration import services
from registration.enums import PickStatus
from registration.models import DoorOverride, Registration
from registration.services.errors import NotSeatedHere


class DoorView(StaffView):
    required_scopes = (Scope.CHECKIN,)
    serializer_class = DoorAnswerSerializer

    def ticket(self, code: str) -> Registration:
        """The registration of a typed or scanned code (400 unknown_ticket otherwise)."""
        return services.find_ticket(conference=self.conference(), code=code)

    def forum(self, slug: str | None) -> Forum | None:
        return self.forums_by_slug([slug], field="forum")[0] if slug else None

    def answer(
        self,
        registration: Registration,
        forum: Forum | None,
        *,
        checked_in: bool = False,
        already: bool = False,
        refusal: NotSeatedHere | None = None,
    ) -> Response:
        picks = list(
            registration.picks.live()
            .select_related("forum")
            .order_by("forum__starts_at", "forum__position")
        )
        seated = [pick.forum for pick in picks if pick.status == PickStatus.SEATED]
        waiting = [pick.forum for pick in picks if pick.status == PickStatus.WAITING]
        if refusal is not None:
            may_enter, message = False, refusal.message
            reason = "waiting" if refusal.waiting else "not_seated"
        elif forum is None:
            may_enter, reason, message = registration.is_active, "entrance", ""
        elif forum in seated:
            may_enter, reason, message = True, "seated", ""
        elif DoorOverride.objects.filter(registration=registration, forum=forum).exists():
            may_enter, reason, message = True, "let_in", ""
        else:
            may_enter = False
            reason = "waiting" if forum in waiting else "not_seated"
            message = _("%(name)s has no seat in “%(forum)s”.") % {
                "name": registration.full_name,
                "forum": forum.title,
            }
        data = {
            "attendee": registration,
            "checked_in": checked_in,
            "already_checked_in": already,
            "forum": forum,
            "may_enter": may_enter,
            "reason": reason,
            "message": message,
            "seated_forums": seated,
            "waiting_forums": waiting,
        }
        return Response(DoorAnswerSerializer(data).data)


class CheckIn(DoorView):
    @extend_schema(
        request=CheckInRequestSerializer,
        operation_id="checkin",
        responses={200: DoorAnswerSerializer, **errors(*STAFF_ERRORS, 409)},
        summary="Check a ticket in at the entrance or a forum's door (checkin)",
    )
    def post(self, request, conference):
        data = CheckInRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = self.ticket(data.validated_data["code"])
        forum = self.forum(data.validated_data.get("forum"))
        already = registration.checked_in_at is not None
        if already and forum is None:
            # The same scan again: one check-in, the first one's time and person stand.
            return self.answer(registration, None, already=True)
        try:
            result = services.check_in(
                registration=registration,
                by=request.auth.created_by,
                forum=forum,
                let_in=data.validated_data["let_in"],
            )
        except services.AlreadyCheckedIn as error:
            # Scanned at two doors at the same instant: the other one checked them in.
            return self.answer(error.registration, None, already=True)
        except NotSeatedHere as refusal:
            return self.answer(registration, forum, already=already, refusal=refusal)
        return self.answer(result.registration, forum, checked_in=not already, already=already)


class UndoCheckIn(DoorView):
    @extend_schema(
        request=TicketRequestSerializer,
        operation_id="checkin_undo",
        responses={200: DoorAnswerSerializer, **errors(*STAFF_ERRORS)},
        summary="Take back a check-in, with its forum door check-ins (checkin)",
    )
    def post(self, request, conference):
        data = TicketRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.undo_check_in(registration=self.ticket(data.validated_data["code"]))
        return self.answer(registration, None)


class Ticket(DoorView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "forum", OpenApiTypes.STR, description="May they enter this forum's door?"
            )
        ],
        operation_id="ticket",
        responses={200: DoorAnswerSerializer, **errors(*STAFF_ERRORS)},
        summary="Who holds a ticket, and may they enter (checkin); changes nothing",
    )
    def get(self, request, conference, code):
        registration = self.ticket(code)
        forum = self.forum(request.query_params.get("forum"))
        return self.answer(registration, forum, already=registration.checked_in_at is not None)
