"""The addresses the first letters linked to (/verify-email/?token=…, /reset-password/?uid=…&token=…). Letters
already sent keep working: each address sends the browser on to its account page (newsroom.accounts.web), the
query (the token) kept as it is. New letters link to the account pages directly."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_safe


def _moved(request: HttpRequest, name: str) -> HttpResponse:
    url = reverse(name)
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


@require_safe
def verify_email_page(request: HttpRequest) -> HttpResponse:
    return _moved(request, "account-verify")


@require_safe
def reset_password_page(request: HttpRequest) -> HttpResponse:
    return _moved(request, "account-password-reset-confirm")
