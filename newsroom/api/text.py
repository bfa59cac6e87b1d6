"""Invisible characters in the short texts that become page titles, bylines and feed entries.

The rule (docs/errors.md, `invisible_control`): titles, leads, tags, place names, source descriptions, display
and pen names, image captions and credits are *refused* when they hold a character nobody can see — text-direction
controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C, which can reverse what a reader sees), zero-width
spaces and joiners of words (U+200B, U+2060, U+FEFF), soft hyphens, the other Unicode format characters (category
Cf), control characters other than tab and line breaks (category Cc) and the Hangul fillers that pass for blank
names. Two format characters stay allowed because words and emoji need them: ZERO WIDTH NON-JOINER and ZERO WIDTH
JOINER (U+200C, U+200D); so do the tag characters of an emoji flag sequence (🏴 + tags + CANCEL TAG).

`visible` is the second line for what was stored before the rule (or by the admin): the public pages and the
feeds pass these texts through it.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

INVISIBLE_CONTROL = "invisible_control"

_ALLOWED = frozenset("\u200c\u200d\t\n\r")  # ZWNJ, ZWJ; tab and line breaks (multi-line texts)
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")  # Hangul fillers: letters that print nothing
# an emoji subdivision flag: BLACK FLAG, tag letters, CANCEL TAG (the flags of Scotland, Wales, ...)
_EMOJI_TAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")


def is_invisible(char: str) -> bool:
    if char in _ALLOWED:
        return False
    return unicodedata.category(char) in ("Cf", "Cc") or char in _FILLERS


# allowed characters that str.isprintable() calls unprintable (tab, line breaks, ZWNJ, ZWJ, the space separators
# such as NO-BREAK SPACE): set aside before the quick look below
_ALLOWED_UNPRINTABLE = re.compile("[\t\n\r\u200c\u200d\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_FILLER = re.compile(f"[{''.join(sorted(_FILLERS))}]")


def _plainly_visible(text: str) -> bool:
    """True for nearly every text, at C speed: printable once the allowed characters are set aside, and no
    Hangul filler (printable but blank). False means "look at each character", not "has an invisible one"."""
    if not text.isprintable():
        text = _ALLOWED_UNPRINTABLE.sub(" ", text)
        if not text.isprintable():
            return False
    return _FILLER.search(text) is None


def _spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _EMOJI_TAG_SEQUENCE.finditer(text)]


def invisible_characters(text: str) -> list[str]:
    """The invisible characters of `text`, each once, in order of appearance ("U+202E" notation)."""
    if not text or _plainly_visible(text):
        return []
    flags = _spans(text)
    found: dict[str, None] = {}
    for i, char in enumerate(text):
        if is_invisible(char) and not any(start <= i < end for start, end in flags):
            found[f"U+{ord(char):04X}"] = None
    return list(found)


def visible(text: str) -> str:
    """`text` without its invisible characters (emoji flag sequences kept)."""
    if not text or _plainly_visible(text):
        return text or ""
    flags = _spans(text)
    return "".join(
        char
        for i, char in enumerate(text)
        if not is_invisible(char) or any(start <= i < end for start, end in flags)
    )


def refuse_invisible(value: str) -> None:
    """A serializer field validator: a 400 with the field code `invisible_control` naming the characters."""
    found = invisible_characters(value)
    if found:
        raise ValidationError(
            _("Remove the invisible characters from this text: %(chars)s. They can hide or reverse it.")
            % {"chars": ", ".join(found)},
            code=INVISIBLE_CONTROL,
        )
