"""“Test yourself as an editor” in the studio (newsroom.studio.editor_track): the pages over moderation.track.

Below the level: what the track is and the numbers to reach; at the level: apply; then shadow reviews with the
author hidden, verdicts that change nothing, and the score once the editors decided. Plus the house rules: sign-in
redirect, CSRF, 404 for someone else's verdict, bad input next to its field, and query counts that do not grow.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from moderation.models import EditorApplication, ShadowReview
from submissions import workflow
from submissions.models import Article, ArticleEvent, Revision
from submissions.states import Status
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import signed_in, submitted

pytestmark = pytest.mark.django_db

PAGE = "/studio/editor-track/"
APPLY = "/studio/editor-track/apply/"


def shadow_url(article: Any) -> str:
    return f"/studio/editor-track/shadow/{article.pk}/"


def verdict_url(article: Any) -> str:
    return f"/studio/editor-track/shadow/{article.pk}/verdict/"


def review_url(review: Any) -> str:
    return f"/studio/editor-track/reviews/{review.pk}/"


def text_of(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def member(db):
    """A level-2 contributor: the track is open to them."""
    return UserFactory(trust_level=2, trust_reason="member")


@pytest.fixture
def applicant(member):
    EditorApplication.objects.create(user=member, motivation="Хочу помогать.")
    return member


@pytest.fixture
def hidden_author(db):
    """An author whose name, pen name and address must never reach the applicant."""
    return UserFactory(
        display_name="Серафима Незримова",
        pen_name="Тайный Корреспондент",
        email="serafima.hidden@example.org",
    )


def decide(article: Any, decision: str, reason_code: str = "") -> None:
    """An editor's real decision, through the workflow (after-commit work, the scoring, run)."""
    from django.test import TestCase

    editor = UserFactory(role="editor")
    with TestCase.captureOnCommitCallbacks(execute=True):
        if decision == "approve":
            workflow.article_approve(actor=editor, article_id=article.pk)
        elif decision == "reject":
            workflow.article_reject(
                actor=editor, article_id=article.pk, reason_code=reason_code, message="Нет."
            )
        else:
            workflow.article_request_changes(actor=editor, article_id=article.pk, message="Доработайте.")


