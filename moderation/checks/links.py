"""Links: where an article sends its readers.

Every http(s) URL of the title, lead and body (Markdown links, autolinks, bare URLs, "www." forms) and of the
declared sources is normalised (scheme and host lower-cased, the host IDNA-encoded, default ports, fragments and
tracking parameters dropped) and reduced to its registered domain with tldextract's bundled public-suffix list
(never the network). Flags:

- fail: a blocklisted domain (moderation/data/blocklist.txt); a look-alike domain: an internationalised label that
  mixes scripts ("аpple.com" with a Cyrillic "а") or reads as a popular brand ("аррӏе.com", all Cyrillic);
- warn: a URL shortener (moderation/data/shorteners.txt), an IP address instead of a name, a user name before the
  host ("https://bank.ru@evil.example/"), an unparsable host, and more links in the text than the author's trust
  level allows (the submit-time limit refuses those; a revision edited later still gets it recorded here).

Optionally (NEWSROOM["LINK_LIVE_CHECK"]), up to 10 links are asked for with HEAD (GET when HEAD is refused),
through newsroom.net: only public addresses, at most 3 redirects, each target validated again. A dead link
(4xx/5xx, no connection) is a warning.

Settings (NEWSROOM): LINK_LIVE_CHECK (False), LINK_TIMEOUT (3 s per URL, redirects included), LINK_LIVE_MAX_URLS
(10), LINK_ALLOW_LOOPBACK (False; tests only).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, unquote_plus, urlsplit

from django.conf import settings

from moderation.checks.base import Finding, Result, Snapshot
from moderation.checks.domains import (
    ascii_host,
    extractor,
    homograph,
    in_list,
    shipped_list,
    unicode_host,
    unicode_label,
)
from moderation.models import Outcome
from newsroom import net
from newsroom.accounts.trust import links_per_article
from submissions.content import count_links

MAX_EVIDENCE_LINKS = 100
MAX_REDIRECTS = 3

# the same starts as submissions.content.count_links: "http(s)://" after a non-word character, or a "www." that
# does not continue a host or a path
_URL = re.compile(r"(?i)(?:(?<!\w)https?://|(?<![/\w.])www\.)[^\s<>\"'`«»“”„\[\]{}|\\^]+")
_TRAILING = ".,:;!?*_~"
_LEGACY_IPV4 = re.compile(r"(?i)(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+)){0,3}")
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "ysclid",
        "igshid",
        "mc_cid",
        "mc_eid",
    }
)


FAIL_FLAGS = ("blocklisted", "homograph", "redirect_blocklisted", "redirect_homograph")
WARN_FLAGS = ("shortener", "ip_address", "userinfo", "invalid", "dead", "unsafe_address")
FAIL_SCORE = 0.9
WARN_SCORE_EACH, WARN_SCORE_MAX = 0.25, 0.5


def _setting(key: str, default: Any) -> Any:
    return getattr(settings, "NEWSROOM", {}).get(key, default)


# --- extraction and normalisation ------------------------------------------------------------------------------


def find_urls(text: str) -> list[str]:
    """The http(s) and "www." URLs of Markdown or plain text, in order, as written."""
    found = []
    for match in _URL.finditer(text or ""):
        url = match.group(0)
        while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("("))):
            url = url[:-1]
        if url and url.lower() not in ("http://", "https://", "www."):
            found.append(url)
    return found


def _strip_tracking(query: str) -> str:
    kept = []
    for piece in query.split("&"):
        if not piece:
            continue
        key = unquote_plus(piece.split("=", 1)[0]).strip().lower()
        if key.startswith("utm_") or key in TRACKING_PARAMS:
            continue
        kept.append(piece)
    return "&".join(kept)


def _ip_host(host: str) -> str | None:
    """The IP address `host` stands for (also the legacy forms browsers accept: "2130706433", "0x7f.1")."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(host):
        try:
            return socket.inet_ntoa(socket.inet_aton(host))
        except OSError:
            return None
    return None


@dataclass
class Link:
    url: str  # normalised, or as written when it could not be parsed
    host: str = ""  # ASCII; an IP address without brackets
    domain: str = ""  # the registered domain (the host itself for IP addresses and unknown suffixes)
    suffix: str = ""
    flags: list[str] = field(default_factory=list)
    status: int | None = None
    places: set[str] = field(default_factory=set)
    details: dict[str, Any] = field(default_factory=dict)

    def as_evidence(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "url": self.url,
            "domain": self.domain,
            "flags": list(self.flags),
            "status": self.status,
            "in": sorted(self.places),
        }
        entry.update(self.details)
        return entry


