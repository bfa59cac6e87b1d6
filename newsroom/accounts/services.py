"""Account writes: registration, verification, password reset, profile, roles, leaving, notifications. Signing in
and the devices and browsers one is signed in on: newsroom.accounts.signin."""

from __future__ import annotations

import io
import secrets
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from knox.models import AuthToken
from PIL import Image, ImageOps

from newsroom.accounts import personal_data, signals, tasks
from newsroom.accounts.models import Notification, RoleChange, User, normalize_email
from newsroom.accounts.roles import (
    CHIEF_EDITOR,
    CONTRIBUTOR,
    MANAGE_ROLES,
    ROLES,
    STAFF_ROLES,
    grant_role,
    revoke_role,
    user_roles,
)
from newsroom.accounts.signals import email_verified
from newsroom.accounts.signin import InvalidCredentials, sessions_of, web_sessions_end, web_sessions_of
from newsroom.accounts.tokens import TokenExpired, TokenInvalid, read_verification_token
from newsroom.api.errors import ApplicationError, NotAllowed, NotFound
from newsroom.api.inputs import MAX_ID
from newsroom.images import clean_image, discard_file, read_upload, store_upload


class InvalidVerificationToken(ApplicationError):
    code = "invalid_token"
    status = 400
    default_message = gettext_lazy("The link is invalid. Request a new one.")


class ExpiredVerificationToken(InvalidVerificationToken):
    code = "token_expired"
    default_message = gettext_lazy("The link has expired. Request a new one.")


class UsedVerificationToken(InvalidVerificationToken):
    code = "token_used"
    default_message = gettext_lazy("The link has already been used: the address is confirmed.")


class InvalidResetToken(ApplicationError):
    code = "invalid_token"
    status = 400
    default_message = gettext_lazy("The password reset link is invalid, used or expired. Request a new one.")


class RoleChangeRefused(ApplicationError):
    code = "role_change_refused"
    status = 409


# Letters are queued after commit with robust=True: if the broker is down the account is still saved and the
# answer is still the same (the failure is logged); the user asks for the letter again.


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


# --- registration and verification -----------------------------------------------------------------------------


@transaction.atomic
def user_register(*, email: str, password: str, display_name: str) -> None:
    """Checks the password, hashes it and queues the rest (tasks.complete_registration: create the contributor
    and mail a verification link, or mail a known address a notice). The request does exactly the same work
    whether or not the address has an account, so neither its answer nor its time tells."""
    email = normalize_email(email)
    language = _language()
    candidate = User(email=email, display_name=display_name)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    hashed = make_password(password)
    transaction.on_commit(
        lambda: tasks.complete_registration.delay(email, hashed, display_name, language), robust=True
    )


def user_language(language: str | None) -> str:
    """The language of a user's letters and notifications, from a request's language: English or Russian."""
    return "en" if (language or "").lower().startswith("en") else "ru"


def complete_registration(*, email: str, password_hash: str, display_name: str, language: str) -> User | None:
    """Creates the contributor and mails the verification link; a known address gets a notice. Idempotent: a
    redelivered task finds the account and sends the notice, never a second account."""
    try:
        with transaction.atomic():
            user = User.objects.create(
                email=email,
                password=password_hash,
                display_name=display_name,
                language=user_language(language),
            )
            grant_role(user, CONTRIBUTOR)
    except IntegrityError:  # the address has an account (or a concurrent registration won)
        tasks.send_already_registered_mail(email, language)
        return None
    tasks.send_verification_mail(user.pk, language)
    return user


def user_resend_verification(*, email: str) -> None:
    user = User.objects.filter(
        email=normalize_email(email), email_verified_at__isnull=True, is_active=True
    ).first()
    if user is not None:
        transaction.on_commit(lambda: tasks.send_verification_mail.delay(user.pk, _language()), robust=True)


@transaction.atomic
def user_verify_email(*, token: str) -> User:
    try:
        claim = read_verification_token(token)
    except TokenExpired as exc:
        raise ExpiredVerificationToken() from exc
    except TokenInvalid as exc:
        raise InvalidVerificationToken() from exc
    user = (
        User.objects.select_for_update()
        .filter(pk=claim.user_id, email=claim.email, is_active=True, deleted_at__isnull=True)
        .first()
    )
    if user is None:
        raise InvalidVerificationToken()
    if user.email_verified_at is not None:
        raise UsedVerificationToken()
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    transaction.on_commit(lambda: email_verified.send(sender=User, user_id=user.pk), robust=True)
    return user


