"""[7/8] the benchmark corpus: `seed_corpus` loads what the benchmarks read — authors with histories, articles in
every state with their submitted revision, tags, media rows, search entries and the near-duplicate index — and
its near-duplicates are found by the real lookup."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from moderation.duplicates import article_text, find_similar
from moderation.models import DuplicateBand, DuplicateSignature
from newsroom.publishing.models import SearchEntry
from submissions.models import Article, Media, Revision
from submissions.states import Status

pytestmark = pytest.mark.django_db


def test_seed_corpus_loads_a_consistent_corpus():
    call_command("seed_corpus", articles=400, workers=1, no_progress=True)
    articles = Article.objects.all()
    assert articles.count() == 400
    statuses = set(articles.values_list("status", flat=True))
    assert {Status.PUBLISHED, Status.IN_REVIEW, Status.REJECTED, Status.DRAFT} <= statuses
    assert set(articles.values_list("language", flat=True)) == {"ru", "en"}
    # every submitted article has its revision; drafts have none
    assert not articles.exclude(status=Status.DRAFT).filter(current_revision__isnull=True).exists()
    assert Revision.objects.count() == 400
    published = articles.filter(status=Status.PUBLISHED)
    assert SearchEntry.objects.count() == published.count()
    assert not published.filter(slug__isnull=True).exists()
    assert Media.objects.exists() and articles.filter(cover__isnull=False).exists()
    waiting = articles.filter(status=Status.IN_REVIEW)
    assert not waiting.filter(queue_key__isnull=True).exists()
    indexed = articles.filter(status__in=(Status.PUBLISHED, Status.IN_REVIEW)).count()
    assert DuplicateSignature.objects.count() == indexed
    assert DuplicateBand.objects.count() == 32 * indexed
    # the corpus holds near-duplicates, and the index finds them
    found = 0
    for article in published[:60]:
        matches = find_similar(
            article_text(article.title, article.lead, article.body), exclude_article_id=article.pk
        )
        found += bool(matches)
    assert found >= 1
    # authors have histories: several articles each, in more than one state
    author = articles.values("author_id").order_by("author_id").first()["author_id"]
    assert articles.filter(author_id=author).count() > 1


def test_a_second_load_adds_to_the_corpus():
    call_command("seed_corpus", articles=50, workers=1, no_progress=True)
    call_command("seed_corpus", articles=50, workers=1, no_progress=True)
    assert Article.objects.count() == 100
    slugs = list(Article.objects.filter(status=Status.PUBLISHED).values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))
