from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet

from moderation.models import CheckResult
from submissions.errors import NotFound
from submissions.models import Article
from submissions.states import Status


def _with_checks(qs: QuerySet[Article]) -> QuerySet[Article]:
    return qs.select_related("author", "category", "claimed_by", "current_revision").prefetch_related(
        Prefetch("current_revision__check_results", queryset=CheckResult.objects.order_by("check_name"))
    )


def review_queue(
    *, status: str = Status.IN_REVIEW, language: str | None = None, detected_language: str | None = None
) -> QuerySet[Article]:
    qs = Article.objects.filter(status=status)
    if language:
        qs = qs.filter(language=language)
    if detected_language:
        detected = CheckResult.objects.filter(
            revision_id=OuterRef("current_revision_id"),
            check_name="language",
            evidence__detected=detected_language,
        )
        qs = qs.filter(Exists(detected))
    return _with_checks(qs).order_by(F("risk_score").desc(nulls_last=True), "submitted_at", "id")


def article_get_for_editor(*, article_id: int) -> Article:
    """Editors see every article that has been submitted at least once; drafts stay private to their author."""
    article = _with_checks(Article.objects.exclude(status=Status.DRAFT)).filter(pk=article_id).first()
    if article is None:
        raise NotFound()
    return article


def check_results_for(*, revision_id: int | None) -> QuerySet[CheckResult]:
    if revision_id is None:
        return CheckResult.objects.none()
    return CheckResult.objects.filter(revision_id=revision_id).order_by("check_name")


def results_summary(article: Any) -> list[CheckResult]:
    revision = article.current_revision
    return list(revision.check_results.all()) if revision else []
