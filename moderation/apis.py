from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation import selectors, services
from moderation.serializers import (
    ApproveInput,
    CheckResultOutput,
    EditorCheckResultOutput,
    MessageInput,
    ModerationArticleOutput,
    QueueItemOutput,
    RejectInput,
)
from moderation.timeline import timeline
from newsroom.api.conditional import IF_MATCH, expected_version, stale_version, with_etag
from newsroom.api.errors import PreconditionFailed
from newsroom.api.inputs import validated
from newsroom.api.permissions import HasModelPermission, IsContributor, IsEditor
from submissions import workflow
from submissions.models import Article
from submissions.selectors import article_get_for_actor, article_get_for_history
from submissions.serializers import ArticleInput


class ArticleChecksApi(APIView):
    """The author's view of the automated checks of their latest submitted revision."""

    permission_classes = [IsContributor]

    @extend_schema(responses={200: CheckResultOutput(many=True)}, tags=["articles"])
    def get(self, request: Request, article_id: int) -> Response:
        article = article_get_for_actor(actor=request.user, article_id=article_id)
        rows = selectors.check_results_for(revision_id=article.current_revision_id).select_related("revision")
        return Response(CheckResultOutput(rows, many=True).data)


class ArticleTimelineApi(APIView):
    """Every transition, revision, check result and media step of an article, in time order; the editors'
    messages to the author are in it, claims and internal notes are not. For the author, and for editors."""

    permission_classes = [IsContributor]

    @extend_schema(responses={200: dict}, tags=["articles"])
    def get(self, request: Request, article_id: int) -> Response:
        article = article_get_for_history(actor=request.user, article_id=article_id)
        return Response(timeline(article))


class QueueApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(
        parameters=[
            OpenApiParameter("language", description="declared language, e.g. ru", required=False, type=str),
            OpenApiParameter(
                "detected_language",
                description="language detected by the language check (routes mislabelled articles)",
                required=False,
                type=str,
            ),
        ],
        responses={200: QueueItemOutput(many=True)},
        tags=["moderation"],
    )
    def get(self, request: Request) -> Response:
        paginator = LimitOffsetPagination()
        queue = selectors.review_queue(
            language=request.query_params.get("language") or None,
            detected_language=request.query_params.get("detected_language") or None,
        )
        page = paginator.paginate_queryset(queue, request, view=self)
        return paginator.get_paginated_response(QueueItemOutput(page, many=True).data)


class ClaimNextApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(
        request=None,
        responses={200: ModerationArticleOutput, 204: OpenApiResponse(description="Nothing is waiting.")},
        tags=["moderation"],
    )
    def post(self, request: Request) -> Response:
        article = services.claim_next(actor=request.user)
        if article is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return _article(article.pk)


def _article(article_id: int) -> Response:
    return Response(ModerationArticleOutput(selectors.article_get_for_editor(article_id=article_id)).data)


class EditorChecksApi(APIView):
    """Every check of the revision under review, with its evidence and timing."""

    permission_classes = [IsEditor]

    @extend_schema(responses={200: EditorCheckResultOutput(many=True)}, tags=["moderation"])
    def get(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get_for_editor(article_id=article_id)
        rows = selectors.check_results_for(revision_id=article.current_revision_id).select_related("revision")
        return Response(EditorCheckResultOutput(rows, many=True).data)


class ModerationArticleApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(responses={200: ModerationArticleOutput}, tags=["moderation"])
    def get(self, request: Request, article_id: int) -> Response:
        return with_etag(_article(article_id), Article.objects.get(pk=article_id))

    @extend_schema(
        request=ArticleInput,
        parameters=[IF_MATCH],
        responses={200: ModerationArticleOutput},
        tags=["moderation"],
        description="An editorial edit of an article in review: a new revision the author sees as a diff. "
        "If-Match as for the author's edits (428 / 412 with the current article).",
    )
    def patch(self, request: Request, article_id: int) -> Response:
        current = selectors.article_get_for_editor(article_id=article_id)
        version = expected_version(request)
        data = validated(ArticleInput, request, partial=True, context={"article": current})
        try:
            workflow.article_edit(actor=request.user, article_id=article_id, expected_version=version, **data)
        except PreconditionFailed as exc:
            fresh = selectors.article_get_for_editor(article_id=article_id)
            return with_etag(stale_version(ModerationArticleOutput(fresh).data, exc), fresh)
        return with_etag(_article(article_id), Article.objects.get(pk=article_id))


class ClaimApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=None, responses={200: ModerationArticleOutput}, tags=["moderation"])
    def post(self, request: Request, article_id: int) -> Response:
        services.claim(actor=request.user, article_id=article_id)
        return _article(article_id)


class ReleaseApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=None, responses={200: ModerationArticleOutput}, tags=["moderation"])
    def post(self, request: Request, article_id: int) -> Response:
        services.release(actor=request.user, article_id=article_id)
        return _article(article_id)


class _DecisionApi(APIView):
    """An editor's decision: validate `input_class`, then make the workflow `move`."""

    permission_classes = [IsEditor]
    input_class: type[serializers.Serializer]
    move: Callable[..., Any]

    def post(self, request: Request, article_id: int) -> Response:
        self.move(actor=request.user, article_id=article_id, **validated(self.input_class, request))
        return _article(article_id)


def _decision_schema(input_class: type[serializers.Serializer]) -> Any:
    return extend_schema_view(
        post=extend_schema(request=input_class, responses={200: ModerationArticleOutput}, tags=["moderation"])
    )


@_decision_schema(ApproveInput)
class ApproveApi(_DecisionApi):
    input_class = ApproveInput
    move = staticmethod(workflow.article_approve)


@_decision_schema(RejectInput)
class RejectApi(_DecisionApi):
    input_class = RejectInput
    move = staticmethod(workflow.article_reject)


@_decision_schema(MessageInput)
class RequestChangesApi(_DecisionApi):
    input_class = MessageInput
    move = staticmethod(workflow.article_request_changes)


class CanRetract(HasModelPermission):
    perm = workflow.RETRACT


@_decision_schema(MessageInput)
class RetractApi(_DecisionApi):
    permission_classes = [CanRetract]
    input_class = MessageInput
    move = staticmethod(workflow.article_retract)
