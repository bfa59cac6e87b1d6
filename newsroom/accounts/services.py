"""Account writes: registration, e-mail verification, sign-in tokens, profile changes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.utils.translation import override as language_override
from knox.models import AuthToken

from newsroom.accounts.models import User, normalize_email
from newsroom.accounts.roles import CONTRIBUTOR, grant_role
from newsroom.accounts.tokens import make_verification_token, read_verification_token
from newsroom.api.errors import ApplicationError


class InvalidCredentials(ApplicationError):
    code = "invalid_credentials"
    status = 400
    default_message = gettext_lazy("E-mail or password is incorrect.")


class InvalidVerificationToken(ApplicationError):
    code = "invalid_token"
    status = 400
    default_message = gettext_lazy("The verification link is invalid or has expired. Request a new one.")


def _send_verification_mail(user_id: int, language: str) -> None:
    user = User.objects.get(pk=user_id)
    token = make_verification_token(user.pk, user.email)
    link = f"{settings.SITE_URL}/verify-email/?{urlencode({'token': token})}"
    with language_override(language):
        subject = _("Confirm your e-mail address")
        body = _(
            "Hello, %(name)s!\n\n"
            "Confirm your e-mail address to submit your news to the editors:\n%(link)s\n\n"
            "Or send this token to POST /api/v1/auth/verify-email/:\n%(token)s\n\n"
            "If you did not register, ignore this letter."
        ) % {"name": user.display_name, "link": link, "token": token}
    send_mail(subject, body, None, [user.email])


def _send_already_registered_mail(email: str, language: str) -> None:
    with language_override(language):
        subject = _("Registration attempt")
        body = _(
            "Someone (perhaps you) tried to register again with this address.\n"
            "You already have an account: sign in, or reset your password if you forgot it.\n"
        )
    send_mail(subject, body, None, [email])


@transaction.atomic
def user_register(*, email: str, password: str, display_name: str) -> None:
    """Creates a contributor and mails a verification link.

    A known address gets a notice instead, and the caller sees the same answer either way, so the endpoint
    does not reveal who has an account.
    """
    email = normalize_email(email)
    language = get_language() or settings.LANGUAGE_CODE
    candidate = User(email=email, display_name=display_name)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    if User.objects.filter(email=email).exists():
        transaction.on_commit(lambda: _send_already_registered_mail(email, language))
        return
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, display_name=display_name)
    except IntegrityError:  # a concurrent registration of the same address won the race
        transaction.on_commit(lambda: _send_already_registered_mail(email, language))
        return
    grant_role(user, CONTRIBUTOR)
    transaction.on_commit(lambda: _send_verification_mail(user.pk, language))


def user_resend_verification(*, email: str) -> None:
    user = User.objects.filter(
        email=normalize_email(email), email_verified_at__isnull=True, is_active=True
    ).first()
    if user is not None:
        _send_verification_mail(user.pk, get_language() or settings.LANGUAGE_CODE)


@transaction.atomic
def user_verify_email(*, token: str) -> User:
    parsed = read_verification_token(token)
    if parsed is None:
        raise InvalidVerificationToken()
    user_id, email = parsed
    user = User.objects.select_for_update().filter(pk=user_id, email=email, is_active=True).first()
    if user is None:
        raise InvalidVerificationToken()
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def user_login(*, request: Any, email: str, password: str) -> tuple[User, str, Any]:
    user = authenticate(request, username=normalize_email(email), password=password)
    if user is None or not user.is_active:
        raise InvalidCredentials()
    instance, token = AuthToken.objects.create(user)
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    return user, token, instance.expiry


def user_update_profile(*, user: User, display_name: str | None = None) -> User:
    changed = []
    if display_name is not None and display_name != user.display_name:
        user.display_name = display_name
        changed.append("display_name")
    if changed:
        user.save(update_fields=changed)
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
