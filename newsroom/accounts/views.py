"""The page a verification link opens: GET shows a button, POST verifies (mail scanners only GET)."""

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
