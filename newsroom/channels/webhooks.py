"""Signed webhooks: a JSON POST per event, signed with HMAC-SHA256 of "<timestamp>.<body>" under the channel's
secret. The algorithm and a verification snippet are in docs/channels.md.

2xx means delivered; any other answer, a redirect included (never followed), or no answer at all is retried with
backoff. An address that resolves to a private network (loopback only when CHANNELS["ALLOW_LOOPBACK"]) is refused
and fails the delivery at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from newsroom.channels import telegram, transport
from newsroom.channels.models import Channel, Delivery, EventKind
from newsroom.channels.outcome import Outcome
from submissions.links import article_url
from submissions.models import Article

EVENTS = {
    EventKind.PUBLISH: "article.published",
    EventKind.UPDATE: "article.updated",
    EventKind.CORRECTION: "article.corrected",
    EventKind.RETRACTION: "article.retracted",
}
SIGNATURE_HEADER = "X-Newsroom-Signature"
TIMESTAMP_HEADER = "X-Newsroom-Timestamp"
DELIVERY_HEADER = "X-Newsroom-Delivery"
EVENT_HEADER = "X-Newsroom-Event"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def article_data(article: Article) -> dict[str, Any]:
    cover = telegram.cover_url(article)
    return {
        "id": article.pk,
        "slug": article.slug,
        "url": article_url(article),
        "title": article.title,
        "lead": article.lead,
        "language": article.language,
        "category": article.category.slug if article.category_id and article.category else None,
        "status": article.status,
        "published_at": _iso(article.published_at),
        "cover_url": cover,
    }


def payload(delivery: Delivery, *, now: datetime | None = None) -> dict[str, Any]:
    """The event as the receiver gets it. `delivery_id` is the same in every retry: the receiver's key to
    ignore a repeat."""
    article = delivery.article
    data: dict[str, Any] = {"event": EVENTS[EventKind(delivery.kind)], "article": article_data(article)}
    if delivery.kind == EventKind.CORRECTION and delivery.correction is not None:
        data["correction"] = {
            "id": delivery.correction.pk,
            "text": delivery.correction.text,
            "published_at": _iso(delivery.correction.created_at),
        }
    if delivery.kind == EventKind.RETRACTION:
        data["retraction"] = {"reason": article.retraction_reason, "retracted_at": _iso(article.retracted_at)}
    data["delivery_id"] = delivery.pk
    data["sent_at"] = (now or timezone.now()).isoformat()
    return data


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Newsroom-Signature value: "sha256=" + hex HMAC-SHA256 of b"<timestamp>." + body under `secret`."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def request_for(
    channel: Channel, delivery: Delivery, *, now: datetime | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt (the timestamp and `sent_at` are those of the attempt)."""
    now = now or timezone.now()
    body = json.dumps(payload(delivery, now=now), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(channel.secret, timestamp, body),
        DELIVERY_HEADER: str(delivery.pk),
        EVENT_HEADER: EVENTS[EventKind(delivery.kind)],
    }
    return body, {name: transport.header_value(value) for name, value in headers.items()}


def _printable(raw: bytes) -> str:
    text = raw[:300].decode("utf-8", "replace")
    return "".join(ch if ch.isprintable() else " " for ch in text).strip()


def send(delivery: Delivery) -> Outcome:
    channel = delivery.channel
    body, headers = request_for(channel, delivery)
    options = settings.CHANNELS
    try:
        response = transport.post(
            channel.url,
            body,
            headers=headers,
            timeout=options["TIMEOUT"],
            guard=True,
            allow_loopback=options["ALLOW_LOOPBACK"],
        )
    except transport.UnsafeAddress as exc:
        return Outcome(ok=False, retryable=False, error=f"refused: the address is not public ({exc})")
    except ValueError as exc:
        return Outcome(ok=False, retryable=False, error=f"refused: {exc}")
    except transport.TransportError as exc:
        return Outcome(ok=False, retryable=True, error=str(exc))
    if 200 <= response.status < 300:
        return Outcome(ok=True, http_status=response.status)
    detail = _printable(response.body)
    return Outcome(
        ok=False,
        retryable=True,
        http_status=response.status,
        error=f"HTTP {response.status}" + (f": {detail}" if detail else ""),
    )
