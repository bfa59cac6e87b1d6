"""Account mail, sent by a task so that a request answers in the same time whether or not a letter goes out.

Tasks take ids, never tokens: a token is made in the worker and exists only in the letter.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import override as language_override

from newsroom.accounts.models import User
from newsroom.accounts.tokens import make_verification_token
from newsroom.celery import reliable_task


@reliable_task
def send_verification_mail(user_id: int, language: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True, email_verified_at__isnull=True).first()
    if user is None:
        return  # verified or gone meanwhile
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


@reliable_task
def send_already_registered_mail(email: str, language: str) -> None:
    with language_override(language):
        subject = _("Registration attempt")
        body = _(
            "Someone (perhaps you) tried to register again with this address.\n"
            "You already have an account: sign in, or reset your password if you forgot it.\n"
        )
    send_mail(subject, body, None, [email])


@reliable_task
def send_password_reset_mail(email: str, language: str) -> None:
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        return  # no account: no letter, and the requester was told the same either way
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = f"{settings.SITE_URL}/reset-password/?{urlencode({'uid': uid, 'token': token})}"
    with language_override(language):
        subject = _("Reset your password")
        body = _(
            "Hello, %(name)s!\n\n"
            "Someone (perhaps you) asked to reset the password of your account. To choose a new one, open:\n"
            "%(link)s\n\n"
            "Or send uid %(uid)s and token %(token)s with the new password to "
            "POST /api/v1/auth/password-reset/confirm/.\n\n"
            "The link works once and for %(hours)d hours. If you did not ask, ignore this letter: "
            "your password stays as it is."
        ) % {
            "name": user.display_name,
            "link": link,
            "uid": uid,
            "token": token,
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }
    send_mail(subject, body, None, [user.email])


@reliable_task
def complete_registration(email: str, password_hash: str, display_name: str, language: str) -> None:
    """The second half of registration (see services.user_register). Carries a password hash, never a password."""
    from newsroom.accounts.services import complete_registration as complete

    complete(email=email, password_hash=password_hash, display_name=display_name, language=language)
