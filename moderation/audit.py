"""The audit trail as one listing: article events (transitions, claims, releases, notes, edits, stages,
corrections) and role changes, newest first, with filters and a keyset cursor; also as CSV for chief editors.

Both tables are append-only in the database (newsroom/db/append_only.py); nothing here writes.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from newsroom.accounts.models import RoleChange, User
from newsroom.api.pagination import Keyset
from submissions.models import ArticleEvent

ARTICLE, ROLE = "article", "role"
ROLE_ACTIONS = ("role_grant", "role_revoke")
# newest first; at the same instant article rows before role rows. The cursor: base64url of "<at>|<kind>|<id>".
KEYSET = Keyset("created_at", kinds=(ARTICLE, ROLE), opaque=True)


@dataclass
class AuditFilters:
    kind: str | None = None  # article / role
    article: int | None = None
    actor: int | None = None
    user: int | None = None  # whose roles changed
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _events(filters: AuditFilters) -> QuerySet[ArticleEvent] | None:
    if filters.kind == ROLE or filters.user is not None or filters.action in ROLE_ACTIONS:
        return None
    qs = ArticleEvent.objects.select_related("actor", "article")
    if filters.article is not None:
        qs = qs.filter(article_id=filters.article)
    if filters.actor is not None:
        qs = qs.filter(actor_id=filters.actor)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.since:
        qs = qs.filter(created_at__gte=filters.since)
    if filters.until:
        qs = qs.filter(created_at__lt=filters.until)
    return qs.order_by("-created_at", "-id")


def _roles(filters: AuditFilters) -> QuerySet[RoleChange] | None:
    if filters.kind == ARTICLE or filters.article is not None:
        return None
    if filters.action and filters.action not in ROLE_ACTIONS:
        return None
    qs = RoleChange.objects.select_related("actor", "user")
    if filters.actor is not None:
        qs = qs.filter(actor_id=filters.actor)
    if filters.user is not None:
        qs = qs.filter(user_id=filters.user)
    if filters.action:
        qs = qs.filter(granted=filters.action == "role_grant")
    if filters.since:
        qs = qs.filter(created_at__gte=filters.since)
    if filters.until:
        qs = qs.filter(created_at__lt=filters.until)
    return qs.order_by("-created_at", "-id")


def _person(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "display_name": user.display_name} if user is not None else None


def _event_row(event: ArticleEvent) -> dict[str, Any]:
    return {
        "id": f"{ARTICLE}:{event.pk}",
        "kind": ARTICLE,
        "at": event.created_at,
        "actor": _person(event.actor),
        "action": event.action,
        "article": {"id": event.article_id, "title": event.article.title},
        "user": None,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "message": event.message,
        "data": event.data,
    }


def _role_row(change: RoleChange) -> dict[str, Any]:
    return {
        "id": f"{ROLE}:{change.pk}",
        "kind": ROLE,
        "at": change.created_at,
        "actor": _person(change.actor),
        "action": "role_grant" if change.granted else "role_revoke",
        "article": None,
        "user": _person(change.user),
        "from_status": "",
        "to_status": "",
        "message": change.note,
        "data": {"role": change.role},
    }


def page(filters: AuditFilters, *, cursor: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """One page, newest first, and the cursor of the next page (None at the end). At most two queries. An
    unreadable cursor is newsroom.api.pagination.BadCursor (a 400)."""
    sources: dict[str, QuerySet[Any]] = {}
    events, roles = _events(filters), _roles(filters)
    if events is not None:
        sources[ARTICLE] = events
    if roles is not None:
        sources[ROLE] = roles
    rows, following = KEYSET.merged_page(sources, cursor, limit)
    return [_event_row(row) if kind == ARTICLE else _role_row(row) for kind, row in rows], following


def iter_all(filters: AuditFilters, *, chunk: int = 1000) -> Iterator[dict[str, Any]]:
    cursor: str | None = None
    while True:
        rows, cursor = page(filters, cursor=cursor, limit=chunk)
        yield from rows
        if cursor is None:
            return


COLUMNS = [
    "at",
    "id",
    "kind",
    "action",
    "actor_id",
    "actor",
    "article_id",
    "user_id",
    "from",
    "to",
    "message",
    "data",
]


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # a spreadsheet must not run what an author or editor typed (CSV formula injection)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_lines(filters: AuditFilters) -> Iterator[str]:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)  # BOM: spreadsheets open the Cyrillic correctly
    for row in iter_all(filters):
        yield writer.writerow(
            [
                _cell(value)
                for value in (
                    row["at"].isoformat(),
                    row["id"],
                    row["kind"],
                    row["action"],
                    row["actor"]["id"] if row["actor"] else "",
                    row["actor"]["display_name"] if row["actor"] else "system",
                    row["article"]["id"] if row["article"] else "",
                    row["user"]["id"] if row["user"] else "",
                    row["from_status"],
                    row["to_status"],
                    row["message"],
                    json.dumps(row["data"], ensure_ascii=False, sort_keys=True),
                )
            ]
        )
