"""The physical floor for the feed: the same SQL as the feed API, run through psycopg and dumped with orjson, in
a bare WSGI app served by the same gunicorn settings. No Django, no serializers, no middleware."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs

import orjson
import psycopg
from psycopg.rows import dict_row

DSN = os.environ["DATABASE_URL"]
_local: dict[str, Any] = {}

FEED_SQL = """
SELECT a.slug, a.title, a.lead, a.language, a.region, a.published_at, a.author_id,
       c.slug AS category, COALESCE(NULLIF(u.pen_name, ''), u.display_name) AS author
  FROM submissions_article a
  JOIN submissions_category c ON c.id = a.category_id
  JOIN accounts_user u ON u.id = a.author_id
 WHERE a.status = 'published' {after}
 ORDER BY a.published_at DESC, a.id DESC
 LIMIT 20
"""
SEARCH_SQL = """
SELECT a.slug, a.title, a.lead, a.published_at, ts_rank(e.vector, q) AS rank
  FROM submissions_article a
  JOIN publishing_searchentry e ON e.article_id = a.id,
       websearch_to_tsquery('russian', %(q)s) q
 WHERE a.status = 'published' AND e.config = 'russian' AND e.vector @@ q
 ORDER BY rank DESC, a.published_at DESC, a.id DESC
 LIMIT 20
"""


def _connection() -> psycopg.Connection:
    if "conn" not in _local:
        _local["conn"] = psycopg.connect(DSN, autocommit=True, row_factory=dict_row)
    return _local["conn"]


def application(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    params = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    with _connection().cursor() as cursor:
        if environ.get("PATH_INFO") == "/search":
            cursor.execute(SEARCH_SQL, {"q": params["q"]})
        elif "before" in params:  # keyset: the page after (published_at, id)
            at, ident = params["before"].split("|")
            cursor.execute(
                FEED_SQL.format(after="AND (a.published_at, a.id) < (%(at)s, %(id)s)"),
                {"at": at, "id": int(ident)},
            )
        else:
            cursor.execute(FEED_SQL.format(after=""))
        body = orjson.dumps({"results": cursor.fetchall()})
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
