"""“Test yourself as an editor”: the editor track in the studio, for a contributor in the browser.

The same services and rules as /api/v1/editor-track/ (moderation.track): the API's input serializers (ApplyInput,
VerdictInput) validate the forms, `track.apply`, `track.shadow_article` and `track.shadow_verdict` decide, and their
refusals reach the page with the API's own messages and statuses. Reading goes through moderation.selectors.

A shadow review shows what the API's ShadowArticleOutput shows: the text, never who wrote it. No name, byline,
e-mail, avatar or image (a photo's credit or caption may name its author) of the reviewed article reaches these
pages, in the text, an attribute or an alt.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy
from django.views.decorators.http import require_POST, require_safe

from moderation import selectors, track
from moderation.models import EditorApplication, ShadowReview, Verdict
from moderation.serializers import ApplyInput, VerdictInput
from newsroom.accounts.actors import signed_in
from newsroom.accounts.models import User
from newsroom.accounts.trust import THRESHOLDS, reason_text
from newsroom.api.errors import ApplicationError, NotFound
from submissions.content import render_markdown
from submissions.models import Article
from submissions.states import Language, RejectReason
from submissions.trust import record_of

CONTRIBUTE = "submissions.add_article"  # the API's IsContributor
# every editor role holds it: such a user "already holds an editor role" (track.apply refuses them)
MODERATE = "submissions.moderate_article"
REVIEWS_PER_PAGE = 50
CANDIDATES_SHOWN = 10

# what the applicant decides (the buttons) and what the editors decided (the score), per Verdict
VERDICT_LABELS: dict[str, Promise] = {
    Verdict.APPROVE: pgettext_lazy("editor track verdict", "Approve"),
    Verdict.REQUEST_CHANGES: pgettext_lazy("editor track verdict", "Request changes"),
    Verdict.REJECT: pgettext_lazy("editor track verdict", "Reject"),
}
DECIDED_LABELS: dict[str, Promise] = {
    Verdict.APPROVE: pgettext_lazy("editors' decision", "Approved"),
    Verdict.REQUEST_CHANGES: pgettext_lazy("editors' decision", "Changes requested"),
    Verdict.REJECT: pgettext_lazy("editors' decision", "Rejected"),
}
STATE_LABELS: dict[str, Promise] = {
    EditorApplication.State.OPEN: pgettext_lazy("editor-track application", "Open"),
    EditorApplication.State.GRANTED: pgettext_lazy("editor-track application", "Granted"),
    EditorApplication.State.DECLINED: pgettext_lazy("editor-track application", "Declined"),
}
OUTCOME_LABELS: dict[str, Promise] = {
    "agreed": gettext_lazy("You agreed with the editors"),
    "partly": gettext_lazy("Same decision, another reason"),
    "disagreed": gettext_lazy("The editors decided otherwise"),
    "pending": gettext_lazy("Waiting for the editors"),
}


def contributor_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in (else the sign-in page, with `next`) and a contributor, as the API's IsContributor."""
    return login_required(permission_required(CONTRIBUTE, raise_exception=True)(view))


def percent(value: float | None) -> int | None:
    """A share as a whole percentage, halves rounded up (0.625 -> 63, where round() would give 62)."""
    return None if value is None else math.floor(value * 100 + 0.5)


def _errors(serializer: Any) -> dict[str, list[str]]:
    """A serializer's errors as plain strings per field (the API's field names), for the template."""
    return {field: [str(message) for message in found] for field, found in serializer.errors.items()}


def _open(application: EditorApplication | None) -> bool:
    return application is not None and application.state == EditorApplication.State.OPEN


# --- what the level needs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """One line of "what the editor track asks and where you stand", with the numbers."""

    what: str
    yours: str
    met: bool


def needs_for(user: User, required: int) -> list[Need]:
    """What `required` asks of the contributor's record (newsroom.accounts.trust), against the record itself, read
    now (submissions.trust.record_of: the stored level follows it after each decision and nightly)."""
    record = record_of(user)
    needs = [
        Need(
            _("A confirmed e-mail address"),
            pgettext("editor track", "confirmed") if record.email_verified else _("not confirmed yet"),
            record.email_verified,
        ),
        Need(
            _("No rejection for spam, illegal content, defamation or privacy in the last 90 days"),
            ngettext("%(count)d such rejection", "%(count)d such rejections", record.sanctions_90d)
            % {"count": record.sanctions_90d},
            not record.sanctions_90d,
        ),
    ]
    threshold = THRESHOLDS.get(required)
    if threshold is None:
        return needs
    decided = record.approved + record.rejected
    return [
        *needs,
        Need(
            ngettext(
                "An account at least %(count)d day old",
                "An account at least %(count)d days old",
                threshold.account_age_days,
            )
            % {"count": threshold.account_age_days},
            ngettext("%(count)d day", "%(count)d days", record.account_age_days)
            % {"count": record.account_age_days},
            record.account_age_days >= threshold.account_age_days,
        ),
        Need(
            ngettext(
                "At least %(count)d approved article",
                "At least %(count)d approved articles",
                threshold.approved,
            )
            % {"count": threshold.approved},
            ngettext("%(count)d approved", "%(count)d approved", record.approved)
            % {"count": record.approved},
            record.approved >= threshold.approved,
        ),
        Need(
            _("At least %(percent)d%% of your decided submissions approved")
            % {"percent": round(threshold.approval_ratio * 100)},
            _("%(percent)d%% (%(approved)d of %(decided)d)")
            % {"percent": round(record.approval_ratio * 100), "approved": record.approved, "decided": decided}
            if decided
            else _("nothing decided yet"),
            record.approval_ratio >= threshold.approval_ratio,
        ),
    ]


