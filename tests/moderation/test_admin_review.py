"""The editor's review page in the admin (/admin/submissions/article/<id>/review/): what it shows, the claim taken
on opening, and every decision through its forms — the same workflow functions as the API, refusals as admin
messages."""

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from moderation.check_names import check_label
from moderation.models import CheckResult
from newsroom.accounts.roles import JUNIOR_EDITOR
from submissions import workflow
from submissions.models import Article, ArticleEvent, Media, Source
from submissions.services import render_body
from submissions.states import Action, Status
from tests.factories import EditorFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/queueitem/"
ARTICLES = "/admin/submissions/article/"


def review(article):
    return f"{ARTICLES}{article.pk}/review/"


@pytest.fixture
def as_user():
    def login(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="ru")
        client.force_login(user)
        return client

    return login


def texts(response, level=None):
    return [str(m) for m in get_messages(response.wsgi_request) if level is None or m.level_tag == level]


def events(article, action):
    return list(ArticleEvent.objects.filter(article=article, action=action))


def decide(client, article, decision, **form):
    return client.post(review(article), {"decision": decision, **form})


def fresh(article):
    return Article.objects.get(pk=article.pk)


# --- what the page shows ------------------------------------------------------------------------------------------


def test_the_page_shows_the_text_checks_author_record_and_notes(as_user, editor, in_review):
    article = in_review(body="Коротко. **жирно** <script>alert(1)</script>")
    body_html = render_body({"body": article.body})
    assert body_html and "<strong>жирно</strong>" in body_html and "<script>" not in body_html
    Article.objects.filter(pk=article.pk).update(has_third_party_material=True, body_html=body_html)
    Source.objects.create(
        article=article, kind="document", url="https://example.org/doc", description="Приказ №5"
    )
    Media.objects.create(
        article=article,
        file=f"media/{article.pk}/abc123.jpg",
        format="jpeg",
        width=64,
        height=48,
        caption="Сквер",
    )
    workflow.article_note(actor=EditorFactory(), article_id=article.pk, text="Проверить <i>подписи</i>")
    page = as_user(editor).get(review(article))
    assert page.status_code == 200
    content = page.content.decode()
    assert escape(article.title) in content and escape(article.lead) in content
    assert body_html in content  # the rendered, sanitised body, as readers get it
    assert "<strong>жирно</strong>" in content and "alert(1)" not in content.replace(escape("alert(1)"), "")
    # the automated checks, with their findings in the editor's language
    results = CheckResult.objects.filter(revision=article.current_revision)
    assert results.filter(check_name="content_rules", outcome="fail").exists()
    for result in results:
        assert f"<td>{check_label(result.check_name)}<span" in content
        for finding in result.findings:
            assert escape(finding["ru"]) in content
    # sources, the declaration and the photo, through a URL the editor's browser may open
    assert "https://example.org/doc" in content and "Приказ №5" in content
    assert 'class="desk-third-party"' in content
    assert re.search(rf'<img src="[^"]*media/{article.pk}/abc123\.jpg\?access=', content)
    # the author and their record
    assert escape(article.author.display_name) in content
    assert page.context["record"].approved == 0 and page.context["record"].rejected == 0
    assert escape(article.author.get_trust_level_display()) in content
    # the internal note, escaped, and the audit trail
    assert escape("Проверить <i>подписи</i>") in content
    assert len(page.context["events"]) == ArticleEvent.objects.filter(article=article).count()
    # the shortcuts' script is a static file, and no inline script or style is on the page
    assert "moderation/desk.js" in content and "moderation/desk.css" in content
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", content)
    assert ' style="' not in content and " onclick=" not in content


def test_the_author_record_counts_decisions_on_their_other_articles(as_user, editor, in_review, contributor):
    published, rejected = in_review(author=contributor), in_review(author=contributor)
    other = EditorFactory()
    workflow.article_approve(actor=other, article_id=published.pk)
    workflow.article_reject(actor=other, article_id=rejected.pk, reason_code="duplicate")
    page = as_user(editor).get(review(in_review(author=contributor)))
    assert page.context["record"].approved == 1 and page.context["record"].rejected == 1


