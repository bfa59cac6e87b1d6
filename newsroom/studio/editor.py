"""The editor (/studio/new/, /studio/<id>/): title, lead and a Markdown body with a live preview, section, tags,
place, language, typed sources, the third-party declaration and the rights confirmation, photos; save (and, with
htmx, autosave), submit and resubmit. Withdrawing has its own page (/studio/<id>/withdraw/).

Every write is the API's: the form is checked by ArticleInput (newsroom.studio.forms), saved by
submissions.services.article_create / article_update with the version the page was loaded with (the API's
If-Match), photos go through submissions.media, and submit and withdraw are submissions.workflow's moves. Their
refusals reach the page with the API's codes and messages, next to the fields they name.

One form, one POST route per article; the button that was pressed says what to do:

- `action=save` (also the form's default button), `upload`, `remove_media=<id>`, `submit`: save what the page
  holds first (so a page without JavaScript loses nothing it had typed), then act, then redirect back to the
  editor (with htmx: the photos' part of the page, and the page's new state out of band);
- `action=preview`, `add_source`, `remove_source=<n>`: change the page, not the article (with htmx: a fragment);
- `autosave=true` (htmx only, a moment after typing stops): a save recorded as an autosave (autosaves within a
  minute share one revision), answered with the save's status and the page's new state out of band.

A save that meets a version saved elsewhere in between (PreconditionFailed) keeps both texts: the page shows the
saved version and the author's side by side, field by field, and saves only once the author has chosen (or merged
by hand). The page remembers in the session which version it saved last (per page, by a random id), so that its
own autosave is never mistaken for someone else's save.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from newsroom.accounts.services import user_resend_verification
from newsroom.api.errors import ApplicationError
from newsroom.studio import guidance
from newsroom.studio.common import author, contributor_page, own_article, throttle_wait
from newsroom.studio.editor_page import (
    _category_names,
    _context,
    _duration,
    _form_of,
    _new_token,
    _photos,
    _preview_of,
    _remember,
    _render_article,
    _render_editor,
    _saved_by_page,
    _sources,
    _state_fragments,
    _tags,
    _Throttled,
    refusal_of,
)
from newsroom.studio.forms import (
    MAX_SOURCES,
    ConflictField,
    EditorForm,
    SourceRow,
    conflicts,
    saved_values,
)
from newsroom.studio.photos import UploadResult, upload_files
from submissions import media as media_services
from submissions import policy, services, workflow
from submissions.errors import (
    ArticleNotEditable,
    NotFound,
    PreconditionFailed,
)
from submissions.models import Article
from submissions.selectors import article_get_for_actor

# --- saving ---------------------------------------------------------------------------------------------------------


@dataclass
class Saved:
    article: Article | None
    ok: bool = False
    created: bool = False
    status: int = 200
    conflict: list[ConflictField] | None = None
    conflict_version: int | None = None
    notice: str = ""
    overtaken: bool = False  # an autosave of an older state than one this page saved since: nothing to write


def _expected_version(
    request: HttpRequest, form: EditorForm, article: Article, *, autosave: bool
) -> int | None:
    """The version the page's text is based on (the API's If-Match), or None for an autosave overtaken by a newer
    save of the same page. After a conflict: the version the author chose against. Otherwise the newer of the
    page's hidden version and the one this page saved last (its own autosave may have answered after the
    author pressed Save); a page that names none gets 0, which is never current: a conflict, never a blind write."""
    if form.conflict_version is not None:
        return form.conflict_version
    mine = _saved_by_page(request, form.token)
    last = mine[1] if mine is not None and mine[0] == article.pk else None
    if last is not None:
        if autosave and form.version is not None and form.version < last:
            return None
        return max(last, form.version or 0)
    return form.version if form.version is not None else 0


def _save(request: HttpRequest, article: Article | None, form: EditorForm, *, autosave: bool) -> Saved:
    user = author(request)
    photos = {m.pk: m for m in _photos(article)}
    data = form.validate(article)
    captions = form.validate_captions(photos)
    if data is None or captions is None:
        return Saved(article, status=400)
    created = False
    if article is None:
        article = services.article_create(actor=user, **data)
        created = True
    else:
        expected = _expected_version(request, form, article, autosave=autosave)
        if expected is None:
            return Saved(article, overtaken=True)
        if form.conflict_version is not None:  # the fields the author chose to keep as saved are not sent
            data = {k: v for k, v in data.items() if form.keep.get(k) != "theirs"}
        try:
            article = services.article_update(
                actor=user, article_id=article.pk, expected_version=expected, autosave=autosave, **data
            )
        except PreconditionFailed:
            current = article_get_for_actor(actor=user, article_id=article.pk)
            theirs = saved_values(current, tags=_tags(current), sources=_sources(current))
            found = conflicts(theirs, data, categories=_category_names(), keep=form.keep)
            if found:
                return Saved(current, status=409, conflict=found, conflict_version=current.version)
            article = current  # what was sent is what is saved: nothing to choose
        except ArticleNotEditable as exc:
            return Saved(article, status=409, notice=str(exc.message))
    for media_id, change in captions.items():
        with contextlib.suppress(NotFound):  # removed meanwhile: nothing left to caption
            media_services.media_update(actor=user, article_id=article.pk, media_id=media_id, **change)
    _remember(request, form.token, article)
    return Saved(article, ok=True, created=created)


# --- the views ------------------------------------------------------------------------------------------------------


@contributor_page
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_editor(request, None, EditorForm(token=_new_token()))
    form = EditorForm.from_post(request.POST)
    # the draft this page created already (an autosave, or a Save pressed twice) is the one it goes on writing
    mine = _saved_by_page(request, form.token)
    article = own_article(request, mine[0]) if mine is not None else None
    return _post(request, article, form)


@contributor_page
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, article_id: int) -> HttpResponse:
    article = own_article(request, article_id)
    if request.method != "POST":
        if not policy.may_edit(article):
            return _render_article(request, article)
        return _render_editor(request, article, _form_of(article))
    return _post(request, article, EditorForm.from_post(request.POST))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= 18 else None


def _post(request: HttpRequest, article: Article | None, form: EditorForm) -> HttpResponse:
    htmx = bool(getattr(request, "htmx", False))
    action = request.POST.get("action", "save")
    if htmx and request.POST.get("autosave") == "true":
        return _autosave(request, article, form)
    # --- what changes the page only
    if action == "preview":
        return _render_editor(request, article, form, preview=_preview_of(form))
    if action == "add_source" or "remove_source" in request.POST:
        if action == "add_source":
            if len(form.sources) < MAX_SOURCES:
                form.sources.append(SourceRow())
        else:
            index = _int(request.POST.get("remove_source"))
            if index is not None and index < len(form.sources):
                del form.sources[index]
        if htmx:
            return render(request, "studio/_sources.html", _context(request, article, form))
        return _render_editor(request, article, form)
    # --- what changes the article: what the page holds is saved first
    if article is not None and not policy.may_edit(article):
        return _refused(request, article, form, str(ArticleNotEditable.default_message), status=409)
    wait = throttle_wait(request, "article_write")
    if wait is not None:
        text = _("Too many saves in a row: try again in %(seconds)d s. Nothing you typed is lost.") % {
            "seconds": wait
        }
        return _refused(request, article, form, text, status=429)
    saved = _save(request, article, form, autosave=False)
    if not saved.ok:
        return _not_saved(request, saved, form)
    article = saved.article
    assert article is not None
    remove_media = _int(request.POST.get("remove_media"))
    report: list[UploadResult] = []
    if action == "upload":
        files = request.FILES.getlist("file")
        if not files and not htmx:
            messages.info(request, _("Saved. Choose the photos to upload first."))
        report = upload_files(request, actor=author(request), article=article, files=files)
    elif remove_media is not None:
        try:
            media_services.media_delete(actor=author(request), article_id=article.pk, media_id=remove_media)
        except NotFound:
            pass  # already gone
        else:
            if not htmx:
                messages.success(request, _("The photo was removed."))
    elif action == "submit":
        return _submit(request, article, form)
    elif not htmx:
        messages.success(request, _("Saved."))
    if htmx:
        article.refresh_from_db(fields=["cover", "version"])
        return _photos_answer(request, article, form, report, created=saved.created)
    for result in report:
        if result.ok:
            messages.success(
                request, _("%(name)s: uploaded; %(removed)s.") % {"name": result.name, "removed": result.text}
            )
        else:
            messages.error(
                request,
                _("%(name)s: not uploaded. %(reason)s") % {"name": result.name, "reason": result.text},
            )
    return redirect("studio-edit", article_id=article.pk)


def _photos_answer(
    request: HttpRequest, article: Article, form: EditorForm, report: list[UploadResult], *, created: bool
) -> HttpResponse:
    """htmx: the photos' part of the page (with what each upload did), and the page's new state out of band."""
    fresh = _form_of(article, token=form.token)  # what was typed is saved: the page shows it as saved
    context = _context(request, article, fresh, upload_report=report)
    context["oob_state"] = _state_fragments(request, article, fresh, status_text=_saved_at())
    response = render(request, "studio/_photos.html", context)
    if created:
        response["HX-Replace-Url"] = reverse("studio-edit", args=[article.pk])
    return response


def _saved_at() -> str:
    return _("Saved at %(time)s.") % {"time": formats.time_format(timezone.localtime(), "H:i")}


def _refused(
    request: HttpRequest, article: Article | None, form: EditorForm, text: str, *, status: int
) -> HttpResponse:
    """A write refused before anything was saved: the page again, as typed, with the reason."""
    if getattr(request, "htmx", False):
        context = _context(request, article, form, upload_refused=text)
        context["oob_state"] = _state_fragments(request, article, form, status_text=text)
        return render(request, "studio/_photos.html", context)
    return _render_editor(request, article, form, notice=text, status=status)


def _not_saved(request: HttpRequest, saved: Saved, form: EditorForm) -> HttpResponse:
    """The save was refused (invalid fields, a version saved elsewhere, no longer editable): the page as typed,
    with the errors, or both versions side by side."""
    article = saved.article  # after a conflict: the version saved elsewhere (its photos, its state)
    if saved.conflict:
        notice = _(
            "Not saved: this article was saved elsewhere while you were writing. Both versions are shown: choose "
            "what to keep, then save."
        )
    elif saved.notice:
        notice = _("Not saved: %(reason)s") % {"reason": saved.notice}
    else:
        notice = _("Not saved: correct the fields marked below. Nothing you typed is lost.")
    if getattr(request, "htmx", False):
        context = _context(request, article, form, upload_refused=notice)
        context["oob_state"] = _state_fragments(
            request,
            article,
            form,
            status_text=notice,
            conflict=saved.conflict,
            conflict_version=saved.conflict_version,
            autosave_on=not saved.conflict,
        )
        return render(request, "studio/_photos.html", context)
    return _render_editor(
        request,
        article,
        form,
        status=saved.status,
        notice=notice,
        conflict=saved.conflict,
        conflict_version=saved.conflict_version,
    )


def _autosave(request: HttpRequest, article: Article | None, form: EditorForm) -> HttpResponse:
    """htmx, a moment after the author stops typing: the save's status for the page's status line, the page's new
    state out of band. A conflict stops autosaving until the author has chosen."""

    def answer(text: str, **state: Any) -> HttpResponse:
        context = _state_fragments(request, article, form, status_text=text, **state)
        return render(request, "studio/_autosave.html", context)

    if article is None and form.is_blank():
        return answer("")  # nothing written yet: no empty draft
    if article is not None and not policy.may_edit(article):
        return answer(
            _("Not saved: %(reason)s") % {"reason": ArticleNotEditable.default_message},
            autosave_on=False,
        )
    wait = throttle_wait(request, "article_write")
    if wait is not None:
        return answer(_("Autosave paused: too many saves. Next try in %(seconds)d s.") % {"seconds": wait})
    saved = _save(request, article, form, autosave=True)
    if saved.overtaken:
        mine = _saved_by_page(request, form.token)
        form.version = mine[1] if mine is not None else form.version
        return answer(_saved_at())
    if not saved.ok:
        if saved.conflict:
            return answer(
                _(
                    "Not saved: this article was saved elsewhere. Both versions are shown above: choose what to keep, then save."
                ),
                conflict=saved.conflict,
                conflict_version=saved.conflict_version,
                autosave_on=False,
            )
        if saved.notice:
            return answer(_("Not saved: %(reason)s") % {"reason": saved.notice}, autosave_on=False)
        return answer(_("Not saved: correct the fields marked below."))
    article = saved.article
    assert article is not None
    form.version = article.version
    form.errors = {}
    response = answer(_saved_at())
    if saved.created:
        response["HX-Replace-Url"] = reverse("studio-edit", args=[article.pk])
    return response


# --- submit -----------------------------------------------------------------------------------------------------------


def _submit(request: HttpRequest, article: Article, form: EditorForm) -> HttpResponse:
    """After the save: the API's submit (its rules: a confirmed address, the trust level's limits, required fields,
    the rights confirmation, sources for third-party material). Refused: the editor, saved, with the reason."""
    user = author(request)
    resubmission = guidance.is_resubmission(article)
    wait = throttle_wait(request, "article_write")
    try:
        if wait is not None:
            raise _Throttled(
                _("Too many submissions in a row: try again in %(seconds)d s.") % {"seconds": wait}
            )
        workflow.article_submit(actor=user, article_id=article.pk)
    except ApplicationError as exc:
        article = article_get_for_actor(actor=user, article_id=article.pk)
        saved = _form_of(article, token=form.token)
        saved.put_application_error(exc.fields)
        return _render_editor(
            request,
            article,
            saved,
            status=exc.status,
            refusal=refusal_of(exc, user),
            notice=_("Saved, not submitted."),
        )
    if resubmission:
        messages.success(
            request, _("Submitted again. The automated checks run first, then an editor reads it.")
        )
    else:
        messages.success(
            request, _("Submitted for review. The automated checks run first, then an editor reads it.")
        )
    return redirect("studio-edit", article_id=article.pk)


# --- preview, withdraw, a new confirmation letter ---------------------------------------------------------------------


@contributor_page
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """htmx, as the author types: the title, lead and body as the published page will show them (the body through
    the same renderer and sanitiser: submissions.content.render_markdown)."""
    return render(
        request, "studio/_preview.html", {"preview": _preview_of(EditorForm.from_post(request.POST))}
    )


@contributor_page
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, article_id: int) -> HttpResponse:
    """Withdrawing cannot be undone (no move leaves WITHDRAWN): a page asks first, its form does it."""
    article = own_article(request, article_id)
    if request.method != "POST":
        context = {
            "studio_section": "articles",
            "article": article,
            "may_withdraw": guidance.may_withdraw(article),
            "state_words": guidance.STATE_WORDS.get(article.status, ""),
        }
        return render(request, "studio/withdraw.html", context)
    try:
        workflow.article_withdraw(actor=author(request), article_id=article.pk)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The article was withdrawn."))
    return redirect("studio-edit", article_id=article.pk)


@contributor_page
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    """A new confirmation letter for the signed-in author (the API's resend-verification, with its throttle)."""
    user = author(request)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None, require_https=request.is_secure()):
        target = reverse("studio-home")
    if user.is_email_verified:
        messages.info(request, _("Your address is already confirmed."))
    elif (wait := throttle_wait(request, "verify")) is not None:
        messages.error(
            request, _("Too many letters asked for: try again in %(wait)s.") % {"wait": _duration(wait)}
        )
    else:
        user_resend_verification(email=user.email)
        messages.success(
            request,
            _("We sent a new confirmation letter to %(email)s. Follow its link, then submit again.")
            % {"email": user.email},
        )
    return redirect(target)


__all__ = ["edit", "new", "preview", "resend_verification", "withdraw"]
