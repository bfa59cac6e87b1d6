"""The author's timeline of one article, as a page: what happened to it, when, and what to do next.

Built on the API's timeline (`moderation.timeline.timeline`, behind GET /api/v1/articles/<id>/timeline/), never on
a second reading of the audit trail: what the page may show is what submissions.policy lets the author see — the
events of AUTHOR_VISIBLE_ACTIONS, the messages written for the author, the check findings that name no unpublished
article. Claims, notes, stage work, a junior editor's first approval and editors' names never reach it.

On top of those entries the page adds what a person reading it needs: the word diff of each revision against the
text it changed (`submissions.revisions.revision_diff`, the API's diff), the checks of a revision grouped with
what to do about each finding, the public link, and the next step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_safe

from moderation.check_names import CHECK_NAMES
from moderation.models import Outcome
from moderation.timeline import timeline
from newsroom.studio.check_advice import advice_for
from submissions import policy
from submissions.errors import NotFound
from submissions.models import Article, Revision
from submissions.revisions import revision_diff
from submissions.selectors import article_get_for_actor
from submissions.states import Action, Language, RevisionKind, Status

# unchanged text kept on each side of a change in a diff; longer unchanged runs are cut in the middle
CONTEXT = 160


# --- the page's items ------------------------------------------------------------------------------------------


@dataclass
class Op:
    op: str  # equal | delete | insert | skip (unchanged text left out)
    text: str = ""


@dataclass
class FieldDiff:
    label: str
    ops: list[Op]


@dataclass
class OtherChange:
    label: str
    before: str
    after: str


@dataclass
class Diff:
    base: int
    number: int
    fields: list[FieldDiff]
    other: list[OtherChange]

    @property
    def empty(self) -> bool:
        return not self.fields and not self.other


@dataclass
class Finding:
    message: str
    advice: str


@dataclass
class CheckRow:
    name: str
    outcome: str  # the outcome's code, for the page's marks
    outcome_label: str
    findings: list[Finding]


@dataclass
class Checks:
    revision: int
    flagged: list[CheckRow]
    passed: list[str]


@dataclass
class Item:
    """One dated entry of the timeline."""

    at: datetime
    kind: str  # event | revision | checks | media: the entry's look
    text: str
    anchor: str = ""
    by: str = ""  # author | editor | system
    message: str = ""
    message_label: str = ""
    details: list[str] = field(default_factory=list)  # before the message: the reason, the legal ground
    hints: list[str] = field(default_factory=list)  # after it: what the author may do now
    link: str = ""
    link_text: str = ""
    diff: Diff | None = None
    first_version: bool = False
    checks: Checks | None = None


def _when(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


# --- diffs -----------------------------------------------------------------------------------------------------


def _cut_head(text: str) -> str:
    head = text[:CONTEXT]
    cut = head.rfind(" ")
    return head[: cut + 1] if cut > CONTEXT // 2 else head


def _cut_tail(text: str) -> str:
    tail = text[-CONTEXT:]
    cut = tail.find(" ")
    return tail[cut:] if 0 <= cut < CONTEXT // 2 else tail


def trimmed(ops: Iterable[dict[str, str]]) -> list[Op]:
    """The diff's operations with long unchanged runs cut down to CONTEXT characters around each change."""
    ops = list(ops)
    result: list[Op] = []
    for index, op in enumerate(ops):
        text = op["text"]
        if op["op"] != "equal" or len(text) <= 2 * CONTEXT + 40:
            result.append(Op(op["op"], text))
            continue
        first, last = index == 0, index == len(ops) - 1
        if not first:
            result.append(Op("equal", _cut_head(text)))
        result.append(Op("skip"))
        if not last:
            result.append(Op("equal", _cut_tail(text)))
    return result


FIELD_LABELS: dict[str, Promise] = {
    "title": pgettext_lazy("diff field", "Title"),
    "lead": pgettext_lazy("diff field", "Lead"),
    "body": pgettext_lazy("diff field", "Text"),
    "language": pgettext_lazy("diff field", "Language"),
    "category": pgettext_lazy("diff field", "Section"),
    "tags": pgettext_lazy("diff field", "Tags"),
    "place_name": pgettext_lazy("diff field", "Place"),
    "latitude": pgettext_lazy("diff field", "Latitude"),
    "longitude": pgettext_lazy("diff field", "Longitude"),
    "has_third_party_material": pgettext_lazy("diff field", "Contains material by others"),
    "rights_confirmed": pgettext_lazy("diff field", "Right to publish confirmed"),
    "sources": pgettext_lazy("diff field", "Sources"),
}


