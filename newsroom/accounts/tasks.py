"""Account mail, sent by a task so that a request answers in the same time whether or not a letter goes out.

Tasks take ids, never tokens: a token is made in the worker and exists only in the letter. Letters speak to people:
their links open the site's account pages (newsroom.accounts.web) on SITE_URL, and they say nothing of the API.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import override as language_override

from newsroom.accounts.models import User
from newsroom.accounts.tokens import make_verification_token
from newsroom.api.links import absolute
from newsroom.celery import reliable_task


def _page(name: str, **query: str) -> str:
    """The absolute address of an account page (on SITE_URL, never a request's Host), with its query."""
    url = absolute(reverse(name))
    return f"{url}?{urlencode(query)}" if query else url


@reliable_task
def send_verification_mail(user_id: int, language: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True, email_verified_at__isnull=True).first()
    if user is None:
        return  # verified or gone meanwhile
    link = _page("account-verify", token=make_verification_token(user.pk, user.email))
    with language_override(language):
        subject = _("Confirm your e-mail address")
        body = _(
            "Hello, %(name)s!\n\n"
            "Confirm your e-mail address to submit your news to the editors: open this link.\n%(link)s\n\n"
            "The link works for %(days)d days. If it has expired, the page it opens lets you ask for a new one.\n\n"
            "If you did not register, ignore this letter."
        ) % {
            "name": user.display_name,
            "link": link,
            "days": max(1, settings.NEWSROOM["EMAIL_VERIFICATION_MAX_AGE"] // 86400),
        }
    send_mail(subject, body, None, [user.email])


@reliable_task
def send_already_registered_mail(email: str, language: str) -> None:
    with language_override(language):
        subject = _("Registration attempt")
        body = _(
            "Someone (perhaps you) tried to register again with this address.\n\n"
            "You already have an account. Sign in here:\n%(login)s\n\n"
            "If you forgot the password, choose a new one here:\n%(reset)s\n\n"
            "If it was not you, ignore this letter: nothing has changed."
        ) % {"login": _page("account-login"), "reset": _page("account-password-reset")}
    send_mail(subject, body, None, [email])


@reliable_task
def send_password_reset_mail(email: str, language: str) -> None:
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        return  # no account: no letter, and the requester was told the same either way
    link = _page(
        "account-password-reset-confirm",
        uid=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
    )
    with language_override(language):
        subject = _("Reset your password")
        body = _(
            "Hello, %(name)s!\n\n"
            "Someone (perhaps you) asked to reset the password of your account. To choose a new one, open:\n"
            "%(link)s\n\n"
            "The link works once and for %(hours)d hours. If you did not ask, ignore this letter: "
            "your password stays as it is."
        ) % {
            "name": user.display_name,
            "link": link,
            "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
        }
    send_mail(subject, body, None, [user.email])


@reliable_task
def complete_registration(email: str, password_hash: str, display_name: str, language: str) -> None:
    """The second half of registration (see services.user_register). Carries a password hash, never a password."""
    from newsroom.accounts.services import complete_registration as complete

    complete(email=email, password_hash=password_hash, display_name=display_name, language=language)
