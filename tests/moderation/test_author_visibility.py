"""Internal editorial work never reaches authors, by any channel: the one allow-list of submissions.policy
(AUTHOR_VISIBLE_ACTIONS, author_message, finding_visible_to_author) behind the timeline, the data export, the
author's checks and the decision mail — and a sweep of every route the URLconf offers an author."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from moderation import services
from moderation.models import CheckResult
from newsroom.accounts.roles import CHIEF_EDITOR, JUNIOR_EDITOR
from submissions import policy, workflow
from submissions.models import ArticleEvent, Category, Media, ReviewStage
from submissions.states import DECISIONS, Action
from tests.factories import BODY_RU, EditorFactory, UserFactory
from tests.helpers import moderation_url, submitted
from tests.robustness.conftest import count

pytestmark = pytest.mark.django_db

# What an author must never be shown of their article's history, stated here independently of the policy.
INTERNAL = {Action.CLAIM, Action.RELEASE, Action.TAKE_OVER, Action.NOTE, Action.STAGE, Action.PRE_APPROVE}

BODY = " ".join([BODY_RU, BODY_RU.replace("дороги", "трассы"), BODY_RU.replace("сквера", "парка")])

SECRET_NOTE = "Заметка-для-своих: автор путает даты, проверить через мэрию"
SECRET_STAGE = "Факт-чек-внутри: звонили в администрацию"
SECRET_JUNIOR = "Младший-редактор-считает: годится, но сыровато"
SECRET_UNSCHEDULE = "Снято-с-графика: ждём юриста"
OTHER_ID = 98765432  # the other author's unpublished article
OTHER_TITLE = "Неопубликованный материал соседа о вырубке"
EDITOR_IDS = (87650001, 87650002, 87650003, 87650004)


def test_the_policy_keeps_every_internal_action_from_the_author() -> None:
    assert not INTERNAL & policy.AUTHOR_VISIBLE_ACTIONS
    assert DECISIONS <= policy.AUTHOR_VISIBLE_ACTIONS
    assert policy.AUTHOR_ADDRESSED_MESSAGES <= policy.AUTHOR_VISIBLE_ACTIONS
    assert Action.UNSCHEDULE in policy.AUTHOR_VISIBLE_ACTIONS - policy.AUTHOR_ADDRESSED_MESSAGES


def test_an_editors_note_is_not_in_the_authors_export(api, editor, contributor):
    """The tester's example: the note was hidden from the timeline, but the export listed it among the events."""
    article = submitted(contributor)
    note = api(editor).post(moderation_url(article, "notes/"), {"text": SECRET_NOTE}, format="json")
    assert note.status_code == 201

    export = api(contributor).get("/api/v1/me/export/")
    assert export.status_code == 200
    events = export.json()["submissions"]["events"]
    assert [e["action"] for e in events] == ["submit", "checks_complete"]
    assert SECRET_NOTE not in export.content.decode()
    # it is the editor's own work: their export keeps it
    actions = api(editor).get("/api/v1/me/export/").json()["submissions"]["actions"]
    assert [(a["action"], a["message"]) for a in actions] == [("note", SECRET_NOTE)]


def test_a_near_duplicate_of_an_unpublished_article_is_for_the_editors_only(api, editor):
    other = submitted(UserFactory(), pk=OTHER_ID, title=OTHER_TITLE, body=BODY)
    author = UserFactory(language="en")
    article = submitted(author, title="Свой материал о сквере", body=BODY)

    for_editors = api(editor).get(moderation_url(article, "checks/")).json()
    [seen] = [r for r in for_editors if r["check"] == "near_duplicate"]
    assert seen["outcome"] == "warn" and [f["code"] for f in seen["findings"]] == [policy.UNPUBLISHED_MATCH]
    assert f"№{other.pk}" in seen["findings"][0]["message"]  # ru by default

    for lang in ("ru", "en"):
        for path in ("checks/", "timeline/"):
            response = api(author, lang=lang).get(f"/api/v1/articles/{article.pk}/{path}")
            assert response.status_code == 200
            assert str(OTHER_ID) not in response.content.decode()
        checks = api(author, lang=lang).get(f"/api/v1/articles/{article.pk}/checks/").json()
        [mine] = [r for r in checks if r["check"] == "near_duplicate"]
        assert (mine["outcome"], mine["score"], mine["findings"]) == ("pass", 0.0, [])


def test_a_published_match_is_named_to_the_author_in_both_languages(api, commit, editor):
    published = submitted(UserFactory(), title="Опубликованный материал о сквере", body=BODY)
    with commit():
        workflow.article_approve(actor=editor, article_id=published.pk)
    author = UserFactory()
    article = submitted(author, title="Опубликованный материал о сквере", body=BODY)
    ru = api(author).get(f"/api/v1/articles/{article.pk}/checks/").json()
    en = api(author, lang="en").get(f"/api/v1/articles/{article.pk}/checks/").json()
    [ru_check] = [r for r in ru if r["check"] == "near_duplicate"]
    [en_check] = [r for r in en if r["check"] == "near_duplicate"]
    assert ru_check["outcome"] == "fail" and [f["code"] for f in ru_check["findings"]] == [
        "duplicate_of_published"
    ]
    assert f"№{published.pk}" in ru_check["findings"][0]["message"]
    assert f"#{published.pk}" in en_check["findings"][0]["message"]


