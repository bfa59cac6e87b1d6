"""What readers get: the published feed with its filters and search, one article, the corrections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from newsroom.api.inputs import query_int
from newsroom.publishing import search as fulltext
from submissions.errors import NotFound
from submissions.models import Article, Correction, Media, Source, Tag
from submissions.states import Status

FEED_COLUMNS = (
    "slug",
    "title",
    "lead",
    "language",
    "region",
    "status",
    "published_at",
    "author_id",
    "category__slug",
    "category__name_ru",
    "category__name_en",
    "author__pen_name",
    "author__display_name",
    "author__deleted_at",
    "cover__file",
    "cover__width",
    "cover__height",
    "cover__caption",
    "cover__credit",
    "cover__sizes",
)


@dataclass
class FeedFilters:
    category: str | None = None  # slug
    tag: str | None = None
    region: str | None = None
    author: int | None = None
    language: str | None = None
    q: str | None = None


# the list API's rows: FEED_COLUMNS as plain values (no model instance per row), with the keys they join on
FEED_VALUES = ("id", *(column for column in FEED_COLUMNS if column != "status"), "cover_id")


def _published(filters: FeedFilters) -> QuerySet[Article]:
    qs = Article.objects.filter(status=Status.PUBLISHED)
    if filters.category:
        qs = qs.filter(category__slug=filters.category)
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag.strip().lower())
    if filters.region:
        qs = qs.filter(region__iexact=filters.region)
    if filters.author is not None:
        qs = qs.filter(author_id=filters.author)
    if filters.language:
        qs = qs.filter(language=filters.language)
    return qs


def _listed(qs: QuerySet[Article]) -> QuerySet[Article]:
    # a list item never shows the body: only the columns it does show are fetched (no TOASTed bodies read)
    return (
        qs.select_related("category", "author", "cover")
        .only(*FEED_COLUMNS)
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name")))
    )


def feed_filters(request: Any) -> FeedFilters:
    """The feed's filters from a request's query (`request.query_params`); an author that is no whole number is
    a 400 (newsroom.api.inputs.query_int)."""
    params = request.query_params
    return FeedFilters(
        category=params.get("category") or None,
        tag=params.get("tag") or None,
        region=params.get("region") or None,
        author=query_int(request, "author"),
        language=params.get("language") or None,
        # `q` present, even blank, is a search: one with nothing to look for answers an empty page, not the feed
        q=params["q"].strip()[:200] if "q" in params else None,
    )


def within(filters: FeedFilters) -> QuerySet[Article] | None:
    """The published articles a search is narrowed to by the filters that live on the article, if any."""
    narrowed = any((filters.category, filters.tag, filters.region, filters.author is not None))
    return _published(filters) if narrowed else None


def _search(rows: QuerySet[Any], filters: FeedFilters) -> Any:
    """The search's ranked results (sliced by the paginators like a queryset): `rows` says how a row is read,
    the filters that live on the article narrow the window."""
    assert filters.q is not None
    return fulltext.search(rows, filters.q, language=filters.language, within=within(filters))


def feed(filters: FeedFilters | None = None) -> Any:
    """Published articles, newest first (or best match first with `q`). A fixed number of queries whatever the
    page size: joins for category and author, one prefetch for tags."""
    filters = filters or FeedFilters()
    if filters.q is not None:
        return _search(_listed(Article.objects.all()), filters)
    return _listed(_published(filters)).order_by("-published_at", "-id")


def feed_rows(filters: FeedFilters | None = None) -> Any:
    """feed() as dictionaries of FEED_VALUES, for the JSON list (the hot public read): the same rows in the same
    order, one query with the same joins, and no model instances to build. Tags come from tags_of()."""
    filters = filters or FeedFilters()
    if filters.q is not None:
        return _search(Article.objects.values(*FEED_VALUES, "status"), filters)
    return _published(filters).values(*FEED_VALUES).order_by("-published_at", "-id")


def tags_of(article_ids: list[int]) -> dict[int, list[str]]:
    """Tag names per article, in the tags' own order (by name), in one query."""
    tags: dict[int, list[str]] = {}
    rows = (
        Article.tags.through.objects.filter(article_id__in=article_ids)
        .order_by("tag__name")
        .values_list("article_id", "tag__name")
    )
    for article_id, name in rows:
        tags.setdefault(article_id, []).append(name)
    return tags


def article_by_slug(slug: str) -> Article:
    """A published article, or a retracted one: its URL keeps answering, with the retraction notice."""
    article = (
        Article.objects.filter(status__in=(Status.PUBLISHED, Status.RETRACTED), slug=slug)
        .select_related("author", "category", "cover")
        .prefetch_related(
            "tags",
            Prefetch("sources", queryset=Source.objects.order_by("position", "id")),
            Prefetch("media", queryset=Media.objects.order_by("position", "id")),
            Prefetch("corrections", queryset=Correction.objects.order_by("created_at", "id")),
        )
        .first()
    )
    if article is None:
        raise NotFound()
    return article


def corrections_and_retractions(limit: int = 50) -> list[dict[str, Any]]:
    """The corrections feed: corrections and retractions, newest first."""
    corrections: list[dict[str, Any]] = [
        {
            "kind": "correction",
            "at": c.created_at,
            "article": c.article,
            "text": c.text,
            "id": f"correction-{c.pk}",
        }
        for c in Correction.objects.select_related("article", "article__author").order_by(
            "-created_at", "-id"
        )[:limit]
    ]
    retractions: list[dict[str, Any]] = [
        {
            "kind": "retraction",
            "at": a.retracted_at,
            "article": a,
            "text": a.retraction_reason,
            "id": f"retraction-{a.pk}",
        }
        for a in Article.objects.filter(status=Status.RETRACTED, retracted_at__isnull=False)
        .select_related("author")
        .order_by("-retracted_at", "-id")[:limit]
    ]
    return sorted(corrections + retractions, key=lambda e: e["at"], reverse=True)[:limit]
