"""The feed list (`GET /api/v1/feed/`), the hottest read no cache answers, without per-request ORM or DRF work.

FeedApi stays the endpoint, its schema and its error answers; this module answers its ordinary GETs — any filter,
any cursor or offset page, with or without `q` — with the same JSON byte for byte
(tests/publishing/test_feed_fast_path.py), doing per request only what the answer needs:

- **one statement per page.** The list's query (selectors.feed_rows: columns, joins, filters, keyset order) is
  compiled by Django's ORM once per shape — which filters are set, the page's direction, limit and offset — with
  marker values in place of the request's; the compiled SQL is kept and later requests only put their own
  values where the markers were. The tags come in the same statement (a subquery per row: on PostgreSQL an
  ordered array, on SQLite a JSON array put in order here), not in a second query.
- **server-side prepared statements on PostgreSQL.** The statement goes through a psycopg cursor that binds on the
  server and is prepared on each connection's first run of it, so PostgreSQL plans it once per connection (the
  rest of the app keeps Django's client-side binding; DB_PREPARED_STATEMENTS=false in the environment turns
  this off for a pooler that cannot carry prepared statements). Errors are Django's (`wrap_database_errors`): a
  database that is down is a 503 as anywhere else.
- **no DRF per request.** The pages are DRF's own cursor pagination (`NewestFirstCursorPagination`: its cursors,
  its links) fed from the statement, the items are `serializers.feed_items`, the JSON is DRF's JSONRenderer's
  bytes (compact, UTF-8, U+2028/U+2029 escaped; written by orjson), the headers DRF's (`Allow`).

Anything this module does not answer as DRF would — a parameter that does not read, a cursor that is not one of
ours, another method, an Accept header to weigh, `?format=` — it leaves to FeedApi (`page` returns None), which
answers it with its usual 4xx.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from django.db import connection
from django.db.models import F, Func, OuterRef, Subquery, TextField
from django.http import HttpRequest, HttpResponse
from rest_framework.exceptions import APIException

from newsroom.api.errors import ApplicationError
from newsroom.api.inputs import check_paging
from newsroom.api.links import absolute_request_uri
from newsroom.api.pagination import CountFreeOffsetPagination, NewestFirstCursorPagination
from newsroom.publishing import search as fulltext
from newsroom.publishing import selectors
from newsroom.publishing.serializers import feed_items
from submissions.models import Article

TAGS = "tag_names"
# values no request can send (private-use characters survive strip(), lower() and LIKE escaping): where each
# lands in the compiled statement is where the request's own value goes
_MARKERS: dict[str, Any] = {
    "category": "\ue000category",
    "tag": "\ue000tag",
    "region": "\ue000region",
    "language": "\ue000language",
    "author": -909_090_909_090,
    "position": datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC),
}
_PUBLISHED_AT = Article._meta.get_field("published_at")


def _as_stored(name: str, value: Any) -> Any:
    if name == "position":  # as the database stores a time (SQLite: text in UTC)
        return _PUBLISHED_AT.get_db_prep_value(value, connection)
    return value


def _tags_column() -> Any:
    through = Article.tags.through.objects.filter(article_id=OuterRef("id"))
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        return ArraySubquery(through.order_by("tag__name").values("tag__name"))
    # SQLite's json_group_array keeps no order of its own: the names are sorted here (SQLite's BINARY order)
    names = Func(F("tag__name"), function="json_group_array", output_field=TextField())
    grouped: Any = through.order_by().values("article_id").annotate(names=names)  # the stubs miss `names`
    return Subquery(grouped.values("names"))


class Statement:
    """A compiled page statement and where each request's values go in its parameters."""

    def __init__(self, queryset: Any, markers: dict[str, Any]) -> None:
        sql, params = queryset.query.sql_with_params()
        self.sql = sql
        self.params = list(params)
        self.slots: list[tuple[int, str, Callable[[str, Any], Any]]] = []
        for index, param in enumerate(self.params):
            for name, marker in markers.items():
                for how in (_as_stored, _iexact):
                    if param == how(name, marker):
                        self.slots.append((index, name, how))
        placed = {name for _index, name, _how in self.slots}
        if placed != set(markers):  # a filter compiled in a way not foreseen here: never guess
            raise RuntimeError(f"feed statement: markers {set(markers) - placed} not found in {sql}")

    def run(self, values: dict[str, Any]) -> list[dict[str, Any]]:
        params = list(self.params)
        for index, name, how in self.slots:
            params[index] = how(name, values[name])
        with connection.cursor() as cursor:  # Django's: the health check, the connection, its error mapping
            if connection.vendor != "postgresql":
                cursor.execute(self.sql, params)
                return _dicts(cursor.description, cursor.fetchall())
            import psycopg

            with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as bound:
                bound.execute(self.sql, params)  # prepared on the connection's first run (settings)
                return _dicts(bound.description, bound.fetchall())