def test_old_results_that_may_name_an_unpublished_article_are_not_shown_to_the_author(api, contributor):
    article = submitted(contributor)
    CheckResult.objects.filter(revision_id=article.current_revision_id, check_name="near_duplicate").update(
        check_version=1,
        outcome="warn",
        score=0.9,
        findings=[
            {
                "code": "near_duplicate",
                "ru": f"Текст во многом совпадает со статьёй на проверке №{OTHER_ID}.",
                "en": f"The text largely overlaps an article in review #{OTHER_ID}.",
            }
        ],
    )
    response = api(contributor).get(f"/api/v1/articles/{article.pk}/checks/")
    [row] = [r for r in response.json() if r["check"] == "near_duplicate"]
    assert (row["outcome"], row["findings"]) == ("pass", [])
    assert str(OTHER_ID) not in response.content.decode()


# --- the sweep -----------------------------------------------------------------------------------------------------


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(name, path template) of every route of the URLconf; regex parts reduced to `<name>` placeholders."""
    for entry in patterns:
        part = str(entry.pattern)
        if part.startswith("^"):
            part = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", part.lstrip("^").rstrip("$"))
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, prefix + part, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}:{entry.name}".lstrip(":"), prefix + part


def _walk(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _read(response: Any) -> tuple[str, list[str]]:
    """The answer's text (JSON re-serialised without escapes), and the internal actions it names as such."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode("utf-8", errors="replace")
    internal: list[str] = []
    if "json" in response.get("Content-Type", ""):
        parsed = json.loads(body or "null")
        internal = [f"{k}={v}" for k, v in _walk(parsed) if k in ("action", "kind") and v in INTERNAL]
        body = json.dumps(parsed, ensure_ascii=False)
    return body, internal


def _story(commit: Any, api: Any, author: Any) -> tuple[Any, dict[str, Any]]:
    """The author's article through every move, by four editors; and another author's unpublished article with
    the same text (the near-duplicate check names it to editors)."""
    editor_a, editor_b = (
        EditorFactory(pk=pk, display_name=name, email=f"{name}@editors.example")
        for pk, name in ((EDITOR_IDS[0], "Тайнова"), (EDITOR_IDS[1], "Скрытнов"))
    )
    chief = UserFactory(
        pk=EDITOR_IDS[2], role=CHIEF_EDITOR, display_name="Главнов", email="glavnov@editors.example"
    )
    junior = UserFactory(
        pk=EDITOR_IDS[3], role=JUNIOR_EDITOR, display_name="Младшов", email="ml@editors.example"
    )
    neighbour = UserFactory(display_name="Соседов")
    submitted(neighbour, pk=OTHER_ID, title=OTHER_TITLE, body=BODY)

    city = Category.objects.get(slug="city")
    stage = ReviewStage.objects.get(code="fact_check")
    stage.categories.add(city)
    article = submitted(author, title="Свой материал о сквере", body=BODY)
    pk = article.pk
    with commit():
        services.claim(actor=editor_a, article_id=pk)
    assert (
        api(editor_a)
        .post(moderation_url(article, "notes/"), {"text": SECRET_NOTE}, format="json")
        .status_code
        == 201
    )
    with commit():
        workflow.article_complete_stage(
            actor=editor_a, article_id=pk, stage_code="fact_check", note=SECRET_STAGE
        )
    stage.categories.remove(city)
    with commit():
        workflow.article_edit(
            actor=editor_a, article_id=pk, expected_version=None, lead="Лид, поправленный редакцией."
        )
    with commit():
        services.claim(actor=chief, article_id=pk, take_over=True)
    with commit():
        services.release(actor=chief, article_id=pk)
    with commit():
        workflow.article_request_changes(
            actor=editor_a, article_id=pk, message="Добавьте, пожалуйста, источники."
        )
    with commit():
        workflow.article_submit(actor=author, article_id=pk)
    with commit():
        workflow.article_approve(actor=junior, article_id=pk, note=SECRET_JUNIOR)
    with commit():
        workflow.article_reject(actor=editor_a, article_id=pk, reason_code="low_quality")
    with commit():
        workflow.article_appeal(
            actor=author, article_id=pk, message="Я добавил источники, посмотрите ещё раз."
        )
    with commit():
        workflow.article_approve(actor=chief, article_id=pk, publish_at=timezone.now() + timedelta(days=1))
    with commit():
        workflow.article_unschedule(actor=chief, article_id=pk, message=SECRET_UNSCHEDULE)
    with commit():
        workflow.article_approve(actor=editor_b, article_id=pk, note="Спасибо, публикуем.")
    with commit():
        workflow.article_correct(actor=chief, article_id=pk, text="Уточнено число подписей.")
    with commit():
        workflow.article_propose_update(
            actor=author, article_id=pk, title="Свой материал о сквере, дополнено"
        )
    with commit():
        workflow.article_reject(actor=editor_b, article_id=pk, reason_code="low_quality", message="Не нужно.")
    with commit():
        workflow.article_propose_update(
            actor=author, article_id=pk, title="Свой материал о сквере, обновлено"
        )
    with commit():
        workflow.article_approve(actor=editor_b, article_id=pk)
    with commit():
        workflow.article_retract(actor=chief, article_id=pk, reason="Отозвано по просьбе героя материала.")
    # the moves no single article can make in one life: recorded as the workflow would
    done = set(article.events.values_list("action", flat=True))
    for action in set(Action) - done:
        actor = author if action in (Action.CREATE, Action.WITHDRAW) else editor_a
        ArticleEvent.objects.create(
            article=article, actor=actor, action=action, message=f"Ход-{action}-внутри"
        )
    assert set(article.events.values_list("action", flat=True)) == set(Action)
    article.refresh_from_db()
    secrets = [SECRET_NOTE, SECRET_STAGE, SECRET_JUNIOR, SECRET_UNSCHEDULE, OTHER_TITLE, "Соседов"]
    secrets += [f"Ход-{action}-внутри" for action in INTERNAL]
    for editor in (editor_a, editor_b, chief, junior):
        secrets += [editor.display_name, editor.email]
    media = Media.objects.filter(article=article).first()
    values = {
        "article_id": pk,
        "media_id": media.pk if media else 1,
        "number": 1,
        "other": article.revisions.count(),
        "slug": article.slug,
        "session_id": "current",
        "notification_id": author.notifications.values_list("pk", flat=True).first() or 1,
        "author_id": author.pk,
        "user_id": author.pk,
        "category": "city",
        "stage": "fact_check",
        "conflict_id": 1,
        "application_id": 1,
        "path": "nothing.jpg",
        "code": "xx",  # no such language: the switch changes nothing mid-sweep
        "review_id": 1,
    }
    return article, {"secrets": secrets, "values": values}


