"""Lexicon: profanity, hate speech, spam phrases and contact solicitation.

Words and phrases come from the LexiconEntry table (moderation.lexicon keeps a compiled copy, refreshed when an
editor changes it) and are matched on folded, stemmed WHOLE words, so obfuscation ("ПpuBeT", "с.п.а.м",
"дууурак") and inflection ("мошенниками") are seen through, while "Scunthorpe", "оскорблять" or "assess" are not
taken for what they contain. Phone numbers, e-mail addresses and messenger contacts are found by regular
expressions on the raw text.

Outcome: a high-severity hit, or a spam phrase together with a contact, fails; a medium one warns; low ones pass
with findings for the editor. Messages name the category, never the word; the evidence lists what matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from moderation import lexicon
from moderation.checks.base import Finding, Result, Snapshot
from moderation.models import Outcome
from moderation.text import fold, words

MAX_HITS = 50  # in the evidence
MAX_MATCHED = 5  # original words kept per hit
_GROUP_LIMIT = 64  # chunks a run of spaced letters may span ("с п а м")
_EDGE_PUNCTUATION = ".,;:!?«»\"'“”„()[]{}<>—–-…*"

FINDINGS: dict[str, tuple[str, str]] = {
    "profanity": (
        "Нецензурная или грубая лексика",
        "Profanity or coarse language",
    ),
    "hate": (
        "Возможные высказывания вражды (оскорбления или призывы против группы людей)",
        "Possible hate speech (slurs or calls against a group of people)",
    ),
    "spam": (
        "Рекламные или спам-фразы",
        "Advertising or spam phrases",
    ),
    "contact": (
        "Контакты для связи в тексте (телефон, e-mail, мессенджер)",
        "Contact details in the text (phone, e-mail, messenger)",
    ),
}
SPAM_WITH_CONTACT = Finding(
    "lexicon_spam_with_contact",
    "Рекламные фразы вместе с контактами для связи — похоже на объявление, а не на новость.",
    "Advertising phrases together with contact details: this looks like an advert, not news.",
)

# --- contact solicitation, on the raw text ----------------------------------------------------------------------

# +7 (912) 345-67-89, 8 912 345 67 89, 8-800-555-35-35, +44 20 7946 0958, 89123456789
_PHONE = re.compile(
    r"(?<![\w+])(?P<prefix>\+\s?\d{1,3}|8)[\s\-.]*(?:\(\s*\d{2,5}\s*\)|\d{2,5})(?:[\s\-.]*\d{2,4}){1,4}(?!\d)"
)
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:@|\s*[(\[](?:at|собака)[)\]]\s*)[\w-]+(?:\.[\w-]+)*\.[a-zа-я]{2,}\b",
    re.IGNORECASE,
)
_MESSENGER_LINK = re.compile(
    r"(?<![\w.])(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog|wa\.me|api\.whatsapp\.com|"
    r"chat\.whatsapp\.com|vk\.me|viber\.click)/[\w+/\-]+",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
# what comes shortly before (or after) a link or handle makes it a solicitation ("пишите в телеграм @name") ...
_ASKING = re.compile(
    r"\b(?:пиш[иу]|пишите|напиш|звони|позвони|обращайтесь|свяж[иу]|добавля|стучите|write|contact|message|"
    r"text|dm|call|reach|hit\s+me\s+up)",
    re.IGNORECASE,
)
# ... or merely names a messenger ("написал в телеграме @durov" is a quote: low)
_MESSENGER = re.compile(
    r"\b(?:телеграм|телега|тг|tg|telegram|whatsapp|ватсап|вотсап|вацап|viber|вайбер|signal|сигнал|инст|insta)",
    re.IGNORECASE,
)
_CONTEXT_BEFORE, _CONTEXT_AFTER = 80, 40
_INVITE = re.compile(r"/(?:joinchat/|\+)", re.IGNORECASE)  # a private chat's invitation: always solicits


def _context(text: str, start: int, end: int) -> int:
    around = text[max(0, start - _CONTEXT_BEFORE) : start] + " " + text[end : end + _CONTEXT_AFTER]
    if _ASKING.search(around):
        return 2
    return 1 if _MESSENGER.search(around) else 0


def _contacts(text: str) -> Iterator[tuple[str, int, str]]:
    """(kind, severity, matched) for every phone number, address, messenger link and solicited handle."""
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if match.group("prefix") == "8" and len(digits) != 11:
            continue  # "8 000 000 рублей"
        if 10 <= len(digits) <= 15:
            yield "phone", 2, match.group(0).strip()
    for match in _EMAIL.finditer(text):
        yield "email", 2, match.group(0)
    for match in _MESSENGER_LINK.finditer(text):
        level = 2 if _INVITE.search(match.group(0)) else _context(text, match.start(), match.end())
        yield "messenger_link", max(1, level), match.group(0)
    for match in _HANDLE.finditer(text):
        level = _context(text, match.start(), match.end())
        if level:
            yield "messenger_handle", level, match.group(0)


# --- words ------------------------------------------------------------------------------------------------------


def tokens(text: str) -> list[lexicon.Token]:
    """The words of `text` as moderation.text.words folds them, each with the original it came from.

    Whitespace-separated chunks are folded one by one; where the whole text folded differently (letters spaced out
    across chunks, "с п а м"), consecutive chunks are grouped until they fold the same way."""
    target = words(text)
    chunks = text.split()
    out: list[lexicon.Token] = []
    i = j = 0
    while i < len(target) and j < len(chunks):
        folded = fold(chunks[j]).split()
        if not folded:  # punctuation only
            j += 1
            continue
        for k in range(j, min(j + _GROUP_LIMIT, len(chunks))):
            if k > j:
                folded = fold(" ".join(chunks[j : k + 1])).split()
            if target[i : i + len(folded)] == folded:
                group = " ".join(chunks[j : k + 1])
                original = group.strip(_EDGE_PUNCTUATION) or group
                out.extend(lexicon.token(word, original) for word in folded)
                i, j = i + len(folded), k + 1
                break
        else:  # cannot align (should not happen): the folded words stand for themselves
            out.extend(lexicon.token(word) for word in target[i:])
            break
    return out


@dataclass
class Hit:
    category: str
    severity: int
    term: str  # as written in the lexicon, or the kind of contact ("phone")
    matched: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, original: str) -> None:
        self.count += 1
        if original not in self.matched and len(self.matched) < MAX_MATCHED:
            self.matched.append(original)

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "severity": self.severity,
            "term": self.term,
            "matched": self.matched,
            "count": self.count,
        }


class Lexicon:
    name = "lexicon"
    version = 1
    weight = 2.0

    def run(self, snapshot: Snapshot) -> Result:
        compiled = lexicon.active_lexicon()
        hits: dict[tuple[str, str], Hit] = {}

        def hit(category: str, severity: int, term: str, original: str) -> None:
            key = (category, term)
            if key not in hits:
                hits[key] = Hit(category, severity, term)
            hits[key].add(original)

        for text in (snapshot.title, snapshot.lead, snapshot.body):
            if not text:
                continue
            toks = tokens(text)
            for match in compiled.find(toks):
                original = " ".join(tok.original for tok in toks[match.start : match.end])
                hit(match.entry.category, match.entry.severity, match.entry.term, original)
            for kind, severity, matched in _contacts(text):
                hit("contact", severity, kind, matched)

        return self._result(
            sorted(hits.values(), key=lambda h: (-h.severity, h.category, h.term)), len(compiled)
        )

    def _result(self, hits: list[Hit], lexicon_size: int) -> Result:
        evidence: dict[str, Any] = {
            "hits": [h.as_dict() for h in hits[:MAX_HITS]],
            "lexicon_size": lexicon_size,
        }
        if not hits:
            return Result(Outcome.PASS, 0.0, [], evidence)

        findings = []
        for category, (ru, en) in FINDINGS.items():
            found = [h for h in hits if h.category == category]
            if found:
                count = sum(h.count for h in found)
                severity = max(h.severity for h in found)
                findings.append(
                    Finding(
                        f"lexicon_{category}",
                        f"{ru} (совпадений: {count}).",
                        f"{en} ({count} {'match' if count == 1 else 'matches'}).",
                    )
                )
                evidence.setdefault("severity", {})[category] = severity

        top = max(h.severity for h in hits)
        high = sum(h.count for h in hits if h.severity == 3)
        medium = sum(h.count for h in hits if h.severity == 2)
        advert = any(h.category == "spam" and h.severity >= 2 for h in hits) and any(
            h.category == "contact" and h.severity >= 2 for h in hits
        )
        if top == 3:
            return Result(Outcome.FAIL, min(1.0, 0.9 + 0.02 * (high - 1)), findings, evidence)
        if advert:
            return Result(Outcome.FAIL, 0.9, [SPAM_WITH_CONTACT, *findings], evidence)
        if top == 2:
            return Result(Outcome.WARN, min(0.7, 0.5 + 0.05 * (medium - 1)), findings, evidence)
        low = sum(h.count for h in hits)
        return Result(Outcome.PASS, min(0.2, 0.1 + 0.025 * (low - 1)), findings, evidence)
