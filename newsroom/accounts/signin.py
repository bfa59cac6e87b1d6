"""Signing in and the devices and browsers a member is signed in on: the API's tokens (knox) and the site's
sessions (a WebSession row each), listed, ended one by one or all at once. django-axes counts failed sign-ins of both
doors together, per (e-mail, IP)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from knox.models import AuthToken

from newsroom.accounts.models import TokenDevice, User, WebSession, normalize_email
from newsroom.api.errors import ApplicationError, NotFound
from newsroom.api.inputs import MAX_ID


class InvalidCredentials(ApplicationError):
    code = "invalid_credentials"
    status = 400
    default_message = gettext_lazy("E-mail or password is incorrect.")


class SignInLocked(ApplicationError):
    """Too many failed sign-ins for this (e-mail, IP) pair: django-axes refused the attempt before any password was
    checked. `retry_at` is when the pair may try again."""

    code = "locked_out"
    status = 429

    def __init__(self, *, retry_at: datetime) -> None:
        seconds = max(1, math.ceil((retry_at - timezone.now()).total_seconds()))
        message = _("Too many failed sign-in attempts. Try again in %(minutes)d minutes.") % {
            "minutes": max(1, seconds // 60)
        }
        super().__init__(message, retry_after=seconds)
        self.retry_at = retry_at
        self.retry_after = seconds


# --- sign-in, devices ------------------------------------------------------------------------------------------


def _client_ip(request: Any) -> str | None:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def user_authenticate(*, request: Any, email: str, password: str) -> User:
    """Checks an e-mail and password, for the API's sign-in and the site's alike. `request` is the Django
    HttpRequest: django-axes counts failures per (e-mail, IP) on it, and refuses a locked-out pair before any
    password is checked (SignInLocked; AxesMiddleware answers the API's 429 itself, see lockout.py)."""
    email = normalize_email(email)
    user = authenticate(request, username=email, password=password)
    if getattr(request, "axes_locked_out", False):
        raise SignInLocked(retry_at=_lockout_ends(request, email))
    if user is None or not user.is_active:
        raise InvalidCredentials()
    return user


def _lockout_ends(request: Any, email: str) -> datetime:
    """When the locked-out (e-mail, IP) pair may sign in again: the cool-off after its latest recorded failure."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request) or timedelta(0)
    latest = (
        AccessAttempt.objects.filter(username=email, ip_address=_client_ip(request))
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return (latest or timezone.now()) + cool_off


def user_login(*, request: Any, email: str, password: str, device: str = "") -> tuple[User, str, Any]:
    """A sign-in of an API client: a token for the device (see user_authenticate for the checks)."""
    user = user_authenticate(request=request, email=email, password=password)
    instance, token = AuthToken.objects.create(user)
    _prune_tokens(user)
    TokenDevice.objects.create(
        token=instance,
        name=device[:100],
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        ip_address=_client_ip(request),
    )
    # last_login, and axes resets the failure counter of this (e-mail, IP)
    user_logged_in.send(sender=User, request=request, user=user)
    return user, token, instance.expiry


def _prune_tokens(user: User) -> None:
    """At most REST_KNOX["TOKEN_LIMIT_PER_USER"] devices: signing in on one more signs out the oldest."""
    keep = settings.REST_KNOX["TOKEN_LIMIT_PER_USER"]
    stale = AuthToken.objects.filter(user=user).order_by("-created").values_list("pk", flat=True)[keep:]
    AuthToken.objects.filter(pk__in=list(stale)).delete()


def sessions_of(user: User) -> Any:
    now = timezone.now()
    return (
        AuthToken.objects.filter(user=user)
        .exclude(expiry__lte=now)
        .select_related("device")
        .order_by("-created")
    )


def session_revoke(*, user: User, session_id: str) -> None:
    """`session_id` is the start of the token's digest (the digest is a hash: it gives nothing away)."""
    if len(session_id) < 16:
        raise NotFound()
    deleted, _rest = AuthToken.objects.filter(user=user, digest__startswith=session_id).delete()
    if not deleted:
        raise NotFound()


def sessions_revoke_all(*, user: User, keep_session_key: str | None = None) -> int:
    """Signs out every device: the API tokens and the browser sign-ins (but the browser whose session key is
    `keep_session_key`, the one asking)."""
    _total, deleted = AuthToken.objects.filter(user=user).delete()
    tokens = deleted.get(AuthToken._meta.label, 0)  # not the devices' rows, which go with them
    return tokens + web_sessions_end(user=user, keep_session_key=keep_session_key)


# --- browser sign-ins (the site's pages: a Django session each, described by a WebSession row) -----------------

_DB_SESSION_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def _session_store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def web_session_start(*, request: Any, user: User) -> WebSession:
    """Records the browser sign-in django.contrib.auth.login() has just made, under its (rotated) session key."""
    if request.session.session_key is None:
        request.session.save()
    row, _created = WebSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "ip_address": _client_ip(request),
            "created_at": timezone.now(),
            "last_seen": timezone.now(),
        },
    )
    return row


def web_session_seen(*, user: User, session_key: str) -> None:
    """The browser with this session was seen now (the account pages call it, at most every few minutes)."""
    WebSession.objects.filter(user=user, session_key=session_key).update(last_seen=timezone.now())


def _live_session_keys(keys: list[str]) -> set[str]:
    if not keys:
        return set()
    if settings.SESSION_ENGINE in _DB_SESSION_ENGINES:
        from django.contrib.sessions.models import Session

        live = Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
        return set(live.values_list("session_key", flat=True))
    store = _session_store()
    return {key for key in keys if store().exists(key)}


def web_sessions_of(user: User) -> list[WebSession]:
    """The user's browser sign-ins whose session still exists, most recently seen first; the rows of sessions that
    ended on their own (expired, cleared from the store) are dropped on the way."""
    rows = list(WebSession.objects.filter(user=user))
    live = _live_session_keys([row.session_key for row in rows])
    if ended := [row.pk for row in rows if row.session_key not in live]:
        WebSession.objects.filter(pk__in=ended).delete()
    return [row for row in rows if row.session_key in live]


def _end_web_sessions(rows: list[WebSession]) -> int:
    """Deletes the sessions from the store (whoever holds their cookie is signed out) and their rows."""
    keys = [row.session_key for row in rows]
    if not keys:
        return 0
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        from django.contrib.sessions.models import Session

        Session.objects.filter(session_key__in=keys).delete()
    else:
        store = _session_store()
        for key in keys:
            store(session_key=key).delete()
    WebSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def web_session_revoke(*, user: User, session_id: int) -> WebSession:
    """Signs out one of the user's browsers; someone else's (or an unknown) id is simply not found."""
    row = WebSession.objects.filter(user=user, pk=session_id).first() if 0 < session_id <= MAX_ID else None
    if row is None:
        raise NotFound()
    _end_web_sessions([row])
    return row


def web_sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """Signs out every browser of the user (but the one whose session key is `keep_session_key`)."""
    return _end_web_sessions(
        list(WebSession.objects.filter(user=user).exclude(session_key=keep_session_key or ""))
    )


def web_session_forget(*, session_key: str) -> None:
    """The browser signs out (django.contrib.auth.logout flushes the session itself): its row goes."""
    WebSession.objects.filter(session_key=session_key).delete()
