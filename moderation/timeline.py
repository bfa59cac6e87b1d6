"""The author's view of an article's history: transitions, revisions, automated checks and what was done to the
media, in time order. Only what submissions.policy lets the author see is part of it: the events of
AUTHOR_VISIBLE_ACTIONS (never notes, claims, stage sign-offs...), the messages written for the author, and the
check findings that name no unpublished article (`author_check`, also behind GET /api/v1/articles/<id>/checks/)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from moderation.check_names import legacy_author_findings
from moderation.models import CheckResult, Outcome
from submissions import policy
from submissions.models import Article, RejectionReason
from submissions.states import Action, RevisionKind


def _who(actor_id: int | None, article: Article) -> str:
    if actor_id is None:
        return "system"
    return "author" if actor_id == article.author_id else "editor"


def reader_language() -> str:
    """ru unless the request asks for en (Accept-Language)."""
    return "en" if (translation.get_language() or "ru").startswith("en") else "ru"


def author_check(result: CheckResult, lang: str) -> dict[str, Any]:
    """outcome, score and findings (each in `lang`) of a check as its author may see them: without the findings
    for editors only (policy.finding_visible_to_author). A result whose every finding is for the editors shows
    as a pass: it says nothing the author could act on, and its warning would tell of another's article."""
    findings = [f for f in result.findings if policy.finding_visible_to_author(f)]
    if result.check_name == "near_duplicate":
        findings = legacy_author_findings(findings, result.check_version)
    outcome, score = result.outcome, result.score
    if result.findings and not findings:
        outcome, score = Outcome.PASS, 0.0
    return {
        "outcome": outcome,
        "score": score,
        "findings": [{"code": f["code"], "message": f.get(lang) or f.get("en", "")} for f in findings],
    }


def timeline(article: Article) -> dict[str, Any]:
    lang = reader_language()
    entries: list[dict[str, Any]] = []
    reasons = {r.code: r.label_for(lang) for r in RejectionReason.objects.all()}
    for event in policy.author_timeline(article):
        entry: dict[str, Any] = {
            "type": "event",
            "at": event.created_at,
            "action": event.action,
            "label": Action(event.action).label,
            "by": _who(event.actor_id, article),
            "from": event.from_status,
            "to": event.to_status,
        }
        message = policy.author_message(event)
        if message:
            entry["message"] = message
        if event.action in (Action.REJECT, Action.UPDATE_REJECT) and event.data.get("reason_code"):
            code = event.data["reason_code"]
            entry["reason"] = {"code": code, "label": reasons.get(code, code)}
            if event.data.get("legal_ground"):  # the law a rejection rests on, as the decision mail names it
                entry["legal_ground"] = str(event.data["legal_ground"])
        if event.action == Action.APPROVE and isinstance(event.data.get("publish_at"), str):
            entry["publish_at"] = parse_datetime(event.data["publish_at"])  # later than `at`: scheduled
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
        seen = author_check(result, lang)
        entries.append(
            {
                "type": "check",
                "at": result.finished_at,
                "revision": result.revision.number,
                "check": result.check_name,
                "outcome": seen["outcome"],
                "findings": seen["findings"],
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