# --- the overview -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One shadow verdict in the applicant's list: what they decided, what the editors did once known."""

    review: ShadowReview
    title: str
    url: str
    mine: str
    my_reason: str
    editors: str
    editors_reason: str
    outcome: str
    outcome_label: str


def outcome_of(review: ShadowReview) -> str:
    if review.scored_at is None:
        return "pending"
    if not review.decision_agrees:
        return "disagreed"
    return "partly" if review.reason_agrees is False else "agreed"


def row_of(review: ShadowReview) -> Row:
    reasons = dict(RejectReason.choices)
    outcome = outcome_of(review)
    return Row(
        review=review,
        title=review.revision.title,
        url=reverse("studio-editor-track-review", kwargs={"review_id": review.pk}),
        mine=str(VERDICT_LABELS.get(review.decision, review.decision)),
        my_reason=str(reasons.get(review.reason_code, "")) if review.reason_code else "",
        editors=str(DECIDED_LABELS.get(review.editor_decision, "")) if review.editor_decision else "",
        editors_reason=str(reasons.get(review.editor_reason_code, "")) if review.editor_reason_code else "",
        outcome=outcome,
        outcome_label=str(OUTCOME_LABELS[outcome]),
    )


def _tally_rows(application: EditorApplication) -> list[dict[str, Any]]:
    return [
        {
            "label": VERDICT_LABELS[Verdict(tally.decision)],
            "tally": tally,
            "editors": [(DECIDED_LABELS[Verdict(d)], n) for d, n in tally.editors.items()],
        }
        for tally in selectors.verdict_tallies(application)
    ]