def test_the_diff_under_review_is_shown(as_user, editor, in_review):
    article = in_review(body="Коротко.")
    workflow.article_edit(
        actor=EditorFactory(), article_id=article.pk, expected_version=None, body="Коротко и ясно."
    )
    content = as_user(editor).get(review(article)).content.decode()
    assert re.search(r"<ins[^>]*>[^<]*ясно", content)


def test_unknown_articles_and_drafts_are_404_and_contributors_are_sent_to_sign_in(
    as_user, editor, contributor, draft
):
    assert as_user(editor).get(review(draft)).status_code == 404
    for wrong in ("999999", "9" * 30, "abc", "1.5", "%D9%A3"):
        assert as_user(editor).get(f"{ARTICLES}{wrong}/review/").status_code == 404, wrong
    assert (
        as_user(editor).post(f"{ARTICLES}{'9' * 30}/review/", {"decision": "note", "text": "x"}).status_code
        == 404
    )
    answer = as_user(contributor).get(review(draft))
    assert answer.status_code == 302 and answer["Location"].startswith("/admin/login/")


def test_the_article_list_links_to_the_review_page(as_user, editor, in_review):
    article = in_review()
    content = as_user(editor).get(ARTICLES).content.decode()
    assert f'href="{review(article)}"' in content


# --- the claim ------------------------------------------------------------------------------------------------------


def test_opening_claims_a_free_article_and_opening_it_again_renews_the_lease(as_user, editor, in_review):
    article = in_review()
    client = as_user(editor)
    page = client.get(review(article))
    claimed = fresh(article)
    assert claimed.claimed_by_id == editor.pk and claimed.claim_is_live()
    assert page.context["claim_mine"] and page.context["claim_left"]
    client.get(review(article))
    # held already: opening again takes no new claim, it renews the lease (see test_admin_lease.py)
    assert [e.data["renewal"] for e in events(article, Action.CLAIM)] == [False, True]
    assert fresh(article).claimed_by_id == editor.pk


def test_a_second_editor_sees_who_holds_it_gets_no_decision_and_changes_nothing(as_user, editor, in_review):
    article = in_review()
    as_user(editor).get(review(article))
    other = EditorFactory()
    client = as_user(other)
    page = client.get(review(article))
    content = page.content.decode()
    assert page.context["held_by_other"] and escape(editor.display_name) in content
    for name in ("approve", "reject", "request_changes", "take_over"):
        assert f'id="decision-{name}"' not in content
    before = ArticleEvent.objects.filter(article=article).count()
    for decision, form in (
        ("approve", {"publish_at": "", "note": ""}),
        ("reject", {"reason_code": "duplicate", "message": "", "legal_ground": ""}),
        ("request_changes", {"message": "Добавьте источник."}),
        ("release", {}),
    ):
        answer = decide(client, article, decision, **form)
        assert answer.status_code == 200 and texts(answer, "error")
    now = fresh(article)
    assert now.status == Status.IN_REVIEW and now.claimed_by_id == editor.pk
    assert ArticleEvent.objects.filter(article=article).count() == before


def test_release_frees_the_article_and_goes_to_the_queue(as_user, editor, in_review):
    article = in_review()
    client = as_user(editor)
    client.get(review(article))
    answer = decide(client, article, "release")
    assert answer.status_code == 302 and answer["Location"] == QUEUE
    assert fresh(article).claimed_by_id is None and len(events(article, Action.RELEASE)) == 1


