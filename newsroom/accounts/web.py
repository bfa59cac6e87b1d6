"""The account pages: sign up, sign in and out, the letters' links (confirm the address, choose a new password), the
profile (names, picture, sign-ins, the data export, leaving) and the page of a failed CSRF check.

Everything goes through the services the JSON API calls (newsroom.accounts.services) and the API's own input
checks (forms.py hands what was typed to the API's serializers), so a page refuses what the API refuses, with the
same code and message, shown next to the field. Sign-in keeps the API's defences: the same throttles (the API's
scopes and counters, shared with it: a client has one budget) and django-axes' lockout per (e-mail, IP), counted
through authenticate(request=...). A sign-in is a Django session, rotated at sign-in and sign-out and described by
a WebSession row so that the profile can list and end it.

Every page works without JavaScript: plain forms, Post/Redirect/Get, messages in the layout. Nothing is cached.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from newsroom.accounts import services, signin
from newsroom.accounts.forms import (
    EmailForm,
    LoginForm,
    NewPasswordForm,
    SignupForm,
)
from newsroom.accounts.models import User, normalize_email
from newsroom.accounts.pages import SEEN_KEY, page, throttle_wait
from newsroom.accounts.serializers import TokenInput
from newsroom.api.errors import ApplicationError, error_response

# the address this browser signed up with (or asked a new confirmation letter for): the confirmation link signs in
# only the browser that holds it, never a mail scanner that opens the link first
SIGNUP_MARKER = "accounts.signed_up"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


# --- small helpers ---------------------------------------------------------------------------------------------


def _next(request: HttpRequest) -> str:
    """`next` from the form or the query, if it is a path on this site (no other host, no other scheme)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts=None, require_https=request.is_secure()
    ):
        return target
    return ""


def _typed(request: HttpRequest, *names: str) -> dict[str, str]:
    """What was typed into these fields, to show again on a form that was not checked (a throttled request)."""
    return {name: request.POST.get(name, "") for name in names}


def _sign_in(request: HttpRequest, user: User) -> None:
    """A browser sign-in: django.contrib.auth rotates the session key (no fixation) and axes clears the failure
    counter; the sign-in is recorded for the profile's list."""
    auth_login(request, user, backend=getattr(user, "backend", MODEL_BACKEND))
    signin.web_session_start(request=request, user=user)
    request.session[SEEN_KEY] = int(time.time())


def _after_sign_in(user: User, next_url: str) -> str:
    if next_url:
        return next_url
    if not user.is_email_verified:
        return reverse("account-profile")  # where the letter can be sent again
    return resolve_url(settings.LOGIN_REDIRECT_URL)


