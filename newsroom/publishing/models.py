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
    """The full-text index of one public article (published; a retraction removes it).

    On PostgreSQL `vector` is a stored tsvector — title weighted A, lead B, body C — built with the text
    search configuration of the article's language (russian / english / simple) and searched through a GIN
    index. `stems` holds the same words as Snowball stems for the SQLite fallback (same API, simpler ranking).
    Both are built from text with «ё» folded to «е»."""

    article = models.OneToOneField(
        "submissions.Article",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
        verbose_name=_("article"),
    )
    config = models.CharField(_("text search configuration"), max_length=20)
    vector = SearchVectorField(_("search vector"), null=True)
    stems = models.TextField(_("stems"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return f"search entry of {self.article_id}"