def test_take_over_is_for_chief_editors_only(as_user, editor, chief, in_review):
    article = in_review()
    as_user(editor).get(review(article))
    plain = as_user(EditorFactory())
    assert 'id="decision-take_over"' not in plain.get(review(article)).content.decode()
    refused = decide(plain, article, "take_over")
    assert refused.status_code == 200 and texts(refused, "error")
    assert fresh(article).claimed_by_id == editor.pk
    client = as_user(chief)
    assert 'id="decision-take_over"' in client.get(review(article)).content.decode()
    taken = decide(client, article, "take_over")
    assert taken.status_code == 302 and taken["Location"] == review(article)
    assert fresh(article).claimed_by_id == chief.pk
    (event,) = events(article, Action.TAKE_OVER)
    assert event.data["from"] == editor.pk
    assert 'id="decision-approve"' in client.get(review(article)).content.decode()


# --- decisions ------------------------------------------------------------------------------------------------------


def test_approve_now_goes_to_the_next_article_of_the_queue(as_user, editor, in_review):
    article, waiting = in_review(), in_review()
    client = as_user(editor)
    client.get(review(article))
    answer = decide(client, article, "approve", publish_at="", note="Хорошо")
    assert answer.status_code == 302 and answer["Location"] == review(waiting)
    assert fresh(article).status == Status.PUBLISHED
    # the last one: back to the queue
    client.get(review(waiting))
    answer = decide(client, waiting, "approve", publish_at="", note="")
    assert answer.status_code == 302 and answer["Location"] == QUEUE


def test_approve_at_a_time_schedules(as_user, editor, in_review):
    article = in_review()
    client = as_user(editor)
    client.get(review(article))
    when = timezone.localtime() + dt.timedelta(hours=3)
    answer = decide(client, article, "approve", publish_at=when.strftime("%Y-%m-%dT%H:%M"), note="")
    assert answer.status_code == 302
    scheduled = fresh(article)
    assert scheduled.status == Status.SCHEDULED and abs((scheduled.publish_at - when).total_seconds()) < 60


def test_a_bad_publication_time_is_a_field_error_and_keeps_the_note(as_user, editor, in_review):
    article = in_review()
    client = as_user(editor)
    answer = decide(client, article, "approve", publish_at="2026-13-40T25:00", note="Моя заметка")
    assert answer.status_code == 200 and "publish_at" in answer.context["forms"]["approve"].errors
    assert "Моя заметка" in answer.content.decode()
    assert fresh(article).status == Status.IN_REVIEW


def test_request_changes_needs_a_message(as_user, editor, in_review):
    article = in_review()
    client = as_user(editor)
    empty = decide(client, article, "request_changes", message="")
    assert empty.status_code == 200 and "message" in empty.context["forms"]["request_changes"].errors
    assert fresh(article).status == Status.IN_REVIEW
    done = decide(client, article, "request_changes", message="Добавьте источник.")
    assert done.status_code == 302 and fresh(article).status == Status.CHANGES_REQUESTED
    assert events(article, Action.REQUEST_CHANGES)[0].message == "Добавьте источник."


def test_reject_needs_a_chosen_reason_and_keeps_what_was_typed(as_user, editor, in_review):
    article = in_review()
    client = as_user(editor)
    page = client.get(review(article)).content.decode()
    form = page[page.index('id="decision-reject"') :]
    options = re.findall(r"<option value=\"([^\"]*)\"([^>]*)>", form)
    assert options[0][0] == "" and not any("selected" in attrs for value, attrs in options if value)
    assert "снижает уровень доверия к автору" in form
    refused = decide(client, article, "reject", reason_code="", message="Текст для автора", legal_ground="")
    assert refused.status_code == 200 and "reason_code" in refused.context["forms"]["reject"].errors
    assert "Текст для автора" in refused.content.decode()
    assert fresh(article).status == Status.IN_REVIEW and not events(article, Action.REJECT)
    done = decide(client, article, "reject", reason_code="duplicate", message="", legal_ground="")
    assert done.status_code == 302
    rejected = fresh(article)
    assert rejected.status == Status.REJECTED and rejected.reject_reason == "duplicate"


