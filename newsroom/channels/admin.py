"""Admin for channels (chief editors configure them) and the delivery log (read-only, with a "retry now" action
for failed deliveries). Bot tokens and signing secrets never appear in lists; a bot token is write-only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom.adminkit import ReadOnly
from newsroom.channels import services
from newsroom.channels.models import Channel, ChannelKind, Delivery, DeliveryAttempt, DeliveryStatus

RETRY = "channels.retry_delivery"


class ChannelForm(forms.ModelForm):
    bot_token = forms.CharField(
        label=_("bot token"),
        required=False,
        max_length=130,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "From @BotFather; the bot must be an administrator of the channel. Leave empty to keep the current token."
        ),
    )

    class Meta:
        model = Channel
        fields = ["name", "kind", "is_active", "bot_token", "chat_id", "url", "secret"]

    def clean_bot_token(self) -> str:
        # write-only: an empty field keeps what is stored
        return self.cleaned_data.get("bot_token") or (self.instance.bot_token if self.instance.pk else "")


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    form = ChannelForm
    list_display = ["name", "kind", "is_active", "target", "created_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "chat_id"]
    readonly_fields = ["created_at"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "is_active", "created_at"]}),
        (_("Telegram channel"), {"fields": ["bot_token", "chat_id"]}),
        (
            _("signed webhook"),
            {
                "fields": ["url", "secret"],
                "description": _(
                    "See docs/channels.md: the receiver verifies X-Newsroom-Signature with the secret."
                ),
            },
        ),
    ]

    @admin.display(description=_("where"))
    def target(self, obj: Channel) -> str:
        if obj.kind == ChannelKind.TELEGRAM:
            return obj.chat_id
        return urlsplit(obj.url).netloc  # the host only: a path or query may carry a receiver's token

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # a channel with deliveries is kept (PROTECT): deactivate it instead
        return super().has_delete_permission(request, obj) and not (
            obj is not None and obj.deliveries.exists()
        )


class DeliveryAttemptInline(ReadOnly, admin.TabularInline):
    model = DeliveryAttempt
    fields = readonly_fields = ("at", "succeeded", "http_status", "duration_ms", "error")
    extra = 0
    can_delete = False
    ordering = ["-at", "-id"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "id",
        "channel",
        "article_title",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error",
    ]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["article__title", "article__slug", "last_error"]
    list_select_related = ["channel", "article"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    fields = readonly_fields = (
        "channel",
        "article",
        "kind",
        "correction",
        "revision",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "remote_id",
        "last_error",
        "created_at",
    )
    inlines = [DeliveryAttemptInline]
    actions = ["retry_now"]

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, obj: Delivery) -> str:
        return Truncator(str(obj.article)).chars(80)

    @admin.display(description=_("last error"))
    def error(self, obj: Delivery) -> str:
        return Truncator(obj.last_error).chars(120)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(RETRY)

    @admin.action(description=_("Retry now (failed deliveries)"), permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = services.retry_now(queryset.filter(status=DeliveryStatus.FAILED).values_list("pk", flat=True))
        message = ngettext(
            "%(n)d delivery will be sent again.", "%(n)d deliveries will be sent again.", count
        )
        self.message_user(request, message % {"n": count}, messages.SUCCESS)