# --- signed out, and the methods -----------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in_with_next(client):
    article = submitted(UserFactory())
    review = ShadowReview.objects.create(
        application=EditorApplication.objects.create(user=UserFactory(trust_level=2)),
        reviewer=EditorApplication.objects.get().user,
        article=article,
        revision=article.current_revision,
        decision="approve",
    )
    for method, url in [
        ("get", PAGE),
        ("post", APPLY),
        ("get", shadow_url(article)),
        ("post", verdict_url(article)),
        ("get", review_url(review)),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/account/login/?next={url}", url


def test_pages_and_actions_answer_only_their_method(member):
    client = signed_in(member)
    assert client.post(PAGE).status_code == 405
    assert client.get(APPLY).status_code == 405
    article = submitted(UserFactory())
    assert client.post(shadow_url(article)).status_code == 405
    assert client.get(verdict_url(article)).status_code == 405


# --- below the level -----------------------------------------------------------------------------------------------


def test_below_the_level_the_page_explains_the_track_and_the_numbers(contributor):
    contributor.date_joined = timezone.now() - timedelta(days=5)
    contributor.save()
    decide(submitted(contributor), "approve")
    contributor.refresh_from_db()
    assert contributor.trust_level == 1

    response = signed_in(contributor).get(PAGE)
    assert response.status_code == 200
    page = text_of(response)
    assert "Проверьте себя в роли редактора" in page
    assert "Ваш уровень доверия — 1 из 2 нужных" in page
    # what level 2 asks, with the numbers, and where this contributor stands
    assert "Учётная запись не моложе 14 дней" in page and "5 дней" in page
    assert "Не меньше 3 одобренных материалов" in page and "одобрено: 1" in page
    assert "Одобрено не меньше 60% материалов, по которым есть решение" in page and "100% (1 из 1)" in page
    assert "Подтверждённый адрес электронной почты" in page
    # and no way to apply
    assert APPLY not in page and 'name="motivation"' not in page
    assert 'aria-current="page"' in page or "studio-nav" in page


def test_below_the_level_applying_is_refused_with_the_apis_message(contributor):
    response = signed_in(contributor).post(APPLY, {"motivation": "Пустите."})
    assert response.status_code == 403
    assert "Путь редактора открывается с уровня доверия 2." in text_of(response)
    assert not EditorApplication.objects.exists()


def test_the_page_speaks_english_too(contributor):
    page = text_of(signed_in(contributor, lang="en").get(PAGE))
    assert "Test yourself as an editor" in page
    assert "Your trust level is 1 of the 2 needed" in page
    assert "An account at least 14 days old" in page


def test_an_editor_is_told_the_track_is_not_for_them(editor):
    editor.trust_level = 3
    editor.save()
    client = signed_in(editor)
    page = text_of(client.get(PAGE))
    assert "У вас уже есть роль редактора" in page and APPLY not in page
    response = client.post(APPLY, {})
    assert response.status_code == 409 and "У вас уже есть роль редактора." in text_of(response)


# --- applying ------------------------------------------------------------------------------------------------------


def test_at_the_level_the_contributor_applies(member):
    client = signed_in(member)
    page = text_of(client.get(PAGE))
    assert f'action="{APPLY}"' in page and 'name="csrfmiddlewaretoken"' in page
    assert "Ваш уровень доверия — 2: путь редактора для вас открыт." in page

    response = client.post(APPLY, {"motivation": "Хочу помогать редакции."})
    assert response.status_code == 302 and response["Location"] == PAGE
    application = EditorApplication.objects.get(user=member)
    assert application.state == EditorApplication.State.OPEN
    assert application.motivation == "Хочу помогать редакции."

    page = text_of(client.get(PAGE))
    assert "Заявка принята" in page  # the message after the redirect
    assert "Ваша заявка" in page and "Открыта" in page and "Хочу помогать редакции." in page
    assert f'action="{APPLY}"' not in page  # one open application at a time


def test_a_second_application_is_refused(applicant):
    response = signed_in(applicant).post(APPLY, {"motivation": "Ещё раз."})
    assert response.status_code == 409
    assert "У вас уже есть открытая заявка." in text_of(response)
    assert EditorApplication.objects.filter(user=applicant).count() == 1


def test_a_too_long_motivation_is_shown_next_to_the_field_and_kept(member):
    too_long = "Очень хочу. " * 200  # 2400 characters
    response = signed_in(member).post(APPLY, {"motivation": too_long})
    assert response.status_code == 400
    page = text_of(response)
    error = re.search(r'<ul class="errorlist" id="motivation-error">(.*?)</ul>', page, re.S)
    assert error and "2000" in error.group(1)
    assert 'aria-invalid="true"' in page
    assert too_long.strip() in page  # what they wrote is still in the field
    assert not EditorApplication.objects.exists()
    response = signed_in(member).post(APPLY, {"motivation": "нуль\x00внутри"})
    assert response.status_code == 400 and 'id="motivation-error"' in text_of(response)
    assert not EditorApplication.objects.exists()


def test_a_declined_applicant_sees_the_note_and_may_apply_again(member):
    EditorApplication.objects.create(
        user=member,
        state=EditorApplication.State.DECLINED,
        decided_at=timezone.now(),
        decision_note="Пока рано, приходите через месяц.",
    )
    page = text_of(signed_in(member).get(PAGE))
    assert "Отклонена" in page and "Пока рано, приходите через месяц." in page
    assert "Подать заявку снова" in page and f'action="{APPLY}"' in page


# --- shadow reviews -------------------------------------------------------------------------------------------------


def assert_author_hidden(page: str, author: Any) -> None:
    for secret in (
        author.display_name,
        author.pen_name,
        author.email,
        author.byline,
        f"/authors/{author.pk}/",
    ):
        assert secret not in page, secret


def test_the_shadow_review_shows_the_text_never_the_author(applicant, hidden_author):
    article = submitted(hidden_author, title="В библиотеке открылся кружок робототехники")
    own = submitted(applicant, title="Моя собственная заметка о субботнике")
    client = signed_in(applicant)

    overview = text_of(client.get(PAGE))
    assert "В библиотеке открылся кружок робототехники" in overview
    assert "Моя собственная заметка о субботнике" not in overview  # never handed their own
    assert shadow_url(article) in overview
    assert_author_hidden(overview, hidden_author)

    response = client.get(shadow_url(article))
    assert response.status_code == 200
    page = text_of(response)
    assert "В библиотеке открылся кружок робототехники" in page
    assert article.lead in page and "Жители района собрались у здания администрации" in page
    assert "Автор скрыт" in page
    assert_author_hidden(page, hidden_author)
    for value in ("approve", "request_changes", "reject"):
        assert f'name="decision" value="{value}"' in page
    assert 'name="reason_code"' in page and 'value="spam"' in page and 'name="note"' in page

    assert client.get(shadow_url(own)).status_code == 404
    assert client.post(verdict_url(own), {"decision": "approve"}).status_code == 404
    assert not ShadowReview.objects.exists()


def test_an_article_not_in_review_is_a_404_that_says_where_to_go(applicant):
    draft = ArticleFactory()
    response = signed_in(applicant).get(shadow_url(draft))
    assert response.status_code == 404
    assert "Эта статья не ждёт вашей проверки" in text_of(response)
    assert draft.title not in text_of(response)
    assert signed_in(applicant).get("/studio/editor-track/shadow/999999999/").status_code == 404


def test_without_an_application_shadow_reviews_send_back_to_the_track(member):
    article = submitted(UserFactory())
    client = signed_in(member)
    response = client.get(shadow_url(article))
    assert response.status_code == 302 and response["Location"] == PAGE
    response = client.post(verdict_url(article), {"decision": "approve"}, follow=True)
    assert "Сначала подайте заявку на путь редактора." in text_of(response)
    assert not ShadowReview.objects.exists()


def test_a_verdict_is_recorded_and_changes_nothing_on_the_article(applicant, hidden_author):
    article = submitted(hidden_author)
    events = ArticleEvent.objects.filter(article=article).count()
    client = signed_in(applicant)
    response = client.post(
        verdict_url(article), {"decision": "reject", "reason_code": "spam", "note": "Похоже на рекламу."}
    )
    review = ShadowReview.objects.get(reviewer=applicant)
    assert response.status_code == 302 and response["Location"] == review_url(review)
    assert (review.decision, review.reason_code, review.note) == ("reject", "spam", "Похоже на рекламу.")
    assert review.revision_id == article.current_revision_id and review.score is None
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW and article.claimed_by_id is None
    assert ArticleEvent.objects.filter(article=article).count() == events

    page = text_of(client.get(review_url(review)))
    assert "Ваше решение записано" in page
    assert "Отклонить" in page and "спам или реклама" in page and "Похоже на рекламу." in page
    assert "Ждём решения редакторов" in page
    assert_author_hidden(page, hidden_author)

    # the same version again: straight to the verdict already given, and a second one is refused
    assert client.get(shadow_url(article))["Location"] == review_url(review)
    again = client.post(verdict_url(article), {"decision": "approve"}, follow=True)
    assert "Вы уже вынесли решение по этой версии статьи." in text_of(again)
    assert ShadowReview.objects.filter(reviewer=applicant).count() == 1
    assert shadow_url(article) not in text_of(client.get(PAGE))  # judged: no longer offered


def test_a_rejection_without_a_reason_is_refused_next_to_the_field_keeping_the_note(applicant):
    article = submitted(UserFactory())
    client = signed_in(applicant)
    response = client.post(
        verdict_url(article), {"decision": "reject", "reason_code": "", "note": "Моя заметка"}
    )
    assert response.status_code == 400
    page = text_of(response)
    error = re.search(r'<ul class="errorlist" id="reason-error">(.*?)</ul>', page, re.S)
    assert error and "Для отклонения нужен код причины." in error.group(1)
    assert "Моя заметка" in page
    assert 'value="reject" id="decision-reject" checked' in page

    for bad in (
        {"decision": "maybe"},
        {"decision": "reject", "reason_code": "nonsense"},
        {"decision": "approve", "note": "нуль\x00внутри"},
        {"decision": "approve", "note": "x" * 5001},
        {},
    ):
        response = client.post(verdict_url(article), bad)
        assert response.status_code == 400, bad
        assert 'class="errorlist"' in text_of(response)
    assert not ShadowReview.objects.exists()


# --- the score ------------------------------------------------------------------------------------------------------


def test_the_score_against_the_editors_decisions(applicant):
    a, b, c, d, e = (submitted(UserFactory()) for _ in range(5))
    client = signed_in(applicant)
    for article, body in [
        (a, {"decision": "approve"}),
        (b, {"decision": "reject", "reason_code": "spam"}),
        (c, {"decision": "reject", "reason_code": "spam"}),
        (d, {"decision": "approve"}),
        (e, {"decision": "approve"}),
    ]:
        assert client.post(verdict_url(article), body).status_code == 302
    decide(a, "approve")
    decide(b, "reject", "spam")
    decide(c, "reject", "duplicate")
    decide(d, "request_changes")  # e is still in review

    page = text_of(client.get(PAGE))
    stats = re.search(r'<dl class="track-facts track-stats">(.*?)</dl>', page, re.S).group(1)
    shown = " ".join(re.sub(r"<[^>]+>", " ", stats).split())
    assert shown == (
        "Решений 5 Сравнено с редакторами 4 Ждут редакторов 1 Точность 63% "
        "То же решение 75% Та же причина отказа 50%"
    )
    tallies = re.search(r'<table class="track-table tallies">(.*?)</table>', page, re.S).group(1)
    rows = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr>(.*?)</tr>", tallies.split("<tbody>")[1], re.S)
    ]
    # your verdict, given, decided, agreed, then what the editors decided: approved, changes requested, rejected
    assert rows == [
        "Одобрить 3 2 1 1 1 0",
        "Запросить правки 0 0 0 0 0 0",
        "Отклонить 2 2 2 (1 с той же причиной) 0 0 2",
    ]
    assert "Вы согласились с редакторами" in page and "Редакторы решили иначе" in page
    assert "То же решение, другая причина" in page and "Ждём решения редакторов" in page

    on_c = ShadowReview.objects.get(article=c)
    page = text_of(client.get(review_url(on_c)))
    assert "То же решение, другая причина" in page
    assert "Решение редакторов" in page and "Отклонено" in page and "повтор опубликованной новости" in page
    assert "0,5 из 1" in page


