"""Telegram channels through the Bot API (https://core.telegram.org/bots/api), HTML parse mode.

- publication: `sendPhoto` with a caption when the article has a cover with a public URL (falling back to text
  if Telegram refuses the photo), else `sendMessage`; the message_id is kept to edit and reply to;
- update: the post is edited (`editMessageText` / `editMessageCaption`) to the article as it now is;
- correction: a reply to the post with the correction;
- retraction: the post is edited to the retraction notice; when Telegram refuses the edit (a message too old to
  edit, say), the notice is sent as a reply instead.

What is posted is built from the article at sending time, so an update that reaches Telegram after the retraction
still shows the notice. HTTP 429 (with its `retry_after`) and 5xx are retried; any other refusal fails the
delivery with Telegram's description.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from newsroom.api.links import absolute
from newsroom.channels import transport
from newsroom.channels.models import Channel, Delivery, EventKind
from newsroom.channels.outcome import Outcome
from newsroom.net import is_public_ip
from submissions.links import article_url
from submissions.models import Article, Correction
from submissions.states import Status

TEXT_LIMIT = 4096  # a message's text
CAPTION_LIMIT = 1024  # a photo's caption
ELLIPSIS = "…"
NOT_MODIFIED = "message is not modified"  # an edit to the same content: the post already says it


# --- text --------------------------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text for Telegram's HTML: the three characters it requires escaped, and nothing else."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def telegram_length(text: str) -> int:
    """Telegram counts UTF-16 code units. The markup is counted too, which only errs on the safe side."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, keep: int) -> str:
    if keep <= 0:
        return ""
    return text[:keep].rstrip() + ELLIPSIS


def fit(render: Any, parts: list[str], limit: int) -> str:
    """render(*parts) shortened to `limit`: the last part is cut first (the lead, the reason, the correction),
    then the ones before it. Text is cut before it is escaped, so no entity or tag is ever split."""
    parts = list(parts)

    def fits(candidate: list[str]) -> bool:
        return telegram_length(render(*candidate)) <= limit

    for index in range(len(parts) - 1, -1, -1):
        if fits(parts):
            break
        whole = parts[index]
        if not fits([*parts[:index], "", *parts[index + 1 :]]):
            parts[index] = ""  # even without it too long: the part before is cut too
            continue
        low, high = 0, len(whole)  # the longest prefix that fits (escaping makes lengths uneven: search)
        while low < high:
            middle = (low + high + 1) // 2
            if fits([*parts[:index], _cut(whole, middle), *parts[index + 1 :]]):
                low = middle
            else:
                high = middle - 1
        parts[index] = _cut(whole, low)
    return render(*parts)


def _language(article: Article) -> str:
    return "en" if (article.language or "").startswith("en") else "ru"


def post_html(article: Article, limit: int) -> str:
    """The post: bold title, the lead, a link to the article."""
    with translation.override(_language(article)):
        link = f'<a href="{escape_attribute(article_url(article))}">{escape(_("Read more"))}</a>'

    def render(title: str, lead: str) -> str:
        blocks = [f"<b>{escape(title)}</b>" if title else "", escape(lead), link]
        return "\n\n".join(block for block in blocks if block)

    return fit(render, [article.title, article.lead], limit)


def retraction_html(article: Article, limit: int) -> str:
    with translation.override(_language(article)):
        heading = f"<b>{escape(_('This news has been retracted'))}</b>"
        link = f'<a href="{escape_attribute(article_url(article))}">{escape(_("Retraction notice"))}</a>'

        def render(title: str, reason: str) -> str:
            blocks = [heading, f"<s>{escape(title)}</s>" if title else "", escape(reason), link]
            return "\n\n".join(block for block in blocks if block)

        return fit(render, [article.title, article.retraction_reason], limit)


def correction_html(article: Article, correction: Correction, limit: int) -> str:
    with translation.override(_language(article)):
        heading = f"<b>{escape(_('Correction'))}</b>"

        def render(title: str, text: str) -> str:
            link = f'<a href="{escape_attribute(article_url(article))}">{escape(title)}</a>'
            return "\n\n".join(block for block in (heading, escape(text), link) if block)

        return fit(render, [article.title or article_url(article), correction.text], limit)


def current_html(article: Article, limit: int) -> str:
    """What the post should say now: the article, or its retraction notice."""
    if article.status == Status.RETRACTED:
        return retraction_html(article, limit)
    return post_html(article, limit)


def cover_url(article: Article) -> str | None:
    """An absolute URL of the cover that Telegram can fetch (a public host), preferring a responsive size."""
    media = article.cover
    if media is None or not media.file:
        return None
    sizes = media.sizes or {}
    name = next(
        (
            sizes[key]["name"]
            for key in ("1600", "960")
            if isinstance(sizes.get(key), dict) and sizes[key].get("name")
        ),
        media.file.name,
    )
    url = absolute(media.file.storage.url(name))
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or host == "localhost" or host.endswith(".localhost"):
        return None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return url  # a name: Telegram resolves it
    return url if is_public_ip(host) else None


# --- the API -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiResult:
    ok: bool
    status: int | None  # None: no HTTP answer
    result: Any = None
    description: str = ""
    retry_after: float | None = None

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status == 429 or self.status >= 500

    @property
    def not_modified(self) -> bool:
        return self.status == 400 and NOT_MODIFIED in self.description.lower()

    @property
    def message_id(self) -> str:
        if isinstance(self.result, dict) and self.result.get("message_id") is not None:
            return str(self.result["message_id"])
        return ""

    def summary(self, method: str) -> str:
        return f"{method}: {self.status or 'no answer'} {self.description}".strip()