def test_a_note_is_added_and_the_page_stays(as_user, editor, in_review):
    article = in_review()
    client = as_user(editor)
    answer = decide(client, article, "note", text="Позвонить автору")
    assert answer.status_code == 302 and answer["Location"] == review(article)
    (note,) = events(article, Action.NOTE)
    assert note.message == "Позвонить автору" and note.actor_id == editor.pk
    assert "Позвонить автору" in client.get(review(article)).content.decode()
    empty = decide(client, article, "note", text="")
    assert empty.status_code == 200 and len(events(article, Action.NOTE)) == 1


def test_correction_and_retraction_of_a_published_article(as_user, editor, chief, in_review):
    article = in_review()
    workflow.article_approve(actor=editor, article_id=article.pk)
    client = as_user(chief)
    page = client.get(review(article)).content.decode()
    assert 'id="decision-correct"' in page and 'id="decision-retract"' in page
    assert 'id="decision-approve"' not in page
    corrected = decide(client, article, "correct", text="Исправлено число подписей.")
    assert corrected.status_code == 302 and len(events(article, Action.CORRECT)) == 1
    assert "Исправлено число подписей." in client.get(review(article)).content.decode()
    retracted = decide(client, article, "retract", reason="Ошибка в фактах")
    assert retracted.status_code == 302
    gone = fresh(article)
    assert gone.status == Status.RETRACTED and gone.retraction_reason == "Ошибка в фактах"


def test_a_plain_editor_is_not_offered_retraction(as_user, editor, in_review):
    article = in_review()
    workflow.article_approve(actor=EditorFactory(), article_id=article.pk)
    client = as_user(editor)
    assert 'id="decision-retract"' not in client.get(review(article)).content.decode()
    answer = decide(client, article, "retract", reason="Ошибка")
    assert answer.status_code == 200 and texts(answer, "error")
    assert fresh(article).status == Status.PUBLISHED


def test_a_refusal_of_the_workflow_is_an_admin_message_not_a_500(as_user, editor, in_review):
    own = in_review(author=editor)
    client = as_user(editor)
    page = client.get(review(own))
    assert page.status_code == 200 and texts(page, "warning")  # not claimed: one's own article
    assert fresh(own).claimed_by_id is None and 'id="decision-approve"' not in page.content.decode()
    answer = decide(client, own, "approve", publish_at="", note="")
    assert answer.status_code == 200
    assert any("собственн" in m or "своим" in m or "своих" in m for m in texts(answer, "error")), texts(
        answer
    )
    assert fresh(own).status == Status.IN_REVIEW
    unknown = decide(client, own, "publish_everything")
    assert unknown.status_code == 200 and texts(unknown, "error")


def test_a_pending_stage_is_completed_on_the_page_before_approval(as_user, editor, in_review):
    from submissions.models import Category, ReviewStage

    stage = ReviewStage.objects.filter(is_active=True).first()
    assert stage is not None
    category = Category.objects.get(slug="city")
    stage.categories.add(category)
    article = in_review()
    client = as_user(editor)
    page = client.get(review(article))
    assert page.context["pending_stages"] and 'id="decision-stage"' in page.content.decode()
    offered = [code for code, _label in page.context["forms"]["stage"].fields["stage_code"].choices]
    assert offered == [s.code for s in category.review_stages.filter(is_active=True)]
    # a stage this category does not need: the workflow's refusal (a 404 code in the API) is a message here
    elsewhere = ReviewStage.objects.create(code="legal-check-x", name_ru="Юрист", name_en="Lawyer")
    refused = decide(client, article, "stage", stage_code=elsewhere.code, note="")
    assert refused.status_code == 200 and texts(refused, "error") and not events(article, Action.STAGE)
    refused = decide(client, article, "approve", publish_at="", note="")
    assert (
        refused.status_code == 200 and texts(refused, "error") and fresh(article).status == Status.IN_REVIEW
    )
    decide(client, article, "stage", stage_code=stage.code, note="")
    assert len(events(article, Action.STAGE)) == 1
    assert not client.get(review(article)).context["pending_stages"]


# --- junior editors, CSRF, queries ----------------------------------------------------------------------------------