def test_the_progress_towards_the_junior_editor_role(applicant, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "EDITOR_TRACK_MIN_SCORED": 3}
    article = submitted(UserFactory())
    client = signed_in(applicant)
    client.post(verdict_url(article), {"decision": "approve"})
    decide(article, "approve")
    page = text_of(client.get(PAGE))
    assert '<progress class="track-progress" max="3" value="1">' in page
    assert "1 ваше решение уже сравнено с решениями редакторов" in page


def test_another_applicants_verdict_is_a_404(applicant, hidden_author):
    article = submitted(hidden_author, title="Чужая проверка")
    signed_in(applicant).post(verdict_url(article), {"decision": "approve", "note": "Секретная заметка"})
    review = ShadowReview.objects.get()
    other = UserFactory(trust_level=2)
    EditorApplication.objects.create(user=other)
    response = signed_in(other).get(review_url(review))
    assert response.status_code == 404
    assert "Секретная заметка" not in text_of(response) and "Чужая проверка" not in text_of(response)
    assert signed_in(hidden_author).get(review_url(review)).status_code == 404  # the author neither
    assert signed_in(applicant).get("/studio/editor-track/reviews/999999999/").status_code == 404
    assert signed_in(applicant).get(review_url(review)).status_code == 200


# --- CSRF -------------------------------------------------------------------------------------------------------------


