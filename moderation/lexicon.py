"""The spam-and-abuse lexicon: the shipped files, loading them into LexiconEntry, and the compiled copy the lexicon
check matches against.

Files (moderation/data/lexicon/<language>.txt) are only the seed: migration 0004 and `manage.py load_lexicon` load
them, chief editors edit the table in the admin. Each process keeps one compiled copy of the ACTIVE entries and
rebuilds it when any process saves or deletes an entry: the signal handlers below bump a version kept in Django's
cache (shared by web and workers when the cache is Redis), and the copy is also rebuilt every TTL seconds in case
a change bypassed the signals (QuerySet.update, raw SQL, a cache outage).

Term syntax: words separated by spaces (several words: a phrase, matched in sequence); a word is compared with the
text's words after folding and stemming both (moderation.text), as a WHOLE word; a word ending in "*" matches any
folded word that begins with it.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from moderation.models import LexiconEntry
from moderation.text import cyrillic_reading, fold, stem

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data" / "lexicon"
CATEGORIES = ("profanity", "hate", "spam", "contact")
LANGUAGES = ("ru", "en", "any")
SEVERITIES = (1, 2, 3)
CACHE_KEY = "moderation:lexicon:version"
TTL_SECONDS = 300.0  # backstop only: a save or delete anywhere invalidates at once
SHIPPED_NOTE = "shipped lexicon"


# --- the files -------------------------------------------------------------------------------------------------


class LexiconFileError(ValueError):
    pass


@dataclass(frozen=True)
class Term:
    language: str
    category: str
    severity: int
    term: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.language, self.category, self.term)

    @property
    def is_phrase(self) -> bool:
        return is_phrase(self.term)


def normalise_term(term: str) -> str:
    return " ".join(term.casefold().split())


def is_phrase(term: str) -> bool:
    return len(term_words(term)) > 1


def parse(lines: Iterable[str], language: str, source: str = "<lines>") -> list[Term]:
    """`category<TAB>severity<TAB>term` lines; "#" comments and blank lines skipped. Raises on a bad line."""
    if language not in LANGUAGES:
        raise LexiconFileError(f"{source}: unknown language {language!r}")
    terms: dict[tuple[str, str, str], Term] = {}
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [part.strip() for part in line.split("\t") if part.strip()]
        if len(parts) != 3:
            raise LexiconFileError(f"{source}:{number}: expected category<TAB>severity<TAB>term")
        category, severity, text = parts
        if category not in CATEGORIES:
            raise LexiconFileError(f"{source}:{number}: unknown category {category!r}")
        if not severity.isdigit() or int(severity) not in SEVERITIES:
            raise LexiconFileError(f"{source}:{number}: severity must be 1, 2 or 3")
        term = normalise_term(text)
        try:
            compile_words(term)
        except ValueError as exc:
            raise LexiconFileError(f"{source}:{number}: {exc}") from exc
        entry = Term(language, category, int(severity), term)
        terms[entry.key] = entry  # a repeated line: the last one wins
    return list(terms.values())


def shipped_terms(directory: Path = DATA_DIR) -> list[Term]:
    """Every entry of the shipped files; the file name is the language (ru.txt, en.txt, any.txt)."""
    terms: list[Term] = []
    for path in sorted([*directory.glob("*.txt"), *directory.glob("*.tsv")]):
        with path.open(encoding="utf-8") as lines:
            terms.extend(parse(lines, path.stem, source=path.name))
    return terms


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.deactivated} deactivated"
        )


def load_entries(model: Any, terms: Sequence[Term], *, replace: bool = False) -> LoadReport:
    """Upserts `terms` into `model` (LexiconEntry, or its historical version in a migration).

    A new term is created active. A known one gets the file's severity; whether it is active is left to the
    editors (a term they switched off stays off) unless `replace`, which makes the table mirror the files: their
    terms active, every other entry deactivated (never deleted, so an editor can switch it back on)."""
    report = LoadReport()
    wanted = {term.key: term for term in terms}
    now = timezone.now()
    with transaction.atomic():
        existing = {(o.language, o.category, normalise_term(o.term)): o for o in model.objects.all()}
        new, changed = [], []
        for key, term in wanted.items():
            row = existing.get(key)
            if row is None:
                new.append(
                    model(
                        language=term.language,
                        category=term.category,
                        term=term.term,
                        is_phrase=term.is_phrase,
                        severity=term.severity,
                        is_active=True,
                        note=SHIPPED_NOTE,
                        updated_at=now,
                    )
                )
                continue
            before = (row.severity, row.is_phrase, row.is_active)
            row.severity, row.is_phrase = term.severity, term.is_phrase
            if replace:
                row.is_active = True
            if (row.severity, row.is_phrase, row.is_active) != before:
                row.updated_at = now
                changed.append(row)
            else:
                report.unchanged += 1
        report.created, report.updated = len(new), len(changed)
        if replace:
            for key, row in existing.items():
                if key not in wanted and row.is_active:
                    row.is_active, row.updated_at = False, now
                    changed.append(row)
                    report.deactivated += 1
        model.objects.bulk_create(new, batch_size=500)
        model.objects.bulk_update(
            changed, ["severity", "is_phrase", "is_active", "updated_at"], batch_size=500
        )
    return report


# --- the compiled lexicon --------------------------------------------------------------------------------------


@lru_cache(maxsize=50_000)
def cached_stem(word: str) -> str:
    return stem(word)


@dataclass(frozen=True)
class Token:
    """One folded word of the text, with the forms a term is compared with."""

    folded: str
    original: str
    keys: frozenset[str]  # the folded word, its stem, and the same for its Cyrillic reading (see token())


def token(folded: str, original: str = "") -> Token:
    keys = {folded, cached_stem(folded)}
    # a word written entirely in Latin letters that look Cyrillic ("cyka") is also read as Cyrillic; only whole
    # words are compared that way, never prefixes ("ebay" must not become a prefix match)
    cyrillic = cyrillic_reading(folded)
    if cyrillic is not None:
        keys |= {cyrillic, cached_stem(cyrillic)}
    return Token(folded, original or folded, frozenset(keys))


@dataclass(frozen=True)
class WordPattern:
    prefix: str | None  # "пизд" for "пизд*"
    keys: frozenset[str] = frozenset()  # the folded word and its stem
    min_length: int = 0  # "сука" (stem "сук") does not match "сук", a branch

    def matches(self, tok: Token) -> bool:
        if self.prefix is not None:
            return tok.folded.startswith(self.prefix)
        return len(tok.folded) >= self.min_length and not self.keys.isdisjoint(tok.keys)


def term_words(term: str) -> list[str]:
    return [word for word in (fold(part.rstrip("*")) for part in term.split()) for word in word.split()]


def compile_words(term: str) -> tuple[WordPattern, ...]:
    patterns: list[WordPattern] = []
    for part in term.split():
        is_prefix = part.endswith("*")
        folded = fold(part.rstrip("*")).split()
        if not folded:
            raise ValueError(f"{part!r} has no letters")
        if "*" in part.rstrip("*"):
            raise ValueError(f"{part!r}: '*' may only end a word")
        for index, word in enumerate(folded):
            if is_prefix and index == len(folded) - 1:
                if len(word) < 3:
                    raise ValueError(f"{part!r}: a prefix needs at least three letters")
                patterns.append(WordPattern(prefix=word))
            else:
                stemmed = cached_stem(word)
                patterns.append(
                    WordPattern(None, frozenset({word, stemmed}), min(len(word), len(stemmed) + 1))
                )
    return tuple(patterns)


@dataclass(frozen=True)
class Entry:
    id: int | None
    language: str
    category: str
    severity: int
    term: str
    words: tuple[WordPattern, ...]


@dataclass(frozen=True)
class Match:
    entry: Entry
    start: int
    end: int  # token indices, end exclusive


@dataclass
class CompiledLexicon:
    entries: list[Entry]
    _exact: dict[str, list[Entry]] = field(default_factory=dict)  # key of the first word -> entries
    _prefix: dict[str, list[Entry]] = field(default_factory=dict)  # first letter of the first word's prefix

    def __post_init__(self) -> None:
        for entry in self.entries:
            first = entry.words[0]
            if first.prefix is not None:
                self._prefix.setdefault(first.prefix[0], []).append(entry)
            else:
                for key in first.keys:
                    self._exact.setdefault(key, []).append(entry)

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, tokens: Sequence[Token]) -> Iterator[Match]:
        for start, tok in enumerate(tokens):
            candidates: dict[int, Entry] = {}
            for key in tok.keys:
                for entry in self._exact.get(key, ()):
                    candidates[id(entry)] = entry
            for entry in self._prefix.get(tok.folded[:1], ()):
                candidates[id(entry)] = entry
            for entry in sorted(candidates.values(), key=lambda e: (e.category, e.term)):
                end = start + len(entry.words)
                if end <= len(tokens) and all(
                    pattern.matches(tokens[start + offset]) for offset, pattern in enumerate(entry.words)
                ):
                    yield Match(entry, start, end)


def compile_entries(rows: Iterable[Any]) -> CompiledLexicon:
    entries = []
    for row in rows:
        try:
            words = compile_words(normalise_term(row.term))
        except ValueError:
            log.warning("lexicon entry %s (%r) cannot be matched; skipped", row.pk, row.term)
            continue
        entries.append(Entry(row.pk, row.language, row.category, int(row.severity), row.term, words))
    return CompiledLexicon(entries)


# --- the in-process copy and its invalidation ------------------------------------------------------------------

_lock = threading.Lock()
_local_generation = 0  # bumped by this process's own saves: no cache round trip needed to see them
_compiled: tuple[tuple[int, str | None], float, CompiledLexicon] | None = None


def _shared_version() -> str | None:
    try:
        version = cache.get(CACHE_KEY)
        if version is None:
            cache.add(CACHE_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(CACHE_KEY)
        return version
    except Exception:  # the cache is down: the TTL still refreshes the copy
        log.warning("lexicon version unavailable from the cache", exc_info=True)
        return None


def _bump_shared() -> None:
    try:
        cache.set(CACHE_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        log.warning("could not bump the lexicon version in the cache", exc_info=True)


def invalidate() -> None:
    """Every process rebuilds its copy before its next check. Called on each save and delete of an entry; call it
    after changing entries without signals (QuerySet.update, bulk_create, load_entries)."""
    global _local_generation
    with _lock:
        _local_generation += 1
    _bump_shared()
    # bump again once the change is visible to other connections: a worker that reloaded between the first bump
    # and the commit would otherwise keep the old rows under the new version
    transaction.on_commit(_bump_shared)


def active_lexicon() -> CompiledLexicon:
    global _compiled
    stamp = (
        _local_generation,
        _shared_version(),
    )  # read before the rows: a change after this is seen next time
    current = _compiled
    if current is not None and current[0] == stamp and time.monotonic() - current[1] < TTL_SECONDS:
        return current[2]
    compiled = compile_entries(LexiconEntry.objects.filter(is_active=True).order_by("pk"))
    with _lock:
        _compiled = (stamp, time.monotonic(), compiled)
    return compiled


def _on_change(sender: Any, **kwargs: Any) -> None:
    invalidate()


post_save.connect(_on_change, sender=LexiconEntry, dispatch_uid="moderation.lexicon.invalidate_on_save")
post_delete.connect(_on_change, sender=LexiconEntry, dispatch_uid="moderation.lexicon.invalidate_on_delete")
