"""Conditional requests: ETags from a resource's version, If-Match required on writes (lost-update protection).

428 without If-Match; 412 with the current representation in the body when the version is stale, so that the
client can merge and retry.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from newsroom.api.errors import PreconditionFailed, PreconditionRequired, error_body


def etag(article: Any) -> str:
    return f'"v{article.version}"'


def expected_version(request: Request) -> int:
    """The version named by If-Match ("v12", weak or strong); 428 when absent, 412 when unreadable."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    match = re.fullmatch(r'(?:W/)?"v(\d{1,9})"', header)
    if match is None:
        raise PreconditionFailed(_('If-Match must be the ETag of the article, e.g. "v3".'))
    return int(match.group(1))


def with_etag(response: Response, article: Any) -> Response:
    response["ETag"] = etag(article)
    return response


def stale_version(article_output: Any, exc: PreconditionFailed) -> Response:
    """412 with the current version in the body, so that the client can merge."""
    body = error_body(exc.code, exc.message, exc.fields, **exc.extra, current=article_output)
    return Response(body, status=exc.status)


IF_MATCH = OpenApiParameter("If-Match", location=OpenApiParameter.HEADER, required=True, type=str)
AUTOSAVE = OpenApiParameter(
    "autosave",
    description="true for an automatic save: autosaves within a minute share one revision",
    required=False,
    type=bool,
)
