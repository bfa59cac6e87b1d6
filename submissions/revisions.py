"""Revisions: frozen snapshots of an article, and word-level diffs between any two.

Every author save makes one (autosaves by the same person within NEWSROOM["AUTOSAVE_COALESCE"] update the last
autosave instead of piling up), every submit makes one, every editorial edit makes one. Callers hold the article's
row lock, so numbers never collide.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from django.conf import settings
from django.utils import timezone

from newsroom.accounts.models import User
from submissions.models import Article, Revision
from submissions.states import RevisionKind

TEXT_FIELDS = ("title", "lead", "body")
# what else a snapshot keeps (in Revision.extra)
EXTRA_FIELDS = (
    "language",
    "category",
    "tags",
    "place_name",
    "latitude",
    "longitude",
    "has_third_party_material",
    "rights_confirmed",
    "sources",
)


def extra_of(article: Article) -> dict[str, Any]:
    return {
        "tags": sorted(article.tags.values_list("name", flat=True)),
        "place_name": article.place_name,
        "latitude": str(article.latitude) if article.latitude is not None else None,
        "longitude": str(article.longitude) if article.longitude is not None else None,
        "has_third_party_material": article.has_third_party_material,
        "rights_confirmed": article.rights_confirmed,
        "sources": [
            {"kind": s.kind, "url": s.url, "description": s.description}
            for s in article.sources.order_by("position")
        ],
    }


def snapshot(
    article: Article,
    *,
    kind: str,
    actor: User,
    changed: list[str] | None = None,
    text: dict[str, str] | None = None,
) -> Revision:
    """Records the working copy as a revision (or, for an autosave, refreshes a recent autosave of the same
    person). `text` overrides the working copy's title, lead or body: a proposed update of a published article
    is a revision whose text is not (yet) the article's. Returns the revision."""
    now = timezone.now()
    last = article.revisions.order_by("-number").first()
    fields = {
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "language": article.language,
        "category_id": article.category_id,
        "extra": extra_of(article),
        **(text or {}),
    }
    if (
        kind == RevisionKind.AUTOSAVE
        and last is not None
        and last.kind == RevisionKind.AUTOSAVE
        and last.created_by_id == actor.pk
        and last.updated_at >= now - settings.NEWSROOM["AUTOSAVE_COALESCE"]
    ):
        for name, value in fields.items():
            setattr(last, name, value)
        last.changed = sorted(set(last.changed) | set(changed or []))
        last.updated_at = now
        last.save(update_fields=[*fields, "changed", "updated_at"])
        return last
    return Revision.objects.create(
        article=article,
        number=(last.number if last else 0) + 1,
        kind=kind,
        changed=sorted(changed or []),
        created_by=actor,
        created_at=now,
        updated_at=now,
        **fields,
    )


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def word_diff(old: str, new: str) -> list[dict[str, str]]:
    """[{"op": "equal" | "delete" | "insert", "text": ...}]: words, spaces and punctuation as tokens.

    Compared line by line first (the paragraphs of the Markdown), then word by word within the lines that changed:
    the word comparison costs the square of the length it is given, and a text's edits seldom span all of it (a
    100 000-character body compared word by word whole takes tens of seconds; its changed paragraphs, milliseconds).
    The same text is one equal run at once."""
    ops: list[dict[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if ops and ops[-1]["op"] == op:
            ops[-1]["text"] += text
        else:
            ops.append({"op": op, "text": text})

    if old == new:
        add("equal", old or "")
        return ops
    lines_a, lines_b = (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=lines_a, b=lines_b, autojunk=False).get_opcodes():
        if tag == "equal":
            add("equal", "".join(lines_a[i1:i2]))
            continue
        a, b = _tokens("".join(lines_a[i1:i2])), _tokens("".join(lines_b[j1:j2]))
        for op, k1, k2, m1, m2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if op == "equal":
                add("equal", "".join(a[k1:k2]))
            else:
                add("delete", "".join(a[k1:k2]))
                add("insert", "".join(b[m1:m2]))
    return ops


def revision_diff(old: Revision, new: Revision) -> dict[str, Any]:
    """Word-level diffs of the text fields, and the other fields that changed (before, after)."""
    fields = {name: word_diff(getattr(old, name), getattr(new, name)) for name in TEXT_FIELDS}
    before = {"language": old.language, "category": old.category.slug if old.category else None, **old.extra}
    after = {"language": new.language, "category": new.category.slug if new.category else None, **new.extra}
    other = {
        k: {"from": before.get(k), "to": after.get(k)} for k in EXTRA_FIELDS if before.get(k) != after.get(k)
    }
    return {
        "from": old.number,
        "to": new.number,
        "fields": fields,
        "changed_text": [name for name in TEXT_FIELDS if getattr(old, name) != getattr(new, name)],
        "other": other,
    }
