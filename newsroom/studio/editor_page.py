"""What the editor's page shows and remembers: the article read for the form, the page's memory of the version it
saved last (a per-page token in the session), the preview, and the rendering of the page and of its htmx fragments.
The saving and the moves are newsroom.studio.editor's."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from newsroom.accounts.models import User
from newsroom.accounts.trust import reason_text
from newsroom.api.errors import ApplicationError
from newsroom.studio import guidance
from newsroom.studio.common import author
from newsroom.studio.forms import (
    ARTICLE_FIELDS,
    LABELS,
    MAX_SOURCES,
    ConflictField,
    EditorForm,
    SourceRow,
)
from newsroom.studio.photos import photo_cards
from submissions import policy
from submissions.content import render_markdown
from submissions.errors import (
    EmailNotVerified,
    IncompleteArticle,
    SubmissionRateLimited,
    SubmissionsSuspended,
    TooManyLinks,
)
from submissions.models import Article, ArticleEvent, Media, Source
from submissions.selectors import active_categories
from submissions.states import Action, Language, SourceKind

PAGES = "studio_editor_pages"  # session: editor page id -> [article id, the version that page saved last]
PAGES_KEPT = 20
BODY_PREVIEW_LIMIT = 100_000  # ArticleInput.body's max_length: longer text is not rendered either
# htmx, configured for these pages (a <meta>: no inline script): no inline indicator styles (the CSP forbids them),
# no eval, no scripts in answers, no copies of pages in the browser's storage (drafts are private)
HTMX_CONFIG = (
    '{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"historyCacheSize":0}'
)
# An htmx answer is a 200 even when it reports a refusal (invalid fields, a conflict, a throttle): the refusal is
# its content, to be swapped into the page, and browsers log every 4xx as an error. Pages without JavaScript get
# the refusal's own status (400, 409, 429) with the whole page.


# --- the page's memory: which version it saved last ---------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(18)


def _saved_by_page(request: HttpRequest, token: str) -> tuple[int, int] | None:
    """(article id, version) this editor page saved last, if it saved anything."""
    record = request.session.get(PAGES, {}).get(token) if token else None
    if isinstance(record, list) and len(record) == 2 and all(isinstance(n, int) for n in record):
        return record[0], record[1]
    return None


def _remember(request: HttpRequest, token: str, article: Article) -> None:
    if not token:
        return
    pages = {k: v for k, v in request.session.get(PAGES, {}).items() if k != token}
    pages[token] = [article.pk, article.version]
    request.session[PAGES] = dict(list(pages.items())[-PAGES_KEPT:])


# --- reading the article for the page -------------------------------------------------------------------------------


def _tags(article: Article) -> list[str]:
    return sorted(article.tags.values_list("name", flat=True))


def _sources(article: Article) -> list[Source]:
    return list(article.sources.order_by("position", "id"))


def _photos(article: Article | None) -> list[Media]:
    return (
        list(article.media.all()) if article is not None else []
    )  # the related manager: media.article is cached


def _form_of(article: Article, token: str = "") -> EditorForm:
    form = EditorForm.from_article(article, tags=_tags(article), sources=_sources(article))
    form.token = token or _new_token()
    return form


def _category_names() -> dict[str, str]:
    language = translation.get_language() or "ru"
    return {c.slug: c.name_for(language) for c in active_categories()}


def editors_message(article: Article) -> str:
    """The message of the editors' last decision addressed to the author (changes requested, or a rejection)."""
    decisions = [a for a in (Action.REQUEST_CHANGES, Action.REJECT) if a in policy.AUTHOR_ADDRESSED_MESSAGES]
    event = (
        ArticleEvent.objects.filter(article_id=article.pk, action__in=decisions)
        .order_by("-created_at", "-id")
        .only("message", "action")
        .first()
    )
    return policy.author_message(event) if event is not None else ""


# --- rendering ------------------------------------------------------------------------------------------------------


@dataclass
class Refusal:
    """Why a submission was refused, in the API's words and with its numbers."""

    code: str
    message: str
    details: list[str] = field(default_factory=list)
    verify_email: bool = False


@dataclass
class Preview:
    title: str
    lead: str
    body_html: str
    too_long: bool = False


def _preview_of(form: EditorForm) -> Preview:
    if len(form.body) > BODY_PREVIEW_LIMIT:
        return Preview(form.title, form.lead, "", too_long=True)
    return Preview(form.title, form.lead, render_markdown(form.body))


def _form_action(article: Article | None) -> str:
    return reverse("studio-edit", args=[article.pk]) if article is not None else reverse("studio-new")


