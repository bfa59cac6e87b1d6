"""The admin as a moderation tool: the queue, the review page (checks, diff, audit trail) and the decisions, all
through the same workflow functions as the API."""

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from moderation.check_names import check_label
from moderation.models import CheckResult
from moderation.selectors import review_revision
from submissions import workflow
from submissions.models import Article, ArticleEvent, Category, RejectionReason
from submissions.states import Action, Status
from tests.factories import ArticleFactory, EditorFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/queueitem/"
ARTICLES = "/admin/submissions/article/"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def act(client, action, articles, url=ARTICLES, follow=True, **form):
    """Posts an admin action for the articles; with form fields, as the confirmed intermediate page."""
    data = {"action": action, "_selected_action": [a.pk for a in articles]}
    if form:
        data = {**data, "apply": "1", **form}
    else:
        data["index"] = "0"
    return client.post(url, data, follow=follow)


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def events(article, action):
    return list(ArticleEvent.objects.filter(article=article, action=action))


# --- the queue ------------------------------------------------------------------------------------------------------


def test_queue_lists_what_waits_in_priority_order_and_nothing_else(as_user, editor, in_review, contributor):
    calm = in_review()
    risky = in_review(body="Коротко.")  # fails the content rules: moved ahead by its risk
    incident = in_review(category=Category.objects.get(slug="incidents"))  # a 4-hour SLA
    ArticleFactory(author=contributor)  # a draft
    published = in_review()
    workflow.article_approve(actor=EditorFactory(), article_id=published.pk)
    page = as_user(editor).get(QUEUE)
    assert page.status_code == 200
    assert [a.pk for a in page.context["cl"].result_list] == [incident.pk, risky.pk, calm.pk]
    content = page.content.decode()
    assert "Правила оформления" in content and escape(risky.author.display_name) in content
    # the filters narrow it
    only_incidents = as_user(editor).get(QUEUE, {"category__id__exact": incident.category_id})
    assert [a.pk for a in only_incidents.context["cl"].result_list] == [incident.pk]
    assert as_user(editor).get(QUEUE, {"claimed": "yes"}).context["cl"].result_count == 0
    assert as_user(editor).get(QUEUE, {"overdue": "no"}).context["cl"].result_count == 3


def test_queue_leaves_out_own_articles_and_shows_claims_and_overdue(as_user, editor, in_review):
    own = in_review(author=editor)
    other = in_review()
    claimer = EditorFactory()
    act(as_user(claimer), "claim", [other])
    Article.objects.filter(pk=other.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
    page = as_user(editor).get(QUEUE)
    assert [a.pk for a in page.context["cl"].result_list] == [other.pk]
    assert own.pk not in [a.pk for a in page.context["cl"].result_list]
    content = page.content.decode()
    assert escape(claimer.display_name) in content
    assert as_user(editor).get(QUEUE, {"claimed": "yes"}).context["cl"].result_count == 1
    assert as_user(editor).get(QUEUE, {"overdue": "yes"}).context["cl"].result_count == 1


def test_queue_changelist_queries_do_not_grow_with_the_page(as_user, editor, in_review):
    client = as_user(editor)
    for _ in range(2):
        in_review()
    client.get(QUEUE)  # warm the session and permission caches alike for both measures
    with CaptureQueriesContext(connection) as small:
        assert client.get(QUEUE).context["cl"].result_count == 2
    for _ in range(18):
        in_review()
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(QUEUE).context["cl"].result_list) == 20
    assert len(large.captured_queries) == len(small.captured_queries)


def test_queue_is_for_whoever_moderates_and_opens_the_article(as_user, junior, contributor, in_review):
    article = in_review()
    assert as_user(junior).get(QUEUE).status_code == 200
    opened = as_user(junior).get(f"{QUEUE}{article.pk}/change/")
    assert opened.status_code == 302 and opened["Location"] == f"{ARTICLES}{article.pk}/review/"
    assert as_user(junior).get(f"{QUEUE}add/").status_code == 403
    assert as_user(contributor).get(QUEUE).status_code == 302  # not staff: to the login page


