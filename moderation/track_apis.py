"""The editor track's endpoints: /api/v1/editor-track/..."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation import track
from moderation.models import EditorApplication
from moderation.serializers import (
    ApplicationOutput,
    ApplyInput,
    NoteInput,
    ShadowArticleOutput,
    ShadowReviewOutput,
    TrackMeOutput,
    VerdictInput,
)
from newsroom.accounts.actors import signed_in
from newsroom.api.inputs import validated
from newsroom.api.pagination import LIMIT_OFFSET_PARAMETERS, StrictLimitOffsetPagination, offset_page
from newsroom.api.permissions import HasModelPermission, IsContributor


class CanDecideApplications(HasModelPermission):
    perm = track.DECIDE


class IsApplicant(IsContributor):
    """Shadow reviews are for holders of an open editor-track application (refused as `not_an_applicant`)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        track.open_application(request.user)  # raises NotAnApplicant
        return True


class ApplyApi(APIView):
    permission_classes = [IsContributor]

    @extend_schema(request=ApplyInput, responses={201: ApplicationOutput}, tags=["editor-track"])
    def post(self, request: Request) -> Response:
        application = track.apply(actor=signed_in(request), **validated(ApplyInput, request))
        return Response(ApplicationOutput(application).data, status=status.HTTP_201_CREATED)


class TrackMeApi(APIView):
    permission_classes = [IsContributor]

    @extend_schema(responses={200: TrackMeOutput}, tags=["editor-track"])
    def get(self, request: Request) -> Response:
        minimum = settings.NEWSROOM["EDITOR_TRACK_MIN_TRUST"]
        body = {
            "eligible": request.user.trust_level >= minimum,  # type: ignore[union-attr]
            "min_trust_level": minimum,
            "application": track.current_application(signed_in(request)),
        }
        return Response(TrackMeOutput(body).data)


class ShadowNextApi(APIView):
    permission_classes = [IsApplicant]

    @extend_schema(
        request=None,
        responses={200: ShadowArticleOutput, 204: OpenApiResponse(description="Nothing to review now.")},
        tags=["editor-track"],
    )
    def post(self, request: Request) -> Response:
        article = track.shadow_next(actor=signed_in(request))
        if article is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ShadowArticleOutput(article).data)


class ShadowArticleApi(APIView):
    permission_classes = [IsApplicant]

    @extend_schema(responses={200: ShadowArticleOutput}, tags=["editor-track"])
    def get(self, request: Request, article_id: int) -> Response:
        return Response(
            ShadowArticleOutput(track.shadow_article(actor=signed_in(request), article_id=article_id)).data
        )


class ShadowVerdictApi(APIView):
    permission_classes = [IsApplicant]

    @extend_schema(request=VerdictInput, responses={201: ShadowReviewOutput}, tags=["editor-track"])
    def post(self, request: Request, article_id: int) -> Response:
        review = track.shadow_verdict(
            actor=signed_in(request), article_id=article_id, **validated(VerdictInput, request)
        )
        return Response(ShadowReviewOutput(review).data, status=status.HTTP_201_CREATED)


class ApplicationsApi(APIView):
    permission_classes = [CanDecideApplications]

    @extend_schema(
        parameters=[
            OpenApiParameter("state", enum=EditorApplication.State.values, required=False),
            *LIMIT_OFFSET_PARAMETERS,
        ],
        responses={200: offset_page(ApplicationOutput, "ApplicationPage")},
        operation_id="v1_editor_track_applications_list",
        tags=["editor-track"],
    )
    def get(self, request: Request) -> Response:
        rows = track.with_reviews(EditorApplication.objects.order_by("-created_at", "-id"))
        state = request.query_params.get("state")
        if state in EditorApplication.State.values:
            rows = rows.filter(state=state)
        paginator = StrictLimitOffsetPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(ApplicationOutput(page, many=True).data)


class ApplicationGrantApi(APIView):
    permission_classes = [CanDecideApplications]

    @extend_schema(request=NoteInput, responses={200: ApplicationOutput}, tags=["editor-track"])
    def post(self, request: Request, application_id: int) -> Response:
        application = track.grant(
            actor=signed_in(request), application_id=application_id, **validated(NoteInput, request)
        )
        return Response(ApplicationOutput(application).data)


class ApplicationDeclineApi(APIView):
    permission_classes = [CanDecideApplications]

    @extend_schema(request=NoteInput, responses={200: ApplicationOutput}, tags=["editor-track"])
    def post(self, request: Request, application_id: int) -> Response:
        application = track.decline(
            actor=signed_in(request), application_id=application_id, **validated(NoteInput, request)
        )
        return Response(ApplicationOutput(application).data)
