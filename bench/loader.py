"""Loads the generated benchmark corpus (bench/corpus.py) into the database Django is set up on: authors with
histories (published, rejected, waiting and draft articles, trust levels), articles with their submitted revision,
tags, media rows, search entries and the near-duplicate index, and a moderation queue. `python -m bench.seed` is
its command line; this module needs Django set up before it is imported.

Text work (generation, Markdown, stems, MinHash signatures) is pure Python, so it runs in a pool of worker
processes (one per core) while this process writes: ids are reserved up front, rows go in with multi-row
INSERTs and, on PostgreSQL, the near-duplicate bands (32 a text) with COPY. The weighted tsvectors are built by
PostgreSQL batch by batch, and at the end the tables are vacuumed and analysed.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import time
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from tqdm import tqdm

from bench.corpus import DEFAULT_SEED, CorpusGenerator
from moderation.duplicates import article_text, band_hashes, pack, shingles, signatures, stored_title_key
from moderation.models import DuplicateBand, DuplicateSignature
from newsroom.accounts.models import User
from newsroom.publishing.models import SearchEntry
from newsroom.publishing.search import CONFIG
from newsroom.publishing.search_text import fold, fts_key, stem_text
from submissions.content import render_markdown
from submissions.models import Article, Category, Media, Revision, Tag
from submissions.states import RejectReason, RevisionKind, Status

BATCH = 2000
SPAN = timedelta(days=3 * 365)
# the fate of a generated article: most are published; the rest wait in the queue, were rejected or are drafts
REJECTED_SHARE, DRAFT_SHARE = 0.03, 0.02
# from this many articles on, the plain indexes of the loaded tables are dropped during the load and built once
# at the end (as pg_restore does): one sort per index instead of millions of random inserts into it
DEFER_INDEXES_FROM = 20_000
LOADED_TABLES = (
    "submissions_article",
    "submissions_revision",
    "submissions_media",
    "submissions_article_tags",
    "publishing_searchentry",
    "moderation_duplicatesignature",
    "moderation_duplicateband",
)


def _prepare(job: tuple[int, int, int, int, float, float]) -> list[dict[str, Any]]:
    """Runs in a worker process: one batch of articles, with everything computed that needs no database."""
    seed, offset, count, total, queue_share, now = job
    generator = CorpusGenerator(
        seed=seed * 1_000_003 + offset
    )  # a stream per batch: the same N, the same corpus
    rows: list[dict[str, Any]] = []
    for i, g in enumerate(generator.articles(count)):
        n = offset + i
        draw = float(generator.rng.random())
        if draw < queue_share:
            status = Status.IN_REVIEW
        elif draw < queue_share + REJECTED_SHARE:
            status = Status.REJECTED
        elif draw < queue_share + REJECTED_SHARE + DRAFT_SHARE:
            status = Status.DRAFT
        else:
            status = Status.PUBLISHED
        images = int(generator.rng.choice(3, p=[0.45, 0.4, 0.15]))
        rows.append(
            {
                "n": n,
                "g": g,
                "status": status,
                "risk": float(generator.rng.random()) * 0.5,
                "author": float(generator.rng.random()),
                "html": render_markdown(g.body),
                # the embedded index's content, field by field (stems are cached per word by search_text)
                "stems": (stem_text(fold(g.title)), stem_text(fold(g.lead)), stem_text(fold(g.body))),
                "shingles": shingles(article_text(g.title, g.lead, g.body)),
                "title_key": stored_title_key(g.title),
                "images": images,
                "at": now - SPAN.total_seconds() * (1 - n / total) + n * 1e-6,
            }
        )
    for row, sig in zip(rows, signatures(r["shingles"] for r in rows), strict=True):
        row["signature"], row["bands"], row["shingles"] = pack(sig), band_hashes(sig), len(row["shingles"])
    return rows


class SeedError(Exception):
    """The corpus cannot be loaded into this database as it stands (no active category: not migrated)."""


def seed_corpus(
    articles: int,
    *,
    authors: int | None = None,
    queue: float = 0.02,
    seed: int = DEFAULT_SEED,
    workers: int | None = None,
    no_progress: bool = False,
) -> float:
    """Loads `articles` generated articles (added to any already there) with `authors` authors (default: one per
    50 articles) and a `queue` share waiting in review; returns the seconds it took."""
    return _Loader().run(
        articles,
        authors=authors,
        queue=queue,
        seed=seed,
        workers=(os.cpu_count() or 1) if workers is None else workers,
        no_progress=no_progress,
    )


class _Loader:
    def run(
        self, total: int, *, authors: int | None, queue: float, seed: int, workers: int, no_progress: bool
    ) -> float:
        started = time.monotonic()
        self.authors = self._authors(authors or max(10, total // 50))
        self.categories = list(Category.objects.filter(is_active=True).order_by("pk"))
        if not self.categories:
            raise SeedError("There is no active category to file articles under: run migrate first.")
        self.tags: dict[str, int] = {}
        self.postgres = connection.vendor == "postgresql"
        if self.postgres:  # indexes left dropped by a load that died are built again first
            with connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass('seed_deferred_index') IS NOT NULL")
                if cursor.fetchone()[0]:
                    self._restore_indexes(progress=False)
        base = Article.objects.count()  # a second run adds to the corpus with other texts and slugs
        now = timezone.now().timestamp()
        jobs = [
            (seed + base, offset, min(BATCH, total - offset), total, queue, now)
            for offset in range(0, total, BATCH)
        ]
        bar = tqdm(total=total, unit="article", disable=no_progress)
        deferred = self.postgres and total >= DEFER_INDEXES_FROM
        if deferred:
            self._drop_indexes()
        if workers > 1 and len(jobs) > 1:
            connection.close()  # the workers are forked: none of them may share this process's connection
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for rows in pool.imap(_prepare, jobs):
                    self._write(rows, base)
                    bar.update(len(rows))
        else:
            for job in jobs:
                rows = _prepare(job)
                self._write(rows, base)
                bar.update(len(rows))
        bar.close()
        if deferred:
            self._restore_indexes(not no_progress)
        if self.postgres:
            with connection.cursor() as cursor:
                # VACUUM only outside a transaction (a test's, say): ANALYZE alone then
                cursor.execute("VACUUM ANALYZE" if connection.get_autocommit() else "ANALYZE")
        return time.monotonic() - started

    def _authors(self, count: int) -> list[int]:
        password = make_password(None)
        existing = list(
            User.objects.filter(email__endswith="@corpus.invalid").order_by("pk").values_list("pk", flat=True)
        )[:count]
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
        return existing + [u.pk for u in User.objects.bulk_create(fresh, batch_size=BATCH)]

    def _drop_indexes(self) -> None:
        """Drops the indexes that back no constraint, keeping their definitions in a table first: a load that
        dies half-way gets them back from there on the next run."""
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS seed_deferred_index (name text PRIMARY KEY, definition text)"
            )
            cursor.execute(
                """INSERT INTO seed_deferred_index
                   SELECT i.indexname, i.indexdef FROM pg_indexes i
                    WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexname::regclass)
                   ON CONFLICT DO NOTHING""",
                [list(LOADED_TABLES)],
            )
            cursor.execute("SELECT name FROM seed_deferred_index")
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")

    def _restore_indexes(self, progress: bool) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("SELECT name, definition FROM seed_deferred_index ORDER BY name")
            for name, definition in tqdm(
                cursor.fetchall(), unit="index", disable=not progress, desc="indexes"
            ):
                cursor.execute(definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
                cursor.execute("DELETE FROM seed_deferred_index WHERE name = %s", [name])

    def _reserve(self, model: type[Model], count: int) -> list[int]:
        """Primary keys for `count` new rows, taken before the rows exist (foreign keys are checked at commit)."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: one writer, no sequence; the table name is the model's own, not input
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
            high = cursor.fetchone()[0]
            return list(range(high + 1, high + 1 + count))

    def _write(self, rows: list[dict[str, Any]], base: int) -> None:
        article_ids = self._reserve(Article, len(rows))
        revision_ids = self._reserve(Revision, len(rows))
        media_ids = iter(self._reserve(Media, sum(r["images"] for r in rows)))
        articles: list[Article] = []
        revisions: list[Revision] = []
        media: list[Media] = []
        links: list[Any] = []
        entries: list[SearchEntry] = []
        sigs: list[tuple[Any, ...]] = []
        bands: list[tuple[int, int, int]] = []
        for row, article_id, revision_id in zip(rows, article_ids, revision_ids, strict=True):
            g, status = row["g"], row["status"]
            at = datetime.fromtimestamp(row["at"], tz=timezone.get_current_timezone())
            author_id = self.authors[int(row["author"] * len(self.authors))]
            category = self.categories[row["n"] % len(self.categories)]
            images = [next(media_ids) for _ in range(row["images"])]
            article = Article(
                pk=article_id,
                author_id=author_id,
                title=g.title,
                lead=g.lead,
                body=g.body,
                body_html=row["html"],
                language=g.language,
                category=category,
                region=g.region,
                rights_confirmed=True,
                created_at=at - timedelta(hours=2),
                status=status,
                current_revision_id=None if status == Status.DRAFT else revision_id,
                cover_id=images[0] if images else None,
            )
            if status != Status.DRAFT:
                article.submitted_at = at - timedelta(hours=1)
            if status == Status.IN_REVIEW:  # waiting for an editor, as the checks leave it
                article.risk_score = row["risk"]
                article.due_at = at + timedelta(hours=24)
                article.queue_key = article.due_at - timedelta(hours=6 * row["risk"])
            elif status == Status.REJECTED:
                article.reject_reason = RejectReason.UNVERIFIABLE
            elif status == Status.PUBLISHED:
                article.published_at = at
                article.slug = f"news-{base + row['n'] + 1}-{int(row['at'])}"
                title_stems, lead_stems, body_stems = row["stems"] if not self.postgres else ("", "", "")
                entries.append(
                    SearchEntry(
                        article_id=article_id,
                        language=g.language,
                        published_at=at,
                        title_stems=title_stems,
                        lead_stems=lead_stems,
                        body_stems=body_stems,
                        fts_key=None if self.postgres else fts_key(at, article_id),
                    )
                )
            articles.append(article)
            revisions.append(
                Revision(
                    pk=revision_id,
                    article_id=article_id,
                    number=1,
                    kind=RevisionKind.SUBMIT if status != Status.DRAFT else RevisionKind.SAVE,
                    title=g.title,
                    lead=g.lead,
                    body=g.body,
                    language=g.language,
                    category=category,
                    created_by_id=author_id,
                    created_at=at - timedelta(hours=1),
                )
            )
            for position, media_id in enumerate(images):
                media.append(
                    Media(
                        pk=media_id,
                        article_id=article_id,
                        uploaded_by_id=author_id,
                        file=f"media/{article_id}/{secrets.token_hex(12)}.jpg",
                        format="jpeg",
                        width=1600,
                        height=900 + 100 * position,
                        bytes=180_000 + 1000 * (media_id % 200),
                        caption=g.title[:80],
                        metadata_removed=["exif", "gps"],
                        position=position,
                    )
                )
            for name in g.tags:
                if name not in self.tags:
                    self.tags[name] = Tag.objects.get_or_create(name=name)[0].pk
                links.append(Article.tags.through(article_id=article_id, tag_id=self.tags[name]))
            if status in (Status.IN_REVIEW, Status.PUBLISHED) and row["shingles"]:
                sigs.append(
                    (article_id, revision_id, row["signature"], row["shingles"], row["title_key"], at)
                )
                bands.extend((article_id, b, h) for b, h in enumerate(row["bands"]))
        with transaction.atomic():
            for model, objects in (
                (Article, articles),
                (Revision, revisions),
                (Media, media),
                (Article.tags.through, links),
                (SearchEntry, entries),
            ):
                self._insert(model, objects)
            self._write_index(sigs, bands)
            self._vectors([e.article_id for e in entries])

    def _insert(self, model: type[Model], objects: list[Any]) -> None:
        """bulk_create, or on PostgreSQL a COPY of the same values: every field's pre_save (defaults, auto_now)
        and database preparation, as Django's INSERT would do them, without building the statement."""
        if not self.postgres:
            model._default_manager.bulk_create(objects)
            return
        fields = [
            f
            for f in model._meta.concrete_fields
            if not (f.primary_key and objects and objects[0].pk is None)
        ]
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
            ) as copy,
        ):
            for obj in objects:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])

    def _write_index(self, sigs: list[tuple[Any, ...]], bands: list[tuple[int, int, int]]) -> None:
        if not self.postgres:
            DuplicateSignature.objects.bulk_create(
                DuplicateSignature(article_id=a, revision_id=r, signature=s, shingles=n, title_key=k)
                for a, r, s, n, k, _ in sigs
            )
            DuplicateBand.objects.bulk_create(
                DuplicateBand(article_id=a, band=b, hash=h) for a, b, h in bands
            )
            return
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            columns = "(article_id, revision_id, signature, shingles, title_key, updated_at)"
            with raw.copy(f"COPY {DuplicateSignature._meta.db_table} {columns} FROM STDIN") as copy:
                for row in sigs:
                    copy.write_row(row)
            with raw.copy(f"COPY {DuplicateBand._meta.db_table} (article_id, band, hash) FROM STDIN") as copy:
                for band in bands:
                    copy.write_row(band)

    def _vectors(self, article_ids: list[int]) -> None:
        """PostgreSQL: the weighted tsvectors of the batch's search entries, built by the database (the same
        expression as newsroom.publishing.search), while the workers prepare the next batches."""
        if not self.postgres or not article_ids:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                """UPDATE publishing_searchentry e SET vector =
                     setweight(to_tsvector(%s::regconfig, translate(a.title, 'ёЁ', 'еЕ')), 'A')
                  || setweight(to_tsvector(%s::regconfig, translate(a.lead, 'ёЁ', 'еЕ')), 'B')
                  || setweight(to_tsvector(%s::regconfig, translate(a.body, 'ёЁ', 'еЕ')), 'C')
                   FROM submissions_article a
                  WHERE a.id = e.article_id AND e.article_id = ANY(%s)""",
                [CONFIG, CONFIG, CONFIG, article_ids],
            )
