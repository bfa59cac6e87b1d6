"""Text normalisation shared by the checks (lexicon, near-duplicates).

`fold` makes obfuscated writing comparable: case folded, ё→е, Latin look-alikes of Cyrillic letters folded into
Cyrillic inside Cyrillic words (and back inside Latin ones), letters repeated three or more times collapsed,
separators inside words removed ("с.п.а.м", "s-p-a-m"). `words` splits folded text into words; `stems` reduces them
with the Snowball stemmer of their script, so inflected forms match ("новости", "новостями" → "новост").

`skeleton` reads every look-alike letter of any script as the Latin one it passes for, whatever the word around it
(the look-alike domains of the links check, and `title_key`, which the content rules compare titles by).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from newsroom.api.text import visible

# Latin letters (and digits) that are written for Cyrillic ones, and the reverse
_TO_CYRILLIC = str.maketrans(
    {
        "a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "o": "о", "p": "р",
        "t": "т", "x": "х", "y": "у", "u": "и", "r": "г", "n": "п", "3": "з", "0": "о", "6": "б",
        "4": "ч",
    }
)  # fmt: skip
_TO_LATIN = str.maketrans(
    {"а": "a", "в": "b", "с": "c", "е": "e", "н": "h", "к": "k", "м": "m", "о": "o", "р": "p", "т": "t",
     "х": "x", "у": "y", "0": "o", "1": "l", "3": "e", "@": "a", "$": "s"}
)  # fmt: skip

_CYRILLIC = re.compile(r"[а-яё]")
_LATIN = re.compile(r"[a-z]")
# a separator between single letters: "с.п.а.м", "s-p-a-m", "с п а м"
_SPACED_LETTERS = re.compile(r"\b\w([\s.\-_*·•|/\\])\w(?:\1\w)+\b")  # one separator throughout
_SEPARATORS = re.compile(r"[\s.\-_*·•|/\\]")
_REPEATS = re.compile(r"(\w)\1{2,}")
_TOKEN = re.compile(r"[\w@$]+", re.UNICODE)


_DIGITS_TO_CYRILLIC = str.maketrans("3064", "зобч")
_LEET_TO_LATIN = str.maketrans("013@$", "oleas")
_CYRILLIC_LOOKALIKES = set("abcehkmoptxyur3046")
_LATIN_LOOKALIKES = set("авсенкмортху")


@lru_cache(maxsize=100_000)  # pure; a language's texts share most of their words
def _fold_token(token: str) -> str:
    """A word mixing scripts is written in the script its look-alike letters can be folded into: "ПpuBeT" →
    "привет", "frее" (with Cyrillic е) → "free"; pure Latin leetspeak "fr33" → "free"."""
    if len(token) <= 2:
        return token
    cyrillic, latin = set(_CYRILLIC.findall(token)), set(_LATIN.findall(token))
    if cyrillic and latin:
        if latin <= _CYRILLIC_LOOKALIKES:
            return token.translate(_TO_CYRILLIC)
        if cyrillic <= _LATIN_LOOKALIKES:
            return token.translate(_TO_LATIN)
        return token
    if cyrillic:
        return token.translate(_DIGITS_TO_CYRILLIC)
    if latin and not token.isdigit():
        return token.translate(_LEET_TO_LATIN)
    return token


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold().replace("ё", "е")
    text = _SPACED_LETTERS.sub(lambda m: _SEPARATORS.sub("", m.group(0)), text)
    text = _REPEATS.sub(r"\1", text)
    return " ".join(_fold_token(token) for token in _TOKEN.findall(text))


def words(text: str) -> list[str]:
    return fold(text).split()


@lru_cache(maxsize=4)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


def stem(word: str) -> str:
    language = "russian" if _CYRILLIC.search(word) else "english"
    return _stemmer(language).stemWord(word)


def stems(text: str) -> list[str]:
    return [stem(word) for word in words(text)]


def cyrillic_reading(word: str) -> str | None:
    """How an all-Latin word reads if its letters stand for Cyrillic look-alikes ("cyka" → "сука"); None when some
    letter has no look-alike. Callers compare whole words only (never prefixes)."""
    if len(word) >= 3 and word.isascii() and word.isalpha() and set(word) <= _CYRILLIC_LOOKALIKES:
        return word.translate(_TO_CYRILLIC)
    return None


# Letters of other scripts (and Latin letters with tails or without dots) read as Latin ones. Lower case only:
# callers lower-case (or case-fold) first.
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "ь": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "н": "h", "і": "i",
        "ї": "i", "ј": "j", "к": "k", "ӏ": "l", "м": "m", "п": "n", "о": "o", "р": "p", "ԛ": "q", "г": "r",
        "ѕ": "s", "т": "t", "ц": "u", "ѵ": "v", "ԝ": "w", "х": "x", "у": "y", "ү": "y", "з": "3",
        # Greek
        "α": "a", "β": "b", "ϲ": "c", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w",
        # Armenian
        "օ": "o", "ս": "u", "ո": "n", "հ": "h", "ց": "g", "զ": "q",
        # Latin look-alikes
        "ı": "i", "ɩ": "i", "ɑ": "a", "ɡ": "g", "ʟ": "l", "ɴ": "n", "ʀ": "r", "ꜱ": "s",
        # digits
        "0": "o", "1": "l",
    }
)  # fmt: skip
_ALNUM = re.compile(r"[^\W_]+")


def skeleton(label: str) -> str:
    """What the text reads as in Latin letters: look-alikes replaced, accents dropped."""
    text = unicodedata.normalize("NFKD", label.lower().translate(CONFUSABLES))
    return "".join(c for c in text if not unicodedata.combining(c)).translate(CONFUSABLES)


@lru_cache(maxsize=100_000)  # pure; the titles a check compares against are the same from one run to the next
def title_key(title: str) -> str:
    """What a title reads as, for finding copies: invisible characters dropped, NFKC, case folded, look-alike letters
    of every script read as Latin (`skeleton`), accents, punctuation and spacing ignored. Cyrillic «Пожар в центре»
    typed with Latin "o", "a", "p", "e" has the key of the original; so has "ПОЖАР В ЦЕНТРЕ!"."""
    text = unicodedata.normalize("NFKC", visible(title)).casefold()
    return " ".join(_ALNUM.findall(skeleton(text)))


def same_letters(first: str, second: str) -> bool:
    """The two titles differ only in case, compatibility forms, invisible characters, punctuation and spacing:
    no look-alike letter of another script was needed to make them one (`title_key`)."""

    def plain(text: str) -> str:
        return " ".join(
            _ALNUM.findall(unicodedata.normalize("NFKC", visible(text)).casefold().replace("ё", "е"))
        )

    return plain(first) == plain(second)
