"""What the newsroom tells people, in-app (accounts.Notification) and by e-mail, in the recipient's language:

* the author, of every editorial decision on their article (`notify_decision`, from the `article_decided` signal);
* editors, of the overdue articles waiting in their queue (`overdue_digest`, from beat).

Both are idempotent through `Notification.key`: the row is created once, and the letter goes out only by the call
that created it, so a redelivered task neither notifies nor mails twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.utils.translation import override as language_override

from moderation.selectors import queue_for
from newsroom.accounts.models import Notification, User
from submissions import policy
from submissions.models import Article, ArticleEvent, RejectionReason
from submissions.states import DECISIONS, Action

log = logging.getLogger(__name__)

MODERATE = ("submissions", "moderate_article")
DIGEST_KIND = "overdue_digest"
DIGEST_LIST_LIMIT = 20  # articles named in one digest; the total is always stated


# --- shared -------------------------------------------------------------------------------------------------------


def _when(value: datetime) -> str:
    """A date and time in the active language's format, in the site's time zone."""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _article_title(article: Article) -> str:
    return article.title or f"#{article.pk}"


def _deliver(
    *, user: User, kind: str, key: str, title: str, body: str, data: dict[str, Any], letter: str
) -> Notification | None:
    """Stores the notification under `key` and mails `letter` if, and only if, this call created the row.

    The letter is sent inside the transaction that inserts the row: if sending fails, the row is rolled back and
    the task's retry tries both again; a concurrent duplicate waits on the unique key and then finds the row.
    Returns the new notification, or None if it existed already."""
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            key=key,
            defaults={"user": user, "kind": kind, "title": title[:300], "body": body, "data": data},
        )
        if not created:
            return None
        if user.email:
            subject = " ".join(title.split())  # a header: no line breaks, whatever the article's title holds
            send_mail(subject, letter, None, [user.email])
    return notification


def _letter(name: str, body: str) -> str:
    return "\n\n".join([_("Hello, %(name)s!") % {"name": name}, body])


# --- decisions ----------------------------------------------------------------------------------------------------


def decision_key(event_id: int) -> str:
    return f"decision:{event_id}"


def notify_decision(event_id: int) -> Notification | None:
    """Tells the author of the decision recorded by ArticleEvent `event_id`. Nothing for an event that is not a
    decision the author may see (policy.AUTHOR_VISIBLE_ACTIONS), for an author who left (deleted or deactivated),
    or if the author was told already."""
    event = (
        ArticleEvent.objects.select_related("article__author")
        .filter(policy.AUTHOR_VISIBLE, pk=event_id, action__in=list(DECISIONS))
        .first()
    )
    if event is None:
        log.info("event %s is not a decision: nothing to notify", event_id)
        return None
    article = event.article
    author = article.author
    if author.deleted_at is not None or not author.is_active:
        return None
    key = decision_key(event_id)
    if Notification.objects.filter(key=key).exists():
        return None  # a redelivery: told already
    reason_code = str(event.data.get("reason_code") or "")
    reason = RejectionReason.objects.filter(code=reason_code).first() if reason_code else None
    with language_override(author.language):
        title, body = decision_text(event, article, reason, language=author.language)
        letter = _letter(author.display_name, body)
    data = {"article": article.pk, "action": event.action, "reason_code": reason_code}
    return _deliver(user=author, kind=event.action, key=key, title=title, body=body, data=data, letter=letter)


def _scheduled_for(event: ArticleEvent) -> datetime | None:
    """The publication time of an approval that scheduled the article (rather than publishing it at once)."""
    raw = event.data.get("publish_at")
    when = parse_datetime(raw) if isinstance(raw, str) else None
    return when if when is not None and when > event.created_at else None


def decision_text(
    event: ArticleEvent, article: Article, reason: RejectionReason | None, *, language: str
) -> tuple[str, str]:
    """(title, body) of a decision notification, in the active language (the caller overrides it). Quotes only
    what the author may read of the event (policy.author_message)."""
    names = {"title": _article_title(article)}
    message = policy.author_message(event).strip()
    action = event.action
    parts: list[str] = []
    if action == Action.APPROVE:
        when = _scheduled_for(event)
        if when is not None:
            title = _("Your article “%(title)s” was approved") % names
            parts.append(
                _("The editors approved your article “%(title)s”. It will be published on %(when)s.")
                % {**names, "when": _when(when)}
            )
        else:
            title = _("Your article “%(title)s” was published") % names
            parts.append(_("The editors approved your article “%(title)s”, and it is now published.") % names)
        if message:
            parts.append(_("The editor's note:") + "\n" + message)
    elif action == Action.REQUEST_CHANGES:
        title = _("The editors asked for changes to “%(title)s”") % names
        parts.append(
            _(
                "The editors reviewed your article “%(title)s” and ask you to change it before it can be published."
            )
            % names
        )
        if message:
            parts.append(_("The editor's message:") + "\n" + message)
        parts.append(_("Edit the article and submit it again."))
    elif action in (Action.REJECT, Action.UPDATE_REJECT):
        if action == Action.REJECT:
            title = _("Your article “%(title)s” was rejected") % names
            parts.append(_("The editors rejected your article “%(title)s”.") % names)
        else:
            title = _("Your update to “%(title)s” was rejected") % names
            parts.append(
                _(
                    "The editors rejected your changes to the published article “%(title)s”. "
                    "The published text stays as it was."
                )
                % names
            )
        grounds = []
        if reason is not None:
            grounds.append(_("Reason: %(reason)s") % {"reason": reason.label_for(language)})
        legal_ground = str(event.data.get("legal_ground") or "").strip()
        if legal_ground:
            grounds.append(_("Legal ground: %(ground)s") % {"ground": legal_ground})
        if grounds:
            parts.append("\n".join(grounds))
        if message:
            parts.append(_("The editor's message:") + "\n" + message)
        if action == Action.REJECT and (
            article.appealed_at is None or article.appealed_at > event.created_at
        ):
            parts.append(_("If you disagree, you may appeal this decision once."))
    elif action == Action.UPDATE_APPROVE:
        title = _("Your update to “%(title)s” was published") % names
        parts.append(
            _(
                "The editors approved your changes to the published article “%(title)s”. "
                "Readers now see the new text."
            )
            % names
        )
        if message:
            parts.append(_("The editor's note:") + "\n" + message)
    else:  # a decision added to DECISIONS without a text here
        title = _("A decision on your article “%(title)s”") % names
        parts.append(message)
    return title, "\n\n".join(part for part in parts if part)


# --- editors' overdue digest --------------------------------------------------------------------------------------


def digest_slot(now: datetime) -> int:
    """The digest period `now` falls in: one digest per editor per period."""
    period = int(settings.NEWSROOM["OVERDUE_DIGEST_HOURS"]) * 3600
    return int(now.timestamp() // period)


def digest_key(editor_id: int, slot: int) -> str:
    return f"digest:{editor_id}:{slot}"


def digest_recipients() -> Iterable[User]:
    """Active editors (anyone holding moderate_article through a role group, or directly) who can be mailed."""
    perm = Permission.objects.filter(content_type__app_label=MODERATE[0], codename=MODERATE[1])
    return (
        User.objects.filter(is_active=True, deleted_at__isnull=True)
        .exclude(email="")
        .filter(Q(groups__permissions__in=perm) | Q(user_permissions__in=perm))
        .distinct()
        .order_by("pk")
    )


def overdue_for(editor: User, now: datetime) -> tuple[list[Article], int]:
    """The overdue articles the editor could take (their queue, without those a colleague holds a live claim on),
    most overdue first: at most DIGEST_LIST_LIMIT of them, and how many there are in all. Two queries at most,
    whatever the number of articles."""
    others_claim = Q(claimed_by__isnull=False, claim_expires_at__gt=now) & ~Q(claimed_by_id=editor.pk)
    overdue = queue_for(editor).filter(due_at__lt=now).exclude(others_claim)
    shown = list(overdue.only("pk", "title", "due_at").order_by("due_at", "pk")[:DIGEST_LIST_LIMIT])
    total = len(shown) if len(shown) < DIGEST_LIST_LIMIT else overdue.count()
    return shown, total


def digest_text(articles: list[Article], total: int, now: datetime) -> tuple[str, str]:
    """(title, body) of a digest, in the active language."""
    title = ngettext(
        "%(count)d overdue article is waiting for an editor",
        "%(count)d overdue articles are waiting for an editor",
        total,
    ) % {"count": total}
    lines = [
        _("“%(title)s” (#%(id)d), due %(due)s")
        % {"title": _article_title(article), "id": article.pk, "due": _when(article.due_at or now)}
        for article in articles
    ]
    parts = [
        _("These articles in your queue are past their review deadline:"),
        "\n".join(f"- {line}" for line in lines),
    ]
    if total > len(articles):
        parts.append(_("…and %(count)d more.") % {"count": total - len(articles)})
    parts.append(_("Open the moderation queue to take one."))
    return title, "\n\n".join(parts)


def overdue_digest(now: datetime | None = None) -> int:
    """Beat: gives every editor with overdue articles in their queue one digest per period (in-app and by e-mail,
    in the editor's language). Returns how many digests were created by this call."""
    now = now or timezone.now()
    slot = digest_slot(now)
    editors = list(digest_recipients())
    done = set(
        Notification.objects.filter(key__in=[digest_key(e.pk, slot) for e in editors]).values_list(
            "key", flat=True
        )
    )
    created = 0
    for editor in editors:
        key = digest_key(editor.pk, slot)
        if key in done:
            continue  # a second run in the same period
        articles, total = overdue_for(editor, now)
        if not total:
            continue
        with language_override(editor.language):
            title, body = digest_text(articles, total, now)
            letter = _letter(editor.display_name, body)
        data = {"articles": [a.pk for a in articles], "total": total, "slot": slot}
        try:
            if _deliver(
                user=editor, kind=DIGEST_KIND, key=key, title=title, body=body, data=data, letter=letter
            ):
                created += 1
        except DatabaseError:
            raise  # the task retries; digests already given are skipped then
        except Exception:  # e.g. the mail server refused one address: the other editors still get theirs
            log.exception("overdue digest for editor %s not delivered", editor.pk)
    return created
