"""claim-next keeps its compiled queue query per scope (moderation.services._picks): whatever an editor changes
between two claims — a conflict declared, working languages set — the next claim follows it at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from moderation import services
from submissions.models import Article

pytestmark = pytest.mark.django_db


def test_a_conflict_declared_between_two_claims_is_followed(api, editor, queued):
    waiting = {a.pk: a for a in (queued(), queued())}
    client = api(editor)
    taken = client.post("/api/v1/moderation/queue/claim-next/?scope=all").json()["id"]
    (second,) = [a for pk, a in waiting.items() if pk != taken]
    declared = client.post(
        "/api/v1/moderation/conflicts/", {"author": second.author_id, "reason": "сосед"}, format="json"
    )
    assert declared.status_code == 201, declared.content
    assert client.post("/api/v1/moderation/queue/claim-next/?scope=all").status_code == 204
    client.post(f"/api/v1/moderation/conflicts/{declared.json()['id']}/withdraw/")
    assert client.post("/api/v1/moderation/queue/claim-next/?scope=all").json()["id"] == second.pk


def test_working_languages_set_between_two_claims_are_followed(api, editor, queued):
    russian = {queued(language="ru").pk, queued(language="ru").pk}
    en = queued(language="en", title="Bridge opens")
    client = api(editor)
    assert client.put("/api/v1/moderation/me/", {"languages": ["ru"]}, format="json").status_code == 200
    assert client.post("/api/v1/moderation/queue/claim-next/").json()["id"] in russian
    assert client.put("/api/v1/moderation/me/", {"languages": ["en"]}, format="json").status_code == 200
    assert client.post("/api/v1/moderation/queue/claim-next/").json()["id"] == en.pk
    assert Article.objects.filter(pk__in=russian, claimed_by__isnull=True).count() == 1


def test_an_expired_lease_is_picked_by_the_time_of_each_claim(editor, queued):
    article = queued()
    other = type(editor).objects.get(pk=editor.pk)  # the same editor, as a second web worker would load it
    assert services.claim_next(editor, scope="all").pk == article.pk
    assert services.claim_next(other, scope="all") is None  # held: the same scope, the same compiled pick
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        retaken = services.claim_next(other, scope="all")
    assert retaken is not None and retaken.pk == article.pk
