"""Channels (a Telegram channel, a webhook receiver, one posted by hand) and the outbox of what each of them is to
be told.

A `Delivery` is one event of one article for one channel, created once (unique constraints) in the transaction
that reacts to the workflow's signal, and sent by a task until it is sent or has failed for good. Every try is a
`DeliveryAttempt` row. See docs/channels.md.
"""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from submissions.links import article_url
from submissions.models import Article, Correction, Revision

# a token as BotFather hands it out: "<bot id>:<secret>"; nothing else may reach the API's URL path
BOT_TOKEN_RE = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$")
# "@public_channel" or a numeric id ("-1001234567890")
CHAT_ID_RE = re.compile(r"^(@[A-Za-z][A-Za-z0-9_]{3,31}|-?[0-9]{1,20})$")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def generate_secret() -> str:
    return secrets.token_hex(32)


class ChannelKind(models.TextChoices):
    TELEGRAM = "telegram", _("Telegram channel")
    WEBHOOK = "webhook", _("signed webhook")
    # no posting API (a WhatsApp channel, say): nothing is sent; the channel desk gives the post to paste and an
    # editor marks it posted (ManualPost)
    MANUAL = "manual", _("manual posting (no API)")


class Channel(models.Model):
    """Where published news goes. Chief editors configure channels in the admin."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # Telegram: the bot (an administrator of the channel) and the chat it posts to
    bot_token = models.CharField(_("bot token"), max_length=130, blank=True)
    chat_id = models.CharField(
        _("chat"), max_length=40, blank=True, help_text=_("@channel_username or the numeric chat id.")
    )
    # webhook: where to POST and the key of the HMAC signature (generated when left empty)
    url = models.URLField(_("address"), max_length=500, blank=True)
    secret = models.CharField(
        _("signing secret"),
        max_length=128,
        blank=True,
        help_text=_("Leave empty to generate one. The receiver verifies signatures with it."),
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.kind == ChannelKind.WEBHOOK and not self.secret:
            self.secret = generate_secret()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "secret"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind == ChannelKind.TELEGRAM:
            if not BOT_TOKEN_RE.match(self.bot_token or ""):
                errors["bot_token"] = _("A bot token looks like 123456789:AAE… (from @BotFather).")
            if not CHAT_ID_RE.match(self.chat_id or ""):
                errors["chat_id"] = _("Give the channel as @username or as its numeric id.")
        elif self.kind == ChannelKind.WEBHOOK:
            parts = urlsplit(self.url or "")
            if (
                parts.scheme not in ("http", "https")
                or not parts.hostname
                or parts.username is not None
                or parts.password is not None
                or _CONTROL.search(self.url or "")
            ):
                errors["url"] = _("An http(s) address without credentials, spaces or control characters.")
            if self.secret and (len(self.secret) < 16 or _CONTROL.search(self.secret)):
                errors["secret"] = _("At least 16 characters, no spaces; or leave empty to generate one.")
        if errors:
            raise ValidationError(errors)


class EventKind(models.TextChoices):
    PUBLISH = "publish", _("publication")
    UPDATE = "update", _("update")
    CORRECTION = "correction", _("correction")
    RETRACTION = "retraction", _("retraction")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Delivery(models.Model):
    """The outbox: one event of one article for one channel. `next_attempt_at` is when a worker may try it
    (while a worker sends, it holds a lease: the time moves forward by the lease, see services.claim)."""

    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("channel")
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="+", verbose_name=_("article")
    )
    kind = models.CharField(_("event"), max_length=12, choices=EventKind.choices)
    # the correction a correction event tells of; the revision an approved update made public
    correction = models.ForeignKey(
        Correction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("correction"),
    )
    revision = models.ForeignKey(
        Revision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revision"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Telegram: the message_id of what was posted (the post itself for a publication, the reply for a correction)
    remote_id = models.CharField(_("remote id"), max_length=40, blank=True)
    # Telegram: the post is a photo with a caption (edited with editMessageCaption, not editMessageText)
    remote_is_photo = models.BooleanField(_("posted as a photo"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        permissions = [("retry_delivery", "Can send failed deliveries again")]
        constraints = [
            # the same event is never queued twice for a channel
            models.UniqueConstraint(
                fields=["channel", "article", "kind"],
                condition=Q(kind__in=["publish", "retraction"]),
                name="delivery_once_per_event",
            ),
            models.UniqueConstraint(
                fields=["channel", "correction"],
                condition=Q(kind="correction"),
                name="delivery_once_per_correction",
            ),
            models.UniqueConstraint(
                fields=["channel", "revision"], condition=Q(kind="update"), name="delivery_once_per_update"
            ),
            models.CheckConstraint(
                condition=Q(kind="correction", correction__isnull=False)
                | (~Q(kind="correction") & Q(correction__isnull=True)),
                name="delivery_correction_iff_correction_event",
            ),
        ]
        indexes = [
            # beat: WHERE status='pending' AND next_attempt_at <= now
            models.Index(fields=["next_attempt_at"], name="delivery_due_idx", condition=Q(status="pending")),
            models.Index(fields=["channel", "article"], name="delivery_article_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}: {self.kind} {self.article_id}"


class DeliveryAttempt(models.Model):
    """One try of a delivery, successful or not (the log the admin shows)."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["delivery", "at", "id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S}"


def post_text(article: Article) -> str:
    """The post for a channel posted by hand, as plain text to paste: what the other channels send (the title, the
    lead, the link to the article)."""
    return "\n\n".join(part for part in (article.title, article.lead, article_url(article)) if part)


class ManualPost(models.Model):
    """An editor's mark that an article was posted by hand to a channel without an API: who and when. Once per
    channel and article (a second mark finds the first)."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="manual_posts")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("posted by")
    )
    posted_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        ordering = ["-posted_at", "-id"]
        verbose_name = _("manual post")
        verbose_name_plural = _("manual posts")
        constraints = [
            models.UniqueConstraint(fields=["channel", "article"], name="manual_post_once_per_article"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}: {self.article_id}"


class Publication(Article):
    """A published article as the channel desk sees it (the admin's /admin/channels/publication/): where it went
    and what is left to post by hand."""

    class Meta:
        proxy = True
        verbose_name = _("publication")
        verbose_name_plural = _("channel desk")
