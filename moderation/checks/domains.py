"""Domain knowledge for the links check: the shipped domain lists and look-alike (homograph) domains.

- The lists: moderation/data/blocklist.txt and moderation/data/shorteners.txt, one domain per line, "#" comments,
  Unicode or punycode names alike; a host matches a listed domain or any subdomain of one. Registered domains are
  found with tldextract's bundled public-suffix list (never the network).
- Look-alikes: an internationalised label that mixes scripts ("аpple.com" with a Cyrillic "а") or reads as a
  popular brand ("аррӏе.com", all Cyrillic); the look-alike letters (`skeleton`) are moderation.text's.

Not a check itself: moderation.checks.links uses it, and moderation.checks.REGISTRY lists the checks by name.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import idna
import tldextract

from moderation.text import skeleton

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Brands whose look-alikes phishers register (label of the registered domain, Latin spelling).
POPULAR_BRANDS = (
    "google", "apple", "icloud", "paypal", "microsoft", "outlook", "amazon", "facebook", "instagram",
    "whatsapp", "telegram", "youtube", "twitter", "linkedin", "netflix", "binance", "github", "steam",
    "steamcommunity", "yandex", "vk", "vkontakte", "mailru", "sberbank", "gosuslugi", "nalog", "tinkoff",
    "tbank", "alfabank", "vtb", "ozon", "wildberries", "avito", "kaspi", "kremlin",
)  # fmt: skip
# scripts that are legitimately written together in one label (UTS #39, "highly restrictive")
_SCRIPT_SETS = (
    frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "CJK", "BOPOMOFO"}),
    frozenset({"LATIN", "CJK", "HANGUL"}),
)


# --- data ------------------------------------------------------------------------------------------------------


def ascii_host(host: str) -> str | None:
    """The host as IDNA ASCII ("xn--..."), lower case, without a trailing dot; None when it cannot be encoded."""
    host = host.strip().rstrip(".").lower()
    if not host:
        return None
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        pass
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def read_domain_list(path: Path) -> frozenset[str]:
    """One domain per line, "#" comments; Unicode or punycode names alike."""
    domains: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            host = ascii_host(entry)
            if host:
                domains.add(host)
    return frozenset(domains)


@cache
def shipped_list(name: str) -> frozenset[str]:
    return read_domain_list(DATA_DIR / name)


@cache
def extractor() -> tldextract.TLDExtract:
    # the public-suffix list bundled with tldextract: no download, and no cache directory written either
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def in_list(host: str, domains: frozenset[str]) -> bool:
    """`host` is one of `domains` or a subdomain of one."""
    labels = host.split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels)))


# --- look-alike domains ----------------------------------------------------------------------------------------


def unicode_label(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        return idna.decode(label)
    except (idna.IDNAError, UnicodeError, ValueError):
        try:
            return label.encode("ascii").decode("idna")
        except UnicodeError:
            return label


def unicode_host(host: str) -> str:
    return ".".join(unicode_label(label) for label in host.split("."))


def _script(char: str) -> str | None:
    if not char.isalpha():
        return None  # digits, hyphens: common to every script
    first = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
    if first.startswith("KATAKANA"):
        return "KATAKANA"
    if first in ("IDEOGRAPHIC", "CJK"):
        return "CJK"
    return first


def scripts(label: str) -> set[str]:
    return {s for s in map(_script, label) if s}


def is_mixed_script(label: str) -> bool:
    found = scripts(label)
    return len(found) > 1 and not any(found <= allowed for allowed in _SCRIPT_SETS)


def confusable_brand(label: str) -> str | None:
    """The popular brand a non-ASCII label passes itself off as, if any."""
    if label.isascii():
        return None
    shape = skeleton(label)
    compact = shape.replace("-", "")
    for brand in POPULAR_BRANDS:
        if shape == brand or compact == brand or (len(brand) >= 5 and brand in compact):
            return brand
    return None


def homograph(host: str, suffix: str) -> dict[str, Any] | None:
    """Why `host` (ASCII) looks like another domain, or None. Only internationalised labels are judged; the
    public suffix is left out (a Cyrillic name under ".com" or a Latin one under ".рф" is ordinary)."""
    labels = host.split(".")
    own = labels[: len(labels) - len(suffix.split("."))] if suffix else labels
    reasons: dict[str, Any] = {}
    for label in own:
        if not label.startswith("xn--"):
            continue
        text = unicode_label(label)
        if text == label:
            continue  # not valid punycode: flagged "invalid" by normalise
        if is_mixed_script(text):
            reasons.setdefault("mixed_scripts", sorted(scripts(text)))
        brand = confusable_brand(text)
        if brand:
            reasons.setdefault("looks_like", brand)
    return reasons or None
