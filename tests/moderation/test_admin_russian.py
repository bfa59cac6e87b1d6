"""The editors' desk speaks correct Russian: every admin page of the project's models, rendered in Russian for a chief
editor (who sees every project admin), has no English left of the project's strings and no count or title that
Django built by gluing a number or a verb to a noun in the nominative («8 статьи», «Изменить статья»).

How an untranslated string is found: the page is rendered in English and in Russian; a Latin word of a visible text
of the Russian page that the English page also shows is English left untranslated, unless it comes from the data
the test created (codes, e-mails, check names, ...) or is a name that is the same in both languages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from moderation.models import EditorApplication, LexiconEntry
from newsroom.accounts.models import RoleChange
from newsroom.channels.models import Channel, Delivery
from submissions.models import Category, ConflictDeclaration, ReviewStage
from tests.factories import ArticleFactory, EditorFactory, UserFactory
from tests.helpers import submit_and_approve, submitted

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"accounts", "submissions", "moderation", "channels", "publishing"}
# the same in both languages: proper names, units, abbreviations
SAME_IN_BOTH = {
    "API",
    "ID",
    "HTTP",
    "IP",
    "Telegram",
    "English",
    "HTML",
    "ms",
    "URL",
    "Markdown",
    "Newsroom",
    "Django",
}
SAME_IN_BOTH |= {"Control", "Command", "Mac"}  # the keys named by Django's help for a multiple choice
SAME_IN_BOTH |= {"id"}  # «числовой id чата»
_WORD = re.compile(r"[A-Za-z]{2,}")
# an e-mail, a URL, a path or file name, a code, a masked secret, a header name (X-Newsroom-Signature)
_SKIP_TOKEN = re.compile(r"@|/|_|\*|\w\.\w|[A-Z]\w*-[A-Z]")


class _Texts(HTMLParser):
    """The texts a reader sees: text nodes (not of scripts, styles, templates or textareas, whose content is
    data), option labels, and the labels of submit buttons and placeholders."""

    HIDDEN = {"script", "style", "template", "textarea", "title"}

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.texts.append(str(attributes["value"]))
        if attributes.get("placeholder"):
            self.texts.append(str(attributes["placeholder"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    # the <title> as well: it is what the browser's tab shows
    titles = re.findall(r"<title>(.*?)</title>", html, re.S)
    return parser.texts + [" ".join(t.split()) for t in titles]


def latin_words(text: str) -> set[str]:
    words: set[str] = set()
    for token in text.split():
        if _SKIP_TOKEN.search(token):
            continue
        words.update(_WORD.findall(token))
    return words


def data_words() -> set[str]:
    """Every Latin word stored in the project's tables (and the users'): what the pages show as data."""
    words: set[str] = set()
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if not model._meta.proxy:
                words |= _stored_words(model)
    return words


def _stored_words(model: type[models.Model]) -> set[str]:
    words: set[str] = set()
    for row in model._default_manager.all():
        for field in model._meta.concrete_fields:
            value = getattr(row, field.attname)
            if value is not None and not isinstance(field, models.DateTimeField):
                words |= latin_words(str(value))
        words |= latin_words(str(row))
    return words


@pytest.fixture
def desk(client: Any) -> Any:
    """A chief editor signed in, and one object of each project model the admin shows."""
    chief = UserFactory(role="chief_editor", display_name="Главный Редактор")
    author = UserFactory(display_name="Мария Иванова")
    submitted(author)  # in review: in the queue, with its check results
    city = Category.objects.get(slug="city")
    RoleChange.objects.create(user=author, role="editor", granted=True, actor=chief, note="по заявке")
    ReviewStage.objects.create(code="factcheck", name_ru="Проверка фактов", name_en="Fact check")
    # not the article's category: the queue would leave it out for the chief
    other = Category.objects.exclude(pk=city.pk).first()
    ConflictDeclaration.objects.create(editor=chief, category=other, reason="пишу для этого раздела сам")
    EditorApplication.objects.create(user=author, motivation="Хочу помогать редакции.")
    LexiconEntry.objects.create(language="ru", category="spam", term="лёгкий заработок", severity=2)
    # published: on the channel desk; its delivery is written here (no channel was active to send it for real)
    published = submit_and_approve(ArticleFactory(author=UserFactory()), EditorFactory())
    channel = Channel.objects.create(
        name="Городской канал", kind="webhook", url="https://hooks.example.org/in", is_active=False
    )
    Delivery.objects.create(channel=channel, article=published, kind="publish")
    client.force_login(chief)
    return client


def project_admins() -> list[tuple[type[models.Model], admin.ModelAdmin]]:
    return sorted(
        (
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if model._meta.app_label in PROJECT_APPS
        ),
        key=lambda pair: pair[0]._meta.label,
    )


def page(client: Any, url: str, lang: str) -> tuple[Any, list[str]]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang, follow=True)
    assert response.status_code == 200, (url, lang, response.status_code)
    return response, visible_texts(response.content.decode())


def untranslated(ru: list[str], en: list[str], data: set[str]) -> dict[str, list[str]]:
    """English words of the Russian page (also on the English page, not data) -> the texts they are in."""
    english = set().union(*(latin_words(text) for text in en)) if en else set()
    found: dict[str, list[str]] = {}
    for text in ru:
        for word in latin_words(text):
            if word in english and word not in data and word not in SAME_IN_BOTH:
                found.setdefault(word, []).append(text)
    return found


def glued_phrases(model: type[models.Model], model_admin: Any, count: int | None) -> list[str]:
    """What Django writes when it glues a verb or a number to the model's name, in Russian: none of it may
    appear (except where it happens to be right, e.g. «Добавить канал»)."""
    opts = model._meta
    names = [str(opts.verbose_name), str(opts.verbose_name_plural)]
    right = {gettext("Cannot delete %(thing)s") % {"thing": getattr(model_admin, "accusative", "")}}
    for verb in ("Add", "Change", "View"):
        right.add(gettext(f"{verb} %(thing)s") % {"thing": getattr(model_admin, "accusative", "")})
    glued = [
        gettext(pattern) % name for pattern in ("Select %s to change", "Select %s to view") for name in names
    ]
    glued += [gettext(pattern) % name for pattern in ("Add %s", "Change %s", "View %s") for name in names]
    glued += [gettext("Cannot delete %(name)s") % {"name": name} for name in names]
    if count is not None:
        counted = getattr(model_admin, "counted", None)
        if counted is not None:
            right.add(counted % {"count": count})
        glued += [f"{count} {name}" for name in names]
    return [phrase for phrase in glued if phrase not in right]


def check_page(client: Any, url: str, model: type[models.Model], model_admin: Any, data: set[str]) -> Any:
    response, ru = page(client, url, "ru")
    _en_response, en = page(client, url, "en")
    problems = untranslated(ru, en, data)
    assert not problems, f"{url}: English on the Russian page: {problems}"
    cl = response.context.get("cl") if response.context else None
    count = cl.result_count if cl is not None else None
    joined = "\n".join(ru)
    with translation.override("ru"):
        bad = [phrase for phrase in glued_phrases(model, model_admin, count) if phrase in joined]
        assert not bad, f"{url}: ungrammatical Russian: {bad}"
        if cl is not None:
            counted = getattr(model_admin, "counted", None)
            assert counted is not None, f"{model_admin}: no `counted` phrase (newsroom.adminkit.DeskPhrases)"
            assert counted % {"count": count} in joined, (url, counted % {"count": count})
            assert str(capfirst(model._meta.verbose_name_plural)) in joined  # the list's title
    if cl is not None and getattr(model_admin, "counted", None) is not None:
        # and the English page stays English: its count and title
        english = "\n".join(en)
        with translation.override("en"):
            assert model_admin.counted % {"count": count} in english, (url, english[-500:])
            assert str(capfirst(model._meta.verbose_name_plural)) in english
            assert not re.search("[а-яё]", str(model_admin.counted % {"count": count}))
    return response


@pytest.mark.parametrize("model_label", [model._meta.label for model, _admin in project_admins()])
def test_every_admin_page_of_a_project_model_is_in_correct_russian(desk: Any, model_label: str) -> None:
    model, model_admin = next(pair for pair in project_admins() if pair[0]._meta.label == model_label)
    opts = model._meta
    data = data_words()
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    response = check_page(desk, base, model, model_admin, data)
    objects = list(response.context["cl"].result_list)
    assert objects, f"{base}: nothing to open (the fixture must create one {opts.label})"
    check_page(desk, f"{base}{objects[0].pk}/change/", model, model_admin, data)
    request = response.wsgi_request
    if model_admin.has_add_permission(request):
        check_page(desk, f"{base}add/", model, model_admin, data)
    if model_admin.has_delete_permission(request, objects[0]):
        check_page(desk, f"{base}{objects[0].pk}/delete/", model, model_admin, data)


def test_the_project_admins_are_all_covered() -> None:
    """The parametrised test above walks the admin's registry: nothing of the project's is left out."""
    labels = {model._meta.label for model, _admin in project_admins()}
    assert {"submissions.Article", "moderation.QueueItem", "accounts.User", "channels.Delivery"} <= labels


def test_counts_decline_the_noun_in_russian_and_english() -> None:
    """1 статья, 2 статьи, 5 статей, 21 статья; 1 article, 2 articles."""
    for model, model_admin in project_admins():
        counted = getattr(model_admin, "counted", None)
        assert counted is not None, f"{model._meta.label}: no `counted` phrase"
        with translation.override("ru"):
            one, few, many, twenty_one = (counted % {"count": n} for n in (1, 2, 5, 21))
            assert re.search("[а-яё]", many), (model, many)
            assert len({one[1:], few[1:], many[1:]}) == 3, (model, one, few, many)
            assert twenty_one[2:] == one[1:], (model, twenty_one, one)
        with translation.override("en"):
            assert counted % {"count": 1} != counted % {"count": 2}
            assert not re.search("[а-яё]", counted % {"count": 2})


def test_the_filter_placeholder_is_russian() -> None:
    from django.db.models.fields import BLANK_CHOICE_LABEL

    with translation.override("ru"):
        assert str(BLANK_CHOICE_LABEL) != "- Select an option -"


def test_messages_after_a_save_do_not_agree_a_masculine_verb_with_any_noun(desk: Any) -> None:
    """Django's Russian «рубрика «Город» был успешно изменен» is reworded: «Сохранено: рубрика «Город».»"""
    from django.contrib.messages import get_messages
    from django.utils.html import strip_tags

    stage = ReviewStage.objects.get(code="factcheck")
    response = desk.post(
        f"/admin/submissions/reviewstage/{stage.pk}/change/",
        {
            "name_ru": "Проверка фактов",
            "name_en": "Fact check",
            "position": "1",
            "is_active": "on",
            "separate_person": "on",
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    texts = [strip_tags(str(m)) for m in get_messages(response.wsgi_request)]
    assert texts == ["Сохранено: этап проверки «factcheck»."]