# --- sign up ---------------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Registration, as POST /api/v1/auth/register/: the same work and the same answer whether or not the address
    has an account (a known address gets a "you already have an account" letter). The browser keeps the address in
    its session: the confirmation link signs in this browser only."""
    if request.method == "POST":
        if (wait := throttle_wait(request, "register")) is not None:
            form = SignupForm(initial=_typed(request, "email", "display_name"))
            return page(request, "accounts/signup.html", {"form": form}, wait=wait)
        form = SignupForm(request.POST)
        if form.is_valid():
            try:
                services.user_register(**form.cleaned_data)
            except ValidationError as exc:  # the password validators
                form.refuse(exc)
            else:
                request.session[SIGNUP_MARKER] = normalize_email(form.cleaned_data["email"])
                return redirect(reverse("account-signup") + "?sent=1")
        return page(request, "accounts/signup.html", {"form": form}, status=400)
    email = request.session.get(SIGNUP_MARKER)
    if request.GET.get("sent") and email:
        return page(request, "accounts/signup_sent.html", {"email": email})
    return page(request, "accounts/signup.html", {"form": SignupForm()})


# --- sign in and out -------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Sign-in with a Django session, checked as the API checks it (signin.user_authenticate: django-axes counts
    the failures of each (e-mail, IP) and locks the pair for the cool-off, answered here as a 429 page)."""
    next_url = _next(request)
    context: dict[str, Any] = {"next": next_url}
    if request.method == "GET":
        context["form"] = LoginForm(initial={"email": request.GET.get("email", "")[:254]})
        return page(request, "accounts/login.html", context)
    if (wait := throttle_wait(request, "login")) is not None:
        context["form"] = LoginForm(initial=_typed(request, "email"))
        return page(request, "accounts/login.html", context, wait=wait)
    form = context["form"] = LoginForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            user = signin.user_authenticate(
                request=request, email=email, password=form.cleaned_data["password"]
            )
        except signin.SignInLocked as exc:
            # answered here, in the site's layout: AxesMiddleware would otherwise put the API's JSON in its place
            request.axes_locked_out = False  # type: ignore[attr-defined]
            context.update(form=LoginForm(initial={"email": email}), locked=exc)
            response = page(request, "accounts/login.html", context, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        except ApplicationError as exc:
            form.refuse(exc)
        else:
            _sign_in(request, user)
            if not user.is_email_verified:
                messages.warning(
                    request,
                    _(
                        "Your e-mail address is not confirmed yet: open the link in the letter we sent you. "
                        "Your profile page can send the letter again."
                    ),
                )
            return HttpResponseRedirect(_after_sign_in(user, next_url))
    return page(request, "accounts/login.html", context, status=400)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign-out (POST only: a link or an image cannot sign anyone out). The session is flushed: a new key."""
    if request.session.session_key:
        signin.web_session_forget(session_key=request.session.session_key)
    auth_logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("web-home")


# --- the confirmation link -------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """GET with the letter's token confirms the address (services.user_verify_email, as the API). It signs in only
    the browser that signed up (SIGNUP_MARKER): a mail scanner fetching the link confirms the address but gets no
    session, and the person is told to sign in. A used, expired or damaged link says so and offers a new letter;
    POST (an e-mail address) sends one."""
    if request.method == "POST":
        return _resend(request)
    token = request.GET.get("token", "")
    if not token:
        return page(request, "accounts/verify.html", {"state": "ask", "resend": _resend_form(request)})
    if (wait := throttle_wait(request, "verify")) is not None:
        return page(
            request, "accounts/verify.html", {"state": "ask", "resend": _resend_form(request)}, wait=wait
        )
    try:
        if not TokenInput(data={"token": token}).is_valid():
            raise services.InvalidVerificationToken()
        user = services.user_verify_email(token=token)
    except services.UsedVerificationToken as exc:
        confirmed = services.confirmed_user_of_link(token=token)
        if confirmed is not None and _signs_in_here(request, confirmed):
            return _confirmed_here(request, confirmed, already=True)
        return page(request, "accounts/verify.html", {"state": "used", "message": exc.message})
    except services.InvalidVerificationToken as exc:
        context = {
            "state": "failed",
            "message": exc.message,
            "code": exc.code,
            "resend": _resend_form(request),
        }
        return page(request, "accounts/verify.html", context, status=400)
    if _signs_in_here(request, user):
        return _confirmed_here(request, user)
    login_form = LoginForm(initial={"email": user.email})
    return page(request, "accounts/verify.html", {"state": "confirmed", "form": login_form})


def _signs_in_here(request: HttpRequest, user: User) -> bool:
    if request.user.is_authenticated:
        return request.user.pk == user.pk
    return bool(request.session.get(SIGNUP_MARKER)) and request.session.get(SIGNUP_MARKER) == user.email


def _confirmed_here(request: HttpRequest, user: User, *, already: bool = False) -> HttpResponse:
    if not request.user.is_authenticated:
        _sign_in(request, user)
    request.session.pop(SIGNUP_MARKER, None)
    if already:
        messages.success(request, _("Your address is already confirmed. You are signed in."))
    else:
        messages.success(request, _("Thank you: your address is confirmed. You can now propose your news."))
    return redirect(settings.LOGIN_REDIRECT_URL)


def _resend_form(request: HttpRequest) -> EmailForm:
    email = request.user.email if request.user.is_authenticated else request.session.get(SIGNUP_MARKER, "")
    return EmailForm(initial={"email": email}, auto_id="resend_%s")


def _resend(request: HttpRequest) -> HttpResponse:
    """A new confirmation letter, as POST /api/v1/auth/resend-verification/: the same answer for every address."""
    if (wait := throttle_wait(request, "verify")) is not None:
        form = EmailForm(initial=_typed(request, "email"), auto_id="resend_%s")
        return page(request, "accounts/verify.html", {"state": "ask", "resend": form}, wait=wait)
    form = EmailForm(request.POST, auto_id="resend_%s")
    if not form.is_valid():
        return page(request, "accounts/verify.html", {"state": "ask", "resend": form}, status=400)
    email = normalize_email(form.cleaned_data["email"])
    services.user_resend_verification(email=email)
    request.session[SIGNUP_MARKER] = email  # this browser asked: the new link signs it in
    messages.success(
        request,
        _(
            "If this address has an account waiting for confirmation, a new letter is on its way. Check your mailbox."
        ),
    )
    return HttpResponseRedirect(_next(request) or reverse("account-verify"))


# --- password reset --------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Asks for a reset letter, as POST /api/v1/auth/password-reset/: the same answer whether or not the address has
    an account (the worker decides whether a letter goes)."""
    if request.method == "POST":
        if (wait := throttle_wait(request, "password_reset")) is not None:
            form = EmailForm(initial=_typed(request, "email"))
            return page(request, "accounts/password_reset.html", {"form": form}, wait=wait)
        form = EmailForm(request.POST)
        if form.is_valid():
            services.password_reset_request(email=form.cleaned_data["email"])
            return redirect(reverse("account-password-reset") + "?sent=1")
        return page(request, "accounts/password_reset.html", {"form": form}, status=400)
    return page(
        request, "accounts/password_reset.html", {"form": EmailForm(), "sent": bool(request.GET.get("sent"))}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest) -> HttpResponse:
    """The letter's link: the new password, set by services.password_reset_confirm (as the API: the link works once,
    the validators apply, every device and browser is signed out). The link is checked before anything is typed."""
    source = request.POST if request.method == "POST" else request.GET
    link = {"uid": source.get("uid", "")[:64], "token": source.get("token", "")[:128]}
    if request.method == "GET":
        try:
            user = services.password_reset_link_user(**link)
        except services.InvalidResetToken as exc:
            return page(request, "accounts/password_reset_confirm.html", {"invalid": exc.message}, status=400)
        form = NewPasswordForm(initial=link)
        return page(request, "accounts/password_reset_confirm.html", {"form": form, "email": user.email})
    if (wait := throttle_wait(request, "password_reset")) is not None:
        form = NewPasswordForm(initial=link)
        return page(request, "accounts/password_reset_confirm.html", {"form": form}, wait=wait)
    form = NewPasswordForm(request.POST)
    if form.errors.keys() & {"uid", "token"}:  # the link's part of the form was tampered with or cut
        invalid = services.InvalidResetToken().message
        return page(request, "accounts/password_reset_confirm.html", {"invalid": invalid}, status=400)
    if form.is_valid():
        try:
            user = services.password_reset_confirm(**form.cleaned_data)
        except services.InvalidResetToken as exc:
            return page(request, "accounts/password_reset_confirm.html", {"invalid": exc.message}, status=400)
        except ValidationError as exc:
            form.refuse(exc)
        else:
            if request.user.is_authenticated and request.user.pk == user.pk:
                auth_logout(
                    request
                )  # its session is gone already (every browser of the account is signed out)
            messages.success(
                request, _("The password is changed. Every device was signed out: sign in again.")
            )
            return redirect("account-login")
    return page(request, "accounts/password_reset_confirm.html", {"form": form}, status=400)


# --- a failed CSRF check ---------------------------------------------------------------------------------------


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form sent with an expired or missing token. A page of the site, in the reader's
    language, saying to reload and send again; under /api/ the API's error shape."""
    if request.path.startswith("/api/"):
        return error_response(
            "csrf_failed", _("The request's CSRF check failed. Reload the page and try again."), 403
        )
    back = ""
    referer = request.META.get("HTTP_REFERER", "")
    if referer.startswith(settings.SITE_URL + "/"):  # the page the form was on, when it is one of ours
        back = referer[len(settings.SITE_URL) :]
        if not url_has_allowed_host_and_scheme(back, allowed_hosts=None):
            back = ""
    context = {"no_cookie": reason == REASON_NO_CSRF_COOKIE, "back": back}
    return render(request, "accounts/csrf_failure.html", context, status=403)