def _context(
    request: HttpRequest,
    article: Article | None,
    form: EditorForm,
    *,
    photos: list[Media] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    viewer = author(request)
    names = _category_names()
    preview = extra.pop("preview", None) or _initial_preview(article, form)
    cards = photo_cards(
        _photos(article) if photos is None else photos,
        viewer=viewer,
        cover=form.cover,
        captions=form.captions,
        errors=form.media_errors,
    )
    message = editors_message(article) if article is not None and guidance.is_resubmission(article) else ""
    return {
        "studio_section": "articles" if article is not None else "new",
        "article": article,
        "form": form,
        "form_action": _form_action(article),
        "field_errors": [(name, form.errors.get(name, [])) for name in (*ARTICLE_FIELDS, "form")],
        "categories": list(names.items()),
        "languages": Language.choices,
        "source_kinds": SourceKind.choices,
        "max_sources": MAX_SOURCES,
        "source_rows": form.sources or [SourceRow()],  # one row to start from (a blank row is not sent)
        "autosave_on": not extra.get("conflict"),
        "photos": cards,
        "max_photos": settings.NEWSROOM["MEDIA_PER_ARTICLE"],
        "editors_message": message,
        "resubmission": article is not None and guidance.is_resubmission(article),
        "may_withdraw": article is not None and guidance.may_withdraw(article),
        "next_step": guidance.next_step(article, editors_message=message) if article is not None else None,
        "state_words": guidance.STATE_WORDS.get(article.status, "") if article is not None else "",
        "htmx_config": HTMX_CONFIG,
        "preview": preview,
        "verified": viewer.is_email_verified,
        **extra,
    }


def _initial_preview(article: Article | None, form: EditorForm) -> Preview | None:
    """The saved text, rendered when it was saved: what the live preview starts from."""
    if article is None or not (article.title or article.lead or article.body_html):
        return None
    return Preview(article.title, article.lead, article.body_html)


def _render_editor(
    request: HttpRequest, article: Article | None, form: EditorForm, *, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(request, "studio/editor.html", _context(request, article, form, **extra), status=status)


def _render_article(request: HttpRequest, article: Article) -> HttpResponse:
    """An article its author can no longer edit (in review, published, rejected, withdrawn): what it says, where it
    stands, and what is left to do."""
    message = editors_message(article)
    context = {
        "studio_section": "articles",
        "article": article,
        "state_words": guidance.STATE_WORDS.get(article.status, ""),
        "next_step": guidance.next_step(article, editors_message=message),
        "may_withdraw": guidance.may_withdraw(article),
        "tags": _tags(article),
        "sources": _sources(article),
        "photos": photo_cards(_photos(article), viewer=author(request), cover=str(article.cover_id or "")),
        "category_name": _category_names().get(article.category.slug, "") if article.category else "",
    }
    return render(request, "studio/article.html", context)


def _state_fragments(
    request: HttpRequest,
    article: Article | None,
    form: EditorForm,
    *,
    status_text: str,
    conflict: list[ConflictField] | None = None,
    conflict_version: int | None = None,
    autosave_on: bool = True,
) -> dict[str, Any]:
    """What an htmx answer carries besides its target: the page's state (its version and id), every field's errors,
    the conflict panel and the autosave trigger, each swapped out of band."""
    return {
        "article": article,
        "form": form,
        "form_action": _form_action(article),
        "field_errors": [(name, form.errors.get(name, [])) for name in (*ARTICLE_FIELDS, "form")],
        "status_text": status_text,
        "conflict": conflict,
        "conflict_version": conflict_version,
        "autosave_on": autosave_on,
        "categories": list(_category_names().items()) if conflict else [],
    }


# --- why a submission was refused, with its numbers ------------------------------------------------------------


def _duration(seconds: int) -> str:
    """5 h 12 min, in words: "5 hours 12 minutes"."""
    minutes_total = max(1, math.ceil(seconds / 60))
    hours, minutes = divmod(minutes_total, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts)


def refusal_of(exc: ApplicationError, user: User) -> Refusal:
    """The API's refusal of a submission, with what it means for the author (the error's own numbers)."""
    refusal = Refusal(code=exc.code, message=str(exc.message))
    if isinstance(exc, EmailNotVerified):
        refusal.verify_email = True
        refusal.details.append(
            _("We sent a confirmation link to %(email)s. Follow it, or ask for a new letter below.")
            % {"email": user.email}
        )
    elif isinstance(exc, SubmissionRateLimited):
        level, limit, wait = (
            exc.extra.get("level", 0),
            exc.extra.get("limit", 0),
            int(exc.extra.get("retry_after", 0)),
        )
        refusal.details.append(
            ngettext(
                "At trust level %(level)d you may submit %(limit)d article in 24 hours.",
                "At trust level %(level)d you may submit %(limit)d articles in 24 hours.",
                limit,
            )
            % {"level": level, "limit": limit}
        )
        at = timezone.localtime() + timedelta(seconds=wait)
        refusal.details.append(
            _("You can submit the next one in %(wait)s (at about %(time)s). Your text is saved.")
            % {"wait": _duration(wait), "time": formats.date_format(at, "j E, H:i")}
        )
        if text := reason_text(user.trust_reason):
            refusal.details.append(text)
    elif isinstance(exc, TooManyLinks):
        refusal.details.append(
            _(
                "Trust level %(level)d allows %(limit)d links per article: remove some links, or keep them for later."
            )
            % {"level": exc.extra.get("level", 0), "limit": exc.extra.get("limit", 0)}
        )
    elif isinstance(exc, SubmissionsSuspended):
        if text := reason_text(user.trust_reason):
            refusal.details.append(text)
    elif isinstance(exc, IncompleteArticle):
        missing = [str(LABELS.get(name, name)).lower() for name in exc.fields]
        refusal.details.append(_("Still missing: %(fields)s.") % {"fields": ", ".join(missing)})
    return refusal


class _Throttled(ApplicationError):
    code = "throttled"
    status = 429
