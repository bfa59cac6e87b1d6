from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from newsroom.api.idempotency import idempotent
from newsroom.api.inputs import validated
from newsroom.api.permissions import IsContributor
from submissions import services, workflow
from submissions.selectors import active_categories, article_get_for_actor, articles_of_author
from submissions.serializers import ArticleInput, ArticleOutput, CategoryOutput


class CategoryListApi(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = CategoryOutput
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return active_categories()


class ArticleListApi(APIView):
    permission_classes = [IsContributor]

    @extend_schema(responses={200: ArticleOutput(many=True)}, tags=["articles"])
    def get(self, request: Request) -> Response:
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(articles_of_author(actor=request.user), request, view=self)
        return paginator.get_paginated_response(ArticleOutput(page, many=True).data)

    @extend_schema(request=ArticleInput, responses={201: ArticleOutput}, tags=["articles"])
    @idempotent
    def post(self, request: Request) -> Response:
        article = services.article_create(actor=request.user, **validated(ArticleInput, request))
        return Response(ArticleOutput(article).data, status=status.HTTP_201_CREATED)


class ArticleDetailApi(APIView):
    permission_classes = [IsContributor]

    @extend_schema(responses={200: ArticleOutput}, tags=["articles"])
    def get(self, request: Request, article_id: int) -> Response:
        article = article_get_for_actor(actor=request.user, article_id=article_id)
        return Response(ArticleOutput(article).data)

    @extend_schema(request=ArticleInput, responses={200: ArticleOutput}, tags=["articles"])
    def patch(self, request: Request, article_id: int) -> Response:
        data = validated(ArticleInput, request, partial=True)
        article = services.article_update(actor=request.user, article_id=article_id, **data)
        return Response(ArticleOutput(article).data)


class ArticleSubmitApi(APIView):
    permission_classes = [IsContributor]

    @extend_schema(request=None, responses={200: ArticleOutput}, tags=["articles"])
    @idempotent
    def post(self, request: Request, article_id: int) -> Response:
        workflow.article_submit(actor=request.user, article_id=article_id)
        # re-read: with eager tasks the checks may already have moved it on
        return Response(ArticleOutput(article_get_for_actor(actor=request.user, article_id=article_id)).data)


class ArticleWithdrawApi(APIView):
    permission_classes = [IsContributor]

    @extend_schema(request=None, responses={200: ArticleOutput}, tags=["articles"])
    def post(self, request: Request, article_id: int) -> Response:
        article = workflow.article_withdraw(actor=request.user, article_id=article_id)
        return Response(ArticleOutput(article).data)
