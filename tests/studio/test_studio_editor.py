"""The studio's editor (/studio/new/, /studio/<id>/): create and edit through the API's serializer and services,
the preview, source rows, the declarations, autosave, conflicts that keep both texts, submit / resubmit / withdraw
with the API's rules, and who may do what."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from submissions import services, workflow
from submissions.models import Article, ArticleEvent, Revision, Source
from submissions.states import Action, RevisionKind, Status
from tests.factories import ArticleFactory, EditorFactory, UserFactory
from tests.helpers import submitted

pytestmark = pytest.mark.django_db

BODY = (
    "Во дворе на Садовой **отремонтировали** детскую площадку. Подробности — в "
    "[письме управы](https://example.org/letter).\n\nЖители благодарят подрядчика и обещают следить за порядком."
)


def fields(**overrides: Any) -> dict[str, Any]:
    """A complete editor form, as the page posts it."""
    data = {
        "title": "Во дворе на Садовой починили площадку",
        "lead": "Жители добивались ремонта два года.",
        "body": BODY,
        "language": "ru",
        "category": "city",
        "tags": "#Ремонт, дворы",
        "place_name": "Москва, ул. Садовая",
        "region": "moscow",
        "sources-0-kind": "document",
        "sources-0-url": "https://example.org/letter",
        "sources-0-description": "Письмо управы",
        "rights_confirmed": "true",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def page_state(html: str) -> dict[str, str]:
    """The hidden state of an editor page: version and the page's id."""
    return {
        name: unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="(version|editor_token)" value="([^"]*)"', html
        )
    }


def errors_of(html: str, name: str) -> list[str]:
    match = re.search(rf'<ul class="errorlist" id="errors-{name}"[^>]*>(.*?)</ul>', html, re.S)
    assert match, f"no error list for {name}"
    return [unescape(m) for m in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def load(client: Client, article: Article) -> dict[str, str]:
    response = client.get(f"/studio/{article.pk}/")
    assert response.status_code == 200
    return page_state(response.content.decode())


HTMX = {"HTTP_HX_REQUEST": "true"}


# --- who may ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/studio/new/", "/studio/{id}/", "/studio/{id}/withdraw/"])
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, path: str) -> None:
    article = ArticleFactory()
    url = path.format(id=article.pk)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/account/login/?next={url}"
    posted = client.post(url, fields())
    assert posted.status_code == 302 and posted["Location"].startswith("/account/login/")
    assert Article.objects.count() == 1