def call(channel: Channel, method: str, payload: dict[str, Any]) -> ApiResult:
    options = settings.CHANNELS
    url = f"{settings.TELEGRAM_API_BASE}/bot{channel.bot_token}/{method}"
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        response = transport.post(
            url,
            body,
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=options["TIMEOUT"],
            guard=False,  # the API base is configuration, not user data
        )
    except (transport.TransportError, ValueError) as exc:
        return ApiResult(ok=False, status=None, description=str(exc).replace(channel.bot_token, "…"))
    try:
        data = json.loads(response.body.decode("utf-8"))
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    parameters = data.get("parameters") if isinstance(data.get("parameters"), dict) else {}
    retry_after = parameters.get("retry_after") if parameters else None
    ok = 200 <= response.status < 300 and data.get("ok") is True
    description = str(
        data.get("description") or ("" if ok else response.body[:200].decode("utf-8", "replace"))
    )
    return ApiResult(
        ok=ok,
        status=response.status,
        result=data.get("result"),
        description=description.replace(channel.bot_token, "…"),
        retry_after=float(retry_after) if isinstance(retry_after, int | float) else None,
    )


def _outcome(result: ApiResult, method: str, *, note: str = "", photo: bool = False) -> Outcome:
    error = "; ".join(part for part in (note, "" if result.ok else result.summary(method)) if part)
    if result.ok:
        return Outcome(
            ok=True,
            http_status=result.status,
            error=error,
            remote_id=result.message_id,
            remote_is_photo=photo,
        )
    return Outcome(
        ok=False,
        retryable=result.retryable,
        http_status=result.status,
        error=error,
        retry_after=result.retry_after if result.status == 429 else None,
    )


def _send_text(channel: Channel, text: str, *, reply_to: str = "", preview: str = "") -> ApiResult:
    payload: dict[str, Any] = {"chat_id": channel.chat_id, "text": text, "parse_mode": "HTML"}
    if reply_to:
        payload["reply_parameters"] = {"message_id": int(reply_to), "allow_sending_without_reply": True}
    if preview:
        payload["link_preview_options"] = {"url": preview}
    else:
        payload["link_preview_options"] = {"is_disabled": True}
    return call(channel, "sendMessage", payload)


def _edit(channel: Channel, original: Delivery, article: Article) -> tuple[str, ApiResult]:
    if original.remote_is_photo:
        method = "editMessageCaption"
        payload: dict[str, Any] = {"caption": current_html(article, CAPTION_LIMIT)}
    else:
        method = "editMessageText"
        payload = {"text": current_html(article, TEXT_LIMIT)}
        if article.status != Status.RETRACTED:
            payload["link_preview_options"] = {"url": article_url(article)}
    payload.update(chat_id=channel.chat_id, message_id=int(original.remote_id), parse_mode="HTML")
    return method, call(channel, method, payload)


def publish(channel: Channel, article: Article) -> Outcome:
    note = ""
    photo = cover_url(article)
    if photo:
        result = call(
            channel,
            "sendPhoto",
            {
                "chat_id": channel.chat_id,
                "photo": photo,
                "caption": post_html(article, CAPTION_LIMIT),
                "parse_mode": "HTML",
            },
        )
        if result.ok or result.retryable:
            return _outcome(result, "sendPhoto", photo=True)
        note = f"{result.summary('sendPhoto')}; posted as text"  # e.g. Telegram could not fetch the image
    result = _send_text(channel, post_html(article, TEXT_LIMIT), preview=article_url(article))
    return _outcome(result, "sendMessage", note=note)


def update(channel: Channel, original: Delivery, article: Article) -> Outcome:
    method, result = _edit(channel, original, article)
    if result.not_modified:
        return Outcome(
            ok=True, http_status=result.status, error=result.summary(method), remote_id=original.remote_id
        )
    outcome = _outcome(result, method)
    return replace(outcome, remote_id=original.remote_id) if outcome.ok else outcome


def retract(channel: Channel, original: Delivery, article: Article) -> Outcome:
    method, result = _edit(channel, original, article)
    if result.ok or result.not_modified:
        return Outcome(
            ok=True,
            http_status=result.status,
            error="" if result.ok else result.summary(method),
            remote_id=original.remote_id,
        )
    if result.retryable:
        return _outcome(result, method)
    # the post cannot be edited (too old, say): the notice goes out as a reply to it
    reply = _send_text(channel, retraction_html(article, TEXT_LIMIT), reply_to=original.remote_id)
    return _outcome(reply, "sendMessage", note=f"{result.summary(method)}; replied instead")


def correct(channel: Channel, original: Delivery, article: Article, correction: Correction) -> Outcome:
    result = _send_text(
        channel, correction_html(article, correction, TEXT_LIMIT), reply_to=original.remote_id
    )
    return _outcome(result, "sendMessage")


def send(delivery: Delivery, original: Delivery | None) -> Outcome:
    """One attempt at `delivery` (a follow-up needs the sent publication `original`)."""
    channel, article = delivery.channel, delivery.article
    if delivery.kind == EventKind.PUBLISH:
        return publish(channel, article)
    assert original is not None and original.remote_id
    if delivery.kind == EventKind.UPDATE:
        return update(channel, original, article)
    if delivery.kind == EventKind.RETRACTION:
        return retract(channel, original, article)
    assert delivery.correction is not None
    return correct(channel, original, article, delivery.correction)
