"""Every way a listing is paged.

- `Keyset`: keyset ("seek") pages, newest first, behind a cursor: the readers' pages and the JSON Feed (`?before=`)
  and the audit trail (`cursor`). `NewestFirstCursorPagination` is DRF's own keyset pagination, for the feed API.
- `count_free_page` / `CountFreeOffsetPagination`: offset pages that ask for one row more instead of a COUNT, for
  ranked results, which have no key to seek on (search: the API and the search page).
- `StrictLimitOffsetPagination`: DRF's limit/offset pages with a count.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination, Cursor, CursorPagination, LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from newsroom.api.errors import ApplicationError
from newsroom.api.inputs import MAX_ID, check_paging, query_int, utc_datetime
from newsroom.api.links import absolute_request_uri, on_site

# --- keyset pagination -----------------------------------------------------------------------------------------


class BadCursor(ApplicationError):
    code = "invalid_cursor"
    status = 400
    default_message = _("The cursor is not valid; start again from the first page.")


@dataclass(frozen=True)
class Position:
    """Where a page ended: the last row's time and id and, in a listing that merges tables, its kind."""

    at: datetime
    id: int
    kind: str = ""


class Keyset:
    """Keyset pages, newest first, on (`field`, id): a page holds the rows strictly after the previous page's last
    row, so pages stay stable while rows are added and cost the same at any depth (no OFFSET).

    The rows come from one queryset, or from several merged (the audit trail: article events and role changes),
    told apart by their kind; at the same instant the kinds come in the order of `kinds`. Every queryset must be
    ordered by (-`field`, -id).

    The cursor is `<time, ISO 8601 in UTC>|[<kind>|]<id>`: as it is, or base64url without padding (`opaque`).
    Only an aware time and an id of 1 or more are accepted; anything else is BadCursor (a 400)."""

    def __init__(self, field: str, *, kinds: Sequence[str] = ("",), opaque: bool = False) -> None:
        self.field = field
        self.kinds = tuple(kinds)
        self.opaque = opaque
        self._rank = {kind: len(self.kinds) - index for index, kind in enumerate(self.kinds)}

    @property
    def merged(self) -> bool:
        return len(self.kinds) > 1

    def position(self, row: Model, kind: str = "") -> Position:
        return Position(getattr(row, self.field), row.pk, kind)

    def encode(self, position: Position) -> str:
        parts = [
            position.at.astimezone(UTC).isoformat(),
            *([position.kind] if self.merged else []),
            position.id,
        ]
        raw = "|".join(str(part) for part in parts)
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=") if self.opaque else raw

    def decode(self, cursor: str) -> Position:
        try:
            raw = (
                base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
                if self.opaque
                else cursor
            )
            parts = raw.split("|")
            if len(parts) != (3 if self.merged else 2):
                raise ValueError(raw)
            at = utc_datetime(parts[0], naive=None)  # in range, aware, in UTC; ValueError otherwise
            kind = parts[1] if self.merged else ""
            ident = int(parts[-1])
            if kind not in self._rank or not 1 <= ident <= MAX_ID:
                raise ValueError(raw)
            return Position(at, ident, kind)
        except ValueError as exc:  # UnicodeDecodeError and binascii.Error are ValueErrors
            raise BadCursor() from exc

    def after(self, position: Position | None, kind: str = "") -> Q:
        """The rows of `kind` that come after `position`, newest first."""
        if position is None:
            return Q()
        at, older = f"{self.field}__lte", f"{self.field}__lt"
        if self._rank[kind] < self._rank[position.kind]:  # a later kind: its rows of the same instant follow
            return Q(**{at: position.at})
        if self._rank[kind] > self._rank[position.kind]:
            return Q(**{older: position.at})
        return Q(**{older: position.at}) | Q(**{self.field: position.at, "id__lt": position.id})

    def merged_page(
        self, sources: Mapping[str, QuerySet[Any]], cursor: str | None, size: int
    ) -> tuple[list[tuple[str, Any]], str | None]:
        """One page of (kind, row) from the querysets of `sources` (by kind) after `cursor`, and the cursor of the
        next page (None at the end). One query per source."""
        after = self.decode(cursor) if cursor else None
        rows = [
            (kind, row)
            for kind, qs in sources.items()
            for row in qs.filter(self.after(after, kind))[: size + 1]
        ]
        rows.sort(
            key=lambda pair: (getattr(pair[1], self.field), self._rank[pair[0]], pair[1].pk), reverse=True
        )
        more = len(rows) > size
        rows = rows[:size]
        if not more or not rows:
            return rows, None
        kind, last = rows[-1]
        return rows, self.encode(self.position(last, kind))

    def page(self, qs: QuerySet[Any], cursor: str | None, size: int) -> tuple[list[Any], str | None]:
        """One page of `qs` after `cursor`, and the cursor of the next page (None at the end). One query."""
        rows, following = self.merged_page({self.kinds[0]: qs}, cursor, size)
        return [row for _kind, row in rows], following


