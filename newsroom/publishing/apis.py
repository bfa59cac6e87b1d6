from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from newsroom.api.pagination import NewestFirstCursorPagination
from newsroom.publishing.serializers import FeedArticleOutput, FeedItemOutput
from submissions.selectors import published_article_by_slug, published_articles


class FeedApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: FeedItemOutput(many=True)}, tags=["feed"])
    def get(self, request: Request) -> Response:
        paginator = NewestFirstCursorPagination()
        page = paginator.paginate_queryset(published_articles(), request, view=self)
        data = FeedItemOutput(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class FeedArticleApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: FeedArticleOutput}, tags=["feed"])
    def get(self, request: Request, slug: str) -> Response:
        article = published_article_by_slug(slug=slug)
        return Response(FeedArticleOutput(article, context={"request": request}).data)
