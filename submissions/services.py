"""Author writes that are not lifecycle moves: creating and editing the working copy."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from submissions.errors import ArticleNotEditable
from submissions.models import Article, ArticleEvent
from submissions.selectors import article_get_for_actor
from submissions.states import EDITABLE_STATES, Action

EDITABLE_FIELDS = ("title", "lead", "body", "language", "category")


@transaction.atomic
def article_create(*, actor: Any, **fields: Any) -> Article:
    article = Article.objects.create(
        author=actor, **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
    )
    ArticleEvent.objects.create(article=article, actor=actor, action=Action.CREATE, to_status=article.status)
    return article


@transaction.atomic
def article_update(*, actor: Any, article_id: int, **fields: Any) -> Article:
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True)
    if article.status not in EDITABLE_STATES:
        raise ArticleNotEditable(status=article.status)
    changed = [name for name in EDITABLE_FIELDS if name in fields and getattr(article, name) != fields[name]]
    for name in changed:
        setattr(article, name, fields[name])
    if changed:
        article.save(update_fields=[*changed, "updated_at"])
    return article
