"""Language match: is the text written in the language the author declared?

lingua, restricted to the site's languages, detects the language of title + lead + body. A confident mismatch
warns (the article would be listed, searched and routed under the wrong language); an unsure one passes with the
scores in the evidence. `evidence["detected"]` is what the editors' queue can route by.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from moderation.checks.base import Finding, Result, Snapshot
from moderation.models import Outcome

SITE_LANGUAGES: dict[str, Language] = {
    "ru": Language.RUSSIAN,
    "en": Language.ENGLISH,
    "kk": Language.KAZAKH,
    "uk": Language.UKRAINIAN,
    "be": Language.BELARUSIAN,
}
CODES = {language: code for code, language in SITE_LANGUAGES.items()}
NAMES: dict[str, tuple[str, str]] = {  # (ru, en)
    "ru": ("русский", "Russian"),
    "en": ("английский", "English"),
    "kk": ("казахский", "Kazakh"),
    "uk": ("украинский", "Ukrainian"),
    "be": ("белорусский", "Belarusian"),
}
CONFIDENT = 0.7
MIN_LETTERS = 20
MAX_CHARS = 5000  # the first 5,000 characters decide; longer texts cost time and change nothing
MISMATCH_SCORE = 0.4

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\]\([^)]*\)|<[^>]+>", re.IGNORECASE)

_detector: LanguageDetector | None = None
_detector_lock = threading.Lock()


def detector() -> LanguageDetector:
    """Built once per process, on first use; lingua loads each language's models lazily on first need."""
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                _detector = (
                    LanguageDetectorBuilder.from_languages(*SITE_LANGUAGES.values())
                    .with_minimum_relative_distance(0.1)
                    .build()
                )
    return _detector


def _name(code: str, index: int) -> str:
    return NAMES[code][index] if code in NAMES else code


class LanguageMatch:
    name = "language"
    version = 1
    weight = 1.0

    def run(self, snapshot: Snapshot) -> Result:
        text = "\n".join(part for part in (snapshot.title, snapshot.lead, snapshot.body) if part)
        text = _URL.sub(" ", text)[:MAX_CHARS]
        declared = snapshot.language
        if sum(char.isalpha() for char in text) < MIN_LETTERS:
            return Result(
                Outcome.PASS, 0.0, [], {"detected": None, "declared": declared, "reason": "too_short"}
            )

        values = detector().compute_language_confidence_values(text)
        top3 = [(CODES[value.language], value.value) for value in values[:3]]
        if not top3 or top3[0][1] <= 0.0:
            return Result(
                Outcome.PASS, 0.0, [], {"detected": None, "declared": declared, "reason": "unknown"}
            )
        detected, confidence = top3[0]
        evidence: dict[str, Any] = {
            "detected": detected,
            "confidence": round(confidence, 4),
            "declared": declared,
            "scores": {code: round(value, 4) for code, value in top3},
        }
        if detected == declared or confidence < CONFIDENT:
            return Result(Outcome.PASS, 0.0, [], evidence)
        finding = Finding(
            "language_mismatch",
            f"Текст, похоже, написан на языке «{_name(detected, 0)}», а указан «{_name(declared, 0)}».",
            f"The text looks {_name(detected, 1)}, but {_name(declared, 1)} is declared.",
        )
        return Result(Outcome.WARN, MISMATCH_SCORE, [finding], evidence)
