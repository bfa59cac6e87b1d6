"""Loads a generated corpus (moderation/corpus.py) for benchmarks: authors, published articles with tags, search
entries and the near-duplicate index, and a moderation queue. Bulk inserts in batches, with a progress bar.

    python manage.py seed_corpus --articles 100000
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from moderation.corpus import CorpusGenerator
from newsroom.accounts.models import User
from newsroom.publishing.models import SearchEntry
from newsroom.publishing.search import config_for, fold, stems
from submissions.content import render_markdown
from submissions.models import Article, Category, Tag
from submissions.states import Status

BATCH = 5000


class Command(BaseCommand):
    help = "Load a generated benchmark corpus of N articles (Russian and English, with near-duplicates)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--articles", type=int, required=True)
        parser.add_argument("--authors", type=int, default=None, help="default: one per 50 articles")
        parser.add_argument("--queue", type=float, default=0.02, help="share of articles waiting in review")
        parser.add_argument("--seed", type=int, default=20261124)
        parser.add_argument("--no-duplicate-index", action="store_true", help="skip the near-duplicate index")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        total = options["articles"]
        progress = not options["no_progress"]
        generator = CorpusGenerator(seed=options["seed"])
        authors = self._authors(options["authors"] or max(10, total // 50))
        categories = list(Category.objects.filter(is_active=True))
        tags = {}
        now = timezone.now()
        span = timedelta(days=3 * 365).total_seconds()
        stem_cache: dict[str, str] = {}

        def stemmed(text: str) -> str:
            out = []
            for word in fold(text).lower().replace(".", " ").split():
                if word not in stem_cache:
                    stem_cache[word] = (stems(word) or [word])[0]
                out.append(stem_cache[word])
            return " " + " ".join(out) + " "

        bar = tqdm(total=total, unit="article", disable=not progress)
        for offset in range(0, total, BATCH):
            rows = list(generator.articles(min(BATCH, total - offset)))
            articles = []
            for i, g in enumerate(rows):
                n = offset + i
                queued = generator.rng.random() < options["queue"]
                published_at = now - timedelta(seconds=span * (1 - n / total)) + timedelta(microseconds=n)
                author = authors[int(generator.rng.integers(0, len(authors)))]
                article = Article(
                    author=author,
                    title=g.title,
                    lead=g.lead,
                    body=g.body,
                    body_html=render_markdown(g.body),
                    language=g.language,
                    category=categories[n % len(categories)],
                    region=g.region,
                    rights_confirmed=True,
                    created_at=published_at - timedelta(hours=2),
                    submitted_at=published_at - timedelta(hours=1),
                )
                if queued:  # waiting for an editor, as the checks leave it
                    article.status = Status.IN_REVIEW
                    article.risk_score = float(generator.rng.random()) * 0.5
                    article.due_at = published_at + timedelta(hours=24)
                    article.queue_key = article.due_at - timedelta(hours=6 * article.risk_score)
                else:
                    article.status = Status.PUBLISHED
                    article.published_at = published_at
                    article.slug = f"news-{offset + i + 1}-{int(published_at.timestamp())}"
                articles.append(article)
            with transaction.atomic():
                Article.objects.bulk_create(articles, batch_size=BATCH)
                links = []
                for article, g in zip(articles, rows, strict=True):
                    for name in g.tags:
                        if name not in tags:
                            tags[name] = Tag.objects.get_or_create(name=name)[0]
                        links.append(Article.tags.through(article_id=article.pk, tag_id=tags[name].pk))
                Article.tags.through.objects.bulk_create(links, batch_size=BATCH)
                SearchEntry.objects.bulk_create(
                    [
                        SearchEntry(
                            article_id=a.pk,
                            config=config_for(a.language),
                            stems=stemmed(f"{a.title} {a.lead} {a.body}"),
                        )
                        for a in articles
                        if a.status == Status.PUBLISHED
                    ],
                    batch_size=BATCH,
                )
            bar.update(len(rows))
        bar.close()
        self._vectors(progress)
        if not options["no_duplicate_index"]:
            from moderation.duplicates import rebuild

            rebuild(progress=progress, batch_size=2000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"seeded {total} articles in {time.monotonic() - started:.0f} s")

    def _authors(self, count: int) -> list[User]:
        password = make_password(None)
        existing = list(User.objects.filter(email__endswith="@corpus.invalid").order_by("pk")[:count])
        fresh = [
            User(
                email=f"author{n}@corpus.invalid",
                display_name=f"Автор {n}",
                password=password,
                email_verified_at=timezone.now(),
                trust_level=int(n % 4),
                trust_reason="corpus",
                trust_computed_at=timezone.now(),
            )
            for n in range(len(existing), count)
        ]
        return existing + User.objects.bulk_create(fresh, batch_size=BATCH)

    def _vectors(self, progress: bool) -> None:
        """PostgreSQL: the weighted tsvectors, built by the database in id ranges."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT min(article_id), max(article_id) FROM publishing_searchentry WHERE vector IS NULL"
            )
            low, high = cursor.fetchone()
            if low is None:
                return
            step = 20_000
            for start in tqdm(
                range(low, high + 1, step), unit="batch", disable=not progress, desc="tsvector"
            ):
                cursor.execute(
                    """UPDATE publishing_searchentry e SET vector =
                         setweight(to_tsvector(e.config::regconfig, translate(a.title, 'ёЁ', 'еЕ')), 'A')
                      || setweight(to_tsvector(e.config::regconfig, translate(a.lead, 'ёЁ', 'еЕ')), 'B')
                      || setweight(to_tsvector(e.config::regconfig, translate(a.body, 'ёЁ', 'еЕ')), 'C')
                       FROM submissions_article a
                      WHERE a.id = e.article_id AND e.vector IS NULL AND e.article_id >= %s AND e.article_id < %s""",
                    [start, start + step],
                )
