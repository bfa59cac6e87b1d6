"""(Being built.)"""

from django.http import Http404, HttpRequest, HttpResponse


def page(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