def overview(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """Everything the overview shows, for the user's standing: below the level, able to apply, an applicant."""
    user = signed_in(request)
    required = settings.NEWSROOM["EDITOR_TRACK_MIN_TRUST"]
    eligible = user.trust_level >= required  # as the API's /editor-track/me/
    editor = user.has_perm(MODERATE)
    application = selectors.track_application(user)
    context: dict[str, Any] = {
        "studio_section": "editor-track",
        "level": user.trust_level,
        "required": required,
        "eligible": eligible,
        "editor": editor,
        "trust_reason": reason_text(user.trust_reason),
        "application": application,
        "is_open": _open(application),
        "can_apply": eligible and not editor and not _open(application),
        "min_scored": settings.NEWSROOM["EDITOR_TRACK_MIN_SCORED"],
        "motivation": "",
        "errors": {},
    }
    if application is not None:
        context["state_label"] = STATE_LABELS.get(
            EditorApplication.State(application.state), application.state
        )
        stats = track.stats_for(application)
        context["stats"] = stats
        context["progress"] = min(stats.scored, context["min_scored"])
        context["accuracy"] = percent(stats.accuracy)
        context["decision_agreement"] = percent(stats.decision_agreement)
        context["reason_agreement"] = percent(stats.reason_agreement)
        context["tallies"] = _tally_rows(application)
        reviews = Paginator(list(application.reviews.all()), REVIEWS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        context["reviews"] = reviews
        context["rows"] = [row_of(review) for review in reviews]
    if _open(application):
        candidates = track.shadow_candidates(user)
        context["candidates"] = list(candidates[:CANDIDATES_SHOWN])
        context["candidates_total"] = candidates.count()
    if not eligible and not _open(application) and not editor:
        context["needs"] = needs_for(user, required)
    context.update(extra)
    return context


@require_safe
@contributor_page
def page(request: HttpRequest) -> HttpResponse:
    return render(request, "studio/editor_track.html", overview(request))


@require_POST
@contributor_page
def apply(request: HttpRequest) -> HttpResponse:
    """The API's apply: ApplyInput, then track.apply. A refusal (level too low, already applied, already an editor)
    is shown on the overview with the API's message and status; a too long motivation next to its field, kept."""
    form = ApplyInput(data=request.POST)
    if not form.is_valid():
        context = overview(request, errors=_errors(form), motivation=request.POST.get("motivation", ""))
        return render(request, "studio/editor_track.html", context, status=400)
    try:
        track.apply(actor=signed_in(request), **form.validated_data)
    except ApplicationError as refusal:
        context = overview(request, refusal=refusal.message, motivation=form.validated_data["motivation"])
        return render(request, "studio/editor_track.html", context, status=refusal.status)
    messages.success(request, _("Your application is in. Now review the articles waiting for the editors."))
    return redirect("studio-editor-track")


# --- a shadow review ----------------------------------------------------------------------------------------------


def _gone(request: HttpRequest) -> HttpResponse:
    """Not for this applicant to review (their own, not in review any more, or no such article): a 404 that says
    where to go on."""
    return render(request, "studio/editor_track_gone.html", {"studio_section": "editor-track"}, status=404)


def _not_an_applicant(request: HttpRequest, refusal: ApplicationError) -> HttpResponse:
    messages.error(request, str(refusal.message))
    return redirect("studio-editor-track")


def _already_judged(user: User, article: Article) -> int | None:
    """The applicant's verdict on the article's current revision, if they gave one."""
    if article.current_revision_id is None:
        return None
    return (
        ShadowReview.objects.filter(reviewer_id=user.pk, revision_id=article.current_revision_id)
        .values_list("pk", flat=True)
        .first()
    )


def _review_url(review_id: int) -> str:
    return reverse("studio-editor-track-review", kwargs={"review_id": review_id})


def _shadow_page(
    request: HttpRequest,
    article: Article,
    *,
    values: dict[str, str],
    errors: dict[str, list[str]],
    status: int,
) -> HttpResponse:
    revision = article.current_revision
    assert revision is not None  # in review: submitted, so it has a revision
    language = translation.get_language()
    following = track.shadow_candidates(signed_in(request)).exclude(pk=article.pk).first()
    context = {
        "studio_section": "editor-track",
        "article": article,
        "revision": revision,
        "body_html": render_markdown(revision.body),
        "category_name": article.category.name_for(language) if article.category else "",
        "language_name": dict(Language.choices).get(article.language, article.language),
        "verdicts": [(value, VERDICT_LABELS[value]) for value in selectors.VERDICTS_MILDEST_FIRST],
        "reasons": RejectReason.choices,
        "values": values,
        "errors": errors,
        "following": following,
    }
    return render(request, "studio/editor_track_shadow.html", context, status=status)


def _reviewable(request: HttpRequest, article_id: int) -> Article | HttpResponse:
    try:
        return track.shadow_article(actor=signed_in(request), article_id=article_id)
    except track.NotAnApplicant as refusal:
        return _not_an_applicant(request, refusal)
    except NotFound:
        return _gone(request)


@require_safe
@contributor_page
def shadow(request: HttpRequest, article_id: int) -> HttpResponse:
    """An article in review, its author hidden, with the decision form; one already judged shows the verdict."""
    article = _reviewable(request, article_id)
    if isinstance(article, HttpResponse):
        return article
    judged = _already_judged(signed_in(request), article)
    if judged is not None:
        return HttpResponseRedirect(_review_url(judged))
    return _shadow_page(request, article, values={}, errors={}, status=200)


@require_POST
@contributor_page
def verdict(request: HttpRequest, article_id: int) -> HttpResponse:
    """The API's verdict: VerdictInput, then track.shadow_verdict. It changes nothing on the article."""
    article = _reviewable(request, article_id)
    if isinstance(article, HttpResponse):
        return article
    form = VerdictInput(data=request.POST)
    if not form.is_valid():
        values = {name: request.POST.get(name, "") for name in ("decision", "reason_code", "note")}
        return _shadow_page(request, article, values=values, errors=_errors(form), status=400)
    try:
        review = track.shadow_verdict(actor=signed_in(request), article_id=article.pk, **form.validated_data)
    except track.AlreadyReviewed as refusal:
        messages.info(request, str(refusal.message))
        judged = _already_judged(signed_in(request), article)
        return HttpResponseRedirect(_review_url(judged) if judged else reverse("studio-editor-track"))
    except track.NotAnApplicant as refusal:
        return _not_an_applicant(request, refusal)
    except NotFound:
        return _gone(request)
    messages.success(
        request,
        _(
            "Your verdict is recorded. It changes nothing for the article; it is scored when an editor decides."
        ),
    )
    return HttpResponseRedirect(_review_url(review.pk))


@require_safe
@contributor_page
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    """One of the applicant's own verdicts, and the editors' decision once they made it; anyone else's is a 404."""
    user = signed_in(request)
    try:
        found = selectors.shadow_review_for(actor=user, review_id=review_id)
    except NotFound:
        raise Http404 from None
    try:
        following = track.shadow_next(actor=user)
    except track.NotAnApplicant:
        following = None  # the application was decided: nothing more to review
    category = found.revision.category
    context = {
        "studio_section": "editor-track",
        "row": row_of(found),
        "review": found,
        "category_name": category.name_for(translation.get_language()) if category else "",
        "following": following,
    }
    return render(request, "studio/editor_track_review.html", context)
