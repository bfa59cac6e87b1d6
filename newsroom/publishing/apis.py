from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from newsroom.api.inputs import query_int
from newsroom.api.pagination import CountFreeOffsetPagination, NewestFirstCursorPagination, link_page
from newsroom.publishing import selectors
from newsroom.publishing.serializers import AuthorOutput, FeedArticleOutput, FeedItemOutput, feed_items
from submissions.selectors import public_author


def _filters(request: Request) -> selectors.FeedFilters:
    params = request.query_params
    author = query_int(request, "author")
    return selectors.FeedFilters(
        category=params.get("category") or None,
        tag=params.get("tag") or None,
        region=params.get("region") or None,
        author=author,
        language=params.get("language") or None,
        # `q` present, even blank, is a search: one with nothing to look for answers an empty page, not the feed
        q=params["q"].strip()[:200] if "q" in params else None,
    )


class FeedApi(APIView):
    """The published feed, newest first, in keyset (cursor) pages. With `q`: full-text search, best match
    first (PostgreSQL: per-language morphology, title > lead > body), in offset pages without COUNT."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("category", description="category slug", required=False, type=str),
            OpenApiParameter("tag", required=False, type=str),
            OpenApiParameter("region", required=False, type=str),
            OpenApiParameter("author", description="author id", required=False, type=int),
            OpenApiParameter("language", required=False, type=str),
            OpenApiParameter("q", description="search words (Russian or English)", required=False, type=str),
            OpenApiParameter("page_size", required=False, type=int),
        ],
        responses={200: link_page(FeedItemOutput, "FeedPage")},
        operation_id="v1_feed_list",
        tags=["feed"],
    )
    def get(self, request: Request) -> Response:
        filters = _filters(request)
        searching = filters.q is not None
        paginator: Any = CountFreeOffsetPagination() if searching else NewestFirstCursorPagination()
        rows = paginator.paginate_queryset(selectors.feed_rows(filters), request, view=self)
        tags = selectors.tags_of([row["id"] for row in rows])
        return paginator.get_paginated_response(feed_items(rows, tags))


class FeedArticleApi(APIView):
    """One article: text, media in responsive sizes, sources and provenance, corrections, and — once
    retracted — the retraction notice (the URL keeps answering)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: FeedArticleOutput}, tags=["feed"])
    def get(self, request: Request, slug: str) -> Response:
        article = selectors.article_by_slug(slug)
        return Response(FeedArticleOutput(article, context={"request": request}).data)


class AuthorApi(APIView):
    """A public author page: the byline (pen name if set), bio, avatar, published count and joined month.
    Only people with published work have one; the e-mail address and real name behind a pen name never show."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: AuthorOutput}, tags=["feed"])
    def get(self, request: Request, author_id: int) -> Response:
        return Response(AuthorOutput(public_author(author_id=author_id), context={"request": request}).data)
