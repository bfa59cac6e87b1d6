"""Outbound requests to addresses that authors chose, without letting them reach our own network (SSRF).

Every request resolves its host once, refuses it unless *every* address it resolves to is public (no private,
loopback, link-local, multicast, reserved, unspecified or shared address; IPv4 and IPv6, IPv4 embedded in IPv6
included), and then connects to one of those validated addresses. The name is never resolved a second time, so a
DNS answer that changes between the check and the connection (DNS rebinding) cannot send the request elsewhere:
the URL's host travels only in the Host header and, over TLS, in SNI and the certificate check.

Redirects are not followed here blindly: `probe` follows at most `max_redirects` of them, and each target is
validated again (scheme, address, and whatever the caller's `accept_redirect` says) before anything is sent.

Used by the links check (moderation.checks.links: `probe`) and by the channels (newsroom.channels: `parse_target`,
`resolve_public` or `resolve`, `pinned_connection`), and `is_public_ip` wherever an address is judged.

Standard library only (http.client, ssl, socket, ipaddress). No proxy is used: a proxy would resolve the name
itself and defeat the pinning.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

USER_AGENT = "NewsroomLinkCheck/1.0 (+link check of submitted articles)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known NAT64 prefix: the last 32 bits are an IPv4 address
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT


class UnsafeAddress(Exception):
    """The host resolves to an address we must not connect to (or does not resolve to any address at all)."""

    def __init__(self, host: str, address: str = "") -> None:
        super().__init__(f"{host} -> {address}" if address else host)
        self.host = host
        self.address = address


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address stands for: IPv4-mapped, 6to4, Teredo, NAT64."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _single_is_public(ip: IPAddress, *, allow_loopback: bool) -> bool:
    if ip.is_loopback:
        return allow_loopback
    if (
        ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
        or (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED)
    ):
        return False
    return ip.is_global


def is_public_ip(address: str | IPAddress, *, allow_loopback: bool = False) -> bool:
    """Whether a connection to `address` stays on the public Internet. No network is used.

    `allow_loopback` lets loopback addresses through (tests talking to a local server); nothing else private is
    ever allowed. Strings that are not IP addresses are refused."""
    if isinstance(address, str):
        try:
            ip: IPAddress = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
        except ValueError:
            return False
    else:
        ip = address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False  # a zone index only means something on our own links
        embedded = _embedded_ipv4(ip)
        if ip.ipv4_mapped is not None:  # the IPv4 address is what is really reached
            return _single_is_public(ip.ipv4_mapped, allow_loopback=allow_loopback)
        if any(not _single_is_public(v4, allow_loopback=allow_loopback) for v4 in embedded):
            return False
    return _single_is_public(ip, allow_loopback=allow_loopback)


Resolved = tuple[
    int, int, int, str, tuple[Any, ...]
]  # getaddrinfo's (family, type, proto, canonname, sockaddr)


def resolve_public(host: str, port: int, *, allow_loopback: bool = False) -> list[Resolved]:
    """Resolves `host` once. Every address must be public (else UnsafeAddress, naming the first bad one): a name
    with one public and one internal address is refused, since we cannot know which one a client would use.
    Raises socket.gaierror (an OSError) when the name does not resolve."""
    infos = resolve(host, port)
    if not infos:
        raise UnsafeAddress(host)
    for info in infos:
        address = str(info[4][0])
        if not is_public_ip(address, allow_loopback=allow_loopback):
            raise UnsafeAddress(host, address)
    return infos


def _connect(addresses: list[Resolved], timeout: float) -> socket.socket:
    """Connects to the first validated address that answers."""
    last: OSError | None = None
    for family, type_, proto, _canon, sockaddr in addresses:
        sock = socket.socket(family, type_, proto)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    raise last or OSError("no address to connect to")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """http.client, connecting to addresses validated beforehand instead of resolving `host` again."""

    def __init__(self, host: str, port: int, addresses: list[Resolved], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def connect(self) -> None:
        self.sock = _connect(self._addresses, float(self.timeout or 0) or 3.0)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    def __init__(self, host: str, port: int, addresses: list[Resolved], timeout: float) -> None:
        super().__init__(host, port, addresses, timeout)
        self._context = ssl.create_default_context()  # certificate and host name verified

    def connect(self) -> None:
        raw = _connect(self._addresses, float(self.timeout or 0) or 3.0)
        try:
            self.sock = self._context.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


@dataclass(frozen=True)
class Target:
    """Where a request for a URL goes: the ASCII host (IDNA), the port, the Host header, and the request target
    (path and query, percent-encoded)."""

    scheme: str
    host: str
    port: int
    host_header: str
    path: str


def parse_target(url: str) -> Target:
    """The target of an http(s) `url`. Raises ValueError for anything else (the URL is not in the message: it
    may carry a secret, a bot token say)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) URL")
    host = parts.hostname
    if not host.isascii():
        host = host.encode("idna").decode("ascii")  # the name as DNS, TLS and the Host header know it
    default_port = 443 if parts.scheme == "https" else 80
    port = parts.port or default_port
    host_header = f"[{host}]" if ":" in host else host
    if port != default_port:
        host_header = f"{host_header}:{port}"
    # an IRI's path ("/путь") travels percent-encoded; what is already encoded stays as it is
    path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe=_URL_SAFE)
    return Target(parts.scheme, host, port, host_header, path)