# --- offset pages without a count ------------------------------------------------------------------------------


def count_free_page(qs: Any, *, offset: int, limit: int) -> tuple[list[Any], bool]:
    """`limit` rows from `offset`, and whether more follow: one row more is asked for instead of a COUNT."""
    rows = list(qs[offset : offset + limit + 1])
    return rows[:limit], len(rows) > limit


class CountFreeOffsetPagination(BasePagination):
    """Offset pages (`offset`, `page_size`) with `next` and `previous` links and no COUNT: for ranked results."""

    page_size, max_page_size = 20, 100

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        check_paging(request)  # page_size 0 is a 400, as on every list
        self.limit = min(query_int(request, "page_size", default=self.page_size) or 1, self.max_page_size)
        self.offset = query_int(request, "offset", default=0) or 0
        rows, self.has_next = count_free_page(queryset, offset=self.offset, limit=self.limit)
        return rows

    def get_paginated_response(self, data: Any) -> Response:
        url = absolute_request_uri(self.request)  # on SITE_URL, never on the request's Host
        following = replace_query_param(url, "offset", self.offset + self.limit) if self.has_next else None
        previous = None
        if self.offset:
            back = max(self.offset - self.limit, 0)
            previous = replace_query_param(url, "offset", back) if back else remove_query_param(url, "offset")
        return Response({"next": following, "previous": previous, "results": data})


# --- DRF's paginations -----------------------------------------------------------------------------------------


class NewestFirstCursorPagination(CursorPagination):
    """Keyset pagination on (published_at, id): stable under inserts, cost independent of depth. Stricter than
    DRF's: an unreadable `page_size` is a 400 (DRF falls back to the default), and so is a cursor that is not one
    this pagination gave out — including one whose position is no time, or a time out of range once in UTC
    (DRF answers 404, or lets the time reach the database: an OverflowError, a 500)."""

    ordering = ("-published_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        check_paging(request)
        page: list[Any] | None = super().paginate_queryset(queryset, request, view)
        self.base_url = absolute_request_uri(request)  # DRF's is on the request's Host: links on SITE_URL
        return page

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            cursor: Cursor | None = super().decode_cursor(request)
        except NotFound:
            raise BadCursor() from None
        if cursor is None:
            return cursor
        try:
            # DRF reads any base64 text as a cursor: one of ours holds `o`, `r` and `p`, and nothing else
            tokens = parse_qs(
                base64.b64decode(request.query_params[self.cursor_query_param]).decode(),
                keep_blank_values=True,
            )
            if not tokens or not set(tokens) <= {"o", "r", "p"}:
                raise ValueError(tokens)
            if cursor.position is None:
                return cursor
            # the position is published_at (text; DRF's stubs say int): in UTC, as the pages themselves write it
            position: Any = str(utc_datetime(str(cursor.position), naive=None))
            return cursor._replace(position=position)
        except ValueError:
            raise BadCursor() from None


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """DRF's limit/offset pages, except that an unreadable `limit` or `offset` is a 400 naming the parameter
    instead of being silently replaced by the default (a client asking for offset=-5 or limit=0 has a bug to
    learn of)."""

    max_limit = 100

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        check_paging(request)  # limit of 1 or more, offset of 0 or more (newsroom.api.inputs.paging_errors)
        return super().paginate_queryset(queryset, request, view)

    # DRF builds the links on the request's Host: on SITE_URL here
    def get_next_link(self) -> str | None:
        return on_site(super().get_next_link())

    def get_previous_link(self) -> str | None:
        return on_site(super().get_previous_link())


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