def test_sweep_no_route_an_author_can_reach_shows_internal_work(api, commit, contributor):
    article, world = _story(commit, api, contributor)
    assert any(
        f["code"] == policy.UNPUBLISHED_MATCH
        for r in CheckResult.objects.filter(revision__article=article)
        for f in r.findings
    )  # the story does hold a finding naming the other author's unpublished article
    assert not contributor.is_staff

    leaks: list[str] = []
    statuses: dict[str, int] = {}
    routes = [
        (name, path) for name, path in _routes(get_resolver().url_patterns) if not name.startswith("admin:")
    ]
    assert len(routes) > 50
    for lang in ("ru", "en"):
        client = api(contributor, lang=lang)
        client.force_login(contributor)  # the site's pages know the author by their session
        for name, template in routes:
            missing = set(re.findall(r"<(?:\w+:)?(\w+)>", template)) - set(world["values"])
            assert not missing, f"{name}: give the sweep a value for {missing}"
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(world["values"][m.group(1)]), template)
            response = client.get(path)
            count("author view: routes x languages checked for internal work")
            statuses[name] = response.status_code
            text, internal = _read(response)
            leaks += [f"{name} ({lang}): {action}" for action in internal]
            leaks += [f"{name} ({lang}): {s!r}" for s in world["secrets"] if s in text]
            leaks += [
                f"{name} ({lang}): id {n}"
                for n in (OTHER_ID, *EDITOR_IDS)
                if re.search(rf"(?<!\d){n}(?!\d)", text)
            ]
    letters = [m for m in mail.outbox if contributor.email in m.to]
    for letter in letters:
        text = f"{letter.subject}\n{letter.body}"
        leaks += [f"mail {letter.subject!r}: {s!r}" for s in world["secrets"] if s in text]
        leaks += [f"mail: id {n}" for n in (OTHER_ID, *EDITOR_IDS) if re.search(rf"(?<!\d){n}(?!\d)", text)]
    assert not leaks, "\n".join(leaks)
    assert api(contributor).get("/admin/").status_code == 302  # the admin site is for staff

    # the sweep did read the author's answers, and they still tell what is theirs to know
    for name in ("article-detail", "article-timeline", "article-checks", "article-revisions", "me-export"):
        assert statuses[name] == 200, name
    for name in ("studio-home", "studio-edit", "studio-timeline", "studio-notifications", "account-profile"):
        assert statuses[name] == 200, name  # the studio's pages, as the author sees them
    assert statuses["notifications"] == 200 and len(letters) >= 5
    timeline = api(contributor).get(f"/api/v1/articles/{article.pk}/timeline/").json()
    shown = {e["action"] for e in timeline["entries"] if e["type"] == "event"}
    assert shown == set(policy.AUTHOR_VISIBLE_ACTIONS)
    messages = [e.get("message", "") for e in timeline["entries"]]
    assert "Добавьте, пожалуйста, источники." in messages and "Спасибо, публикуем." in messages
    export = api(contributor).get("/api/v1/me/export/").json()["submissions"]["events"]
    assert {e["action"] for e in export} == set(policy.AUTHOR_VISIBLE_ACTIONS)
