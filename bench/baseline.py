"""The physical floor for the feed: the same SQL as the feed API, run through psycopg and dumped with orjson, in
a bare WSGI app served by the same gunicorn settings. No Django, no serializers, no middleware.

The statement of page 1 is the API's own, compiled by Django (bench/inproc.py `sql`) and read
from the file named by BENCH_SQL; the deep page's keyset statement is written out below."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs

import orjson
import psycopg
from psycopg.rows import dict_row

DSN = os.environ["DATABASE_URL"]
_local: dict[str, Any] = {}
STATEMENTS: dict[str, list[Any]] = (
    orjson.loads(open(os.environ["BENCH_SQL"], "rb").read()) if os.environ.get("BENCH_SQL") else {}  # noqa: SIM115
)

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


def _connection() -> psycopg.Connection:
    if "conn" not in _local:
        _local["conn"] = psycopg.connect(DSN, autocommit=True, row_factory=dict_row)
    return _local["conn"]


def application(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    params = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    with _connection().cursor() as cursor:
        name = environ.get("PATH_INFO", "/").strip("/")
        if name in STATEMENTS:  # the API's own statement of page 1
            statement, values = STATEMENTS[name]
            cursor.execute(statement, values)
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
