"""Near duplicates: the revision's text against every published article and every article in review.

Reads the persisted MinHash/LSH index (moderation.duplicates) and confirms candidates with exact figures. It never
writes the index: the article is indexed by the workflow's receivers, not by its own check.

The author sees the findings too (GET /api/v1/articles/<id>/checks/, the timeline): a match with an article that is
not published is reported under submissions.policy.UNPUBLISHED_MATCH, a finding for the editors only, so that an
author never learns of another author's unpublished work. Before version 2 every overlap was `near_duplicate`.
"""

from __future__ import annotations

from moderation.checks.base import Finding, Result, Snapshot
from moderation.duplicates import Match, article_text, find_similar
from moderation.models import Outcome
from submissions.policy import UNPUBLISHED_MATCH
from submissions.states import Status

FAIL_JACCARD = 0.95  # the same text as a published article: a re-submission
WARN_SIMILARITY = 0.6  # jaccard or containment: heavy overlap an editor must see
REPORTED = 5  # matches in the evidence

_STATUS = {
    Status.PUBLISHED: ("опубликованной статьёй", "a published article"),
    Status.SCHEDULED: ("одобренной статьёй", "an approved article"),
    Status.IN_REVIEW: ("статьёй на проверке", "an article in review"),
    Status.SUBMITTED: ("статьёй на проверке", "an article in review"),
}


def _what(match: Match) -> tuple[str, str]:
    return _STATUS.get(Status(match.status), ("статьёй", "an article"))


class NearDuplicate:
    name = "near_duplicate"
    version = 2  # 2: overlaps with unpublished articles reported apart (UNPUBLISHED_MATCH)
    weight = 2.0

    def run(self, snapshot: Snapshot) -> Result:
        matches = find_similar(
            article_text(snapshot.title, snapshot.lead, snapshot.body),
            exclude_article_id=snapshot.article_id,
            limit=REPORTED,
        )
        evidence = {"matches": [m.as_evidence() for m in matches]}

        copies = [m for m in matches if m.status == Status.PUBLISHED and m.jaccard >= FAIL_JACCARD]
        if copies:
            return Result(
                Outcome.FAIL,
                1.0,
                [
                    Finding(
                        "duplicate_of_published",
                        f"Текст повторяет опубликованную статью №{m.article_id} "
                        f"(совпадение {m.jaccard:.0%}).",
                        f"The text repeats published article #{m.article_id} ({m.jaccard:.0%} identical).",
                    )
                    for m in copies
                ],
                evidence,
            )

        heavy = [m for m in matches if m.similarity >= WARN_SIMILARITY]
        if heavy:
            findings = []
            for m in heavy:
                ru, en = _what(m)
                findings.append(
                    Finding(
                        "near_duplicate" if m.status == Status.PUBLISHED else UNPUBLISHED_MATCH,
                        f"Текст во многом совпадает с {ru} №{m.article_id}: сходство {m.jaccard:.0%}, "
                        f"вхождение {m.containment:.0%}.",
                        f"The text largely overlaps {en} #{m.article_id}: {m.jaccard:.0%} similar, "
                        f"{m.containment:.0%} contained.",
                    )
                )
            return Result(Outcome.WARN, round(max(m.similarity for m in heavy), 4), findings, evidence)

        return Result(Outcome.PASS, 0.0, [], evidence)
