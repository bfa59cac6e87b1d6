"""The audit trail as one listing: article events (transitions, claims, releases, notes, edits, stages,
corrections) and role changes, newest first, with filters and a keyset cursor; also as CSV for chief editors.

Both tables are append-only in the database (newsroom/db/append_only.py); nothing here writes.
"""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from newsroom.accounts.models import RoleChange
from newsroom.api.errors import ApplicationError
from submissions.models import ArticleEvent

ARTICLE, ROLE = "article", "role"
_RANK = {ROLE: 0, ARTICLE: 1}  # ties on created_at: article rows before role rows (descending)
ROLE_ACTIONS = ("role_grant", "role_revoke")


class BadCursor(ApplicationError):
    code = "invalid_cursor"
    status = 400
    default_message = _("The cursor is not valid; start again from the first page.")


@dataclass
class AuditFilters:
    kind: str | None = None  # article / role
    article: int | None = None
    actor: int | None = None
    user: int | None = None  # whose roles changed
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Position:
    at: datetime
    kind: str
    id: int

    def encode(self) -> str:
        raw = f"{self.at.isoformat()}|{self.kind}|{self.id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Position:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            at, kind, ident = raw.split("|")
            parsed = parse_datetime(at)
            if parsed is None or kind not in _RANK:
                raise ValueError(raw)
            return cls(parsed, kind, int(ident))
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadCursor() from exc


def _after(position: Position | None, kind: str) -> Q:
    """Rows that come after `position` in (created_at, kind rank, id) descending order."""
    if position is None:
        return Q()
    if _RANK[kind] < _RANK[position.kind]:
        return Q(created_at__lte=position.at)
    if _RANK[kind] > _RANK[position.kind]:
        return Q(created_at__lt=position.at)
    return Q(created_at__lt=position.at) | Q(created_at=position.at, id__lt=position.id)


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


def _person(user: Any) -> dict[str, Any] | None:
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


def _sort_key(row: dict[str, Any]) -> tuple[datetime, int, int]:
    return (row["at"], _RANK[row["kind"]], int(row["id"].split(":")[1]))


def page(
    filters: AuditFilters, *, after: Position | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """One page, newest first, and the cursor of the next page (None at the end). At most two queries."""
    rows: list[dict[str, Any]] = []
    events, roles = _events(filters), _roles(filters)
    if events is not None:
        rows += [_event_row(e) for e in events.filter(_after(after, ARTICLE))[: limit + 1]]
    if roles is not None:
        rows += [_role_row(r) for r in roles.filter(_after(after, ROLE))[: limit + 1]]
    rows.sort(key=_sort_key, reverse=True)
    more = len(rows) > limit
    rows = rows[:limit]
    if not more or not rows:
        return rows, None
    last = rows[-1]
    return rows, Position(last["at"], last["kind"], int(last["id"].split(":")[1])).encode()


def iter_all(filters: AuditFilters, *, chunk: int = 1000) -> Iterator[dict[str, Any]]:
    after: Position | None = None
    while True:
        rows, cursor = page(filters, after=after, limit=chunk)
        yield from rows
        if cursor is None:
            return
        after = Position.decode(cursor)


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