def _dicts(description: Any, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    names = [column[0] for column in description]
    return [dict(zip(names, row, strict=True)) for row in rows]


def _iexact(name: str, value: Any) -> Any:
    return connection.ops.prep_for_iexact_query(value) if isinstance(value, str) else value


def _filters_of(shape: Sequence[str]) -> selectors.FeedFilters:
    return selectors.FeedFilters(**{name: _MARKERS[name] for name in shape})


@lru_cache(maxsize=512)
def _page_statement(
    vendor: str, shape: tuple[str, ...], reverse: bool, after: bool, offset: int, limit: int
) -> Statement:
    rows = selectors.feed_rows(_filters_of(shape)).annotate(**{TAGS: _tags_column()})
    ordering = ("published_at", "id") if reverse else ("-published_at", "-id")
    rows = rows.order_by(*ordering)
    if after:  # DRF's cursor: strictly past the position, newest first (or oldest first going back)
        rows = (
            rows.filter(published_at__gt=_MARKERS["position"])
            if reverse
            else rows.filter(published_at__lt=_MARKERS["position"])
        )
    markers = {name: _MARKERS[name] for name in (*shape, *(["position"] if after else []))}
    return Statement(rows[offset : offset + limit], markers)


@lru_cache(maxsize=128)
def _ids_statement(vendor: str, count: int) -> Statement:
    ids = [-(n + 1) for n in range(count)]  # markers of their own: `id IN (...)`, one parameter each
    rows = Article.objects.values(*selectors.FEED_VALUES, "status").annotate(**{TAGS: _tags_column()})
    statement = Statement(rows.filter(pk__in=ids).order_by(), {})
    statement.slots = [(statement.params.index(marker), f"id{n}", _as_stored) for n, marker in enumerate(ids)]
    return statement


def _with_tags(rows: list[dict[str, Any]]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {}
    for row in rows:
        names = row.pop(TAGS)
        if isinstance(names, str):  # SQLite: a JSON array, in no order
            names = sorted(json.loads(names))
        tags[row["id"]] = [name for name in names or () if name is not None]
    return tags


def _normalised(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The values as Django's ORM reads them: times aware in UTC, JSON decoded."""
    for row in rows:
        for key in ("published_at", "author__deleted_at"):
            value = row[key]
            if isinstance(value, str):
                value = datetime.fromisoformat(value)
            if value is not None and value.tzinfo is None:
                value = value.replace(tzinfo=UTC)
            row[key] = value
        if isinstance(row["cover__sizes"], str):
            row["cover__sizes"] = json.loads(row["cover__sizes"])
    return rows


class _Request:
    """What the paginations and input checks read of a request: its query and path."""

    def __init__(self, request: HttpRequest) -> None:
        self.query_params = request.GET
        self.get_full_path = request.get_full_path


class _Keyset(NewestFirstCursorPagination):
    """DRF's cursor pagination (its cursors, its links) on the page statement instead of a queryset."""

    def fetch(self, request: Any, shape: tuple[str, ...], values: dict[str, Any]) -> list[dict[str, Any]]:
        check_paging(request)
        self.request = request
        self.page_size = self.get_page_size(request) or self.page_size  # (an unreadable one is a 400 above)
        self.base_url = absolute_request_uri(request)
        self.cursor = self.decode_cursor(request)
        offset, reverse, position = self.cursor if self.cursor else (0, False, None)
        if position is not None:
            values = {**values, "position": datetime.fromisoformat(str(position))}
        statement = _page_statement(
            connection.vendor,
            shape,
            bool(reverse),
            position is not None,
            offset or 0,
            (self.page_size or 0) + 1,
        )
        results = _normalised(statement.run(values))
        return self.paged(results, reverse, position)

    def paged(self, results: list[dict[str, Any]], reverse: bool, position: Any) -> list[dict[str, Any]]:
        # from here on, DRF's CursorPagination.paginate_queryset as it is
        offset = self.cursor.offset if self.cursor else 0
        self.page = list(results[: self.page_size])
        following = (
            self._get_position_from_instance(results[-1], self.ordering)
            if len(results) > len(self.page)
            else None
        )
        if reverse:
            self.page = list(reversed(self.page))
            self.has_next = position is not None or offset > 0
            self.has_previous = following is not None
            self.next_position, self.previous_position = position, following
        else:
            self.has_next = following is not None
            self.has_previous = position is not None or offset > 0
            self.next_position, self.previous_position = following, position
        return self.page


def _read_ids(ids: list[int]) -> list[dict[str, Any]]:
    return _normalised(
        _ids_statement(connection.vendor, len(ids)).run({f"id{n}": i for n, i in enumerate(ids)})
    )


def _render(data: dict[str, Any]) -> HttpResponse:
    # DRF's JSONRenderer's bytes with the project's settings (compact, UTF-8, the two line separators escaped):
    # orjson writes the same JSON as the json module there, at a sixth of its cost
    body = orjson.dumps(data).replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
    response = HttpResponse(body, content_type="application/json")
    response["Allow"] = "GET, HEAD, OPTIONS"
    return response


# what FeedApi's content negotiation answers with its JSON without a second thought; any other Accept header goes
# to DRF, which weighs it (and answers 406 where no JSON is wanted)
_PLAIN_ACCEPT = frozenset({"*/*", "application/json", "application/json, */*", ""})


def page(request: HttpRequest) -> HttpResponse | None:
    """The answer to a feed list GET, or None where FeedApi must answer (then it says why, with a 4xx)."""
    if (
        request.method != "GET"
        or request.headers.get("Accept", "*/*") not in _PLAIN_ACCEPT
        or "format" in request.GET  # DRF's format override: DRF says what it makes of it
    ):
        return None
    shim: Any = _Request(request)
    try:
        filters = selectors.feed_filters(shim)
        if filters.q is not None:
            paginator = CountFreeOffsetPagination()
            results = paginator.paginate_queryset(
                fulltext.search(
                    _read_ids, filters.q, language=filters.language, within=selectors.within(filters)
                ),
                shim,
            )
            return _render(paginator.get_paginated_response(_items(results)).data)
        shape = tuple(name for name in _SHAPES if _set(filters, name))
        values = {name: _filter_value(filters, name) for name in shape}
        keyset = _Keyset()
        rows = keyset.fetch(shim, shape, values)
        return _render(
            {"next": keyset.get_next_link(), "previous": keyset.get_previous_link(), "results": _items(rows)}
        )
    except (APIException, ApplicationError, orjson.JSONEncodeError):
        return None  # FeedApi answers it, with its error body


_SHAPES = ("category", "tag", "region", "author", "language")


def _set(filters: selectors.FeedFilters, name: str) -> bool:
    # as selectors.feed_rows narrows: an author by any id, the texts when not empty
    value = getattr(filters, name)
    return value is not None if name == "author" else bool(value)


def _filter_value(filters: selectors.FeedFilters, name: str) -> Any:
    value = getattr(filters, name)
    return value.strip().lower() if name == "tag" else value


def _items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return feed_items(rows, _with_tags(rows))
