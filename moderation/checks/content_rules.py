"""Content rules: required fields and sane lengths. Cheap, deterministic, never needs the network."""

from __future__ import annotations

import re

from moderation.checks.base import Finding, Result, Snapshot
from moderation.models import Outcome

TITLE_MIN, TITLE_MAX = 10, 150
CAPS_WARN_ABOVE = 0.5  # share of capital letters among all letters (texts of 40+ letters)
REPEATED = re.compile(r"(\S)\1{4,}")  # the same character five times or more
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
        }
        if fails:
            return Result(Outcome.FAIL, min(1.0, 0.6 + 0.2 * len(fails)), [*fails, *warns], evidence)
        if warns:
            return Result(Outcome.WARN, min(0.5, 0.2 * len(warns)), warns, evidence)
        return Result(Outcome.PASS, 0.0, [], evidence)
