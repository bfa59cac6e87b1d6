"""Full-text search of published articles, on PostgreSQL and on the embedded default (SQLite).

What a search answers: among the newest WINDOW (200) articles that match the query, the best matches first —
words in the title outweigh the lead, which outweighs the body (5 : 2 : 1) — newer first among equals. Ranking
every match would cost as much as there are matches (a broad query matches most of the archive); the window bounds
that work, and the newest matches are what a news reader looks for. Older matches are found with narrower words or
the feed's filters (section, tag, region, author, language).

- PostgreSQL: one `@@` of the query (to_tsquery in the `russian` configuration, built from the parsed query) on
  the entries' tsvector (GIN), the window taken newest first from the entries alone (their published_at and
  language: no join with the articles unless a filter needs one), then ts_rank over the window only.
- SQLite: the FTS5 table of the entries' stems (migration 0004), whose row ids are in publication order
  (search_text.fts_key): the window is the index's first rows walked newest first, then bm25 with the same field
  weights over the window only.

The words — cutting, stop words, stemming, «ё», the query's syntax — are search_text's, the same for both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from newsroom.publishing.models import SearchEntry
from newsroom.publishing.search_text import Query, fold, fts_key, parse, stem_text, to_fts5, to_tsquery
from newsroom.publishing.search_text import stems as stems  # migration 0002 imports it from here
from submissions.models import Article
from submissions.states import Status

# 10 pages of 20: more than readers page through; the walk to find them costs about WINDOW/density rows (500, the
# first choice, cost 2.3x as much: docs/benchmarks.md)
WINDOW = 200
CONFIG = "russian"  # Cyrillic words: the Russian stemmer; ASCII words: the English one; numbers as they are
WEIGHTS = (
    5.0,
    2.0,
    1.0,
)  # title, lead, body (ts_rank's default A/B/C weights 1.0/0.4/0.2 are the same ratio)


def config_for(language: str) -> str:
    """The text search configuration of every entry, whatever its language (migration 0002 imports this)."""
    return CONFIG


# --- the index ---------------------------------------------------------------------------------------------------


def index_article(article: Article) -> None:
    """Creates or refreshes the article's entry (published), or removes it (anything else)."""
    if article.status != Status.PUBLISHED:
        SearchEntry.objects.filter(article_id=article.pk).delete()
        return
    title, lead, body = fold(article.title), fold(article.lead), fold(article.body)
    fields: dict[str, Any] = {"language": article.language, "published_at": article.published_at}
    postgres = connection.vendor == "postgresql"
    if not postgres:  # the FTS5 table's content (the triggers copy it there)
        fields.update(
            title_stems=stem_text(title),
            lead_stems=stem_text(lead),
            body_stems=stem_text(body),
            fts_key=fts_key(article.published_at, article.pk),
        )
    SearchEntry.objects.update_or_create(article_id=article.pk, defaults=fields)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE publishing_searchentry SET vector = "
                "setweight(to_tsvector(%s::regconfig, %s), 'A') || "
                "setweight(to_tsvector(%s::regconfig, %s), 'B') || "
                "setweight(to_tsvector(%s::regconfig, %s), 'C') WHERE article_id = %s",
                [CONFIG, title, CONFIG, lead, CONFIG, body, article.pk],
            )


def index_article_id(article_id: int) -> None:
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        SearchEntry.objects.filter(article_id=article_id).delete()
    else:
        index_article(article)


# --- the search --------------------------------------------------------------------------------------------------

# the query is written out twice, not shared through a CTE: as a constant the planner reads its selectivity from
# the column's statistics and walks search_recent_idx newest first for a common word (stopping at the window),
# or takes the GIN index for a rare one; behind a CTE it guessed, and sorted every match of a broad query
_PG_WINDOW = """
SELECT recent.article_id FROM (
    SELECT e.article_id, e.published_at, e.vector FROM publishing_searchentry e
    WHERE e.vector @@ to_tsquery(%s::regconfig, %s) {narrow}
    ORDER BY e.published_at DESC, e.article_id DESC LIMIT %s
) recent
ORDER BY ts_rank(recent.vector, to_tsquery(%s::regconfig, %s)) DESC, recent.published_at DESC,
         recent.article_id DESC
"""

_SQLITE_WINDOW = """
SELECT article_id FROM (
    SELECT e.article_id, publishing_search_fts.rowid AS newness, bm25(publishing_search_fts, %s, %s, %s) AS score
    FROM publishing_search_fts JOIN publishing_searchentry e ON e.fts_key = publishing_search_fts.rowid
    WHERE publishing_search_fts MATCH %s {narrow}
    ORDER BY publishing_search_fts.rowid DESC LIMIT %s
)
ORDER BY score, newness DESC
"""


def _window(query: Query, *, language: str | None, within: QuerySet[Article] | None) -> list[int]:
    """The ids of the window's articles, best first."""
    narrow, params = "", []
    if language:
        narrow += " AND e.language = %s"
        params.append(language)
    if within is not None:  # a filter that lives on the article (section, tag, region, author)
        sql, within_params = within.order_by().values("pk").query.sql_with_params()
        narrow += f" AND e.article_id IN ({sql})"
        params.extend(within_params)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tsquery = to_tsquery(query)
            cursor.execute(
                _PG_WINDOW.format(narrow=narrow), [CONFIG, tsquery, *params, WINDOW, CONFIG, tsquery]
            )
        else:
            cursor.execute(_SQLITE_WINDOW.format(narrow=narrow), [*WEIGHTS, to_fts5(query), *params, WINDOW])
        return [row[0] for row in cursor.fetchall()]


Reader = QuerySet[Any] | Callable[[list[int]], Iterable[Any]]


class Ranked:
    """A search's results as the feed's paginators use them: sliced (offset pages), in the window's order. Each
    slice reads its rows through `rows` (the caller's columns, joins and prefetches: a queryset, or a function
    of the ids such as newsroom.publishing.listing's statement) by primary key alone — a plan no database can
    get wrong — and keeps those still published (a retraction drops the entry in a task that may not have run
    yet)."""

    def __init__(self, rows: Reader, ids: list[int]) -> None:
        self.rows, self.ids = rows, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[Any]:
        return iter(self[0 : len(self.ids)])

    def __getitem__(self, page: slice) -> list[Any]:
        if not isinstance(page, slice):
            raise TypeError("search results are read in slices")
        ids = self.ids[page]
        if not ids:
            return []
        found = {}
        for row in self.rows(ids) if callable(self.rows) else self.rows.filter(pk__in=ids):
            pk, status = (row["id"], row["status"]) if isinstance(row, dict) else (row.pk, row.status)
            if status == Status.PUBLISHED:
                found[pk] = row
        return [found[i] for i in ids if i in found]


def search(
    rows: Reader, q: str, *, language: str | None = None, within: QuerySet[Article] | None = None
) -> Ranked | QuerySet[Any] | list[Any]:
    """The published matches of `q`, best first, each read through `rows` (a queryset of articles with the
    caller's columns). `language` narrows on the entries themselves; `within` (published articles narrowed by
    the feed's other filters) narrows the window. A query with nothing to look for answers nothing."""
    query = parse(q)
    if query is None:
        return [] if callable(rows) else rows.none()
    return Ranked(rows, _window(query, language=language, within=within))
