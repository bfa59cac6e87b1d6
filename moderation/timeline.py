"""The author's view of an article's history: transitions, revisions, automated checks and what was done to the
media, in time order. Editors' internal notes and claims are not part of it."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from moderation.models import CheckResult
from submissions.models import Article, RejectionReason
from submissions.states import INTERNAL_ACTIONS, Action, RevisionKind


def _who(actor_id: int | None, article: Article) -> str:
    if actor_id is None:
        return "system"
    return "author" if actor_id == article.author_id else "editor"


def timeline(article: Article) -> dict[str, Any]:
    lang = "en" if (translation.get_language() or "ru").startswith("en") else "ru"
    entries: list[dict[str, Any]] = []
    reasons = {r.code: r.label_for(lang) for r in RejectionReason.objects.all()}
    for event in article.events.exclude(action__in=INTERNAL_ACTIONS).order_by("created_at", "id"):
        entry: dict[str, Any] = {
            "type": "event",
            "at": event.created_at,
            "action": event.action,
            "label": Action(event.action).label,
            "by": _who(event.actor_id, article),
            "from": event.from_status,
            "to": event.to_status,
        }
        if event.message:
            entry["message"] = event.message
        if event.action in (Action.REJECT, Action.UPDATE_REJECT) and event.data.get("reason_code"):
            code = event.data["reason_code"]
            entry["reason"] = {"code": code, "label": reasons.get(code, code)}
        if event.data.get("revision"):
            entry["revision"] = event.data["revision"]
        entries.append(entry)
    for revision in article.revisions.order_by("number"):
        entries.append(
            {
                "type": "revision",
                "at": revision.updated_at,
                "revision": revision.number,
                "kind": revision.kind,
                "label": RevisionKind(revision.kind).label,
                "by": _who(revision.created_by_id, article),
                "changed": revision.changed,
            }
        )
    results = CheckResult.objects.filter(revision__article=article).select_related("revision")
    for result in results.order_by("finished_at", "check_name"):
        entries.append(
            {
                "type": "check",
                "at": result.finished_at,
                "revision": result.revision.number,
                "check": result.check_name,
                "outcome": result.outcome,
                "findings": [
                    {"code": f["code"], "message": f.get(lang) or f.get("en", "")} for f in result.findings
                ],
            }
        )
    located = 0
    for media in article.media.order_by("created_at", "id"):
        removed = list(media.metadata_removed or [])
        located += "gps" in removed
        entries.append(
            {
                "type": "media",
                "at": media.created_at,
                "media": media.pk,
                "metadata_removed": removed,
                "message": (
                    _("Photo added; location data and other metadata removed.")
                    if "gps" in removed
                    else _("Photo added; metadata removed.")
                    if removed
                    else _("Photo added.")
                ),
            }
        )
    entries.sort(key=lambda e: e["at"])
    summary = []
    if located:
        summary.append(
            ngettext(
                "Location data removed from %(n)d photo.", "Location data removed from %(n)d photos.", located
            )
            % {"n": located}
        )
    return {"article": article.pk, "status": article.status, "summary": summary, "entries": entries}
