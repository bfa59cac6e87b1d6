from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation import selectors, services
from moderation.serializers import (
    ApproveInput,
    CheckResultOutput,
    MessageInput,
    ModerationArticleOutput,
    QueueItemOutput,
    RejectInput,
)
from newsroom.api.permissions import IsContributor, IsEditor
from submissions import workflow
from submissions.selectors import article_get_for_actor


class ArticleChecksApi(APIView):
    """The author's view of the automated checks of their latest submitted revision."""

    permission_classes = [IsContributor]

    @extend_schema(responses={200: CheckResultOutput(many=True)}, tags=["articles"])
    def get(self, request: Request, article_id: int) -> Response:
        article = article_get_for_actor(actor=request.user, article_id=article_id)
        rows = selectors.check_results_for(revision_id=article.current_revision_id).select_related("revision")
        return Response(CheckResultOutput(rows, many=True).data)


class QueueApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(responses={200: QueueItemOutput(many=True)}, tags=["moderation"])
    def get(self, request: Request) -> Response:
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(selectors.review_queue(), request, view=self)
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


class ModerationArticleApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(responses={200: ModerationArticleOutput}, tags=["moderation"])
    def get(self, request: Request, article_id: int) -> Response:
        return _article(article_id)


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


class ApproveApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=ApproveInput, responses={200: ModerationArticleOutput}, tags=["moderation"])
    def post(self, request: Request, article_id: int) -> Response:
        data = ApproveInput(data=request.data)
        data.is_valid(raise_exception=True)
        workflow.article_approve(actor=request.user, article_id=article_id, **data.validated_data)
        return _article(article_id)


class RejectApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=RejectInput, responses={200: ModerationArticleOutput}, tags=["moderation"])
    def post(self, request: Request, article_id: int) -> Response:
        data = RejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        workflow.article_reject(actor=request.user, article_id=article_id, **data.validated_data)
        return _article(article_id)


class RequestChangesApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=MessageInput, responses={200: ModerationArticleOutput}, tags=["moderation"])
    def post(self, request: Request, article_id: int) -> Response:
        data = MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        workflow.article_request_changes(actor=request.user, article_id=article_id, **data.validated_data)
        return _article(article_id)


class RetractApi(APIView):
    permission_classes = [IsEditor]

    @extend_schema(request=MessageInput, responses={200: ModerationArticleOutput}, tags=["moderation"])
    def post(self, request: Request, article_id: int) -> Response:
        data = MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        workflow.article_retract(actor=request.user, article_id=article_id, **data.validated_data)
        return _article(article_id)
