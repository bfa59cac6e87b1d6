"""Full-text search of published articles.

PostgreSQL: a stored, weighted tsvector per article (SearchEntry.vector; GIN index) in the configuration of the
article's language — `russian` (Snowball stemming: «месторождения» finds «месторождение»), `english`, `simple`
for the other languages — and `websearch_to_tsquery` in each configuration, ranked by ts_rank (title > lead >
body). SQLite: the same words as Snowball stems in SearchEntry.stems, every query word must match, newest first.
Both fold «ё» to «е» on both sides.
"""

from __future__ import annotations

import re
from typing import Any

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet, Value

from newsroom.publishing.models import SearchEntry
from submissions.models import Article
from submissions.states import Status

CONFIGS = {"ru": "russian", "en": "english"}  # any other language: "simple"
_WORD = re.compile(r"\w+", re.UNICODE)
_STEMMERS = {"russian": snowballstemmer.stemmer("russian"), "english": snowballstemmer.stemmer("english")}


def config_for(language: str) -> str:
    return CONFIGS.get(language, "simple")


def fold(text: str) -> str:
    return text.replace("ё", "е").replace("Ё", "Е")


def stems(text: str) -> list[str]:
    """Words as stems in both stemmers' views (an article in one language quotes words of the other)."""
    out: list[str] = []
    for word in _WORD.findall(fold(text).lower()):
        stemmer = _STEMMERS["russian"] if re.search("[а-я]", word) else _STEMMERS["english"]
        out.append(stemmer.stemWord(word))
    return out


def index_article(article: Article) -> None:
    """Creates or refreshes the article's entry (published), or removes it (anything else)."""
    if article.status != Status.PUBLISHED:
        SearchEntry.objects.filter(article_id=article.pk).delete()
        return
    config = config_for(article.language)
    title, lead, body = fold(article.title), fold(article.lead), fold(article.body)
    entry, _created = SearchEntry.objects.update_or_create(
        article_id=article.pk,
        defaults={"config": config, "stems": " " + " ".join(stems(f"{title} {lead} {body}")) + " "},
    )
    if connection.vendor == "postgresql":
        SearchEntry.objects.filter(pk=entry.pk).update(
            vector=SearchVector(Value(title), weight="A", config=config)
            + SearchVector(Value(lead), weight="B", config=config)
            + SearchVector(Value(body), weight="C", config=config)
        )


def index_article_id(article_id: int) -> None:
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        SearchEntry.objects.filter(article_id=article_id).delete()
    else:
        index_article(article)


def search(qs: QuerySet[Article], q: str) -> QuerySet[Article]:
    """`qs` (published articles) narrowed to the matches of `q`, best first (PostgreSQL) or newest first."""
    q = fold(q).strip()
    if not q:
        return qs.none()
    if connection.vendor == "postgresql":
        queries = {
            cfg: SearchQuery(q, config=cfg, search_type="websearch")
            for cfg in ("russian", "english", "simple")
        }
        match = Q()
        for cfg, query in queries.items():
            match |= Q(search_entry__config=cfg, search_entry__vector=query)
        combined: Any = queries["russian"] | queries["english"] | queries["simple"]
        return (
            qs.filter(match)
            .annotate(rank=SearchRank(F("search_entry__vector"), combined))
            .order_by("-rank", "-published_at", "-id")
        )
    words = stems(q)
    if not words:
        return qs.none()
    for word in words:
        qs = qs.filter(search_entry__stems__contains=f" {word}")
    return qs.order_by("-published_at", "-id")
