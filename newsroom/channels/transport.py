"""One HTTP POST, with the address pinning of newsroom.net.

Webhook addresses are configured by people, so they go through the same guard as the link check: the host is
resolved once, refused unless every address is public (loopback only with CHANNELS["ALLOW_LOOPBACK"]), and the
connection goes to a validated address. The Telegram API base comes from settings and is trusted as it is.
Redirects are never followed. Header values never carry CR, LF or other control characters.
"""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass

from newsroom import net

USER_AGENT = "NewsroomChannels/1.0 (+delivery of published news)"
MAX_RESPONSE_BYTES = 64 * 1024
_UNSAFE_IN_HEADER = re.compile(r"[\x00-\x1f\x7f]")

UnsafeAddress = net.UnsafeAddress


class TransportError(Exception):
    """The request did not get an HTTP answer (DNS, connection, TLS, timeout): worth retrying."""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes


def header_value(value: object) -> str:
    """A header value that cannot start another header: control characters (CR and LF among them) removed."""
    return _UNSAFE_IN_HEADER.sub("", str(value)).strip()


def post(
    url: str,
    body: bytes,
    *,
    headers: dict[str, str],
    timeout: float,
    guard: bool,
    allow_loopback: bool = False,
) -> HttpResponse:
    """POSTs `body` to `url` and reads at most MAX_RESPONSE_BYTES of the answer.

    `guard`: refuse non-public addresses (UnsafeAddress). Raises ValueError for a URL that is not http(s) or
    TransportError when no HTTP answer came back."""
    if _UNSAFE_IN_HEADER.search(url):
        raise ValueError("not an http(s) URL")
    target = net.parse_target(url)
    try:
        if guard:
            addresses = net.resolve_public(target.host, target.port, allow_loopback=allow_loopback)
        else:
            addresses = net.resolve(target.host, target.port)
    except OSError as exc:
        raise TransportError(f"cannot resolve {target.host}: {exc}") from exc
    conn = net.pinned_connection(target, addresses, timeout)
    sent_headers = {
        "Host": target.host_header,
        "User-Agent": USER_AGENT,
        "Accept": "application/json, */*;q=0.5",
        "Connection": "close",
        **{name: header_value(value) for name, value in headers.items()},
    }
    deadline = time.monotonic() + timeout
    try:
        conn.request("POST", target.path, body=body, headers=sent_headers)
        response = conn.getresponse()
        data = b""
        while len(data) < MAX_RESPONSE_BYTES and time.monotonic() < deadline:
            chunk = response.read(MAX_RESPONSE_BYTES - len(data))
            if not chunk:
                break
            data += chunk
        return HttpResponse(response.status, data)
    except (OSError, http.client.HTTPException) as exc:
        raise TransportError(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__) from exc
    finally:
        conn.close()
