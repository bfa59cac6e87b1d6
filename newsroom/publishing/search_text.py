"""The words of search, the same on both databases: how text and queries are cut into words, which words are too
common to search for, how a word is reduced to its stem, and what a reader's query means.

PostgreSQL indexes and queries with its `russian` text search configuration, which stems Cyrillic words with the
Russian Snowball stemmer, ASCII words with the English one, and keeps numbers as they are, each dictionary dropping
its language's stop words. The embedded default (SQLite FTS5) does the same in Python here: the same Snowball
stemmers (snowballstemmer), the same stop word lists (stopwords/, the Snowball project's lists that PostgreSQL ships
as russian.stop and english.stop), the same rule for which stemmer a word gets. Both fold «ё» to «е» first.

A query (`parse`) reads like a web search box, as PostgreSQL's websearch_to_tsquery does: words must all match,
"quoted words" must match as a phrase, `-word` (or `-"a phrase"`) must not match, `or` between two terms accepts
either. A query with no word left to look for (empty, only stop words, only minus words) is no query: `parse`
returns None and search answers an empty page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import snowballstemmer

_PIECE = re.compile(r"[^\W_]+", re.UNICODE)  # a word as the PostgreSQL parser cuts it: letters and digits
# a query's terms: an optional minus, then a quoted phrase (closed or not) or a run of non-space characters
_TERM = re.compile(r'(-?)(?:"([^"]*)"?|(\S+))')
_STOP_DIR = Path(__file__).resolve().parent / "stopwords"


def fts_key(published_at: datetime | None, article_id: int) -> int:
    """The embedded index's row id of an article: its publication second, then 20 bits of its id (the same
    second's articles apart). Newer articles have larger keys, so FTS5 walks matches newest first."""
    seconds = int(published_at.timestamp()) if published_at is not None else 0
    return (seconds << 20) | (article_id & 0xFFFFF)


def fold(text: str) -> str:
    return text.replace("ё", "е").replace("Ё", "Е")


@lru_cache(maxsize=1)
def _stop_words() -> tuple[frozenset[str], frozenset[str]]:
    def read(name: str) -> frozenset[str]:
        return frozenset(
            w.strip() for w in (_STOP_DIR / name).read_text(encoding="utf-8").split() if w.strip()
        )

    return read("russian.txt"), read("english.txt")


_STEMMERS = {"russian": snowballstemmer.stemmer("russian"), "english": snowballstemmer.stemmer("english")}


@lru_cache(maxsize=65536)
def stem(piece: str) -> str | None:
    """One lower-case piece of text as the index stores it; None for a stop word. A piece with a digit stays as it
    is (PostgreSQL's `simple` dictionary), an ASCII word gets the English stemmer, any other the Russian one."""
    russian_stop, english_stop = _stop_words()
    if any(ch.isdigit() for ch in piece):
        return piece
    if piece.isascii():
        return None if piece in english_stop else _STEMMERS["english"].stemWord(piece)
    return None if piece in russian_stop else _STEMMERS["russian"].stemWord(piece)


def pieces(text: str) -> list[str]:
    return _PIECE.findall(fold(text).lower())


def stems(text: str) -> list[str]:
    """The stems of a text, stop words left out, in order (the embedded index's content)."""
    return [s for s in (stem(p) for p in pieces(text)) if s is not None]


def stem_text(text: str) -> str:
    return " ".join(stems(text))


# --- a reader's query --------------------------------------------------------------------------------------------


@dataclass
class Term:
    """A word or a phrase (its pieces, in order, as typed: not yet stemmed), and whether it must not match."""

    words: list[str]
    negated: bool = False


@dataclass
class Group:
    """Terms that must all hold (the positive ones match, the negated ones do not)."""

    terms: list[Term] = field(default_factory=list)

    @property
    def positive(self) -> list[Term]:
        return [t for t in self.terms if not t.negated]


@dataclass
class Query:
    """Groups of which one must hold (`or`)."""

    groups: list[Group]


def parse(q: str) -> Query | None:
    groups: list[Group] = [Group()]
    for match in _TERM.finditer(q):
        minus, phrase, word = match.group(1), match.group(2), match.group(3)
        if phrase is None and word is not None and word.lower() == "or" and not minus:
            groups.append(Group())
            continue
        text = phrase if phrase is not None else word
        words = [p for p in pieces(text or "") if stem(p) is not None]  # stop words never match anything
        if words:
            groups[-1].terms.append(Term(words, negated=bool(minus)))
    # a group needs a word to look for: "-кошка" alone, or "или" alone, asks for nothing
    kept = [g for g in groups if g.positive]
    return Query(kept) if kept else None


def to_tsquery(query: Query) -> str:
    """The query in to_tsquery()'s syntax, words unstemmed (PostgreSQL stems them with the index's configuration).
    Every operand is letters and digits only, quoted all the same."""

    def operand(term: Term) -> str:
        inner = " <-> ".join(f"'{w}'" for w in term.words)
        inner = f"({inner})" if len(term.words) > 1 else inner
        return f"!{inner}" if term.negated else inner

    groups = [" & ".join(operand(t) for t in g.terms) for g in query.groups]
    return " | ".join(f"({g})" for g in groups)


def to_fts5(query: Query) -> str:
    """The query in FTS5's syntax over the stems: a phrase per term ("stem stem"), AND within a group with each
    negated term as `NOT`, OR between groups. Stems are letters and digits only, so quoting them is enough."""

    def phrase(term: Term) -> str:
        return '"' + " ".join(s for s in (stem(w) for w in term.words) if s) + '"'

    groups = []
    for group in query.groups:
        positive = " AND ".join(phrase(t) for t in group.positive)
        negated = "".join(f" NOT {phrase(t)}" for t in group.terms if t.negated)
        groups.append(f"({positive}{negated})")
    return " OR ".join(groups)
