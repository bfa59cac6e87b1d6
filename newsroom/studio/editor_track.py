"""“Test yourself as an editor”: the editor-track pages of the studio. (Being built.)"""

from django.http import Http404, HttpRequest, HttpResponse


def page(request: HttpRequest) -> HttpResponse:
    raise Http404