def csrf_token_of(client: Client, url: str) -> str:
    page = text_of(client.get(url))
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_every_action_needs_the_csrf_token(member):
    client = signed_in(member, enforce_csrf_checks=True)
    assert client.post(APPLY, {"motivation": "Без токена"}).status_code == 403
    assert not EditorApplication.objects.exists()
    token = csrf_token_of(client, PAGE)
    assert client.post(APPLY, {"motivation": "С токеном", "csrfmiddlewaretoken": token}).status_code == 302
    assert EditorApplication.objects.get().motivation == "С токеном"

    article = submitted(UserFactory())
    assert client.post(verdict_url(article), {"decision": "approve"}).status_code == 403
    assert not ShadowReview.objects.exists()
    token = csrf_token_of(client, shadow_url(article))
    response = client.post(verdict_url(article), {"decision": "approve", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and ShadowReview.objects.count() == 1


# --- query counts -----------------------------------------------------------------------------------------------------


def in_review_cheaply(count: int, author: Any) -> list[Article]:
    """Articles in review with their revision, written directly (the checks of 50 submissions would only slow the
    count down): what the pages read, nothing else."""
    articles = []
    for n in range(count):
        article = ArticleFactory(author=author, title=f"Статья для проверки номер {n}")
        revision = Revision.objects.create(
            article=article, number=1, title=article.title, lead=article.lead, body=article.body,
            language="ru", category=article.category, created_by=author,
        )  # fmt: skip
        Article.objects.filter(pk=article.pk).update(
            status=Status.IN_REVIEW, current_revision=revision, submitted_at=timezone.now()
        )
        article.current_revision = revision
        articles.append(article)
    return articles


def verdicts_on(applicant: Any, articles: list[Article]) -> list[ShadowReview]:
    """Verdicts of every kind, half of them scored (agreeing, or not)."""
    application = EditorApplication.objects.get(user=applicant, state=EditorApplication.State.OPEN)
    reviews = []
    for n, article in enumerate(articles):
        decision = ("approve", "request_changes", "reject")[n % 3]
        review = ShadowReview(
            application=application,
            reviewer=applicant,
            article=article,
            revision=article.current_revision,
            decision=decision,
            reason_code="spam" if decision == "reject" else "",
        )
        if n % 2:
            review.editor_decision, review.editor_reason_code = "reject", "duplicate"
            review.decision_agrees = decision == "reject"
            review.reason_agrees = False if decision == "reject" else None
            review.score = 0.5 if decision == "reject" else 0.0
            review.scored_at = timezone.now()
        reviews.append(review)
    return ShadowReview.objects.bulk_create(reviews)


@pytest.mark.parametrize("page_of", ["overview", "shadow", "review"])
def test_the_pages_cost_the_same_queries_for_1_and_50_verdicts(
    applicant, page_of, django_assert_max_num_queries
):
    author = UserFactory()
    client = signed_in(applicant)
    waiting = in_review_cheaply(2, author)

    def url() -> str:
        if page_of == "overview":
            return PAGE
        if page_of == "shadow":
            return shadow_url(waiting[-1])
        return review_url(ShadowReview.objects.filter(reviewer=applicant).first())

    verdicts_on(applicant, in_review_cheaply(1, author))
    with django_assert_max_num_queries(30) as one:
        assert client.get(url()).status_code == 200
    bound = len(one.captured_queries)

    verdicts_on(applicant, in_review_cheaply(49, author))
    in_review_cheaply(48, author)  # and 50 articles waiting for a shadow review
    with django_assert_max_num_queries(bound):
        response = client.get(url())
        assert response.status_code == 200
    if page_of == "overview":
        page = text_of(response)
        assert page.count('class="track-row ') == 50
        assert "50 статей ждут редакторов и вас" in page


def test_many_verdicts_are_paged_and_a_bad_page_number_is_no_error(applicant):
    verdicts_on(applicant, in_review_cheaply(55, UserFactory()))
    client = signed_in(applicant)
    first = text_of(client.get(PAGE))
    assert first.count('class="track-row ') == 50 and "Страница 1 из 2" in first
    second = text_of(client.get(PAGE + "?page=2"))
    assert second.count('class="track-row ') == 5
    for bad in ("abc", "-1", "99999999999999999999", ""):
        assert client.get(PAGE, {"page": bad}).status_code == 200