def test_a_junior_editor_gives_a_first_approval_only(as_user, junior, editor, in_review):
    article = in_review()
    client = as_user(junior)
    client.get(review(article))
    answer = decide(client, article, "approve", publish_at="", note="")
    assert answer.status_code == 302
    halfway = fresh(article)
    assert halfway.status == Status.IN_REVIEW and halfway.first_approved_by_id == junior.pk
    assert halfway.claimed_by_id is None and len(events(article, Action.PRE_APPROVE)) == 1
    # another junior may neither claim it nor decide
    second_junior = as_user(UserFactory(role=JUNIOR_EDITOR))
    page = second_junior.get(review(article))
    assert page.context["refusal"] and 'id="decision-approve"' not in page.content.decode()
    # an editor gives the second approval
    final = as_user(editor)
    assert final.get(review(article)).context["first_approved_by"].pk == junior.pk
    decide(final, article, "approve", publish_at="", note="")
    assert fresh(article).status == Status.PUBLISHED


def test_csrf_is_enforced(editor, in_review):
    article = in_review()
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    page = client.get(review(article))
    refused = client.post(review(article), {"decision": "note", "text": "Без токена"})
    assert refused.status_code == 403 and not events(article, Action.NOTE)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    done = client.post(
        review(article), {"decision": "note", "text": "С токеном", "csrfmiddlewaretoken": token}
    )
    assert done.status_code == 302 and len(events(article, Action.NOTE)) == 1


def _measure(client, article):
    client.get(review(article))  # warm the session and permission caches; the claim is taken here
    with CaptureQueriesContext(connection) as queries:
        assert client.get(review(article)).status_code == 200
    return len(queries.captured_queries)


def _grow(article, n, other):
    for i in range(n):
        workflow.article_note(actor=other, article_id=article.pk, text=f"Заметка {i}")
        CheckResult.objects.create(
            revision=article.current_revision,
            check_name=f"extra_{i}",
            outcome="warn",
            findings=[{"code": "x", "ru": "находка", "en": "finding"}],
            evidence={"n": i},
        )


def test_the_page_costs_the_same_queries_with_1_and_20_events_and_checks(
    as_user, editor, in_review, django_assert_max_num_queries
):
    other = EditorFactory()
    small, large = in_review(), in_review()
    _grow(small, 1, other)
    _grow(large, 20, other)
    client = as_user(editor)
    few = _measure(client, small)
    client.post(review(small), {"decision": "release"})
    many = _measure(client, large)
    assert few == many
    with django_assert_max_num_queries(few):
        client.get(review(large))


# --- what the author will get -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_reject_form_previews_each_reasons_letter_in_the_authors_language(
    as_user, editor, in_review, language
):
    from submissions.models import RejectionReason

    article = in_review(author=UserFactory(language=language))
    page = as_user(editor).get(review(article))
    content = page.content.decode()
    reasons = list(RejectionReason.objects.filter(is_active=True))
    assert reasons
    previews = {code: text for code, _label, text in page.context["reject_previews"]}
    for reason in reasons:
        expected = (
            reason.template_for(language).replace("{title}", article.title).replace("{legal_ground}", "")
        )
        assert previews[reason.code] == expected  # exactly what article_reject() sends without a message
        assert escape(expected) in content
    # the request-changes template, in the author's language, names the article
    template = page.context["changes_template"]
    assert article.title in template
    assert ("Здравствуйте" in template) == (language == "ru") and ("Hello" in template) == (language == "en")
    assert 'id="changes-template"' in content and 'data-desk-into="id_request_changes_message"' in content


def test_the_rejected_author_gets_the_previewed_letter(as_user, editor, in_review):
    article = in_review()
    client = as_user(editor)
    page = client.get(review(article))
    preview = dict((code, text) for code, _label, text in page.context["reject_previews"])["duplicate"]
    decide(client, article, "reject", reason_code="duplicate")
    assert events(article, Action.REJECT)[0].message == preview