def _shown(value: Any, categories: dict[str, str]) -> str:
    """A snapshot's value as a line of text (the template escapes it)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return pgettext("diff value", "yes") if value else pgettext("diff value", "no")
    if isinstance(value, list):
        parts = []
        for entry in value:
            if isinstance(entry, dict):  # a source
                parts.append(" ".join(str(entry.get(k) or "") for k in ("description", "url")).strip())
            else:
                parts.append(str(entry))
        return "; ".join(part for part in parts if part) or "—"
    return categories.get(str(value), str(value))


def diff_of(base: Revision, revision: Revision, categories: dict[str, str]) -> Diff:
    data = revision_diff(base, revision)
    fields = [
        FieldDiff(str(FIELD_LABELS[name]), trimmed(data["fields"][name])) for name in data["changed_text"]
    ]
    other = []
    for name, change in data["other"].items():
        known = (
            categories
            if name == "category"
            else {code: str(label) for code, label in Language.choices}
            if name == "language"
            else {}
        )
        other.append(
            OtherChange(
                str(FIELD_LABELS.get(name, name)), _shown(change["from"], known), _shown(change["to"], known)
            )
        )
    return Diff(base=base.number, number=revision.number, fields=fields, other=other)


def revision_bases(revisions: list[Revision], approved_updates: set[int]) -> dict[int, Revision | None]:
    """What each revision is compared with: a save, submit or editorial edit with the revision before it; a
    proposed update of the published article with the text that was live then (the last revision before
    publication, or the last approved update). The first revision has nothing before it."""
    bases: dict[int, Revision | None] = {}
    previous: Revision | None = None
    live: Revision | None = None
    for revision in revisions:
        if revision.kind == RevisionKind.UPDATE:
            bases[revision.number] = live
            if revision.number in approved_updates:
                live = revision
        else:
            bases[revision.number] = previous
            previous = live = revision
    return bases


# --- the events, as sentences --------------------------------------------------------------------------------

EVENT_TEXT: dict[str, Promise] = {
    Action.CREATE: gettext_lazy("You started the article."),
    Action.WITHDRAW: gettext_lazy("You withdrew the article."),
    Action.CHECKS_COMPLETE: gettext_lazy(
        "The automated checks are done: the article is waiting for an editor."
    ),
    Action.REQUEST_CHANGES: gettext_lazy("The editors asked for changes."),
    Action.REJECT: gettext_lazy("The editors rejected the article."),
    Action.PUBLISH: gettext_lazy("The article was published."),
    Action.RETRACT: gettext_lazy("The article was retracted."),
    Action.APPEAL: gettext_lazy("You appealed the rejection."),
    Action.UNSCHEDULE: gettext_lazy("The publication was called off: the article is back in review."),
    Action.CORRECT: gettext_lazy("A correction was published."),
    Action.UPDATE_APPROVE: gettext_lazy("The editors approved your update: readers now see the new text."),
    Action.UPDATE_REJECT: gettext_lazy(
        "The editors rejected your update: the published text stays as it was."
    ),
}

MESSAGE_LABELS: dict[str, Promise] = {
    Action.REQUEST_CHANGES: gettext_lazy("The editor's message:"),
    Action.REJECT: gettext_lazy("The editor's message:"),
    Action.UPDATE_REJECT: gettext_lazy("The editor's message:"),
    Action.APPROVE: gettext_lazy("The editor's note:"),
    Action.UPDATE_APPROVE: gettext_lazy("The editor's note:"),
    Action.CORRECT: gettext_lazy("Correction:"),
    Action.RETRACT: gettext_lazy("Reason:"),
}

REVISION_TEXT: dict[str, Promise] = {
    RevisionKind.SAVE: gettext_lazy("You saved version %(n)d."),
    RevisionKind.AUTOSAVE: gettext_lazy("Version %(n)d was saved automatically."),
    RevisionKind.SUBMIT: gettext_lazy("You submitted version %(n)d for review."),
    RevisionKind.EDIT: gettext_lazy("An editor edited the text: version %(n)d."),
    RevisionKind.UPDATE: gettext_lazy("You proposed an update of the published text: version %(n)d."),
}


def _event_text(entry: dict[str, Any]) -> str:
    action = entry["action"]
    number = entry.get("revision")
    if action == Action.SUBMIT:
        if number:
            return str(REVISION_TEXT[RevisionKind.SUBMIT]) % {"n": number}
        return _("You submitted the article for review.")
    if action == Action.EDIT and number:
        return str(REVISION_TEXT[RevisionKind.EDIT]) % {"n": number}
    if action == Action.UPDATE_PROPOSE and number:
        return str(REVISION_TEXT[RevisionKind.UPDATE]) % {"n": number}
    if action == Action.APPROVE:
        when = entry.get("publish_at")
        if when is not None and when > entry["at"]:
            return _("The editors approved the article for publication on %(when)s.") % {"when": _when(when)}
        return _("The editors approved the article.")
    if action == Action.WITHDRAW and entry["by"] != "author":
        return _("The article was withdrawn when its author's account was deleted.")
    text = EVENT_TEXT.get(action)
    return str(text) if text is not None else str(entry["label"])


def _event_item(entry: dict[str, Any], article: Article, latest_reject: bool) -> Item:
    action = entry["action"]
    item = Item(at=entry["at"], kind="event", text=_event_text(entry), by=entry["by"])
    if entry.get("message"):
        item.message = entry["message"]
        label = MESSAGE_LABELS.get(action)
        item.message_label = str(label) if label is not None else _("Your message:")
    if entry.get("reason"):
        item.details.append(_("Reason: %(reason)s") % {"reason": entry["reason"]["label"]})
    if entry.get("legal_ground"):
        item.details.append(_("Legal ground: %(ground)s") % {"ground": entry["legal_ground"]})
    if action == Action.REQUEST_CHANGES:
        item.hints.append(_("Edit the article and submit it again."))
    if action == Action.REJECT and latest_reject and policy.may_appeal(article):
        item.hints.append(_("If you disagree, you may appeal this decision once."))
    if action == Action.PUBLISH and article.slug:
        item.link = reverse("web-article", kwargs={"slug": article.slug})
        item.link_text = _("Open the published article")
    return item


def _checks_items(entries: list[dict[str, Any]]) -> list[Item]:
    """The check results of each revision as one entry, dated by the last of them to finish."""
    by_revision: dict[int, list[dict[str, Any]]] = {}
    for entry in entries:
        by_revision.setdefault(entry["revision"], []).append(entry)
    items = []
    for number, results in by_revision.items():
        flagged, passed = [], []
        for result in sorted(results, key=lambda r: r["check"]):
            name = str(CHECK_NAMES.get(result["check"], result["check"]))
            if result["outcome"] == Outcome.PASS:
                passed.append(name)
                continue
            findings = [Finding(f["message"], advice_for(f["code"])) for f in result["findings"]]
            if result["outcome"] == Outcome.ERROR:
                findings.append(
                    Finding(_("The check could not run. The editors will review the article without it."), "")
                )
            flagged.append(
                CheckRow(name, str(result["outcome"]), str(Outcome(result["outcome"]).label), findings)
            )
        if flagged:
            text = _("The automated checks of version %(n)d found something to look at.") % {"n": number}
        else:
            text = _("The automated checks of version %(n)d found no problems.") % {"n": number}
        items.append(
            Item(
                at=max(r["at"] for r in results),
                kind="checks",
                text=text,
                by="system",
                anchor=f"checks-{number}",
                checks=Checks(revision=number, flagged=flagged, passed=passed),
            )
        )
    return items


def items_of(article: Article, data: dict[str, Any], revisions: list[Revision]) -> list[Item]:
    """The page's entries from the API's timeline (`data`) and the article's revisions, in time order."""
    entries = data["entries"]
    events = [e for e in entries if e["type"] == "event"]
    approved_updates = {
        e["revision"] for e in events if e["action"] == Action.UPDATE_APPROVE and e.get("revision")
    }
    bases = revision_bases(revisions, approved_updates)
    by_number = {r.number: r for r in revisions}
    language = translation.get_language()
    categories = {r.category.slug: r.category.name_for(language) for r in revisions if r.category is not None}

    def diff_for(number: int) -> tuple[Diff | None, bool]:
        revision = by_number.get(number)
        if revision is None:
            return None, False
        base = bases.get(number)
        if base is None:
            return None, True
        return diff_of(base, revision, categories), False

    # an event that names the revision it made (submit, editorial edit, proposed update) carries its diff
    told = {
        e["revision"]
        for e in events
        if e.get("revision") and e["action"] in (Action.SUBMIT, Action.EDIT, Action.UPDATE_PROPOSE)
    }
    rejects = [e for e in events if e["action"] == Action.REJECT]
    items: list[Item] = []
    for entry in entries:
        if entry["type"] == "event":
            item = _event_item(entry, article, latest_reject=bool(rejects) and entry is rejects[-1])
            if entry.get("revision") in told and entry["action"] != Action.UPDATE_APPROVE:
                item.diff, item.first_version = diff_for(entry["revision"])
                item.anchor = f"version-{entry['revision']}"
            items.append(item)
        elif entry["type"] == "revision" and entry["revision"] not in told:
            number = entry["revision"]
            template = REVISION_TEXT.get(entry["kind"])
            text = str(template) % {"n": number} if template is not None else str(entry["label"])
            item = Item(
                at=entry["at"], kind="revision", text=text, by=entry["by"], anchor=f"version-{number}"
            )
            item.diff, item.first_version = diff_for(number)
            items.append(item)
        elif entry["type"] == "media":
            items.append(Item(at=entry["at"], kind="media", text=entry["message"], by="author"))
    items += _checks_items([e for e in entries if e["type"] == "check"])
    items.sort(key=lambda item: item.at)
    return items