def resolve(host: str, port: int) -> list[Resolved]:
    """Resolves `host` once, without judging the addresses: for hosts that come from configuration (an API base
    in settings), never for addresses that users chose (resolve_public). Raises socket.gaierror."""
    return list(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP))


def pinned_connection(
    target: Target, addresses: list[Resolved], timeout: float
) -> http.client.HTTPConnection:
    """An http.client connection to `target` (HTTPS: certificate and host name verified) that connects to one of
    `addresses` (resolved beforehand) instead of resolving the name again."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    return connection_class(target.host, target.port, addresses, timeout)


@dataclass(frozen=True)
class Response:
    status: int
    location: str | None


def request(
    method: str, url: str, *, timeout: float, allow_loopback: bool = False, deadline: float | None = None
) -> Response:
    """One request (no redirect followed) to the validated address of `url`'s host. Only the status line and the
    headers are read. Raises UnsafeAddress, ValueError (not an http(s) URL) or OSError / http.client errors."""
    target = parse_target(url)
    addresses = resolve_public(target.host, target.port, allow_loopback=allow_loopback)

    def remaining() -> float:
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("link check deadline passed")
        return min(timeout, left)

    conn = pinned_connection(target, addresses, remaining())
    try:
        conn.request(
            method,
            target.path,
            headers={
                "Host": target.host_header,
                "User-Agent": USER_AGENT,
                "Accept": "*/*",
                "Connection": "close",
            },
        )
        if conn.sock is not None:
            conn.sock.settimeout(remaining())
        response = conn.getresponse()
        return Response(response.status, response.getheader("Location"))
    finally:
        conn.close()  # the body is never read


@dataclass
class ProbeResult:
    url: str  # the last URL asked
    status: int | None = None
    error: str | None = None  # "unsafe_address", "timeout", "connection", "tls", "too_many_redirects", ...
    redirects: list[str] | None = None


def probe(
    url: str,
    *,
    timeout: float,
    max_redirects: int = 3,
    allow_loopback: bool = False,
    accept_redirect: Callable[[str], str | None] | None = None,
) -> ProbeResult:
    """HEAD, then GET when HEAD is refused or fails, following at most `max_redirects` redirects; every target
    is validated again. `accept_redirect(target)` may return an error code to stop at a target (a blocklisted
    domain, say) before any request is sent to it. `timeout` bounds the whole probe of this URL."""
    deadline = time.monotonic() + timeout
    result = ProbeResult(url=url, redirects=[])
    current = url
    for hop in range(max_redirects + 1):
        result.url = current
        try:
            try:
                response = request(
                    "HEAD", current, timeout=timeout, allow_loopback=allow_loopback, deadline=deadline
                )
            except (http.client.HTTPException, ConnectionResetError):
                response = None  # some servers drop HEAD
            if response is None or response.status >= 400:
                response = request(
                    "GET", current, timeout=timeout, allow_loopback=allow_loopback, deadline=deadline
                )
        except UnsafeAddress:
            result.error = "unsafe_address"
            return result
        except ssl.SSLError:
            result.error = "tls"
            return result
        except TimeoutError:
            result.error = "timeout"
            return result
        except socket.gaierror:
            result.error = "dns"
            return result
        except (OSError, http.client.HTTPException, ValueError):
            result.error = "connection"
            return result
        result.status = response.status
        if response.status not in REDIRECT_STATUSES or not response.location:
            return result
        if hop == max_redirects:
            result.error = "too_many_redirects"
            return result
        target = urljoin(current, response.location.strip())
        assert result.redirects is not None
        result.redirects.append(target)
        if urlsplit(target).scheme not in ("http", "https"):
            result.error = "bad_redirect"
            return result
        if accept_redirect is not None:
            refused = accept_redirect(target)
            if refused:
                result.url = target
                result.error = refused
                return result
        current = target
    return result  # not reached
