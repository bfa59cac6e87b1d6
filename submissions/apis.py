from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from newsroom.accounts.actors import signed_in
from newsroom.api.conditional import AUTOSAVE, IF_MATCH, expected_version, stale_version, with_etag
from newsroom.api.errors import PreconditionFailed
from newsroom.api.idempotency import idempotent
from newsroom.api.inputs import validated
from newsroom.api.pagination import LIMIT_OFFSET_PARAMETERS, StrictLimitOffsetPagination, offset_page
from newsroom.api.permissions import IsContributor
from newsroom.api.throttles import WriteThrottle
from submissions import services, workflow
from submissions.revisions import revision_diff
from submissions.selectors import (
    active_categories,
    article_get_for_actor,
    article_get_for_history,
    articles_of_author,
    revision_get,
)
from submissions.serializers import (
    AppealInput,
    ArticleInput,
    ArticleOutput,
    CategoryOutput,
    RevisionOutput,
    RevisionSummaryOutput,
)
from submissions.states import Status


class CategoryListApi(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = CategoryOutput
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return active_categories()


class ArticleListApi(APIView):
    permission_classes = [IsContributor]
    throttle_classes = [WriteThrottle]
    write_throttle_scope = "article_write"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                description="Comma-separated statuses, e.g. draft,changes_requested",
                required=False,
                type=str,
            ),
            *LIMIT_OFFSET_PARAMETERS,
        ],
        responses={200: offset_page(ArticleOutput, "ArticlePage")},
        operation_id="v1_articles_list",
        tags=["articles"],
    )
    def get(self, request: Request) -> Response:
        statuses = [s for s in request.query_params.get("status", "").split(",") if s]
        unknown = sorted(set(statuses) - set(Status.values))
        if unknown:
            raise ValidationError({"status": [_("Unknown status: %(s)s.") % {"s": ", ".join(unknown)}]})
        paginator = StrictLimitOffsetPagination()
        articles = articles_of_author(actor=signed_in(request), statuses=statuses)
        page = paginator.paginate_queryset(articles, request, view=self)
        return paginator.get_paginated_response(ArticleOutput(page, many=True).data)

    @extend_schema(request=ArticleInput, responses={201: ArticleOutput}, tags=["articles"])
    @idempotent
    def post(self, request: Request) -> Response:
        article = services.article_create(actor=signed_in(request), **validated(ArticleInput, request))
        return with_etag(Response(ArticleOutput(article).data, status=status.HTTP_201_CREATED), article)


class ArticleDetailApi(APIView):
    permission_classes = [IsContributor]
    throttle_classes = [WriteThrottle]
    write_throttle_scope = "article_write"

    @extend_schema(responses={200: ArticleOutput}, tags=["articles"])
    def get(self, request: Request, article_id: int) -> Response:
        article = article_get_for_actor(actor=signed_in(request), article_id=article_id)
        return with_etag(Response(ArticleOutput(article).data), article)

    @extend_schema(
        request=ArticleInput,
        parameters=[IF_MATCH, AUTOSAVE],
        responses={200: ArticleOutput},
        tags=["articles"],
        description="Needs If-Match with the ETag from GET: 428 without it, 412 (with the current article) "
        "when someone saved in between. On a published article only title, lead and body can change, and the "
        "change becomes a pending update that editors review while the published text stays live.",
    )
    def patch(self, request: Request, article_id: int) -> Response:
        current = article_get_for_actor(actor=signed_in(request), article_id=article_id)
        version = expected_version(request)
        data = validated(ArticleInput, request, partial=True, context={"article": current})
        autosave = request.query_params.get("autosave", "").lower() in {"1", "true", "yes"}
        try:
            if (
                current.status == Status.PUBLISHED
            ):  # a pending update, reviewed while the published text stays
                article = workflow.article_propose_update(
                    actor=signed_in(request), article_id=article_id, expected_version=version, **data
                )
            else:
                article = services.article_update(
                    actor=signed_in(request),
                    article_id=article_id,
                    expected_version=version,
                    autosave=autosave,
                    **data,
                )
        except PreconditionFailed as exc:
            fresh = article_get_for_actor(actor=signed_in(request), article_id=article_id)
            return with_etag(stale_version(ArticleOutput(fresh).data, exc), fresh)
        return with_etag(Response(ArticleOutput(article).data), article)


class ArticleSubmitApi(APIView):
    permission_classes = [IsContributor]
    throttle_classes = [WriteThrottle]
    write_throttle_scope = "article_write"

    @extend_schema(request=None, responses={200: ArticleOutput}, tags=["articles"])
    @idempotent
    def post(self, request: Request, article_id: int) -> Response:
        workflow.article_submit(actor=signed_in(request), article_id=article_id)
        # re-read: with eager tasks the checks may already have moved it on
        return Response(
            ArticleOutput(article_get_for_actor(actor=signed_in(request), article_id=article_id)).data
        )


class ArticleWithdrawApi(APIView):
    permission_classes = [IsContributor]

    @extend_schema(request=None, responses={200: ArticleOutput}, tags=["articles"])
    def post(self, request: Request, article_id: int) -> Response:
        article = workflow.article_withdraw(actor=signed_in(request), article_id=article_id)
        return Response(ArticleOutput(article).data)


class ArticleAppealApi(APIView):
    """Once per article: a rejected article goes back to the queue, ahead of others, for another editor."""

    permission_classes = [IsContributor]

    @extend_schema(request=AppealInput, responses={200: ArticleOutput}, tags=["articles"])
    def post(self, request: Request, article_id: int) -> Response:
        article_get_for_actor(
            actor=signed_in(request), article_id=article_id
        )  # another's article: 404 before 400
        article = workflow.article_appeal(
            actor=signed_in(request), article_id=article_id, **validated(AppealInput, request)
        )
        return Response(ArticleOutput(article).data)


class RevisionListApi(APIView):
    permission_classes = [IsContributor]

    @extend_schema(responses={200: RevisionSummaryOutput(many=True)}, tags=["articles"])
    def get(self, request: Request, article_id: int) -> Response:
        article = article_get_for_history(actor=signed_in(request), article_id=article_id)
        rows = article.revisions.select_related("article").order_by("number")
        return Response(RevisionSummaryOutput(rows, many=True).data)


class RevisionDetailApi(APIView):
    permission_classes = [IsContributor]

    @extend_schema(responses={200: RevisionOutput}, tags=["articles"])
    def get(self, request: Request, article_id: int, number: int) -> Response:
        article = article_get_for_history(actor=signed_in(request), article_id=article_id)
        return Response(RevisionOutput(revision_get(article=article, number=number)).data)


class RevisionDiffApi(APIView):
    permission_classes = [IsContributor]

    @extend_schema(
        responses={200: dict},
        tags=["articles"],
        description="Word-level diff of title, lead and body from revision a to revision b, and the other fields "
        "that changed. Each text field is a list of {op: equal|delete|insert, text}.",
    )
    def get(self, request: Request, article_id: int, number: int, other: int) -> Response:
        article = article_get_for_history(actor=signed_in(request), article_id=article_id)
        return Response(
            revision_diff(
                revision_get(article=article, number=number), revision_get(article=article, number=other)
            )
        )
