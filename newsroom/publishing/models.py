from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublicationClock(models.Model):
    """One row that moves whenever readers could see something new: a publication, an approved update, a
    correction, a retraction. Conditional GETs read it (one primary-key lookup) before any view work: its
    `generation` is in every public ETag and cache key, `changed_at` is the Last-Modified."""

    id = models.PositiveSmallIntegerField(_("ID"), primary_key=True, default=1)
    generation = models.PositiveBigIntegerField(_("generation"), default=0)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("publication clock")
        verbose_name_plural = _("publication clocks")

    def __str__(self) -> str:
        return f"generation {self.generation}"


class SearchEntry(models.Model):
    """The full-text index of one public article (published; a retraction removes it), with what a search needs
    to pick and order its matches without the article's row: its language and publication time.

    PostgreSQL: `vector`, a stored tsvector in the `russian` configuration (Russian and English stems) — title
    weighted A, lead B, body C — under a GIN index. The embedded default (SQLite): the same stems as text, one
    column per field, which triggers copy into the FTS5 table publishing_search_fts (migration 0004) whenever the
    entry is written, under the row id `fts_key`. newsroom.publishing.search writes one or the other. (A later
    migration that rebuilds this table on SQLite must create those triggers again.)"""

    article = models.OneToOneField(
        "submissions.Article",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
        verbose_name=_("article"),
    )
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    published_at = models.DateTimeField(_("published"), null=True)
    vector = SearchVectorField(_("search vector"), null=True)
    title_stems = models.TextField(_("title stems"), blank=True, default="")
    lead_stems = models.TextField(_("lead stems"), blank=True, default="")
    body_stems = models.TextField(_("body stems"), blank=True, default="")
    # SQLite: the FTS5 row's id, in publication order (search.fts_key), so that the newest matches are the
    # index's own order and a search stops after the window instead of sorting every match
    fts_key = models.BigIntegerField(_("full-text row"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [models.Index(fields=["-published_at", "-article"], name="search_recent_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["fts_key"], condition=models.Q(fts_key__isnull=False), name="search_fts_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"search entry of {self.article_id}"