def test_an_htmx_request_without_a_session_is_redirected_as_a_whole_page(client: Client) -> None:
    article = ArticleFactory()
    response = client.post(
        f"/studio/{article.pk}/",
        {"autosave": "true"},
        HTTP_HX_CURRENT_URL=f"http://testserver/studio/{article.pk}/",
        **HTMX,
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/account/login/?next=/studio/{article.pk}/"


def test_another_authors_article_is_a_404_and_stays_untouched(browser: Client) -> None:
    other = ArticleFactory(title="Чужой черновик")
    base = f"/studio/{other.pk}/"
    assert browser.get(base).status_code == 404
    assert browser.post(base, fields(title="взлом", version=str(other.version))).status_code == 404
    assert browser.post(base, fields(action="submit", version=str(other.version))).status_code == 404
    assert browser.get(f"{base}withdraw/").status_code == 404
    assert browser.post(f"{base}withdraw/").status_code == 404
    assert browser.post(base, {"autosave": "true", "title": "взлом"}, **HTMX).status_code == 404
    other.refresh_from_db()
    assert other.title == "Чужой черновик" and other.status == Status.DRAFT


def test_csrf_is_enforced(author: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(author)
    article = ArticleFactory(author=author)
    for url, data in (
        ("/studio/new/", fields()),
        (f"/studio/{article.pk}/", fields(version=str(article.version))),
        (f"/studio/{article.pk}/withdraw/", {}),
        ("/studio/preview/", {"body": "x"}),
        ("/studio/resend-verification/", {}),
    ):
        assert strict.post(url, data).status_code == 403, url
    assert Article.objects.count() == 1
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    # with the page's token the same post goes through
    page = strict.get("/studio/new/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert strict.post("/studio/new/", {**fields(), "csrfmiddlewaretoken": token}).status_code == 302


# --- writing ------------------------------------------------------------------------------------------------------


def test_the_new_article_page_has_the_apis_field_names(browser: Client) -> None:
    response = browser.get("/studio/new/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in (
        "title",
        "lead",
        "body",
        "language",
        "category",
        "tags",
        "place_name",
        "region",
        "has_third_party_material",
        "rights_confirmed",
        "sources-0-kind",
        "sources-0-url",
        "sources-0-description",
        "file",
    ):
        assert f'name="{name}"' in html, name
    assert 'enctype="multipart/form-data"' in html and 'type="file" id="id_file" name="file" multiple' in html
    # no inline script or style, no handler attributes: htmx and the editor's script are static files
    assert "<script>" not in html and "style=" not in html and not re.search(r"\son\w+=", html)
    assert "hx-on" not in html and "js:" not in html
    assert "/static/django_htmx/htmx-2" in html and "/static/studio/editor.js" in html
    assert "includeIndicatorStyles" in html


def test_create_then_edit(browser: Client, author: Any) -> None:
    response = browser.post("/studio/new/", fields())
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/studio/{article.pk}/"
    assert article.author == author and article.status == Status.DRAFT
    assert article.title == "Во дворе на Садовой починили площадку" and article.category.slug == "city"
    assert sorted(article.tags.values_list("name", flat=True)) == ["дворы", "ремонт"]  # the API's normalising
    assert "<strong>отремонтировали</strong>" in article.body_html
    assert [(s.kind, s.url, s.description) for s in article.sources.all()] == [
        ("document", "https://example.org/letter", "Письмо управы")
    ]
    assert article.rights_confirmed and not article.has_third_party_material and article.region == "moscow"
    page = browser.get(response["Location"])
    assert "Сохранено." in page.content.decode()

    state = page_state(page.content.decode())
    assert state["version"] == str(article.version)
    edited = browser.post(
        f"/studio/{article.pk}/", fields(title="Новый заголовок", tags="", lead="", **state)
    )
    assert edited.status_code == 302
    article.refresh_from_db()
    assert article.title == "Новый заголовок" and article.lead == "" and not article.tags.exists()
    kinds = list(article.revisions.order_by("number").values_list("kind", flat=True))
    assert kinds == [RevisionKind.SAVE, RevisionKind.SAVE]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"category": "no-such"}, "category", "Неизвестная рубрика"),
        ({"language": "xx"}, "language", "нет среди допустимых"),
        ({"title": "Я" * 201}, "title", "200"),
        ({"title": "Заголовок\u202eтекст"}, "title", "U+202E"),
        ({"tags": ", ".join(f"тег{i}" for i in range(11))}, "tags", "10"),
        ({"region": "Москва!"}, "region", ""),
        ({"category": "city\x00"}, "category", "U+0000"),
        ({"lead": "Лид\x00"}, "lead", "U+0000"),
        ({"sources-0-kind": "rumour"}, None, "rumour"),
        (
            {"sources-0-kind": "", "sources-0-url": "", "sources-0-description": ""},
            None,
            None,
        ),  # blank: not sent
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_keeps_what_was_typed(
    browser: Client, author: Any, overrides: dict[str, str], field: str | None, message: str | None
) -> None:
    article = ArticleFactory(author=author, title="Сохранённый заголовок")
    state = load(browser, article)
    typed = fields(body="Текст, который нельзя потерять.", **state, **overrides)
    response = browser.post(f"/studio/{article.pk}/", typed)
    article.refresh_from_db()
    if message is None:  # the control case: accepted
        assert response.status_code == 302 and not article.sources.exists()
        return
    assert response.status_code == 400
    html = response.content.decode()
    assert "Не сохранено: исправьте отмеченные поля" in html
    if field is not None:
        assert any(message in m for m in errors_of(html, field)), errors_of(html, field)
        assert 'aria-invalid="true"' in html
    else:
        assert message in text_of(html)
    assert "Текст, который нельзя потерять." in html  # what was typed stays in the form
    assert article.title == "Сохранённый заголовок" and article.body != "Текст, который нельзя потерять."


def test_a_source_row_needs_an_address_or_a_description(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    response = browser.post(
        f"/studio/{article.pk}/",
        fields(
            **load(browser, article),
            **{"sources-0-url": "", "sources-0-description": ""},
            **{"sources-0-kind": "interview"},
        ),
    )
    assert response.status_code == 400
    assert "Укажите адрес источника или опишите его." in text_of(response.content.decode())


def test_errors_speak_english_too(client: Client, author: Any) -> None:
    client.force_login(author)
    response = client.post("/studio/new/", fields(category="no-such"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert errors_of(response.content.decode(), "category") == ["Unknown category 'no-such'."]


def test_xss_in_title_and_body_is_escaped_and_sanitised(browser: Client, author: Any) -> None:
    evil = fields(
        title='<script>alert("t")</script>Заголовок',
        lead="<img src=x onerror=alert(1)>",
        body='Текст <script>alert("b")</script> и [ссылка](javascript:alert(1)) и <b onclick="x()">жирный</b>',
    )
    response = browser.post("/studio/new/", evil)
    article = Article.objects.get()
    page = browser.get(response["Location"]).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;t&quot;)" in page
    assert "<img src=x" not in page and "<b onclick" not in page and "&lt;img src=x" in page
    assert 'href="javascript' not in article.body_html and "<script" not in article.body_html
    preview = browser.post("/studio/preview/", {"title": evil["title"], "body": evil["body"]}, **HTMX)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "<script>" not in html and 'href="javascript' not in html and "<b " not in html
    assert "&lt;script&gt;" in html
    listed = browser.get("/studio/").content.decode()
    assert "<script>alert" not in listed


# --- preview ------------------------------------------------------------------------------------------------------


def test_the_live_preview_renders_like_the_published_page(browser: Client) -> None:
    response = browser.post(
        "/studio/preview/",
        {
            "title": "Заголовок",
            "lead": "Лид",
            "body": "## Подзаголовок\n\n**Жирный** [ссылка](https://example.org)",
        },
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>Подзаголовок</h2>" in html and "<strong>Жирный</strong>" in html
    assert 'rel="nofollow ugc noopener"' in html and "Заголовок" in html and "<html" not in html
    assert browser.get("/studio/preview/").status_code == 405
    too_long = browser.post("/studio/preview/", {"body": "а" * 100_001}, **HTMX)
    assert "слишком длинный" in too_long.content.decode()


def test_the_preview_button_renders_the_preview_without_saving(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author, body="Старый текст")
    state = load(browser, article)
    response = browser.post(
        f"/studio/{article.pk}/", fields(body="Новый **текст**", action="preview", **state)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div id="preview"' in html and "<strong>текст</strong>" in html
    assert "Новый **текст**" in html  # the form keeps what was typed
    article.refresh_from_db()
    assert article.body == "Старый текст"


def test_the_editor_page_wires_the_live_preview_and_autosave(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    html = browser.get(f"/studio/{article.pk}/").content.decode()
    assert 'hx-post="/studio/preview/"' in html and 'hx-target="#preview"' in html and "delay:600ms" in html
    assert f'hx-post="/studio/{article.pk}/"' in html and 'hx-vals=\'{"autosave": "true"}\'' in html


# --- sources --------------------------------------------------------------------------------------------------------


def test_add_and_remove_source_rows_without_javascript(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    state = load(browser, article)
    added = browser.post(f"/studio/{article.pk}/", fields(action="add_source", **state))
    assert added.status_code == 200
    html = added.content.decode()
    assert 'name="sources-1-kind"' in html and 'name="sources-2-kind"' not in html
    assert 'value="Письмо управы"' in html
    assert not article.sources.exists()  # nothing saved

    two = fields(
        **state,
        **{"sources-1-kind": "interview", "sources-1-description": "Председатель ТСЖ", "remove_source": "0"},
    )
    removed = browser.post(f"/studio/{article.pk}/", two)
    html = removed.content.decode()
    assert "Председатель ТСЖ" in html and "Письмо управы" not in html
    assert 'name="sources-0-description" maxlength="500" value="Председатель ТСЖ"' in html


def test_add_a_source_row_with_htmx_answers_the_fieldset_only(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    response = browser.post(
        f"/studio/{article.pk}/", fields(action="add_source", **load(browser, article)), **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<fieldset id="sources"')
    assert 'name="sources-1-url"' in html and "<html" not in html


def test_sources_are_saved_in_order_and_blank_rows_dropped(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    data = fields(
        **load(browser, article),
        **{
            "sources-0-kind": "interview",
            "sources-0-url": "",
            "sources-0-description": "Жительница дома",
            "sources-1-kind": "",
            "sources-1-url": "",
            "sources-1-description": "",
            "sources-7-kind": "other_outlet",
            "sources-7-url": "https://example.org/news",
            "sources-7-description": "",
        },
    )
    assert browser.post(f"/studio/{article.pk}/", data).status_code == 302
    assert list(article.sources.order_by("position").values_list("kind", "description", "url")) == [
        ("interview", "Жительница дома", ""),
        ("other_outlet", "", "https://example.org/news"),
    ]


# --- declarations and submit --------------------------------------------------------------------------------------


def test_the_declarations_are_explained_and_saved(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author, rights_confirmed=False)
    html = browser.get(f"/studio/{article.pk}/").content.decode()
    text = text_of(html)
    assert "чужие материалы" in text.lower() and "Вы отвечаете за то, что пишете" in text
    assert 'name="has_third_party_material"' in html and 'name="rights_confirmed"' in html
    data = fields(**page_state(html), has_third_party_material="true")
    assert browser.post(f"/studio/{article.pk}/", data).status_code == 302
    article.refresh_from_db()
    assert article.has_third_party_material and article.rights_confirmed
    # an unticked box is a no
    data = fields(**load(browser, article), rights_confirmed=None, has_third_party_material=None)
    browser.post(f"/studio/{article.pk}/", data)
    article.refresh_from_db()
    assert not article.has_third_party_material and not article.rights_confirmed


def test_submit_needs_the_rights_confirmation(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    response = browser.post(
        f"/studio/{article.pk}/", fields(action="submit", rights_confirmed=None, **load(browser, article))
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Материал не отправлен" in html and "Сохранено, но не отправлено." in html
    assert errors_of(html, "rights_confirmed") == [
        "Подтвердите, что у вас есть право опубликовать этот материал."
    ]
    article.refresh_from_db()
    assert article.status == Status.DRAFT and article.title == fields()["title"]  # saved, not submitted


def test_submit_with_third_party_material_needs_a_source(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    data = fields(
        action="submit",
        has_third_party_material="true",
        **load(browser, article),
        **{"sources-0-kind": "", "sources-0-url": "", "sources-0-description": ""},
    )
    response = browser.post(f"/studio/{article.pk}/", data)
    assert response.status_code == 400
    assert errors_of(response.content.decode(), "sources") == [
        "В статье есть чужие материалы: укажите хотя бы один источник."
    ]
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_submit_names_the_missing_fields(browser: Client, author: Any) -> None:
    response = browser.post("/studio/new/", fields(action="submit", body="", category=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ещё не заполнено: текст, рубрика." in text_of(html)
    assert errors_of(html, "body") and errors_of(html, "category")
    article = Article.objects.get()
    assert article.status == Status.DRAFT and article.title  # saved as a draft


def test_an_unverified_author_is_told_to_confirm_and_can_ask_for_a_new_letter(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory(email_verified_at=None)
    client.force_login(user)
    article = ArticleFactory(author=user)
    page = client.get(f"/studio/{article.pk}/").content.decode()
    assert "Подтвердите адрес электронной почты" in page  # said before trying, too
    response = client.post(f"/studio/{article.pk}/", fields(action="submit", **page_state(page)))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Подтвердите адрес эл. почты, прежде чем отправлять статью." in html
    assert user.email in html and 'action="/studio/resend-verification/"' in html
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/studio/resend-verification/", {"next": f"/studio/{article.pk}/"})
    assert sent.status_code == 302 and sent["Location"] == f"/studio/{article.pk}/"
    assert [m.to for m in mail.outbox] == [[user.email]]
    unsafe = client.post("/studio/resend-verification/", {"next": "https://evil.example/"})
    assert unsafe["Location"] == "/studio/"


def test_the_trust_levels_daily_limit_is_explained_with_its_numbers(browser: Client, author: Any) -> None:
    for _ in range(3):  # level 1: three a day
        submitted(author)
    article = ArticleFactory(author=author)
    response = browser.post(f"/studio/{article.pk}/", fields(action="submit", **load(browser, article)))
    assert response.status_code == 429
    text = text_of(response.content.decode())
    assert "На уровне доверия 1 можно отправить 3 материала за 24 часа." in text
    assert re.search(
        r"Следующий можно будет отправить через (\d+ час\w*)? ?(\d+ минут\w*)? \(около \d+ \w+, \d\d:\d\d\)",
        text,
    ), text
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_too_many_links_for_the_trust_level(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    body = " ".join(f"https://example.org/{n}" for n in range(3)) + " " + BODY
    response = browser.post(
        f"/studio/{article.pk}/", fields(action="submit", body=body, **load(browser, article))
    )
    assert response.status_code == 400
    text = text_of(response.content.decode())
    assert "Ссылок в статье: 4; ваш уровень доверия позволяет 2." in text
    assert "Уровень доверия 1 разрешает не больше 2 ссылок в материале" in text
    assert errors_of(response.content.decode(), "body")


def test_submit_from_a_new_page_creates_and_submits(browser: Client, author: Any) -> None:
    response = browser.post("/studio/new/", fields(action="submit"))
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/studio/{article.pk}/"
    assert article.status == Status.SUBMITTED  # the checks run after commit
    page = browser.get(response["Location"]).content.decode()
    assert "Материал отправлен на проверку." in page
    assert "Отправлено, идут автоматические проверки" in page and 'name="title"' not in page  # read-only now
    assert f'href="/studio/{article.pk}/withdraw/"' in page


def test_an_article_in_review_cannot_be_saved_and_keeps_the_typed_text(browser: Client, author: Any) -> None:
    article = submitted(author, title="На проверке")
    page = browser.get(f"/studio/{article.pk}/").content.decode()
    assert "Ждите решения редакции" in page and 'name="title"' not in page
    response = browser.post(f"/studio/{article.pk}/", fields(title="Попытка", version=str(article.version)))
    assert response.status_code == 409
    assert "Попытка" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "На проверке"


def test_resubmit_after_changes_were_requested(browser: Client, author: Any, commit: Any) -> None:
    article = submitted(author)
    with commit():
        workflow.article_request_changes(
            actor=EditorFactory(), article_id=article.pk, message="Добавьте фото площадки."
        )
    page = browser.get(f"/studio/{article.pk}/").content.decode()
    assert "Редакция просит внести правки" in page and "Добавьте фото площадки." in page
    assert "Отправить повторно" in page
    with commit():
        response = browser.post(
            f"/studio/{article.pk}/",
            fields(action="submit", lead="Теперь с фото.", **page_state(page)),
        )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW and article.lead == "Теперь с фото."
    assert "Материал отправлен повторно" in browser.get(response["Location"]).content.decode()


def test_withdraw_asks_first_then_withdraws(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    confirm = browser.get(f"/studio/{article.pk}/withdraw/")
    assert confirm.status_code == 200 and "Отозвать материал?" in confirm.content.decode()
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    response = browser.post(f"/studio/{article.pk}/withdraw/")
    assert response.status_code == 302 and response["Location"] == f"/studio/{article.pk}/"
    assert Article.objects.get(pk=article.pk).status == Status.WITHDRAWN
    page = browser.get(response["Location"]).content.decode()
    assert "Материал отозван." in page and "Вы отозвали материал" in page
    again = browser.post(f"/studio/{article.pk}/withdraw/")
    assert again.status_code == 302
    assert "невозможно" in browser.get(again["Location"]).content.decode()  # the API's invalid_transition


def test_an_article_in_review_cannot_be_withdrawn(browser: Client, author: Any) -> None:
    article = submitted(author)
    page = browser.get(f"/studio/{article.pk}/withdraw/").content.decode()
    assert "нельзя отозвать" in page and 'class="danger"' not in page
    browser.post(f"/studio/{article.pk}/withdraw/")
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


def test_page_writes_share_the_apis_throttle(browser: Client, author: Any, settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"article_write": "1/min"},
    }
    article = ArticleFactory(author=author)
    assert browser.post(f"/studio/{article.pk}/", fields(**load(browser, article))).status_code == 302
    response = browser.post(f"/studio/{article.pk}/", fields(title="Ещё раз", **load(browser, article)))
    assert response.status_code == 429
    assert "Слишком много сохранений подряд" in response.content.decode()
    assert "Ещё раз" in response.content.decode()


# --- autosave and conflicts ---------------------------------------------------------------------------------------


def autosave(client: Client, url: str, **data: Any) -> Any:
    return client.post(url, {**fields(**data), "autosave": "true"}, **HTMX)


def test_autosave_saves_as_autosave_and_coalesces(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    state = load(browser, article)
    first = autosave(browser, f"/studio/{article.pk}/", body="Первый вариант текста", **state)
    assert first.status_code == 200
    html = first.content.decode()
    assert html.startswith("Сохранено в ") and "<html" not in html
    article.refresh_from_db()
    assert article.body == "Первый вариант текста"
    new_state = page_state(html)
    assert new_state["version"] == str(article.version) and 'id="editor-state" hx-swap-oob="true"' in html
    second = autosave(browser, f"/studio/{article.pk}/", body="Второй вариант текста", **new_state)
    assert second.status_code == 200
    kinds = list(Revision.objects.filter(article=article).values_list("kind", flat=True))
    assert kinds.count(RevisionKind.AUTOSAVE) == 1  # two autosaves within a minute: one revision
    article.refresh_from_db()
    assert article.body == "Второй вариант текста"


def test_autosave_reports_errors_next_to_the_fields(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author, title="Было")
    response = autosave(browser, f"/studio/{article.pk}/", category="no-such", **load(browser, article))
    assert response.status_code == 200  # an htmx answer: the refusal is its content
    html = response.content.decode()
    assert html.startswith("Не сохранено: исправьте отмеченные поля.")
    assert '<ul class="errorlist" id="errors-category" hx-swap-oob="true"><li>Неизвестная рубрика' in html
    assert Article.objects.get(pk=article.pk).title == "Было"


def test_autosave_of_a_new_page_creates_the_draft_once(browser: Client, author: Any) -> None:
    token = page_state(browser.get("/studio/new/").content.decode())["editor_token"]
    blank = browser.post("/studio/new/", {"autosave": "true", "editor_token": token, "title": ""}, **HTMX)
    assert blank.status_code == 200 and not Article.objects.exists()
    first = autosave(browser, "/studio/new/", editor_token=token, version="")
    article = Article.objects.get()
    assert first["HX-Replace-Url"] == f"/studio/{article.pk}/"
    # the same page goes on writing the same draft, by autosave or by its Save button
    autosave(
        browser,
        "/studio/new/",
        editor_token=token,
        title="Уточнённый заголовок",
        **{"version": page_state(first.content.decode())["version"]},
    )
    saved = browser.post(
        "/studio/new/", fields(editor_token=token, title="Окончательный заголовок", version="")
    )
    assert saved.status_code == 302 and saved["Location"] == f"/studio/{article.pk}/"
    assert Article.objects.count() == 1
    assert Article.objects.get().title == "Окончательный заголовок"


def _someone_else_saves(article: Article, **changes: Any) -> Article:
    """Another tab (or device) of the author saves first."""
    return services.article_update(
        actor=article.author, article_id=article.pk, expected_version=article.version, **changes
    )


def test_a_conflict_shows_both_versions_and_saves_nothing_until_the_author_chooses(
    browser: Client, author: Any
) -> None:
    article = ArticleFactory(author=author, title="Исходный заголовок", body="Исходный текст новости.")
    state = load(browser, article)
    _someone_else_saves(article, title="Их заголовок", body="Их текст новости.")
    mine = fields(title="Мой заголовок", body="Мой текст новости.", **state)
    response = browser.post(f"/studio/{article.pk}/", mine)
    assert response.status_code == 409
    html = response.content.decode()
    text = text_of(html)
    assert "материал сохранили в другом месте" in text
    assert "Их заголовок" in text and "Мой заголовок" in text  # both, side by side
    assert "Их текст новости." in html and "Мой текст новости." in html
    assert 'name="keep-title"' in html and 'name="keep-body"' in html
    conflict_version = re.search(r'name="conflict_version" value="(\d+)"', html).group(1)
    assert 'id="autosave" hidden>' in html or 'id="autosave" hidden></div>' in html  # no autosave meanwhile
    article.refresh_from_db()
    assert (article.title, article.body) == ("Их заголовок", "Их текст новости.")  # nothing overwritten

    # keep their title and my body
    chosen = browser.post(
        f"/studio/{article.pk}/",
        {**mine, "conflict_version": conflict_version, "keep-title": "theirs", "keep-body": "mine"},
    )
    assert chosen.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body) == ("Их заголовок", "Мой текст новости.")


def test_a_third_save_during_the_choice_is_caught_again(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author, title="Исходный")
    state = load(browser, article)
    article = _someone_else_saves(article, title="Второй")
    response = browser.post(f"/studio/{article.pk}/", fields(title="Мой", **state))
    conflict_version = re.search(r'name="conflict_version" value="(\d+)"', response.content.decode()).group(1)
    _someone_else_saves(article, title="Третий")
    again = browser.post(
        f"/studio/{article.pk}/", fields(title="Мой", conflict_version=conflict_version, **state)
    )
    assert again.status_code == 409 and "Третий" in again.content.decode()
    assert Article.objects.get(pk=article.pk).title == "Третий"


def test_an_autosave_that_meets_another_save_shows_the_conflict_and_stops(
    browser: Client, author: Any
) -> None:
    article = ArticleFactory(author=author, body="Исходный")
    state = load(browser, article)
    _someone_else_saves(article, body="Их версия")
    response = autosave(browser, f"/studio/{article.pk}/", body="Моя версия", **state)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("Не сохранено: материал сохранили в другом месте.")
    assert '<div id="conflict" hx-swap-oob="true">' in html and "Их версия" in html and "Моя версия" in html
    assert '<div id="autosave" hidden hx-swap-oob="true"></div>' in html  # autosave off until resolved
    assert Article.objects.get(pk=article.pk).body == "Их версия"


def test_a_save_identical_to_the_other_version_is_no_conflict(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author)
    state = load(browser, article)
    form = fields(**state)
    _someone_else_saves(
        article,
        **{k: v for k, v in {"title": form["title"], "body": form["body"], "lead": form["lead"]}.items()},
    )
    # everything else in the form differs from the saved article, so this still conflicts on those fields only
    response = browser.post(f"/studio/{article.pk}/", form)
    html = response.content.decode()
    assert response.status_code == 409
    assert 'name="keep-title"' not in html and 'name="keep-body"' not in html
    assert 'name="keep-tags"' in html and 'name="keep-sources"' in html


def test_the_pages_own_autosave_is_not_someone_elses(browser: Client, author: Any) -> None:
    """The author presses Save while the page's autosave is still answering: the Save goes out with the version
    the page was loaded with, yet the newer version is this page's own — no conflict, the newest text wins."""
    article = ArticleFactory(author=author)
    state = load(browser, article)
    assert (
        autosave(browser, f"/studio/{article.pk}/", body="Автосохранённый текст", **state).status_code == 200
    )
    response = browser.post(f"/studio/{article.pk}/", fields(body="Текст, сохранённый кнопкой", **state))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == "Текст, сохранённый кнопкой"
    # and an autosave that answers after that save writes nothing older over it
    late = autosave(browser, f"/studio/{article.pk}/", body="Автосохранённый текст", **state)
    assert late.status_code == 200
    assert Article.objects.get(pk=article.pk).body == "Текст, сохранённый кнопкой"


def test_a_post_without_a_version_never_overwrites_blindly(browser: Client, author: Any) -> None:
    article = ArticleFactory(author=author, title="Сохранённый")
    response = browser.post(f"/studio/{article.pk}/", fields(title="Без версии"))
    assert response.status_code == 409 and "Сохранённый" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title == "Сохранённый"


# --- query counts ---------------------------------------------------------------------------------------------------


def test_editor_query_count_is_the_same_for_1_and_50_sources(
    browser: Client, author: Any, django_assert_max_num_queries: Any
) -> None:
    article = ArticleFactory(author=author)
    Source.objects.create(article=article, kind="document", url="https://example.org/0")
    with django_assert_max_num_queries(15) as one:
        assert browser.get(f"/studio/{article.pk}/").status_code == 200
    Source.objects.bulk_create(
        Source(article=article, kind="interview", description=f"Собеседник {n}", position=n)
        for n in range(1, 50)
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = browser.get(f"/studio/{article.pk}/")
    assert response.content.decode().count('class="source-row"') == 50


def test_changes_requested_page_query_count(
    browser: Client, author: Any, django_assert_max_num_queries: Any, commit: Any
) -> None:
    article = submitted(author)
    with commit():
        workflow.article_request_changes(actor=EditorFactory(), article_id=article.pk, message="Правки")
    with django_assert_max_num_queries(16):
        assert browser.get(f"/studio/{article.pk}/").status_code == 200
    assert ArticleEvent.objects.filter(article=article, action=Action.REQUEST_CHANGES).exists()


def test_scheduled_article_says_when_it_will_be_published(browser: Client, author: Any, commit: Any) -> None:
    article = submitted(author)
    when = timezone.now() + timedelta(days=3)
    with commit():
        workflow.article_approve(actor=EditorFactory(), article_id=article.pk, publish_at=when)
    page = text_of(browser.get(f"/studio/{article.pk}/").content.decode())
    assert "Делать ничего не нужно: материал выйдет" in page
