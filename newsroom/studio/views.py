"""The studio's front page, "My articles" (/studio/): the signed-in author's articles grouped by where they stand,
each with its state in words, its last change and what the author should do next. The editor and the moves on an
article are newsroom.studio.editor.

One query for the list whatever its length: the articles of the author (the API's `articles_of_author`, without
its prefetches, which a list needs none of), each with the message of the editors' last decision addressed to the
author as a subquery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from newsroom.studio import guidance
from newsroom.studio.common import author, contributor_page
from submissions import policy
from submissions.models import Article, ArticleEvent
from submissions.selectors import articles_of_author
from submissions.states import Action

# the editors' decisions whose message is written to the author and tells them what to do (or why not)
DECISION_MESSAGES = [
    a for a in (Action.REQUEST_CHANGES, Action.REJECT) if a in policy.AUTHOR_ADDRESSED_MESSAGES
]


def my_articles(user: Any) -> QuerySet[Article]:
    last_decision = ArticleEvent.objects.filter(
        article_id=OuterRef("pk"), action__in=DECISION_MESSAGES
    ).order_by("-created_at", "-id")
    return (
        articles_of_author(actor=user)
        .select_related(None)
        .prefetch_related(None)
        .defer("body", "body_html")
        .annotate(editors_message=Subquery(last_decision.values("message")[:1]))
        .order_by("-updated_at", "-id")
    )


@dataclass
class Row:
    article: Article
    title: str
    state: str
    next_step: guidance.NextStep


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row]


@contributor_page
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    rows: dict[str, list[Row]] = {group.key: [] for group in guidance.GROUPS}
    group_of = {status: group.key for group in guidance.GROUPS for status in group.statuses}
    total = 0
    for article in my_articles(author(request)):
        total += 1
        rows[group_of[article.status]].append(
            Row(
                article=article,
                title=article.title or str(guidance.UNTITLED),
                state=str(guidance.STATE_WORDS.get(article.status, "")),
                next_step=guidance.next_step(
                    article, editors_message=getattr(article, "editors_message", None) or ""
                ),
            )
        )
    sections = [Section(g.key, str(g.title), rows[g.key]) for g in guidance.GROUPS if rows[g.key]]
    return render(
        request,
        "studio/home.html",
        {"studio_section": "articles", "sections": sections, "total": total},
    )
