"""Content rules: required fields and sane lengths, and titles that copy another article's. Cheap, deterministic,
never needs the network.

Title copies (version 2): the title's `moderation.text.title_key` (NFKC, case, invisible characters, punctuation and
look-alike letters of other scripts ignored) against those of the articles in the near-duplicate index (submitted,
in review, scheduled and published: moderation.duplicates.INDEXED_STATUSES), one indexed equality lookup on
DuplicateSignature.title_key whatever the number of articles. A copy of a published article of another author
fails; any other match warns. Only published matches are named in the
findings: a match with an unpublished article is reported under submissions.policy.UNPUBLISHED_MATCH (editors
only), its number in the evidence, which authors never see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When

from moderation.checks.base import Finding, Result, Snapshot
from moderation.duplicates import INDEXED_STATUSES, stored_title_key
from moderation.models import DuplicateSignature, Outcome
from moderation.text import same_letters
from submissions.policy import UNPUBLISHED_MATCH
from submissions.states import Status

TITLE_MIN, TITLE_MAX = 10, 150
CAPS_WARN_ABOVE = 0.5  # share of capital letters among all letters (texts of 40+ letters)
REPEATED = re.compile(r"(\S)\1{4,}")  # the same character five times or more
BODY_FAIL_BELOW, BODY_WARN_BELOW = 200, 500
REPORTED_TITLE_MATCHES = 5


@dataclass(frozen=True)
class TitleMatch:
    article_id: int
    author_id: int
    status: str
    look_alike: bool  # the same only once look-alike letters of another script are read as one

    def as_evidence(self) -> dict[str, object]:
        return {"article_id": self.article_id, "status": self.status, "look_alike": self.look_alike}


def title_matches(snapshot: Snapshot) -> list[TitleMatch]:
    """The articles (other than the snapshot's) whose title has the same `title_key`: published ones first, newest
    first, at most REPORTED_TITLE_MATCHES. One query: the index on DuplicateSignature.title_key, joined to the
    articles (whose status is read now: a row of an article that has left the indexed states is not reported)."""
    key = stored_title_key(snapshot.title)
    if not key:
        return []
    rows = (
        DuplicateSignature.objects.filter(title_key=key, article__status__in=INDEXED_STATUSES)
        .exclude(article_id=snapshot.article_id)
        .annotate(
            unpublished=Case(
                When(article__status=Status.PUBLISHED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("unpublished", "-article_id")
        .values_list("article_id", "article__title", "article__author_id", "article__status")
    )
    return [
        TitleMatch(pk, author_id, status, not same_letters(title, snapshot.title))
        for pk, title, author_id, status in rows[:REPORTED_TITLE_MATCHES]
    ]


def title_findings(snapshot: Snapshot, matches: list[TitleMatch]) -> tuple[list[Finding], list[Finding]]:
    """(fails, warns) for the title matches: named when published, for the editors only otherwise."""
    fails: list[Finding] = []
    warns: list[Finding] = []
    for m in matches:
        if m.status != Status.PUBLISHED:
            continue
        how_ru = " (буквами другого алфавита, похожими на исходные)" if m.look_alike else ""
        how_en = " (with look-alike letters of another script)" if m.look_alike else ""
        if m.author_id != snapshot.author_id:
            fails.append(
                Finding(
                    "title_copies_published",
                    f"Заголовок повторяет заголовок опубликованной статьи №{m.article_id} другого автора{how_ru}.",
                    f"The title repeats that of published article #{m.article_id} by another author{how_en}.",
                )
            )
        else:
            warns.append(
                Finding(
                    "title_repeats_published",
                    f"Заголовок повторяет заголовок опубликованной статьи №{m.article_id} того же автора{how_ru}.",
                    f"The title repeats that of published article #{m.article_id} by the same author{how_en}.",
                )
            )
    if any(m.status != Status.PUBLISHED for m in matches):
        warns.append(
            Finding(
                UNPUBLISHED_MATCH,
                "Заголовок совпадает с заголовком неопубликованной статьи (номер — в данных проверки).",
                "The title matches that of an unpublished article (its number is in the check's evidence).",
            )
        )
    return fails, warns


class ContentRules:
    name = "content_rules"
    version = 2  # 2: titles that copy (or pass for) another article's title
    weight = 1.0

    def run(self, snapshot: Snapshot) -> Result:
        fails: list[Finding] = []
        warns: list[Finding] = []
        title = snapshot.title.strip()
        body = snapshot.body.strip()

        for name, value in (("title", title), ("body", body), ("category", snapshot.category)):
            if not value:
                fails.append(
                    Finding(f"missing_{name}", f"Не заполнено поле «{name}».", f"The {name} is missing.")
                )
        if title and len(title) < TITLE_MIN:
            fails.append(
                Finding(
                    "title_too_short",
                    f"Заголовок короче {TITLE_MIN} символов.",
                    f"The title is shorter than {TITLE_MIN} characters.",
                )
            )
        elif len(title) > TITLE_MAX:
            warns.append(
                Finding(
                    "title_too_long",
                    f"Заголовок длиннее {TITLE_MAX} символов.",
                    f"The title is longer than {TITLE_MAX} characters.",
                )
            )
        if body and len(body) < BODY_FAIL_BELOW:
            fails.append(
                Finding(
                    "body_too_short",
                    f"Текст короче {BODY_FAIL_BELOW} символов — это не новость.",
                    f"The text is shorter than {BODY_FAIL_BELOW} characters: not a news story.",
                )
            )
        elif body and len(body) < BODY_WARN_BELOW:
            warns.append(
                Finding(
                    "body_short",
                    f"Текст короче {BODY_WARN_BELOW} символов.",
                    f"The text is shorter than {BODY_WARN_BELOW} characters.",
                )
            )
        if not snapshot.lead.strip():
            warns.append(
                Finding("missing_lead", "Нет лида (вводного абзаца).", "There is no lead paragraph.")
            )

        letters = [c for c in f"{title} {body}" if c.isalpha()]
        caps = sum(c.isupper() for c in letters) / len(letters) if len(letters) >= 40 else 0.0
        if caps > CAPS_WARN_ABOVE:
            warns.append(
                Finding(
                    "too_many_capitals",
                    f"Слишком много заглавных букв ({caps:.0%}).",
                    f"Too many capital letters ({caps:.0%}).",
                )
            )
        repeats = REPEATED.findall(f"{title} {body}")
        if repeats:
            warns.append(
                Finding(
                    "repeated_characters",
                    "Повторяющиеся символы подряд (например, «!!!!!» или «ааааа»).",
                    "Runs of repeated characters (like '!!!!!' or 'aaaaa').",
                )
            )
        matches = title_matches(snapshot) if title else []
        title_fails, title_warns = title_findings(snapshot, matches)
        fails.extend(title_fails)
        warns.extend(title_warns)

        sources = [s for s in snapshot.extra.get("sources", []) if s.get("url") or s.get("description")]
        if snapshot.extra.get("has_third_party_material") and not sources:
            fails.append(
                Finding(
                    "sources_missing",
                    "Заявлены чужие материалы, но не указан ни один источник.",
                    "Third-party material is declared but no source is named.",
                )
            )

        evidence = {
            "title_length": len(title),
            "body_length": len(body),
            "capitals_ratio": round(caps, 3),
            "repeated_runs": len(repeats),
            "sources": len(sources),
            "title_matches": [m.as_evidence() for m in matches],
        }
        if fails:
            return Result(Outcome.FAIL, min(1.0, 0.6 + 0.2 * len(fails)), [*fails, *warns], evidence)
        if warns:
            return Result(Outcome.WARN, min(0.5, 0.2 * len(warns)), warns, evidence)
        return Result(Outcome.PASS, 0.0, [], evidence)
