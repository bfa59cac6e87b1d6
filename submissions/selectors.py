"""Reads of articles, with their joins done. Other apps (publishing, moderation) read through here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from submissions import policy
from submissions.errors import NotAllowed, NotFound
from submissions.models import Article, Category
from submissions.states import Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from newsroom.accounts.models import User


def article_get_for_actor(
    *, actor: User | AnonymousUser | None, article_id: int, lock: bool = False, as_editor: bool = False
) -> Article:
    """The one way to fetch an article for someone, and the one way every writer locks its row
    (`lock=True`: SELECT ... FOR UPDATE of the article row alone).

    - the author (default): their own article; anyone else gets NotFound (a draft's existence is private);
    - `as_editor`: any article that has been submitted at least once, for an actor with the moderation
      permission (NotAllowed otherwise); drafts stay NotFound;
    - `actor=None`: the system (beat, the checks, account erasure): any article."""
    if actor is not None and as_editor and not actor.has_perm(policy.MODERATE):
        raise NotAllowed()
    qs = Article.objects.select_related("category", "current_revision")
    if lock:
        qs = qs.select_for_update(of=("self",))
    qs = qs.filter(pk=article_id)
    if actor is not None:
        qs = qs.filter(policy.SEEN_BY_EDITORS) if as_editor else qs.filter(author_id=actor.pk)
    article = qs.first()
    if article is None:
        raise NotFound()
    return article


def articles_of_author(*, actor: User, statuses: list[str] | None = None) -> QuerySet[Article]:
    qs = Article.objects.filter(author_id=actor.pk)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return (
        qs.select_related("category", "current_revision", "pending_revision")
        .prefetch_related("tags", "sources")
        .order_by("-created_at", "-id")
    )


def article_get_for_history(*, actor: User, article_id: int) -> Article:
    """Revisions and the timeline: the author, and editors once the article has been submitted."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        raise NotFound()
    if article.author_id == actor.pk:
        return article
    if policy.seen_by_editors(article) and actor.has_perm(policy.MODERATE):
        return article
    raise NotFound()


def revision_get(*, article: Article, number: int) -> Any:
    revision = article.revisions.select_related("category", "article").filter(number=number).first()
    if revision is None:
        raise NotFound()
    return revision


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


def public_author(*, author_id: int) -> Any:
    """The author of at least one published article, with `published_count`; NotFound for anyone else, so that
    ids do not reveal who has an account."""
    author = (
        get_user_model()
        .objects.filter(pk=author_id)
        .annotate(published_count=Count("articles", filter=Q(articles__status=Status.PUBLISHED)))
        .filter(published_count__gt=0)
        .first()
    )
    if author is None:
        raise NotFound()
    return author
