from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, LimitOffsetPagination
from rest_framework.request import Request


class NewestFirstCursorPagination(CursorPagination):
    """Keyset pagination on (published_at, id): stable under inserts, cost independent of depth."""

    ordering = ("-published_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """DRF's limit/offset pages, except that an unreadable `limit` or `offset` is a 400 naming the parameter
    instead of being silently replaced by the default (a client asking for offset=-5 has a bug to learn of)."""

    max_limit = 100

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        errors = {}
        for name in (self.limit_query_param, self.offset_query_param):
            raw = request.query_params.get(name)
            if raw is not None and not (raw.isascii() and raw.isdigit()):
                errors[name] = [_("A whole number of zero or more is required.")]
        if errors:
            raise ValidationError(errors, code="invalid")
        return super().paginate_queryset(queryset, request, view)


LIMIT_OFFSET_PARAMETERS = [
    OpenApiParameter("limit", required=False, type=int, description="items per page (at most 100)"),
    OpenApiParameter("offset", required=False, type=int, description="items to skip"),
]


def offset_page(item: type[serializers.Serializer], name: str) -> serializers.Serializer:
    """The OpenAPI shape of a limit/offset page of `item`s."""
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


def link_page(item: type[serializers.Serializer], name: str) -> serializers.Serializer:
    """The OpenAPI shape of a cursor (or count-less offset) page: next/previous links only."""
    return inline_serializer(
        name=name,
        fields={
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )
