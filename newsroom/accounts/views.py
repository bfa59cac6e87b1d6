"""The page a verification link opens: GET shows a button, POST verifies (mail scanners only GET)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from newsroom.accounts import services
from newsroom.api.errors import ApplicationError


@require_http_methods(["GET", "POST"])
def verify_email_page(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token") or request.GET.get("token", "")
    context: dict = {"token": token}
    status = 200
    if request.method == "POST":
        try:
            context["verified_user"] = services.user_verify_email(token=token)
        except ApplicationError as exc:
            context["error"] = exc.message
            status = 400
    return render(request, "accounts/verify_email.html", context, status=status)


@require_http_methods(["GET", "POST"])
def reset_password_page(request: HttpRequest) -> HttpResponse:
    """The page a password-reset link opens: a form for the new password; POST sets it (the same service as the
    API: single-use token, validators, every device signed out)."""
    uid = request.POST.get("uid") or request.GET.get("uid", "")
    token = request.POST.get("token") or request.GET.get("token", "")
    context: dict = {"uid": uid, "token": token}
    status = 200
    if request.method == "POST":
        try:
            services.password_reset_confirm(uid=uid, token=token, password=request.POST.get("password", ""))
            context["done"] = True
        except ApplicationError as exc:
            context["error"] = exc.message
            status = 400
        except ValidationError as exc:
            context["error"] = " ".join(
                " ".join(m for m in messages) for messages in exc.message_dict.values()
            )
            status = 400
    return render(request, "accounts/reset_password.html", context, status=status)
