"""The member's notifications, as a page: newest first, in keyset pages, the unread ones marked, each leading to
what it is about; "mark as read" one by one or all at once.

The same services as the API (newsroom.accounts.services: notifications_of, notification_mark_read,
notifications_mark_all_read): a member reaches only their own notifications, another's id is a 404. The marks are
POST forms: without JavaScript they redirect back to the page the member was on; with htmx the item (or the list)
is swapped in place, together with the header's link and its unread count (an out-of-band swap).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from moderation.notify import DIGEST_KIND
from newsroom.accounts.models import Notification
from newsroom.accounts.services import notification_mark_read, notifications_mark_all_read, notifications_of
from newsroom.api.errors import NotFound
from newsroom.api.pagination import BadCursor, Keyset

PAGE_SIZE = 20
# newest first on (created_at, id); `?before=` is "<created_at, ISO 8601 in UTC>|<id>" (the notification index)
KEYSET = Keyset("created_at")


@dataclass
class Item:
    notification: Notification
    unread: bool
    url: str  # where it leads: the article's timeline, or (an editors' digest) the moderation queue
    link_text: str


def _target(notification: Notification) -> tuple[str, str]:
    data = notification.data if isinstance(notification.data, dict) else {}
    article = data.get("article")
    if isinstance(article, int) and not isinstance(article, bool) and article > 0:
        return reverse("studio-timeline", kwargs={"article_id": article}), _("See the article's history")
    if notification.kind == DIGEST_KIND:
        return reverse("admin:moderation_queueitem_changelist"), _("Open the moderation queue")
    return "", ""


def item_of(notification: Notification) -> Item:
    url, text = _target(notification)
    return Item(notification=notification, unread=notification.read_at is None, url=url, link_text=text)


def _cursor(value: Any) -> str:
    """A `before` cursor sent back by a form, if it is one these pages give out; else the first page."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        KEYSET.decode(value)
    except BadCursor:
        return ""
    return value


def _page_context(request: HttpRequest, before: str) -> dict[str, Any]:
    rows, next_cursor = KEYSET.page(notifications_of(user=request.user), before or None, PAGE_SIZE)  # type: ignore[arg-type]
    path = reverse("studio-notifications")
    return {
        "studio_section": "notifications",
        "items": [item_of(row) for row in rows],
        "before": before,
        "next_url": f"{path}?{urlencode({'before': next_cursor})}" if next_cursor else "",
        "first_url": path if before else "",
    }


@require_safe
@login_required
def page(request: HttpRequest) -> HttpResponse:
    before = request.GET.get("before") or ""
    try:
        context = _page_context(request, before)
    except BadCursor:
        context = {
            "studio_section": "notifications",
            "bad_cursor": _(
                "This link to a page of notifications is not valid; start again from the first page."
            ),
            "first_url": reverse("studio-notifications"),
        }
        return render(request, "studio/notifications.html", context, status=400)
    return render(request, "studio/notifications.html", context)


def _back(before: str) -> HttpResponseRedirect:
    path = reverse("studio-notifications")
    return HttpResponseRedirect(f"{path}?{urlencode({'before': before})}" if before else path)


def _signed_out(request: HttpRequest) -> HttpResponse | None:
    """A POST from someone signed out goes to the sign-in page, coming back to the notifications (not to the
    POST's own address, which answers no GET)."""
    if request.user.is_authenticated:
        return None
    return redirect_to_login(reverse("studio-notifications"))


@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    if (refused := _signed_out(request)) is not None:
        return refused
    try:
        notification = notification_mark_read(user=request.user, notification_id=notification_id)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404 from exc
    before = _cursor(request.POST.get("before"))
    if getattr(request, "htmx", False):
        context = {"item": item_of(notification), "before": before, "oob_item": True}
        return render(request, "studio/notification_item.html", context)
    return _back(before)


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    if (refused := _signed_out(request)) is not None:
        return refused
    notifications_mark_all_read(user=request.user)  # type: ignore[arg-type]
    before = _cursor(request.POST.get("before"))
    if getattr(request, "htmx", False):
        context = {**_page_context(request, before), "oob_header": True}
        return render(request, "studio/notification_list.html", context)
    return _back(before)
