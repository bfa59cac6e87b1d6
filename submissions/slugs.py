"""An article's public address: a transliterated, unique slug (Cyrillic-aware: "Новости дня" -> "novosti-dnia")."""

from __future__ import annotations

from slugify import slugify

from submissions.models import Article


def unique_slug(title: str, article_id: int) -> str:
    base = slugify(title, max_length=100, word_boundary=True) or f"article-{article_id}"
    taken = set(
        Article.objects.filter(slug__startswith=base).exclude(pk=article_id).values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
