"""[7/8] the benchmark corpus: `python -m bench.seed` loads what the benchmarks read — authors with histories,
articles in every state with their submitted revision, tags, media rows, search entries and the near-duplicate
index — and its near-duplicates are found by the real lookup. The corpus is benchmark tooling: no production app
imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bench import seed as seed_cli
from bench.corpus import CorpusGenerator
from bench.loader import seed_corpus
from moderation.duplicates import article_text, find_similar
from moderation.models import DuplicateBand, DuplicateSignature
from newsroom.publishing.models import SearchEntry
from submissions.models import Article, Media, Revision
from submissions.states import Status

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_seed_corpus_loads_a_consistent_corpus():
    seed_corpus(400, workers=1, no_progress=True)
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


@pytest.mark.django_db
def test_a_second_load_adds_to_the_corpus():
    seed_corpus(50, workers=1, no_progress=True)
    seed_corpus(50, workers=1, no_progress=True)
    assert Article.objects.count() == 100
    slugs = list(Article.objects.filter(status=Status.PUBLISHED).values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))


@pytest.mark.django_db
def test_the_command_line_takes_the_old_commands_options(capsys, monkeypatch):
    # Django is set up already: logging stays as the test run configured it
    monkeypatch.setattr("django.setup", lambda: None)
    seed_cli.main(["--articles", "30", "--queue", "1", "--workers", "1", "--no-progress"])
    assert Article.objects.count() == 30
    assert set(Article.objects.values_list("status", flat=True)) == {Status.IN_REVIEW}
    assert capsys.readouterr().out.startswith("seeded 30 articles in ")
    options = seed_cli.parse_args(["--scale", "7"])
    assert (options.articles, options.authors, options.queue, options.seed) == (7, None, 0.02, 20261124)


def test_the_same_seed_gives_the_same_corpus():
    def texts(seed: int) -> list[tuple[str, str, str]]:
        return [(g.title, g.lead, g.body) for g in CorpusGenerator(seed=seed).articles(200)]

    assert texts(5) == texts(5)
    assert texts(5) != texts(6)


def test_no_production_app_imports_the_benchmark_tooling():
    offenders = []
    for app in ("newsroom", "submissions", "moderation"):
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] == "bench"]
    assert not offenders
