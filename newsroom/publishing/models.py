from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


class PublicationClock(models.Model):
    """One row that moves whenever readers could see something new: a publication, an approved update, a
    correction, a retraction. Conditional GETs read it (one primary-key lookup) before any view work: its
    `generation` is in every public ETag and cache key, `changed_at` is the Last-Modified."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    generation = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"generation {self.generation}"


class SearchEntry(models.Model):
    """The full-text index of one public article (published; a retraction removes it).

    On PostgreSQL `vector` is a stored tsvector — title weighted A, lead B, body C — built with the text
    search configuration of the article's language (russian / english / simple) and searched through a GIN
    index. `stems` holds the same words as Snowball stems for the SQLite fallback (same API, simpler ranking).
    Both are built from text with «ё» folded to «е»."""

    article = models.OneToOneField(
        "submissions.Article", on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    config = models.CharField(max_length=20)
    vector = SearchVectorField(null=True)
    stems = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"search entry of {self.article_id}"