def confirmed_user_of_link(*, token: str) -> User | None:
    """The account a genuine, unexpired verification link names, once its address is confirmed (None otherwise).
    A mail scanner may open the link before the person does: the browser that signed up still gets signed in."""
    try:
        claim = read_verification_token(token)
    except (TokenExpired, TokenInvalid):
        return None
    return User.objects.filter(
        pk=claim.user_id,
        email=claim.email,
        is_active=True,
        deleted_at__isnull=True,
        email_verified_at__isnull=False,
    ).first()


# --- password reset --------------------------------------------------------------------------------------------


def password_reset_request(*, email: str) -> None:
    """Queues the reset letter whether or not the address has an account: the request does the same work either
    way, and the worker decides (an unknown address gets nothing)."""
    email, language = normalize_email(email), _language()
    transaction.on_commit(lambda: tasks.send_password_reset_mail.delay(email, language), robust=True)


def _reset_link_user(*, uid: str, token: str, lock: bool = False) -> User:
    try:
        user_id = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError):
        raise InvalidResetToken() from None
    if not 0 < user_id <= MAX_ID:  # a number the database cannot hold names nobody
        raise InvalidResetToken()
    users = User.objects.select_for_update() if lock else User.objects
    user = users.filter(pk=user_id, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        raise InvalidResetToken()
    return user


def password_reset_link_user(*, uid: str, token: str) -> User:
    """The account a reset link names, if the link still works (InvalidResetToken otherwise); nothing changes.
    The page the link opens asks for the new password only when it does."""
    return _reset_link_user(uid=uid, token=token)


@transaction.atomic
def password_reset_confirm(*, uid: str, token: str, password: str) -> User:
    """Sets the new password; the token works once (it is bound to the old password hash). Every device is
    signed out and the failed-login counters of the address are cleared."""
    user = _reset_link_user(uid=uid, token=token, lock=True)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.set_password(password)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()  # the letter reached the mailbox: the address is proven
    user.save(update_fields=["password", "email_verified_at"])
    AuthToken.objects.filter(user=user).delete()
    web_sessions_end(user=user)
    from axes.utils import reset as axes_reset

    axes_reset(username=user.email)
    return user


# --- profile ---------------------------------------------------------------------------------------------------


def user_update_profile(*, user: User, **fields: Any) -> User:
    changed = [name for name in ("display_name", "pen_name", "bio", "language") if name in fields]
    for name in changed:
        setattr(user, name, fields[name])
    if changed:
        user.save(update_fields=changed)
        if set(changed) - {"language"}:
            _public_profile_changed(user)
    return user


def _public_profile_changed(user: User) -> None:
    user_id = user.pk
    transaction.on_commit(
        lambda: signals.public_profile_changed.send(sender=User, user_id=user_id), robust=True
    )


def _reencode_avatar(upload: Any) -> bytes:
    """The avatar goes through the same cleaning as article images (newsroom.images: content-identified,
    refused with a precise code, no metadata survives), then becomes a square WebP."""
    limits = settings.NEWSROOM
    clean = clean_image(
        read_upload(upload, max_bytes=limits["AVATAR_MAX_BYTES"]), max_pixels=limits["AVATAR_MAX_PIXELS"]
    )
    with Image.open(io.BytesIO(clean.data)) as decoded:
        square = ImageOps.fit(decoded.convert("RGB"), (limits["AVATAR_SIZE"],) * 2)
    out = io.BytesIO()
    square.save(out, format="WEBP", quality=85)
    return out.getvalue()


def user_set_avatar(*, user: User, upload: Any) -> User:
    data = _reencode_avatar(upload)
    old = user.avatar.name if user.avatar else ""
    # a failed write (full disk) leaves no file and raises storage_full / storage_unavailable; the old avatar stays
    new = store_upload(user.avatar, "avatar.webp", data)
    try:
        user.save(update_fields=["avatar"])
    except BaseException:
        discard_file(user.avatar.storage, new)  # the row still names the old one
        user.avatar.name = old
        raise
    if old:
        user.avatar.storage.delete(old)
    _public_profile_changed(user)
    return user


def user_remove_avatar(*, user: User) -> User:
    if user.avatar:
        user.avatar.delete(save=True)
        _public_profile_changed(user)
    return user


# --- roles -----------------------------------------------------------------------------------------------------


@transaction.atomic
def roles_change(*, actor: User, user_id: int, grant: list[str], revoke: list[str], note: str = "") -> User:
    """Chief editors grant and revoke roles; each change is recorded in RoleChange."""
    if not actor.has_perm(MANAGE_ROLES):
        raise NotAllowed()
    user = User.objects.select_for_update().filter(pk=user_id, deleted_at__isnull=True).first()
    if user is None:
        raise NotFound()
    unknown = sorted((set(grant) | set(revoke)) - set(ROLES))
    if unknown:
        raise ValidationError({"roles": _("Unknown roles: %(roles)s.") % {"roles": ", ".join(unknown)}})
    if set(grant) & set(revoke):
        raise RoleChangeRefused(_("A role cannot be granted and revoked at once."))
    if user.pk == actor.pk and CHIEF_EDITOR in revoke:
        raise RoleChangeRefused(_("You cannot revoke your own chief editor role."))
    if set(grant) & set(STAFF_ROLES) and not user.is_email_verified:
        raise RoleChangeRefused(_("Editors must have a confirmed e-mail address."))
    current = set(user.groups.values_list("name", flat=True))
    for role in grant:
        if role not in current:
            grant_role(user, role)
            RoleChange.objects.create(user=user, role=role, granted=True, actor=actor, note=note)
    for role in revoke:
        if role in current:
            revoke_role(user, role)
            RoleChange.objects.create(user=user, role=role, granted=False, actor=actor, note=note)
    return user


def create_staff(*, email: str, password: str, role: str, display_name: str | None = None) -> User:
    """Creates (or promotes) a verified editor or chief editor; used by the create_staff command and seeding."""
    email = normalize_email(email)
    user = User.objects.filter(email=email).first()
    if user is None:
        password_validation.validate_password(password)
        user = User.objects.create_user(
            email=email,
            password=password,
            display_name=display_name or email.split("@")[0],
            email_verified_at=timezone.now(),
        )
    grant_role(user, CONTRIBUTOR)
    grant_role(user, role)
    return user


# --- leaving ---------------------------------------------------------------------------------------------------


def user_export(*, user: User) -> dict[str, Any]:
    return personal_data.export(user)


@transaction.atomic
def user_delete(*, user: User, password: str) -> None:
    """Deletes the account: every app erases its private data (drafts, unpublished articles, ...); published
    articles stay under the pen name or "former contributor"; the row itself stays, stripped of everything
    personal, so that the audit trail keeps a pseudonymous id."""
    if not user.check_password(password):
        raise InvalidCredentials(_("The password is incorrect."))
    user = User.objects.select_for_update().get(pk=user.pk)
    personal_data.erase(user)
    if user.avatar:
        user.avatar.delete(save=False)
    AuthToken.objects.filter(user=user).delete()
    web_sessions_end(user=user)  # the browsers' sessions, and what the rows knew of them (address, browser)
    user.notifications.all().delete()  # they quote the user's articles and the editors' messages to them
    # sign-in records (django-axes) are keyed by the address: they go with it
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=user.email).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.email = f"deleted-{user.pk}-{secrets.token_hex(6)}@deleted.invalid"
    user.display_name = ""
    user.bio = ""
    user.avatar = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.email_verified_at = None
    user.deleted_at = timezone.now()
    user.trust_record = {}
    user.save()  # the whole row, on purpose: whatever the apps' erasers changed on it goes too
    _public_profile_changed(user)


