"""The account pages. (Being built: see newsroom/accounts/web_urls.py for the routes.)"""

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest) -> HttpResponse:
    raise Http404


signup = login = logout = verify = password_reset = password_reset_confirm = profile = _todo


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason)
