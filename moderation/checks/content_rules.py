"""Content rules: required fields and sane lengths. Cheap, deterministic, never needs the network."""

from __future__ import annotations

from moderation.checks.base import Finding, Result, Snapshot
from moderation.models import Outcome

TITLE_MIN, TITLE_MAX = 10, 150
BODY_FAIL_BELOW, BODY_WARN_BELOW = 200, 500


class ContentRules:
    name = "content_rules"
    version = 1
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

        evidence = {"title_length": len(title), "body_length": len(body)}
        if fails:
            return Result(Outcome.FAIL, min(1.0, 0.6 + 0.2 * len(fails)), [*fails, *warns], evidence)
        if warns:
            return Result(Outcome.WARN, min(0.5, 0.2 * len(warns)), warns, evidence)
        return Result(Outcome.PASS, 0.0, [], evidence)