def normalise(raw: str) -> Link | None:
    """The normalised form of one URL; None for what is not an http(s) URL. An http(s) URL whose host cannot be
    understood is returned flagged "invalid"."""
    text = raw.strip()
    if text.lower().startswith("www."):
        text = "http://" + text
    try:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            return None
        port = parts.port
        hostname = unquote(parts.hostname or "")
    except ValueError:
        if text.lower().startswith(("http://", "https://")):
            return Link(url=text, flags=["invalid"])
        return None
    link = Link(url=text)
    if "@" in parts.netloc:
        link.flags.append("userinfo")
    ip = _ip_host(hostname.rstrip("."))
    if ip is not None:
        host = ip
        link.flags.append("ip_address")
    else:
        encoded = ascii_host(hostname)
        if encoded is None or any(not label for label in encoded.split(".")):
            link.flags.append("invalid")
            return link
        if any(label.startswith("xn--") and unicode_label(label) == label for label in encoded.split(".")):
            link.flags.append("invalid")  # not valid punycode
        host = encoded
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != (443 if scheme == "https" else 80):
        netloc = f"{netloc}:{port}"
    query = _strip_tracking(parts.query)
    link.url = f"{scheme}://{netloc}{parts.path or '/'}" + (f"?{query}" if query else "")
    link.host = host
    if ip is not None:
        link.domain = host
    else:
        extracted = extractor()(host)
        link.suffix = extracted.suffix
        registered = getattr(extracted, "top_domain_under_public_suffix", None)
        if registered is None:  # tldextract < 5.3
            registered = extracted.registered_domain
        link.domain = registered or host
    return link


# --- the check -------------------------------------------------------------------------------------------------


def _findings(flag: str, subjects: list[str]) -> Finding:
    listed = ", ".join(subjects[:5]) + (" …" if len(subjects) > 5 else "")
    texts = {
        "blocklisted": (
            f"Ссылка на домен из чёрного списка: {listed}.",
            f"A link to a blocklisted domain: {listed}.",
        ),
        "homograph": (
            f"Домен выдаёт себя за другой — буквы разных алфавитов или двойник известного сайта: {listed}.",
            f"A look-alike domain (letters of different alphabets, or a copy of a well-known name): {listed}.",
        ),
        "redirect_blocklisted": (
            f"Ссылка перенаправляет на домен из чёрного списка: {listed}.",
            f"A link redirects to a blocklisted domain: {listed}.",
        ),
        "redirect_homograph": (
            f"Ссылка перенаправляет на домен-двойник: {listed}.",
            f"A link redirects to a look-alike domain: {listed}.",
        ),
        "shortener": (
            f"Сокращённая ссылка — куда она ведёт, не видно: {listed}.",
            f"A shortened link hides where it leads: {listed}.",
        ),
        "ip_address": (
            f"Ссылка на IP-адрес вместо доменного имени: {listed}.",
            f"A link to an IP address instead of a domain name: {listed}.",
        ),
        "userinfo": (
            f"В ссылке перед доменом стоит имя пользователя — так маскируют настоящий адрес: {listed}.",
            f"A link has a user name before the host, a way to disguise the real address: {listed}.",
        ),
        "invalid": (f"Некорректная ссылка: {listed}.", f"A malformed link: {listed}."),
        "dead": (f"Ссылка не открывается: {listed}.", f"A link does not open: {listed}."),
        "unsafe_address": (
            f"Ссылка ведёт во внутреннюю сеть и не проверялась: {listed}.",
            f"A link points into a private network and was not checked: {listed}.",
        ),
    }
    ru, en = texts[flag]
    return Finding(f"link_{flag}", ru, en)


