from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import HttpRequest
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from newsroom.api.pagination import CountFreeOffsetPagination, NewestFirstCursorPagination, link_page
from newsroom.publishing import listing, selectors
from newsroom.publishing.serializers import AuthorOutput, FeedArticleOutput, FeedItemOutput, feed_items
from submissions.selectors import public_author


class FeedApi(APIView):
    """The published feed, newest first, in keyset (cursor) pages. With `q`: full-text search, best match
    first (PostgreSQL: per-language morphology, title > lead > body), in offset pages without COUNT."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        """DRF's view, in front of which newsroom.publishing.listing answers the ordinary GETs (the same JSON,
        without DRF's per-request work); what it leaves — a refusal, another method — DRF answers."""
        drf = super().as_view(**initkwargs)

        @wraps(drf)  # its attributes too: the schema generator finds the APIView through them
        def view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            answer = listing.page(request)
            return answer if answer is not None else drf(request, *args, **kwargs)

        return view

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
        filters = selectors.feed_filters(request)
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