def test_actions_are_offered_on_the_queue(as_user, editor, in_review):
    article = in_review()
    response = act(as_user(editor), "claim", [article], url=QUEUE)
    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).claimed_by_id == editor.pk


# --- the review page ------------------------------------------------------------------------------------------------


def test_change_page_shows_the_findings_of_the_revision_under_review(as_user, editor, in_review):
    article = in_review(body="Коротко.")
    page = as_user(editor).get(f"{ARTICLES}{article.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    results = CheckResult.objects.filter(revision=article.current_revision)
    assert results.filter(check_name="content_rules", outcome="fail").exists()
    for result in results:
        assert f"<td>{check_label(result.check_name)}<span" in content
        for finding in result.findings:  # in the request's language: Russian by default
            assert escape(finding["ru"]) in content
    assert any(result.findings for result in results)


def test_change_page_shows_the_escaped_diff_against_the_previous_revision(as_user, editor, in_review):
    article = in_review(body="Коротко. <script>alert('x')</script>")
    workflow.article_edit(
        actor=editor,
        article_id=article.pk,
        expected_version=None,
        body="Коротко и ясно. <script>alert('x')</script> <b>жирно</b>",
    )
    article.refresh_from_db()
    assert review_revision(article).number == 2
    content = as_user(editor).get(f"{ARTICLES}{article.pk}/change/").content.decode()
    assert re.search(r"<ins[^>]*>[^<]*ясно", content)  # what the edit inserted, marked
    assert re.search(
        r"<ins[^>]*>[^<]*&lt;b&gt;жирно&lt;/b&gt;", content
    )  # the text escaped, also in the diff
    assert "<b>жирно</b>" not in content and "<script>alert(" not in content


def test_the_diff_of_a_pending_update_is_against_the_published_text(as_user, editor, in_review, commit):
    article = in_review()
    workflow.article_approve(actor=EditorFactory(), article_id=article.pk)
    with commit():
        workflow.article_propose_update(
            actor=article.author, article_id=article.pk, lead="Тысяча подписей за сохранение деревьев."
        )
    page = as_user(editor).get(f"{ARTICLES}{article.pk}/change/")
    content = page.content.decode()
    assert page.status_code == 200
    assert escape("Тысяча") in content and "<ins" in content and "<del" in content
    # the update is in the queue, as an update
    queue = as_user(editor).get(QUEUE, {"kind": "update"})
    assert [a.pk for a in queue.context["cl"].result_list] == [article.pk]


def test_audit_trail_and_corrections_are_read_only_inlines(as_user, editor, chief, in_review):
    article = in_review()
    workflow.article_approve(actor=editor, article_id=article.pk)
    workflow.article_correct(actor=editor, article_id=article.pk, text="Исправлено <i>число</i> подписей.")
    page = as_user(chief).get(f"{ARTICLES}{article.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    assert escape("Исправлено <i>число</i> подписей.") in content
    formsets = page.context["inline_admin_formsets"]
    assert {f.opts.model.__name__ for f in formsets} == {"ArticleEvent", "Correction"}
    for formset in formsets:
        assert not (
            formset.has_add_permission or formset.has_change_permission or formset.has_delete_permission
        )
    events_formset = next(f for f in formsets if f.opts.model is ArticleEvent)
    assert len(events_formset.formset.forms) == ArticleEvent.objects.filter(article=article).count()


def test_an_edit_in_the_admin_is_an_editorial_revision(as_user, editor, in_review):
    article = in_review()
    client = as_user(editor)
    page = client.get(f"{ARTICLES}{article.pk}/change/")
    assert page.status_code == 200
    # what the browser sends back: the hidden inputs as rendered (inline management forms and row ids included)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.content.decode()))
    assert hidden["version"] == str(article.version) and int(hidden["events-INITIAL_FORMS"]) >= 2
    data = {
        **hidden,
        "title": "Новый заголовок",
        "lead": article.lead,
        "body": article.body,
        "language": article.language,
        "category": article.category_id,
        "region": "",
    }
    events_before = ArticleEvent.objects.filter(article=article).count()
    response = client.post(f"{ARTICLES}{article.pk}/change/", data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Новый заголовок" and article.current_revision.number == 2
    assert [e.action for e in ArticleEvent.objects.filter(article=article)[events_before:]] == [Action.EDIT]
    # a stale version is refused, not overwritten
    stale = client.post(f"{ARTICLES}{article.pk}/change/", {**data, "title": "Другой"}, follow=True)
    assert Article.objects.get(pk=article.pk).title == "Новый заголовок"
    errors = [str(m) for m in get_messages(stale.wsgi_request) if m.level_tag == "error"]
    assert len(errors) == 1


def test_a_published_article_is_view_only(as_user, editor, in_review):
    article = in_review()
    workflow.article_approve(actor=editor, article_id=article.pk)
    page = as_user(editor).get(f"{ARTICLES}{article.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]


# --- decisions ------------------------------------------------------------------------------------------------------


def test_claim_and_release(as_user, editor, in_review):
    article = in_review()
    client = as_user(editor)
    act(client, "claim", [article])
    act(client, "claim", [article])  # renews
    claimed = Article.objects.get(pk=article.pk)
    assert claimed.claimed_by_id == editor.pk and claimed.claim_is_live()
    assert [e.data["renewal"] for e in events(article, Action.CLAIM)] == [False, True]
    act(client, "release", [article])
    assert Article.objects.get(pk=article.pk).claimed_by_id is None
    assert len(events(article, Action.RELEASE)) == 1


def test_approve_now_and_at_a_time(as_user, editor, in_review):
    now_one, later_one = in_review(), in_review()
    client = as_user(editor)
    act(client, "approve", [now_one])
    assert Article.objects.get(pk=now_one.pk).status == Status.PUBLISHED
    form = act(client, "approve_at", [later_one], follow=False)
    assert form.status_code == 200 and b"publish_at" in form.content
    when = timezone.localtime() + dt.timedelta(hours=3)
    act(client, "approve_at", [later_one], publish_at=when.strftime("%Y-%m-%dT%H:%M"), note="к вечеру")
    scheduled = Article.objects.get(pk=later_one.pk)
    assert scheduled.status == Status.SCHEDULED
    assert abs((scheduled.publish_at - when).total_seconds()) < 60


def test_reject_with_a_reason_form_uses_the_template_when_no_message(as_user, editor, in_review):
    article = in_review()
    client = as_user(editor)
    form = act(client, "reject", [article], follow=False)
    assert form.status_code == 200
    assert b'value="duplicate"' in form.content and b"legal_ground" in form.content
    act(client, "reject", [article], reason_code="duplicate", message="", legal_ground="")
    rejected = Article.objects.get(pk=article.pk)
    assert rejected.status == Status.REJECTED and rejected.reject_reason == "duplicate"
    (event,) = events(article, Action.REJECT)
    template = RejectionReason.objects.get(code="duplicate").template_ru
    assert event.message == template.replace("{title}", article.title)
    assert event.actor_id == editor.pk


def test_illegal_needs_a_legal_ground(as_user, editor, in_review):
    article = in_review()
    client = as_user(editor)
    refused = act(client, "reject", [article], follow=False, reason_code="illegal", message="")
    assert refused.status_code == 200 and b"errorlist" in refused.content  # the form again, with the error
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW
    act(client, "reject", [article], reason_code="illegal", message="", legal_ground="ст. 15.3 149-ФЗ")
    rejected = Article.objects.get(pk=article.pk)
    assert rejected.status == Status.REJECTED and rejected.reject_reason == "illegal"
    (event,) = events(article, Action.REJECT)
    assert "ст. 15.3 149-ФЗ" in event.message and event.data["legal_ground"] == "ст. 15.3 149-ФЗ"


def test_request_changes_needs_a_message(as_user, editor, in_review):
    article = in_review()
    client = as_user(editor)
    empty = act(client, "request_changes", [article], follow=False, message="")
    assert empty.status_code == 200 and Article.objects.get(pk=article.pk).status == Status.IN_REVIEW
    act(client, "request_changes", [article], message="Добавьте источник.")
    assert Article.objects.get(pk=article.pk).status == Status.CHANGES_REQUESTED
    assert events(article, Action.REQUEST_CHANGES)[0].message == "Добавьте источник."


def test_bulk_reject_as_spam(as_user, editor, in_review):
    articles = [in_review() for _ in range(3)]
    response = act(as_user(editor), "reject_as_spam", articles, url=QUEUE)
    assert any("3" in m for m in texts(response))
    template = RejectionReason.objects.get(code="spam").template_ru
    for article in articles:
        rejected = Article.objects.get(pk=article.pk)
        assert rejected.status == Status.REJECTED and rejected.reject_reason == "spam"
        (event,) = events(article, Action.REJECT)
        assert event.data["reason_code"] == "spam"
        assert event.message == template.replace("{title}", article.title)


def test_a_refusal_is_an_error_message_and_changes_nothing(as_user, editor, in_review):
    own, claimed, fine = in_review(author=editor), in_review(), in_review()
    act(as_user(EditorFactory()), "claim", [claimed])
    client = as_user(editor)
    before = ArticleEvent.objects.count()
    response = act(client, "reject_as_spam", [own, claimed, fine])
    assert response.status_code == 200
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert len(errors) == 2
    assert any(f"#{own.pk}" in e for e in errors) and any(f"#{claimed.pk}" in e for e in errors)
    assert Article.objects.get(pk=own.pk).status == Status.IN_REVIEW
    assert Article.objects.get(pk=claimed.pk).status == Status.IN_REVIEW
    assert Article.objects.get(pk=fine.pk).status == Status.REJECTED
    assert ArticleEvent.objects.count() == before + 1  # only the one that went through
    # a form action refused by the workflow: the same
    response = act(client, "reject", [own], reason_code="spam", message="x")
    assert any(f"#{own.pk}" in m for m in texts(response))
    assert Article.objects.get(pk=own.pk).status == Status.IN_REVIEW


def test_chief_only_actions_are_hidden_from_a_plain_editor(as_user, editor, chief, in_review):
    article = in_review()
    workflow.article_approve(actor=EditorFactory(), article_id=article.pk)
    offered = {
        name for name, _ in as_user(editor).get(ARTICLES).context["action_form"].fields["action"].choices
    }
    assert {"approve", "reject", "reject_as_spam", "claim"} <= offered
    assert not {"unschedule", "retract", "take_over"} & offered
    # posting one anyway does nothing
    act(as_user(editor), "retract", [article], reason="Ошибка")
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED
    chief_offers = {
        name for name, _ in as_user(chief).get(ARTICLES).context["action_form"].fields["action"].choices
    }
    assert {"unschedule", "retract", "take_over"} <= chief_offers
    act(as_user(chief), "retract", [article], reason="Ошибка в фактах")
    retracted = Article.objects.get(pk=article.pk)
    assert retracted.status == Status.RETRACTED and retracted.retraction_reason == "Ошибка в фактах"


def test_chief_unschedules(as_user, editor, chief, in_review):
    article = in_review()
    workflow.article_approve(
        actor=editor, article_id=article.pk, publish_at=timezone.now() + dt.timedelta(days=1)
    )
    act(as_user(editor), "unschedule", [article])
    assert Article.objects.get(pk=article.pk).status == Status.SCHEDULED
    act(as_user(chief), "unschedule", [article])
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW
    assert len(events(article, Action.UNSCHEDULE)) == 1


# --- configuration --------------------------------------------------------------------------------------------------


def test_rejection_reasons_are_edited_by_chief_editors_only(as_user, editor, chief):
    reason = RejectionReason.objects.get(code="spam")
    url = f"/admin/submissions/rejectionreason/{reason.pk}/change/"
    assert as_user(editor).get("/admin/submissions/rejectionreason/").status_code == 403
    assert as_user(editor).get(url).status_code == 403
    client = as_user(chief)
    assert client.get("/admin/submissions/rejectionreason/").status_code == 200
    response = client.post(
        url,
        {
            "label_ru": "Спам",
            "label_en": "Spam",
            "template_ru": "«{title}»: спам.",
            "template_en": "“{title}”: spam.",
            "position": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    reason.refresh_from_db()
    assert reason.label_ru == "Спам" and reason.template_ru == "«{title}»: спам." and reason.code == "spam"


def test_review_stages_and_conflicts_for_chief_editors(as_user, editor, chief):
    client = as_user(chief)
    stages = client.get("/admin/submissions/reviewstage/")
    assert stages.status_code == 200
    stage_id = stages.context["cl"].result_list[0].pk
    page = client.get(f"/admin/submissions/reviewstage/{stage_id}/change/")
    assert page.status_code == 200 and b"selectfilter" in page.content  # filter_horizontal
    assert client.get("/admin/submissions/conflictdeclaration/").status_code == 200
    assert client.get("/admin/submissions/conflictdeclaration/add/").status_code == 403
    assert as_user(editor).get("/admin/submissions/reviewstage/").status_code == 403
    assert as_user(editor).get("/admin/submissions/conflictdeclaration/").status_code == 403


def test_category_sla_is_editable_in_the_list(as_user, chief):
    page = as_user(chief).get("/admin/submissions/category/")
    assert page.status_code == 200 and b"sla_hours" in page.content


@pytest.mark.parametrize(
    "when, read",
    [
        ("0001-01-01T00:00", Status.PUBLISHED),  # before year 1 in UTC: in the past, so published at once
        ("9999-12-31T23:59", Status.SCHEDULED),  # the last minute datetime holds, never an overflow
        ("10000-01-01T00:00", None),
        ("2026-13-40T25:00", None),
    ],
)
def test_a_publication_time_out_of_range_is_a_form_error_not_a_500(as_user, editor, in_review, when, read):
    article = in_review()
    answer = act(as_user(editor), "approve_at", [article], follow=False, publish_at=when, note="")
    fresh = Article.objects.get(pk=article.pk)
    if read:
        assert answer.status_code == 302 and fresh.status == read
    else:  # the form again, with the error on the field, and nothing decided
        assert answer.status_code == 200 and "publish_at" in answer.context["form"].errors
        assert fresh.status == Status.IN_REVIEW


def test_no_decision_form_chooses_a_reason_and_one_sent_as_it_came_changes_nothing(
    as_user, editor, in_review
):
    article = in_review()
    client = as_user(editor)
    form = act(client, "reject", [article], follow=False)
    assert form.status_code == 200
    options = re.findall(r"<option value=\"([^\"]*)\"([^>]*)>", form.content.decode())
    assert options[0][0] == "" and not any("selected" in attrs for value, attrs in options if value)
    # the sanctioning reasons say so before anything is confirmed
    assert "снижает уровень доверия к автору" in form.content.decode()
    sent = act(client, "reject", [article], follow=False, reason_code="", message="", legal_ground="")
    assert sent.status_code == 200 and "reason_code" in sent.context["form"].errors
    fresh = Article.objects.get(pk=article.pk)
    assert fresh.status == Status.IN_REVIEW and not events(article, Action.REJECT)
    assert fresh.author.trust_level == article.author.trust_level


def test_the_admin_sign_in_locked_out_is_a_page_of_the_admin_in_russian(client, editor):
    for _ in range(5):
        client.post("/admin/login/", {"username": editor.email, "password": "wrong-password-x"})
    locked = client.post("/admin/login/", {"username": editor.email, "password": "wrong-password-x"})
    page = locked.content.decode()
    assert (
        locked.status_code == 429 and locked["Retry-After"] and locked["Content-Type"].startswith("text/html")
    )
    assert "Слишком много неудачных попыток входа" in page and "Newsroom — редакция" in page
    assert "\\u" not in page and "Попробовать снова можно после" in page
