"""Admin for channels (chief editors configure them), the delivery log (read-only, with a "retry now" action
for failed deliveries) and the channel desk: per publication, where it went (sent, failed with the error, pending,
retrying) and, for channels without an API, the post to paste and a "posted" mark. Bot tokens and signing secrets
never appear in lists; a bot token is write-only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from newsroom.adminkit import DeskPhrases, ReadOnly
from newsroom.channels import services
from newsroom.channels.models import (
    Channel,
    ChannelKind,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    EventKind,
    ManualPost,
    Publication,
    post_text,
)
from submissions.links import article_url
from submissions.states import Status

RETRY = "channels.retry_delivery"
MANAGE = "channels.change_channel"  # who may manage channels may work the channel desk
DESK_CSS = "channels/desk.css"
DESK_JS = "channels/desk.js"


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
class ChannelAdmin(DeskPhrases, admin.ModelAdmin):
    accusative = pgettext_lazy("accusative", "channel")
    counted = ngettext_lazy("%(count)s channel", "%(count)s channels", "count")
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
class DeliveryAdmin(DeskPhrases, ReadOnly, admin.ModelAdmin):
    accusative = pgettext_lazy("accusative", "delivery")
    counted = ngettext_lazy("%(count)s delivery", "%(count)s deliveries", "count")
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


# --- the channel desk ----------------------------------------------------------------------------------------------

# what the desk says of a channel for one event: the delivery's state, or a manual channel's
STATE_LABELS = {
    "sent": _("sent"),
    "failed": _("failed"),
    "pending": _("pending"),
    "retrying": _("retrying"),
    "to_post": _("to post by hand"),
    "posted": _("posted by hand"),
}


def delivery_state(delivery: Delivery) -> str:
    """sent, failed, pending (not tried yet) or retrying (tried, another attempt to come)."""
    if delivery.status == DeliveryStatus.SENT:
        return "sent"
    if delivery.status == DeliveryStatus.FAILED:
        return "failed"
    return "retrying" if delivery.attempts else "pending"


@dataclass
class DeskDelivery:
    delivery: Delivery
    state: str

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass
class DeskRow:
    """One channel's line for one publication: its state for the publication itself (the headline), every
    event's delivery, and for a channel posted by hand the post and who marked it posted."""

    channel: Channel
    state: str
    deliveries: list[DeskDelivery] = field(default_factory=list)
    manual_post: ManualPost | None = None
    text: str = ""

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def is_manual(self) -> bool:
        return self.channel.kind == ChannelKind.MANUAL


def desk_rows(articles: Iterable[Any], *, with_text: bool = False) -> dict[int, list[DeskRow]]:
    """The desk's rows of each article, in three queries whatever the number of articles: the deliveries, the
    active manual channels, the manual posts. A channel appears when it was told of the article; a manual channel
    when it is active or the article was posted to it."""
    articles = list(articles)
    ids = [a.pk for a in articles]
    deliveries = list(
        Delivery.objects.filter(article_id__in=ids).select_related("channel").order_by("created_at", "id")
    )
    manual_channels = list(Channel.objects.filter(kind=ChannelKind.MANUAL, is_active=True))
    posts = list(
        ManualPost.objects.filter(article_id__in=ids)
        .select_related("channel", "posted_by")
        .order_by("posted_at")
    )
    by_article: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        by_article[delivery.article_id].append(delivery)
    posts_of: dict[int, list[ManualPost]] = defaultdict(list)
    for post in posts:
        posts_of[post.article_id].append(post)
    result: dict[int, list[DeskRow]] = {}
    for article in articles:
        rows: dict[int, DeskRow] = {}
        for delivery in by_article[article.pk]:
            state = delivery_state(delivery)
            row = rows.setdefault(delivery.channel_id, DeskRow(delivery.channel, state))
            row.deliveries.append(DeskDelivery(delivery, state))
            if delivery.kind == EventKind.PUBLISH:
                row.state = state
        for post in posts_of[article.pk]:
            rows[post.channel_id] = DeskRow(post.channel, "posted", manual_post=post)
        if article.status == Status.PUBLISHED:
            for channel in manual_channels:
                rows.setdefault(channel.pk, DeskRow(channel, "to_post"))
        ordered = sorted(rows.values(), key=lambda row: (row.channel.name, row.channel.pk))
        if with_text:
            for row in ordered:
                if row.is_manual:
                    row.text = post_text(article)
        result[article.pk] = ordered
    return result


