"""The profile pages: names, picture, the sign-ins (API devices and browsers, ended one by one or all but this
one), the data export, and leaving. Through the same services as the API, as the other account pages
(newsroom.accounts.web); newsroom.accounts.pages holds what they share."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from newsroom.accounts import services, signin
from newsroom.accounts.forms import (
    AvatarForm,
    DeleteAccountForm,
    ProfileForm,
)
from newsroom.accounts.models import User
from newsroom.accounts.pages import mark_seen, page, throttle_wait
from newsroom.api.errors import ApplicationError, NotFound

# --- the profile -----------------------------------------------------------------------------------------------


def _profile_page(
    request: HttpRequest, *, status: int = 200, wait: int | None = None, **forms: Any
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    key = request.session.session_key
    devices = [
        {
            "id": token.digest[:32],
            "name": getattr(getattr(token, "device", None), "name", ""),
            "user_agent": getattr(getattr(token, "device", None), "user_agent", ""),
            "ip_address": getattr(getattr(token, "device", None), "ip_address", None),
            "created": token.created,
            "expiry": token.expiry,
        }
        for token in signin.sessions_of(user)
    ]
    browsers = [
        {
            "id": row.pk,
            "user_agent": row.user_agent,
            "ip_address": row.ip_address,
            "created": row.created_at,
            "last_seen": row.last_seen,
            "current": row.session_key == key,
        }
        for row in signin.web_sessions_of(user)
    ]
    context = {
        "profile_form": forms.get("profile_form")
        or ProfileForm(
            initial={
                "display_name": user.display_name,
                "pen_name": user.pen_name,
                "bio": user.bio,
                "language": user.language,
            }
        ),
        "avatar_form": forms.get("avatar_form") or AvatarForm(),
        "devices": devices,
        "browsers": browsers,
        "others": len(devices) + sum(1 for b in browsers if not b["current"]),
        "verified": user.is_email_verified,
    }
    return page(request, "accounts/profile.html", context, status=status, wait=wait)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in person's page: names and language (PATCH /me/), the picture (PUT/DELETE /me/avatar/), the
    sign-ins (the API's devices and the browsers) with their revocation, and the data export. Each form posts its
    `action`; a refused form comes back with its errors next to its fields and what was typed, nothing saved."""
    mark_seen(request)
    if request.method == "GET":
        return _profile_page(request)
    user: User = request.user  # type: ignore[assignment]
    action = request.POST.get("action", "")
    if action == "profile":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.user_update_profile(user=user, **form.cleaned_data)
            messages.success(request, _("Your profile is saved."))
            return redirect("account-profile")
        return _profile_page(request, status=400, profile_form=form)
    if action == "avatar":
        return _avatar(request, user)
    if action == "remove-avatar":
        services.user_remove_avatar(user=user)
        messages.success(request, _("Your picture is removed."))
        return redirect("account-profile")
    if action in ("revoke-device", "revoke-browser"):
        return _revoke(request, user, action)
    if action == "revoke-others":
        count = signin.sessions_revoke_all(user=user, keep_session_key=request.session.session_key)
        messages.success(
            request,
            ngettext("%(count)d other sign-in was ended.", "%(count)d other sign-ins were ended.", count)
            % {"count": count},
        )
        return redirect("account-profile")
    if action == "export":
        return _export(request, user)
    messages.error(request, _("This form is out of date. Reload the page and try again."))
    return _profile_page(request, status=400)


def _avatar(request: HttpRequest, user: User) -> HttpResponse:
    if (wait := throttle_wait(request, "upload")) is not None:
        return _profile_page(request, wait=wait)
    form = AvatarForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            services.user_set_avatar(user=user, upload=form.cleaned_data["avatar"])
        except ApplicationError as exc:  # not an image we take, too large, storage full...
            form.refuse(exc, "avatar")
            status = exc.status
        else:
            messages.success(request, _("Your new picture is saved."))
            return redirect("account-profile")
    return _profile_page(request, status=status, avatar_form=form)


def _revoke(request: HttpRequest, user: User, action: str) -> HttpResponse:
    """Ends one sign-in of the user's; someone else's (or an unknown) id is a 404, as in the API."""
    session_id = request.POST.get("session_id", "")
    try:
        if action == "revoke-device":
            signin.session_revoke(user=user, session_id=session_id)
        else:
            if not (session_id.isascii() and session_id.isdigit()):
                raise NotFound()
            row = signin.web_session_revoke(user=user, session_id=int(session_id))
            if row.session_key == request.session.session_key:  # this very browser: a sign-out
                auth_logout(request)
                messages.info(request, _("You are signed out."))
                return redirect("account-login")
    except NotFound:
        raise Http404 from None
    messages.success(request, _("That sign-in was ended."))
    return redirect("account-profile")


def _export(request: HttpRequest, user: User) -> HttpResponse:
    """Everything we hold about the person, as GET /api/v1/me/export/ gives it, as a file to keep."""
    if (wait := throttle_wait(request, "export")) is not None:
        return _profile_page(request, wait=wait)
    body = json.dumps(services.user_export(user=user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="newsroom-export.json"'
    return response


# --- leaving ---------------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """The confirmation step before services.user_delete (as DELETE /api/v1/me/): what goes, what stays published
    and under which name, the password and an explicit tick."""
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        form = DeleteAccountForm(request.POST)
        if form.is_valid():
            try:
                services.user_delete(user=user, password=form.cleaned_data["password"])
            except signin.InvalidCredentials as exc:
                form.refuse(exc, "password")
            else:
                auth_logout(request)
                messages.success(request, _("Your account is deleted. Thank you for writing with us."))
                return redirect("web-home")
        return page(request, "accounts/delete.html", {"form": form, "pen_name": user.pen_name}, status=400)
    return page(request, "accounts/delete.html", {"form": DeleteAccountForm(), "pen_name": user.pen_name})