class Links:
    name = "links"
    version = 1
    weight = 1.5

    def __init__(
        self, *, blocklist: Iterable[str] | None = None, shorteners: Iterable[str] | None = None
    ) -> None:
        # the shipped data files unless given (tests, or a deployment that loads its own lists)
        self._blocklist = (
            frozenset(filter(None, map(ascii_host, blocklist))) if blocklist is not None else None
        )
        self._shorteners = (
            frozenset(filter(None, map(ascii_host, shorteners))) if shorteners is not None else None
        )

    @property
    def blocklist(self) -> frozenset[str]:
        return self._blocklist if self._blocklist is not None else shipped_list("blocklist.txt")

    @property
    def shorteners(self) -> frozenset[str]:
        return self._shorteners if self._shorteners is not None else shipped_list("shorteners.txt")

    # --- collecting

    def collect(self, snapshot: Snapshot) -> list[Link]:
        """The article's links, unique by normalised URL, in order of first appearance."""
        seen: dict[str, Link] = {}
        written: list[tuple[str, str]] = [
            (place, url)
            for place, text in (("title", snapshot.title), ("lead", snapshot.lead), ("body", snapshot.body))
            for url in find_urls(text)
        ]
        sources = snapshot.extra.get("sources") if isinstance(snapshot.extra, dict) else None
        for source in sources if isinstance(sources, list) else []:
            url = source.get("url") if isinstance(source, dict) else None
            if isinstance(url, str) and url.strip():
                written.append(("sources", url.strip()))
        for place, raw in written:
            link = normalise(raw)
            if link is None:
                continue
            known = seen.setdefault(link.url, link)
            known.places.add(place)
        return list(seen.values())

    def judge(self, link: Link) -> None:
        """Adds the static flags (no network)."""
        if not link.host:
            return
        if in_list(link.host, self.blocklist):
            link.flags.append("blocklisted")
        if "ip_address" not in link.flags:
            reasons = homograph(link.host, link.suffix)
            if reasons:
                link.flags.append("homograph")
                link.details["unicode"] = unicode_host(link.host)
                link.details.update(reasons)
            if in_list(link.host, self.shorteners):
                link.flags.append("shortener")

    # --- the optional live check

    def _accept_redirect(self, target: str) -> str | None:
        link = normalise(target)
        if link is None or not link.host or "invalid" in link.flags:
            return "bad_redirect"
        if in_list(link.host, self.blocklist):
            return "redirect_blocklisted"
        if "ip_address" not in link.flags and homograph(link.host, link.suffix):
            return "redirect_homograph"
        return None

    def _probe(self, link: Link, timeout: float, allow_loopback: bool) -> None:
        try:
            result = net.probe(
                link.url,
                timeout=timeout,
                max_redirects=MAX_REDIRECTS,
                allow_loopback=allow_loopback,
                accept_redirect=self._accept_redirect,
            )
        except Exception as exc:  # one odd server never sinks the whole check
            link.details["error"] = type(exc).__name__
            link.flags.append("dead")
            return
        link.status = result.status
        if result.redirects:
            link.details["redirects"] = result.redirects
        if result.error:
            link.details["error"] = result.error
        if result.error in ("redirect_blocklisted", "redirect_homograph", "unsafe_address"):
            link.flags.append(result.error)
            target = normalise(result.url)
            if result.error != "unsafe_address" and target is not None:
                link.details["redirect_domain"] = target.domain
        elif result.error or (result.status is not None and result.status >= 400):
            link.flags.append("dead")

    def live_check(self, links: list[Link]) -> int:
        """Asks for up to LINK_LIVE_MAX_URLS links (never the blocklisted or look-alike ones) in parallel."""
        timeout = float(_setting("LINK_TIMEOUT", 3.0))
        allow_loopback = bool(_setting("LINK_ALLOW_LOOPBACK", False))
        limit = int(_setting("LINK_LIVE_MAX_URLS", 10))
        chosen = [
            link
            for link in links
            if link.host and not {"blocklisted", "homograph", "invalid"} & set(link.flags)
        ][:limit]
        if chosen:
            with ThreadPoolExecutor(max_workers=min(5, len(chosen))) as pool:
                list(pool.map(lambda link: self._probe(link, timeout, allow_loopback), chosen))
        return len(chosen)

    # --- the verdict

    def run(self, snapshot: Snapshot) -> Result:
        links = self.collect(snapshot)
        for link in links:
            self.judge(link)
        checked = self.live_check(links) if _setting("LINK_LIVE_CHECK", False) else 0

        try:
            limit: int | None = links_per_article(snapshot.author_trust_level)
        except (AttributeError, KeyError, TypeError):
            limit = None
        in_text = count_links(snapshot.title, snapshot.lead, snapshot.body)

        by_flag: dict[str, list[str]] = {}
        for link in links:
            for flag in link.flags:
                subject = link.url if flag in ("dead", "invalid", "userinfo", "ip_address") else link.domain
                if flag == "homograph":
                    subject = f"{link.details.get('unicode', link.host)} ({link.domain})"
                if flag == "dead":
                    subject = f"{link.url} ({link.status or link.details.get('error', '?')})"
                subjects = by_flag.setdefault(flag, [])
                if subject not in subjects:
                    subjects.append(subject)
        fails = [_findings(flag, by_flag[flag]) for flag in FAIL_FLAGS if flag in by_flag]
        warns = [_findings(flag, by_flag[flag]) for flag in WARN_FLAGS if flag in by_flag]
        if limit is not None and in_text > limit:
            warns.append(
                Finding(
                    "too_many_links",
                    f"Ссылок в тексте: {in_text}; уровень доверия автора допускает не больше {limit}.",
                    f"The text has {in_text} links; the author's trust level allows {limit}.",
                )
            )

        evidence: dict[str, Any] = {
            "links": [link.as_evidence() for link in links[:MAX_EVIDENCE_LINKS]],
            "count": len(links),
            "text_links": in_text,
            "limit": limit,
        }
        if len(links) > MAX_EVIDENCE_LINKS:
            evidence["truncated"] = True
        if checked:
            evidence["live_checked"] = checked
        if fails:
            return Result(Outcome.FAIL, FAIL_SCORE, [*fails, *warns], evidence)
        if warns:
            return Result(Outcome.WARN, min(WARN_SCORE_MAX, WARN_SCORE_EACH * len(warns)), warns, evidence)
        return Result(Outcome.PASS, 0.0, [], evidence)
