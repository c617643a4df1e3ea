"""Registrations for staff tokens: list and read (``registrations:read``); register, change
picks and cancel (``registrations:write``) through the site's own services
(registration.services): the same rules, the same emails, the same webhooks."""

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from api.errors import Conflict
from api.schema import STAFF_ERRORS, errors
from api.scopes import Scope
from api.serializers import (
    NewRegistrationSerializer,
    PicksSerializer,
    RegistrationFilterSerializer,
    RegistrationSerializer,
)
from api.views.staff import StaffView
from registration import services
from registration.enums import PickStatus, RegistrationStatus


class RegistrationCursor(CursorPagination):
    """Stable pages while registrations come in: by id, oldest first; ``next`` is a link."""

    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


FILTERS = [
    OpenApiParameter("forum", OpenApiTypes.STR, description="Holds a seat or waits in this forum."),
    OpenApiParameter("status", enum=RegistrationStatus.values),
    OpenApiParameter("checked_in", OpenApiTypes.BOOL),
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        description="Changed (attendee or picks) at or after this time: for syncing.",
    ),
]


class RegistrationList(StaffView):
    serializer_class = RegistrationSerializer
    pagination_class = RegistrationCursor

    @property
    def required_scopes(self):
        if self.request.method == "POST":
            return (Scope.REGISTRATIONS_WRITE,)
        return (Scope.REGISTRATIONS_READ,)

    @extend_schema(
        operation_id="registrations_list",
        parameters=FILTERS,
        responses={200: RegistrationSerializer(many=True), **errors(*STAFF_ERRORS)},
        summary="Registrations (registrations:read)",
    )
    def get(self, request, conference):
        filters = RegistrationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        registrations = self.filter(self.registrations(), filters.validated_data)
        page = self.paginate_queryset(registrations)
        return self.get_paginated_response(RegistrationSerializer(page, many=True).data)

    def filter(self, registrations, values: dict):
        if "forum" in values:
            [forum] = self.forums_by_slug([values["forum"]], field="forum")
            registrations = registrations.filter(
                picks__forum=forum, picks__status__in=[PickStatus.SEATED, PickStatus.WAITING]
            )
        if "status" in values:
            registrations = registrations.filter(status=values["status"])
        if values.get("checked_in") is not None:
            registrations = registrations.filter(checked_in_at__isnull=not values["checked_in"])
        if "updated_since" in values:
            since = values["updated_since"]
            registrations = registrations.filter(
                Q(updated_at__gte=since) | Q(picks__updated_at__gte=since)
            )
        return registrations.distinct()

    @extend_schema(
        request=NewRegistrationSerializer,
        operation_id="registrations_create",
        responses={201: RegistrationSerializer, **errors(*STAFF_ERRORS, 409)},
        summary="Register an attendee (registrations:write)",
        description=(
            "The registration form's rules and emails. An email that already has a "
            "registration: 409 already_registered (its owner is emailed their private link)."
        ),
    )
    def post(self, request, conference):
        data = NewRegistrationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        forums = self.forums_by_slug(values.pop("forums"))
        values.pop("consent")
        outcome = services.register(conference=self.conference(), data=values, forums=forums)
        if not outcome.created:
            raise Conflict(
                _(
                    "This email already has a registration: its owner has been emailed "
                    "their private link."
                ),
                code="already_registered",
            )
        registration = self.registrations().get(pk=outcome.registration.pk)
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


class OneRegistration(StaffView):
    """A registration of the token's conference, by id (another conference's: 404)."""

    serializer_class = RegistrationSerializer

    def get_queryset(self):
        return self.registrations()


class RegistrationDetail(OneRegistration):
    required_scopes = (Scope.REGISTRATIONS_READ,)

    @extend_schema(
        operation_id="registration",
        responses={200: RegistrationSerializer, **errors(*STAFF_ERRORS)},
        summary="One registration (registrations:read)",
    )
    def get(self, request, conference, pk):
        return Response(RegistrationSerializer(self.get_object()).data)


class ChangePicks(OneRegistration):
    required_scopes = (Scope.REGISTRATIONS_WRITE,)

    @extend_schema(
        request=PicksSerializer,
        operation_id="registration_picks",
        responses={200: RegistrationSerializer, **errors(*STAFF_ERRORS, 409)},
        summary="Replace the forum picks (registrations:write)",
        description=(
            "Forums kept keep their seat or place in line; dropped ones free their seat for "
            "the waiting list; new ones are seated or wait-listed. The attendee is emailed."
        ),
    )
    def post(self, request, conference, pk):
        registration = self.get_object()
        data = PicksSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        forums = self.forums_by_slug(data.validated_data["forums"])
        services.change_picks(registration=registration, forums=forums)
        return Response(RegistrationSerializer(self.get_object()).data)


class Cancel(OneRegistration):
    required_scopes = (Scope.REGISTRATIONS_WRITE,)

    @extend_schema(
        request=None,
        operation_id="registration_cancel",
        responses={200: RegistrationSerializer, **errors(*STAFF_ERRORS)},
        summary="Cancel a registration (registrations:write)",
        description="Idempotent. Frees its seats for the waiting lists; the attendee is emailed.",
    )
    def post(self, request, conference, pk):
        services.cancel_registration(registration=self.get_object())
        return Response(RegistrationSerializer(self.get_object()).data)