def account_personal_data(user: User) -> dict[str, Any]:
    """The accounts app's part of a data export."""
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "pen_name": user.pen_name,
        "bio": user.bio,
        "language": user.language,
        "avatar": user.avatar.url if user.avatar else None,
        "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "roles": user_roles(user),
        "trust": {"level": user.trust_level, "reason": user.trust_reason, "record": user.trust_record},
        "role_changes": [
            {"role": c.role, "granted": c.granted, "at": c.created_at.isoformat(), "note": c.note}
            for c in user.role_changes.all()
        ],
        "sessions": [
            {
                "created": t.created.isoformat(),
                "expiry": t.expiry.isoformat() if t.expiry else None,
                "device": getattr(getattr(t, "device", None), "name", ""),
                "user_agent": getattr(getattr(t, "device", None), "user_agent", ""),
                "ip_address": getattr(getattr(t, "device", None), "ip_address", None),
            }
            for t in sessions_of(user)
        ],
        "web_sessions": [
            {
                "created": w.created_at.isoformat(),
                "last_seen": w.last_seen.isoformat(),
                "user_agent": w.user_agent,
                "ip_address": w.ip_address,
            }
            for w in web_sessions_of(user)
        ],
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "data": n.data,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
            }
            for n in user.notifications.all()
        ],
    }


# --- notifications ---------------------------------------------------------------------------------------------
# Created by the apps that have something to tell (e.g. moderation.notify); here the user reads and marks them.


def notifications_of(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's own notifications, newest first; only the unread (True) or only the read (False) ones."""
    qs = Notification.objects.filter(user=user).order_by("-created_at", "-id")
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    return qs


def notifications_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Marks one of the user's notifications read (again: a no-op). Someone else's id is simply not found."""
    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        now = timezone.now()
        # only if still unread: a concurrent mark keeps the first time
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
            notification.read_at = now
        else:
            notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Marks every unread notification of the user read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
