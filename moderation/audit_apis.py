"""The audit trail and the moderation metrics, for editors; the CSV export for chief editors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation import audit
from moderation.stats import moderation_stats
from newsroom.api.inputs import check_paging, query_datetime, query_int
from newsroom.api.permissions import HasModelPermission, IsEditor
from submissions.policy import EXPORT_AUDIT

_FILTERS = [
    OpenApiParameter("kind", required=False, type=str, enum=[audit.ARTICLE, audit.ROLE]),
    OpenApiParameter("article", description="article id", required=False, type=int),
    OpenApiParameter("actor", description="who acted (user id)", required=False, type=int),
    OpenApiParameter("user", description="whose roles changed (user id)", required=False, type=int),
    OpenApiParameter(
        "action",
        description="an article action (approve, claim, note...) or role_grant / role_revoke",
        required=False,
        type=str,
    ),
    OpenApiParameter("since", description="ISO 8601, inclusive", required=False, type=OpenApiTypes.DATETIME),
    OpenApiParameter("until", description="ISO 8601, exclusive", required=False, type=OpenApiTypes.DATETIME),
]


def _int(request: Request, name: str) -> int | None:
    return query_int(request, name)


def _time(request: Request, name: str) -> datetime | None:
    """`since` / `until`: ISO 8601, naive read as UTC; in UTC, in range (a 400 otherwise, never an overflow)."""
    return query_datetime(request, name)


def _filters(request: Request) -> audit.AuditFilters:
    kind = request.query_params.get("kind") or None
    if kind not in (None, audit.ARTICLE, audit.ROLE):
        raise ValidationError({"kind": [_("Use article or role.")]}, code="invalid")
    return audit.AuditFilters(
        kind=kind,
        article=_int(request, "article"),
        actor=_int(request, "actor"),
        user=_int(request, "user"),
        action=request.query_params.get("action") or None,
        since=_time(request, "since"),
        until=_time(request, "until"),
    )


class AuditRowOutput(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.DictField(allow_null=True)
    action = serializers.CharField()
    article = serializers.DictField(allow_null=True)
    user = serializers.DictField(allow_null=True)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    message = serializers.CharField()
    data = serializers.DictField()  # type: ignore[assignment]


class AuditPageOutput(serializers.Serializer):
    next = serializers.CharField(allow_null=True)
    results = AuditRowOutput(many=True)


class AuditApi(APIView):
    """Every transition, claim, release, note, edit, stage, correction and role change: who, when, what,
    from/to and why, newest first. Pages by `cursor` (the `next` of the previous page)."""

    permission_classes = [IsEditor]

    @extend_schema(
        parameters=[
            *_FILTERS,
            OpenApiParameter("limit", required=False, type=int, description="1–200, default 50"),
            OpenApiParameter("cursor", required=False, type=str),
        ],
        responses={200: AuditPageOutput},
        tags=["moderation"],
    )
    def get(self, request: Request) -> Response:
        check_paging(request)  # limit=0 or -5: a 400, as on every list
        limit = min(_int(request, "limit") or 50, 200)
        cursor = request.query_params.get("cursor") or None
        rows, next_cursor = audit.page(_filters(request), cursor=cursor, limit=limit)
        return Response({"next": next_cursor, "results": AuditRowOutput(rows, many=True).data})


class CanExportAudit(HasModelPermission):
    perm = EXPORT_AUDIT


class AuditExportApi(APIView):
    """The audit trail with the same filters, as CSV (UTF-8 with BOM), streamed; chief editors only."""

    permission_classes = [CanExportAudit]

    @extend_schema(
        parameters=_FILTERS,
        responses={
            (200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR, description="CSV, UTF-8 with BOM")
        },
        tags=["moderation"],
    )
    def get(self, request: Request) -> Any:
        filters = _filters(request)
        response = StreamingHttpResponse(audit.csv_lines(filters), content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response


class StatsOutput(serializers.Serializer):
    window_days = serializers.IntegerField()
    queue = serializers.DictField()
    overdue = serializers.IntegerField()
    time_to_decision_seconds = serializers.DictField()
    decisions_per_editor = serializers.ListField(child=serializers.DictField())


class StatsApi(APIView):
    """Queue length by status, median and p90 time from the start of a review to its decision, overdue count,
    and decisions per editor over the last `days` (default 30)."""

    permission_classes = [IsEditor]

    @extend_schema(
        parameters=[OpenApiParameter("days", required=False, type=int, description="1–365, default 30")],
        responses={200: StatsOutput},
        tags=["moderation"],
    )
    def get(self, request: Request) -> Response:
        days = min(max(_int(request, "days") or 30, 1), 365)
        return Response(moderation_stats(days=days))
