"""The submissions app's part of a user's data export, and what goes when the account is deleted."""

from __future__ import annotations

from typing import Any

from newsroom.accounts.models import User
from submissions import policy
from submissions.models import Article, ArticleEvent
from submissions.states import Status
from submissions.workflow import article_erase

# Public record: these stay (under the pen name or "former contributor") when the author leaves.
PUBLIC_STATES = (Status.PUBLISHED, Status.RETRACTED)


def export(user: User) -> dict[str, Any]:
    articles = Article.objects.filter(author=user).select_related("category").prefetch_related("revisions")
    return {
        "articles": [
            {
                "id": a.pk,
                "status": a.status,
                "title": a.title,
                "lead": a.lead,
                "body": a.body,
                "language": a.language,
                "category": a.category.slug if a.category else None,
                "slug": a.slug,
                "created_at": a.created_at.isoformat(),
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "published_at": a.published_at.isoformat() if a.published_at else None,
                "revisions": [
                    {"number": r.number, "title": r.title, "lead": r.lead, "body": r.body}
                    for r in a.revisions.all()
                ],
            }
            for a in articles
        ],
        # what happened to the user's articles, and what the user did: what the author is shown of their articles'
        # history (policy.AUTHOR_VISIBLE_ACTIONS; editors' internal work stays out, decisions by others anonymous)
        "events": [
            {
                "article": e.article_id,
                "action": e.action,
                "from": e.from_status,
                "to": e.to_status,
                "by_me": e.actor_id == user.pk,
                "message": policy.author_message(e),
                "at": e.created_at.isoformat(),
            }
            for e in ArticleEvent.objects.filter(policy.AUTHOR_VISIBLE, article__author=user).order_by(
                "created_at", "id"
            )
        ],
        # what the user did to other people's articles (an editor's decisions, claims)
        "actions": [
            {
                "article": e.article_id,
                "action": e.action,
                "message": e.message,
                "at": e.created_at.isoformat(),
            }
            for e in ArticleEvent.objects.filter(actor=user)
            .exclude(article__author=user)
            .order_by("created_at", "id")
        ],
    }


def erase(user: User) -> None:
    """Drafts and every article that never went public lose their content, revisions, media and checks; the
    emptied rows stay for the append-only audit trail (who decided what, when), which names no content."""
    for article_id in (
        Article.objects.filter(author=user).exclude(status__in=PUBLIC_STATES).values_list("pk", flat=True)
    ):
        article_erase(article_id=article_id)
