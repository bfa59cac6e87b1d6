"""Cross-cutting behaviour: health, schema, error shape, translations."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

from newsroom.accounts import services as account_services
from newsroom.api import errors
from submissions import errors as submission_errors

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["status"] == "up" and body["status"] in {"ok", "degraded"}
    assert body["broker"]["status"] in {"eager", "up"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    """A real outage: a separate process whose DATABASE_URL points at nothing listening."""
    script = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(json.dumps({'status': r.status_code, 'retry': r.get('Retry-After'), "
        "'body': json.loads(r.content)}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "NEWSROOM_VAR_DIR": str(tmp_path),
        "REDIS_URL": "",
        "ALLOWED_HOSTS": "testserver",
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == 503 and result["retry"] == "5"
    assert result["body"]["database"]["status"] == "down"


def test_openapi_schema_and_docs(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/auth/register/",
        "/api/v1/articles/{article_id}/submit/",
        "/api/v1/moderation/queue/claim-next/",
        "/api/v1/feed/",
    ):
        assert path in paths
    assert client.get("/api/docs/").status_code == 200


def test_malformed_json_is_a_400_in_the_one_error_shape(api):
    response = api().generic("POST", "/api/v1/auth/login/", "{nope", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert response.json()["error"]["code"] == "malformed_request"


def _application_errors():
    """Every ApplicationError subclass in the project (the modules defining them are imported first)."""
    import moderation.track  # noqa: F401

    found, todo = {}, [errors.ApplicationError]
    while todo:
        for sub in todo.pop().__subclasses__():
            found[f"{sub.code}-{sub.__name__}"] = sub
            todo.append(sub)
    assert account_services and submission_errors  # imported for their subclasses
    return sorted(found.items())


@pytest.mark.parametrize(("code", "error"), _application_errors())
def test_every_error_message_has_a_russian_translation(code, error):
    with translation.override("en"):
        english = str(error.default_message)
    with translation.override("ru"):
        russian = str(error.default_message)
    assert russian != english, f"{code}: no Russian translation for {english!r}"


def test_compiled_catalogue_matches_its_source():
    po = polib.pofile(str(ROOT / "newsroom/locale/ru/LC_MESSAGES/django.po"))
    mo = polib.mofile(str(ROOT / "newsroom/locale/ru/LC_MESSAGES/django.mo"))
    source = {(e.msgctxt, e.msgid): e.msgstr for e in po.translated_entries()}
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo if e.msgid}
    assert source == compiled, "run: .venv/bin/python manage.py compilemessages -l ru -i .venv"
    assert not po.untranslated_entries()


def test_demo_seed_runs_once_through_the_workflow(settings, tmp_path):
    from django.core.management import call_command

    from moderation.models import Outcome, QueueItem
    from submissions.models import Article, Correction

    settings.VAR_DIR = tmp_path
    call_command("seed_demo")
    published = Article.objects.filter(status="published")
    assert published.count() == 5 and set(published.values_list("language", flat=True)) == {"ru", "en"}
    assert all(a.events.filter(action="checks_complete").exists() for a in published)
    # one published story carries a correction, made through the workflow (its event is in the trail)
    corrected = Article.objects.get(corrections__isnull=False)
    assert corrected.status == "published" and Correction.objects.count() == 1
    assert corrected.events.filter(action="correct").exists()
    # three wait in the queue, checked: a risky one, a near-duplicate of a published story, one in English
    waiting = QueueItem.objects.filter(queue_key__isnull=False)
    assert waiting.count() == 3 and set(waiting.values_list("status", flat=True)) == {"in_review"}
    assert all(a.events.filter(action="checks_complete").exists() for a in waiting)
    outcomes = {
        (article.language, result.check_name, result.outcome)
        for article in waiting
        for result in article.current_revision.check_results.all()
    }
    assert ("ru", "content_rules", Outcome.FAIL) in outcomes
    assert any(name == "near_duplicate" and outcome != Outcome.PASS for _, name, outcome in outcomes)
    assert {a.language for a in waiting} == {"ru", "en"}
    accounts = json.loads((tmp_path / "demo-accounts.json").read_text())
    call_command("seed_demo")  # the second `make run`
    assert Article.objects.count() == 8 and Correction.objects.count() == 1
    assert json.loads((tmp_path / "demo-accounts.json").read_text()) == accounts


def test_every_error_code_is_documented():
    documented = set(re.findall(r"\| \d{3} \| `(\w+)` \|", (ROOT / "docs/errors.md").read_text()))
    codes = {error.code for _, error in _application_errors()} | {"locked_out", "throttled"}
    assert codes - documented == set(), "add these codes to docs/errors.md"
