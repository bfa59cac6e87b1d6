from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from newsroom.api.pagination import NewestFirstCursorPagination
from newsroom.publishing.serializers import AuthorOutput, FeedArticleOutput, FeedItemOutput
from submissions.selectors import public_author, published_article_by_slug, published_articles


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


class AuthorApi(APIView):
    """A public author page: the byline (pen name if set), bio, avatar, published count and joined month.
    Only people with published work have one; the e-mail address and real name behind a pen name never show."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: AuthorOutput}, tags=["feed"])
    def get(self, request: Request, author_id: int) -> Response:
        return Response(AuthorOutput(public_author(author_id=author_id), context={"request": request}).data)
