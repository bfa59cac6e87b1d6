"""Author writes that are not lifecycle moves: creating and editing the working copy (and its revisions)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from newsroom.accounts.models import User
from submissions import policy
from submissions.content import normalize_tags, render_markdown
from submissions.errors import ArticleNotEditable, PreconditionFailed
from submissions.models import Article, ArticleEvent, Source, Tag
from submissions.revisions import snapshot
from submissions.selectors import article_get_for_actor
from submissions.states import Action, RevisionKind

SCALAR_FIELDS = (
    "title",
    "lead",
    "body",
    "language",
    "category",
    "place_name",
    "region",
    "latitude",
    "longitude",
    "has_third_party_material",
    "rights_confirmed",
    "cover",
)
EDITABLE_FIELDS = (*SCALAR_FIELDS, "tags", "sources")


def apply_fields(article: Article, fields: dict[str, Any]) -> list[str]:
    """Writes the given fields to the working copy (saved, version bumped if anything changed); returns the
    names that really changed."""
    changed = []
    for name in SCALAR_FIELDS:
        if name in fields and getattr(article, name) != fields[name]:
            setattr(article, name, fields[name])
            changed.append(name)
    if "tags" in fields:
        names = normalize_tags(fields["tags"])
        if sorted(names) != sorted(article.tags.values_list("name", flat=True)):
            article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in names])
            changed.append("tags")
    if "sources" in fields:
        wanted = [(s["kind"], s.get("url", ""), s.get("description", "")) for s in fields["sources"]]
        current = [(s.kind, s.url, s.description) for s in article.sources.order_by("position")]
        if wanted != current:
            article.sources.all().delete()
            Source.objects.bulk_create(
                Source(article=article, kind=kind, url=url, description=description, position=i)
                for i, (kind, url, description) in enumerate(wanted)
            )
            changed.append("sources")
    if changed:
        update = [name for name in changed if name in SCALAR_FIELDS]
        if "body" in changed:
            article.body_html = render_markdown(article.body)
            update.append("body_html")
        article.version += 1
        article.save(update_fields=[*update, "version", "updated_at"])
    return changed


@transaction.atomic
def article_create(*, actor: User, **fields: Any) -> Article:
    article = Article(author=actor)
    article.save()
    apply_fields(article, {k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    ArticleEvent.objects.create(article=article, actor=actor, action=Action.CREATE, to_status=article.status)
    snapshot(
        article,
        kind=RevisionKind.SAVE,
        actor=actor,
        changed=sorted(k for k in fields if k in EDITABLE_FIELDS),
    )
    return article


@transaction.atomic
def article_update(
    *,
    actor: User,
    article_id: int,
    expected_version: int | None = None,
    autosave: bool = False,
    **fields: Any,
) -> Article:
    """Changes the working copy if `expected_version` is still current (If-Match), and records a revision
    (autosaves coalesce). A stale version raises PreconditionFailed and changes nothing."""
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True)
    if expected_version is not None and expected_version != article.version:
        raise PreconditionFailed(version=article.version)
    if not policy.may_edit(article):
        raise ArticleNotEditable(status=article.status)
    changed = apply_fields(article, {k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    if changed:
        snapshot(
            article,
            kind=RevisionKind.AUTOSAVE if autosave else RevisionKind.SAVE,
            actor=actor,
            changed=changed,
        )
    return article
