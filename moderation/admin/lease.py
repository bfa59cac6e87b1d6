"""The claim while the review page is open (POST /admin/submissions/article/<id>/review/claim/): desk.js renews
the editor's lease every half lease while the page stays open, and releases it when the editor leaves the page
without deciding. Answers are small JSON documents for the script; a refusal is the API's error envelope, with its codes.

A release names the lease it ends (`until`, as the page last saw it): the beacon of a page the editor has just
reloaded, or left for the same article in another tab, arrives after the new page renewed the lease, names an
older end, and releases nothing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.timesince import timeuntil
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from moderation import services
from moderation.admin.common import can_moderate
from newsroom.accounts.actors import signed_in
from newsroom.api.errors import ApplicationError, NotAllowed, NotFound, error_response
from submissions.models import Article


def _refusal(exc: ApplicationError) -> HttpResponse:
    return error_response(exc.code, str(exc.message), exc.status, exc.fields or None)


@require_POST
def lease(request: HttpRequest, object_id: str) -> HttpResponse:
    if not can_moderate(request):
        return _refusal(NotAllowed())
    if not (object_id.isascii() and object_id.isdigit() and len(object_id) <= 18):
        return _refusal(NotFound())
    actor = signed_in(request)
    article_id = int(object_id)
    op = request.POST.get("op", "")
    try:
        if op == "renew":
            article = services.claim(actor=actor, article_id=article_id)
            until = article.claim_expires_at
            assert until is not None
            left = timeuntil(until, timezone.now())
            return JsonResponse(
                {
                    "until": until.isoformat(),
                    "message": gettext("You hold this article for %(left)s more.") % {"left": left},
                }
            )
        if op == "release":
            seen = parse_datetime(request.POST.get("until", ""))
            held = Article.objects.filter(pk=article_id).values("claimed_by_id", "claim_expires_at").first()
            if (
                seen is None
                or held is None
                or held["claimed_by_id"] != actor.pk
                or held["claim_expires_at"] != seen
            ):
                return JsonResponse({"released": False})  # not this page's lease (any more): nothing to end
            services.release(actor=actor, article_id=article_id)
            return JsonResponse({"released": True})
    except ApplicationError as exc:  # another editor holds it, the article left the queue, a conflict
        return _refusal(exc)
    choice = {"code": "invalid_choice", "message": gettext("Choose renew or release.")}
    return error_response("invalid", gettext("Invalid input."), 400, {"op": [choice]})