# --- the header: where the article stands, what to do next ----------------------------------------------------


def next_step(article: Article) -> str:
    status = article.status
    if status == Status.DRAFT:
        return _("This is a draft: finish it and submit it for review when it is ready.")
    if status == Status.SUBMITTED:
        return _("The automated checks are running. There is nothing for you to do yet.")
    if status == Status.IN_REVIEW:
        return _("The editors are reviewing the article. You will get a notification when they decide.")
    if status == Status.CHANGES_REQUESTED:
        return _("The editors asked for changes: edit the article and submit it again.")
    if status == Status.SCHEDULED:
        if article.publish_at:
            return _("The article is approved and will be published on %(when)s.") % {
                "when": _when(article.publish_at)
            }
        return _("The article is approved and will be published soon.")
    if status == Status.PUBLISHED:
        if policy.has_pending_update(article):
            return _(
                "Your update is waiting for the editors. Readers see the published text until they approve it."
            )
        return _("The article is published. To change it, propose an update in the editor.")
    if status == Status.REJECTED:
        if policy.may_appeal(article):
            return _("The article was rejected. If you disagree, you may appeal once, in the editor.")
        return _("The article was rejected, and the decision is final.")
    if status == Status.WITHDRAWN:
        return _("You withdrew the article.")
    if status == Status.RETRACTED:
        return _("The article was retracted. It stays at its address, with the notice of retraction.")
    return ""


def _article(request: HttpRequest, article_id: int) -> Article:
    """The signed-in author's own article; anyone else's does not exist for them (404), as in the API."""
    try:
        return article_get_for_actor(actor=request.user, article_id=article_id)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404 from exc


@require_safe
@login_required
def page(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    data = timeline(article)
    revisions = list(article.revisions.select_related("category").order_by("number"))
    public = (
        reverse("web-article", kwargs={"slug": article.slug})
        if article.slug and article.status in (Status.PUBLISHED, Status.RETRACTED)
        else ""
    )
    context = {
        "studio_section": "articles",
        "article": article,
        "status_label": Status(article.status).label,
        "next_step": next_step(article),
        "public_url": public,
        "summary": data["summary"],
        "items": items_of(article, data, revisions),
    }
    return render(request, "studio/timeline.html", context)
