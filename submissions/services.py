"""Author writes that are not lifecycle moves: creating and editing the working copy (and its revisions)."""

from __future__ import annotations

from collections.abc import Mapping
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


def render_body(fields: Mapping[str, Any], *, current_body: str | None = None) -> str | None:
    """The HTML of `fields["body"]`, for apply_fields(body_html=...): rendered before the row is locked, so that no
    lock (on SQLite: the database's one write lock) is held while a long body renders. None when there is no body
    to render, or when it is `current_body` (read without a lock: a body that did change meanwhile is rendered
    under the lock, as before)."""
    body = fields.get("body")
    if body is None or body == current_body:
        return None
    return render_markdown(body)


def apply_fields(article: Article, fields: dict[str, Any], *, body_html: str | None = None) -> list[str]:
    """Writes the given fields to the working copy (saved, version bumped if anything changed); returns the
    names that really changed. `body_html`, if given, is render_body(fields): the body is not rendered again."""
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
            article.body_html = render_markdown(article.body) if body_html is None else body_html
            update.append("body_html")
        article.version += 1
        article.save(update_fields=[*update, "version", "updated_at"])
    return changed


def article_create(*, actor: User, **fields: Any) -> Article:
    editable = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
    body_html = render_body(editable, current_body="")  # before the transaction (and its lock)
    with transaction.atomic():
        article = Article(author=actor)
        article.save()
        apply_fields(article, editable, body_html=body_html)
        ArticleEvent.objects.create(
            article=article, actor=actor, action=Action.CREATE, to_status=article.status
        )
        snapshot(article, kind=RevisionKind.SAVE, actor=actor, changed=sorted(editable))
    return article


def article_update(
    *,
    actor: User,
    article_id: int,
    expected_version: int | None = None,
    autosave: bool = False,
    **fields: Any,
) -> Article:
    """Changes the working copy if `expected_version` is still current (If-Match), and records a revision
    (autosaves coalesce). A stale version raises PreconditionFailed and changes nothing. A new body is rendered
    before the row is locked; the version is checked, and the result written, under the lock."""
    editable = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
    body_html = None
    if "body" in editable:
        unlocked = article_get_for_actor(actor=actor, article_id=article_id)
        body_html = render_body(editable, current_body=unlocked.body)
    with transaction.atomic():
        article = article_get_for_actor(actor=actor, article_id=article_id, lock=True)
        if expected_version is not None and expected_version != article.version:
            raise PreconditionFailed(version=article.version)
        if not policy.may_edit(article):
            raise ArticleNotEditable(status=article.status)
        changed = apply_fields(article, editable, body_html=body_html)
        if changed:
            snapshot(
                article,
                kind=RevisionKind.AUTOSAVE if autosave else RevisionKind.SAVE,
                actor=actor,
                changed=changed,
            )
    return article