class PostedForm(forms.Form):
    """The "posted" mark: which manual channel the editor posted the article to."""

    channel = forms.ModelChoiceField(
        label=_("channel"),
        queryset=Channel.objects.filter(kind=ChannelKind.MANUAL, is_active=True),
        error_messages={"invalid_choice": _("Choose an active channel posted by hand.")},
    )


def mark_posted(*, channel: Channel, article: Any, actor: Any) -> tuple[ManualPost, bool]:
    """Records that `actor` posted the article to the manual channel now; a second mark (a double click, a
    colleague) keeps the first. Returns the mark and whether it is new."""
    try:
        with transaction.atomic():
            return ManualPost.objects.get_or_create(
                channel=channel, article_id=article.pk, defaults={"posted_by": actor}
            )
    except IntegrityError:  # a concurrent mark won the race: it stands
        return ManualPost.objects.get(channel=channel, article_id=article.pk), False


@admin.register(Publication)
class PublicationAdmin(DeskPhrases, ReadOnly, admin.ModelAdmin):
    """The channel desk: published (and retracted) articles, newest first, each with its state in every channel;
    opening one shows every delivery with its error and, for channels posted by hand, the post to paste and the
    "posted" mark. For whoever may manage channels."""

    accusative = pgettext_lazy("accusative", "publication")
    counted = ngettext_lazy("%(count)s publication", "%(count)s publications", "count")
    list_display = ["title", "published_at", "channel_states"]
    list_display_links = ["title"]
    search_fields = ["title", "slug"]
    ordering = ["-published_at", "-id"]
    list_per_page = 50
    actions = None

    class Media:
        css = {"all": [DESK_CSS]}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            Publication.objects.filter(status__in=[Status.PUBLISHED, Status.RETRACTED])
            .only("id", "title", "slug", "lead", "status", "published_at")
            .order_by("-published_at", "-id")
        )

    def _may(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.has_perm(MANAGE))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)
        # the page's rows in three queries, whatever its length (channel_states reads them)
        rows = desk_rows(changelist.result_list)
        for article in changelist.result_list:
            article.desk_rows = rows.get(article.pk, [])
        return changelist

    @admin.display(description=_("channels"))
    def channel_states(self, obj: Publication) -> SafeString | str:
        rows: list[DeskRow] = getattr(obj, "desk_rows", [])
        if not rows:
            return gettext("no channel")
        return format_html_join(
            "",
            '<span class="channel-state channel-{}">{}: {}</span>',
            ((row.state, row.channel.name, row.label) for row in rows),
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self._may(request):
            raise PermissionDenied
        if not object_id.isdigit() or len(object_id) > 18:
            raise Http404
        article = get_object_or_404(self.get_queryset(request), pk=int(object_id))
        form = PostedForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if article.status != Status.PUBLISHED:
                form.add_error(None, gettext("A retracted article is not posted any more."))
            elif form.is_valid():
                _post, new = mark_posted(
                    channel=form.cleaned_data["channel"], article=article, actor=request.user
                )
                if new:
                    self.message_user(
                        request,
                        gettext("Marked as posted to %(channel)s.")
                        % {"channel": form.cleaned_data["channel"]},
                        messages.SUCCESS,
                    )
                else:
                    self.message_user(
                        request,
                        gettext("It was already marked as posted; the first mark stands."),
                        messages.INFO,
                    )
                return HttpResponseRedirect(request.path)
        rows = desk_rows([article], with_text=True)[article.pk]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": article.title,
            "subtitle": None,
            "article": article,
            "article_url": article_url(article),
            "is_retracted": article.status == Status.RETRACTED,
            "rows": rows,
            "form": form,
            "media": self.media + forms.Media(js=[DESK_JS]),
            "has_view_permission": True,
            **(extra_context or {}),
        }
        return TemplateResponse(
            request, "admin/channels/publication/desk.html", context, status=400 if form.errors else 200
        )
