"""The author's timeline page (/studio/<id>/timeline/, newsroom.studio.timeline): every kind of event the author may
see, told in their language; the word diffs of revisions, escaped; the checks as authors see them; and never the
editors' internal work (the scenario of tests/moderation/test_author_visibility.py, in Russian and in English)."""

from __future__ import annotations

import ast
import random
import re
from datetime import timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from moderation.models import CheckResult
from newsroom.studio.timeline import CONTEXT, trimmed
from submissions import policy, services, workflow
from submissions.models import ArticleEvent, Category, Revision
from submissions.revisions import word_diff
from submissions.states import Action, RevisionKind, Status
from tests.factories import ArticleFactory, EditorFactory, UserFactory
from tests.helpers import signed_in, submitted
from tests.moderation.test_author_visibility import BODY, EDITOR_IDS, INTERNAL, OTHER_ID, OTHER_TITLE, _story

pytestmark = pytest.mark.django_db


def url(article: Any) -> str:
    return f"/studio/{article.pk}/timeline/"


def page(user: Any, article: Any, lang: str = "ru") -> str:
    response = signed_in(user, lang).get(url(article))
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def text_of(html: str) -> str:
    """The page's words, without tags, entities decoded, with white space collapsed."""
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" (?=[:;,.])", "", words)


# --- internal work never shows ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_story_shows_what_the_author_may_see_and_nothing_internal(api, commit, contributor, lang):
    article, world = _story(commit, api, contributor)
    assert any(
        f["code"] == policy.UNPUBLISHED_MATCH
        for r in CheckResult.objects.filter(revision__article=article)
        for f in r.findings
    )  # the story holds a finding naming the other author's unpublished article
    html = page(contributor, article, lang)

    leaks = [s for s in world["secrets"] if s in html]
    leaks += [f"id {n}" for n in (OTHER_ID, *EDITOR_IDS) if re.search(rf"(?<!\d){n}(?!\d)", html)]
    assert not leaks, leaks
    assert OTHER_TITLE not in html
    # the editors' own messages to the author are there
    for message in (
        "Добавьте, пожалуйста, источники.",
        "Я добавил источники, посмотрите ещё раз.",
        "Спасибо, публикуем.",
        "Уточнено число подписей.",
        "Не нужно.",
        "Отозвано по просьбе героя материала.",
    ):
        assert message in html, message
    assert f'href="/news/{article.slug}/"' in html
    assert f'href="/studio/{article.pk}/"' in html  # back to the editor


def test_the_internal_actions_are_not_named_even_by_their_labels(api, commit, contributor):
    article, _world = _story(commit, api, contributor)
    html = page(contributor, article, "en")
    for action in INTERNAL:
        assert str(Action(action).label) not in html, action
    assert "internal" not in html.lower()


# --- every kind of event ------------------------------------------------------------------------------------------


def test_every_event_the_author_may_see_is_told_in_english(api, commit, contributor):
    article, _world = _story(commit, api, contributor)
    words = text_of(page(contributor, article, "en"))
    for sentence in (
        "You submitted version",
        "The automated checks are done: the article is waiting for an editor.",
        "An editor edited the text: version",
        "The editors asked for changes.",
        "The editor's message: Добавьте, пожалуйста, источники.",
        "Edit the article and submit it again.",
        "The editors rejected the article.",
        "Reason: Low quality",
        "You appealed the rejection.",
        "Your message: Я добавил источники, посмотрите ещё раз.",
        "The editors approved the article for publication on",
        "The publication was called off: the article is back in review.",
        "The editors approved the article.",
        "The editor's note: Спасибо, публикуем.",
        "The article was published.",
        "Open the published article",
        "A correction was published.",
        "Correction: Уточнено число подписей.",
        "You proposed an update of the published text: version",
        "The editors rejected your update: the published text stays as it was.",
        "The editors approved your update: readers now see the new text.",
        "The article was retracted.",
        "Reason: Отозвано по просьбе героя материала.",
        "The automated checks of version",
    ):
        assert sentence in words, sentence
    # the header: title, state, the next step
    assert "State: retracted" in words
    assert "The article was retracted. It stays at its address" in words
    # dated, oldest first
    times = re.findall(r'<time datetime="([^"]+)"', page(contributor, article, "en"))
    assert len(times) > 15 and times == sorted(times)


def test_the_story_in_russian(api, commit, contributor):
    article, _world = _story(commit, api, contributor)
    words = text_of(page(contributor, article, "ru"))
    for sentence in (
        "История материала",
        "Редакция попросила внести правки.",
        "Сообщение редактора: Добавьте, пожалуйста, источники.",
        "Редакция отклонила материал.",
        "Вы обжаловали отклонение.",
        "Материал опубликован.",
        "Опубликована поправка.",
        "Редакция отозвала материал.",
    ):
        assert sentence in words, sentence
    for english in ("The editors", "You submitted", "Open in the editor", "What to do:", "State:"):
        assert english not in words, english


def test_a_rejection_shows_its_reason_legal_ground_and_the_right_to_appeal(commit, contributor, editor):
    article = submitted(contributor)
    with commit():
        workflow.article_reject(
            actor=editor, article_id=article.pk, reason_code="illegal", legal_ground="ст. 13.15 КоАП РФ"
        )
    words = text_of(page(contributor, article, "en"))
    assert "The editors rejected the article." in words
    assert "Legal ground: ст. 13.15 КоАП РФ" in words
    assert "If you disagree, you may appeal this decision once." in words
    assert "you may appeal once, in the editor" in words  # the next step
    with commit():
        workflow.article_appeal(actor=contributor, article_id=article.pk, message="Закон тут ни при чём.")
    words = text_of(page(contributor, article, "en"))
    assert "If you disagree" not in words  # appealed already
    assert "Your message: Закон тут ни при чём." in words


def test_a_scheduled_article_says_when_it_will_be_published(commit, contributor, editor):
    article = submitted(contributor)
    when = timezone.now() + timedelta(days=2)
    with commit():
        workflow.article_approve(actor=editor, article_id=article.pk, publish_at=when)
    words = text_of(page(contributor, article, "en"))
    assert "The editors approved the article for publication on" in words
    assert "The article is approved and will be published on" in words
    assert "State: scheduled" in words


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.DRAFT, "This is a draft"),
        (Status.SUBMITTED, "The automated checks are running"),
        (Status.IN_REVIEW, "The editors are reviewing the article"),
        (Status.CHANGES_REQUESTED, "edit the article and submit it again"),
        (Status.PUBLISHED, "To change it, propose an update in the editor"),
        (Status.REJECTED, "you may appeal once"),
        (Status.WITHDRAWN, "You withdrew the article."),
    ],
)
def test_the_header_says_what_to_do_next(contributor, status, expected):
    article = ArticleFactory(author=contributor, status=status, slug=f"s-{status}")
    words = text_of(page(contributor, article, "en"))
    assert expected in words
    assert f'href="/studio/{article.pk}/"' in page(contributor, article, "en")


# --- diffs --------------------------------------------------------------------------------------------------------


def test_editorial_edits_and_own_saves_are_shown_as_escaped_word_diffs(commit, contributor, editor):
    article = ArticleFactory(author=contributor, title="Мост откроют в декабре")
    services.article_update(actor=contributor, article_id=article.pk, lead="Первый лид.")
    services.article_update(actor=contributor, article_id=article.pk, lead="Второй лид <b>жирный</b>.")
    with commit():
        workflow.article_submit(actor=contributor, article_id=article.pk)
    with commit():
        workflow.article_edit(
            actor=editor,
            article_id=article.pk,
            expected_version=None,
            title="Мост откроют в январе <script>alert(1)</script>",
        )
    html = page(contributor, article, "en")
    assert "<script>alert(1)</script>" not in html and "<b>жирный</b>" not in html
    # the author's own save: what was deleted and what was inserted, in words too
    assert '<del><span class="visually-hidden">deleted: </span>Первый</del>' in html
    assert '<ins><span class="visually-hidden">added: </span>Второй</ins>' in html
    assert "&lt;b&gt;жирный&lt;/b&gt;" in html
    # the editor's edit, as a change of the title
    assert '<del><span class="visually-hidden">deleted: </span>декабре</del>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    words = text_of(html)
    assert "An editor edited the text: version 4." in words
    assert "Changes from version 3 to version 4" in words
    assert "You saved version 2." in words and "Changes from version 1 to version 2" in words
    assert "The first version: nothing to compare it with." in words
    assert "No changes since version 2." in words  # the submission changed nothing
    assert "deleted text is struck through and added text is underlined" in words


def test_other_changes_are_listed_with_the_sections_name(contributor):
    article = ArticleFactory(author=contributor)
    services.article_update(actor=contributor, article_id=article.pk, lead="Лид.")
    services.article_update(
        actor=contributor,
        article_id=article.pk,
        place_name="Тверь <i>x</i>",
        language="en",
        category=Category.objects.get(slug="science-tech"),
        rights_confirmed=False,
    )
    html = page(contributor, article, "en")
    assert "Тверь &lt;i&gt;x&lt;/i&gt;" in html and "<i>x</i>" not in html
    words = text_of(html)
    assert "Place: was: — → now: Тверь <i>x</i>" in words
    assert "Language: was: Russian → now: English" in words
    assert "Section: was: City → now: Science and technology" in words
    assert "Right to publish confirmed: was: yes → now: no" in words
    words = text_of(page(contributor, article, "ru"))
    assert "Рубрика: было: Город → стало: Наука и технологии" in words


def test_a_proposed_update_is_compared_with_the_published_text(commit, contributor, editor):
    article = submitted(contributor, title="Старый заголовок о мосте")
    with commit():
        workflow.article_approve(actor=editor, article_id=article.pk)
    with commit():
        workflow.article_propose_update(
            actor=contributor, article_id=article.pk, title="Новый заголовок о мосте"
        )
    with commit():
        workflow.article_reject(actor=editor, article_id=article.pk, reason_code="low_quality")
    with commit():
        workflow.article_propose_update(
            actor=contributor, article_id=article.pk, title="Третий заголовок о мосте"
        )
    html = page(contributor, article, "en")
    # both proposals against the published revision 1, not the second against the rejected first
    assert html.count("Changes from version 1 to version") == 2
    assert '<ins><span class="visually-hidden">added: </span>Третий</ins>' in html
    assert "Your update is waiting for the editors" in text_of(html)


def test_long_unchanged_text_is_cut_around_the_changes():
    before = " ".join(f"слово{n}" for n in range(400))
    after = before.replace("слово200 ", "новое ")
    ops = trimmed(word_diff(before, after))
    assert [op.op for op in ops] == ["skip", "equal", "delete", "insert", "equal", "skip"]
    assert all(len(op.text) <= CONTEXT for op in ops if op.op == "equal")


def test_the_word_diff_compares_paragraph_by_paragraph_and_loses_nothing():
    rng = random.Random(7)
    paragraphs = [" ".join(f"w{rng.randint(0, 300)}," for _ in range(60)) for _ in range(120)]
    changed = [p.replace("w1,", "новое,", 1) + " ещё" if rng.random() < 0.3 else p for p in paragraphs]
    old, new = "\n\n".join(paragraphs), "\n\n".join(changed)
    ops = word_diff(old, new)
    assert "".join(o["text"] for o in ops if o["op"] != "insert") == old
    assert "".join(o["text"] for o in ops if o["op"] != "delete") == new
    assert sum(o["op"] == "insert" for o in ops) >= 30
    assert word_diff(old, old) == [{"op": "equal", "text": old}]


# --- checks ---------------------------------------------------------------------------------------------------------


def test_a_near_duplicate_names_only_published_matches_with_what_to_do(commit, editor):
    published = submitted(UserFactory(), title="Опубликованный материал о сквере", body=BODY)
    with commit():
        workflow.article_approve(actor=editor, article_id=published.pk)
    unpublished = submitted(UserFactory(), pk=OTHER_ID, title=OTHER_TITLE, body=BODY + " Ещё абзац.")
    author = UserFactory()
    article = submitted(author, title="Опубликованный материал о сквере", body=BODY)
    for lang in ("ru", "en"):
        html = page(author, article, lang)
        assert str(unpublished.pk) not in html and OTHER_TITLE not in html
    words = text_of(page(author, article, "en"))
    assert f"The text repeats published article #{published.pk}" in words
    assert "What to do: This text is already published." in words
    assert "Similar articles: fail" in words
    words = text_of(page(author, article, "ru"))
    assert f"№{published.pk}" in words and "Что делать:" in words


def test_a_check_that_only_named_an_unpublished_article_shows_as_passed(editor):
    submitted(UserFactory(), pk=OTHER_ID, title=OTHER_TITLE, body=BODY)
    author = UserFactory()
    article = submitted(author, title="Свой материал о сквере", body=BODY)
    [row] = CheckResult.objects.filter(revision__article=article, check_name="near_duplicate")
    assert [f["code"] for f in row.findings] == [policy.UNPUBLISHED_MATCH]
    words = text_of(page(author, article, "en"))
    assert str(OTHER_ID) not in words
    html = page(author, article, "en")
    [passed] = re.findall(r'<p class="tl-detail">No problems found by: ([^<]*)</p>', html)
    assert "Similar articles" in passed


def test_a_check_that_could_not_run_says_so(contributor):
    article = submitted(contributor)
    CheckResult.objects.filter(revision_id=article.current_revision_id, check_name="links").update(
        outcome="error", findings=[]
    )
    words = text_of(page(contributor, article, "en"))
    assert "Links: error" in words
    assert "The check could not run. The editors will review the article without it." in words


def test_photos_say_what_was_removed(contributor):
    from submissions.models import Media

    article = ArticleFactory(author=contributor)
    Media.objects.create(article=article, file="x.jpg", metadata_removed=["gps", "exif"], width=10, height=10)
    words = text_of(page(contributor, article, "en"))
    assert "Photo added; location data and other metadata removed." in words
    assert "Location data removed from 1 photo." in words


# --- access ---------------------------------------------------------------------------------------------------------


def test_another_persons_article_is_not_found(contributor, editor, chief):
    article = submitted(UserFactory())
    for user in (contributor, editor, chief):
        assert signed_in(user).get(url(article)).status_code == 404
    assert signed_in(contributor).get("/studio/999999999/timeline/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(contributor):
    article = ArticleFactory(author=contributor)
    response = Client().get(url(article))
    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next=/studio/{article.pk}/timeline/"


def test_the_page_is_read_only(contributor):
    article = ArticleFactory(author=contributor)
    client = signed_in(contributor)
    assert client.post(url(article)).status_code == 405
    assert client.head(url(article)).status_code == 200


def test_the_page_carries_no_inline_script_or_style(api, commit, contributor):
    article, _world = _story(commit, api, contributor)
    response = signed_in(contributor).get(url(article))
    html = response.content.decode()
    assert "Content-Security-Policy" in response
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\sstyle=|\son[a-z]+=", html)
    assert "studio/followup.css" in html


# --- cost -----------------------------------------------------------------------------------------------------------


def _history(author: Any, size: int) -> Any:
    """An article with `size` author revisions, `size` visible events and `size` check results."""
    article = submitted(author)
    revision = article.revisions.order_by("-number").first()
    assert revision is not None
    now = timezone.now()
    for n in range(size):
        Revision.objects.create(
            article=article,
            number=revision.number + n + 1,
            kind=RevisionKind.AUTOSAVE,
            title=article.title,
            lead=f"{article.lead} {n}",
            body=article.body,
            language=article.language,
            category=article.category,
            extra=revision.extra,
            created_by=author,
            created_at=now,
            updated_at=now + timedelta(seconds=n),
        )
        ArticleEvent.objects.create(
            article=article, actor=author, action=Action.APPEAL, message=f"Сообщение {n}", data={}
        )
        CheckResult.objects.create(
            revision=Revision.objects.get(article=article, number=revision.number + n + 1),
            check_name="links",
            outcome="warn",
            findings=[{"code": "link_shortener", "ru": "Сокращённая ссылка.", "en": "A shortened link."}],
        )
    return article


def test_the_page_costs_the_same_queries_with_1_and_50_events(django_assert_max_num_queries):
    small_author, large_author = UserFactory(), UserFactory()
    small, large = _history(small_author, 1), _history(large_author, 50)
    for author, article, size in ((small_author, small, 1), (large_author, large, 50)):
        client = signed_in(author, "en")
        with django_assert_max_num_queries(10):
            response = client.get(url(article))
        assert response.status_code == 200
        words = text_of(response.content.decode())
        assert words.count("A shortened link.") == size
        assert words.count("Version ") >= size  # every autosave is there


def test_an_editor_reading_their_own_article_sees_it_as_an_author(commit, editor, chief):
    article = submitted(editor)
    with commit():
        workflow.article_request_changes(actor=chief, article_id=article.pk, message="Уточните цифры.")
    words = text_of(page(editor, article, "en"))
    assert "The editor's message: Уточните цифры." in words
    assert chief.display_name not in words


def test_editor_names_never_show_even_for_editorial_edits(commit, contributor):
    editor = EditorFactory(display_name="Секретова Редактория")
    article = submitted(contributor)
    with commit():
        workflow.article_edit(actor=editor, article_id=article.pk, expected_version=None, lead="Новый лид.")
    html = page(contributor, article, "en")
    assert "Секретова" not in html and editor.email not in html
    assert "Editors" in text_of(html)


# --- translations -------------------------------------------------------------------------------------------------

STUDIO = Path(__file__).resolve().parents[2] / "newsroom" / "studio"
FOLLOWUP_TEMPLATES = ("timeline*.html", "notification*.html")


def _msgids() -> list[tuple[str, str, str]]:
    """(context, msgid, plural) of every text the timeline and notifications pages translate."""
    found: list[tuple[str, str, str]] = []
    for name in ("timeline.py", "notifications.py"):
        for node in ast.walk(ast.parse((STUDIO / name).read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not all(isinstance(a, ast.Constant) for a in node.args):
                continue
            name = getattr(node.func, "id", None)
            if name in ("_", "gettext_lazy"):
                found.append(("", node.args[0].value, ""))
            elif name in ("pgettext", "pgettext_lazy"):
                found.append((node.args[0].value, node.args[1].value, ""))
    for pattern in FOLLOWUP_TEMPLATES:
        for path in (STUDIO / "templates" / "studio").glob(pattern):
            text = path.read_text(encoding="utf-8")
            for quoted, context in re.findall(
                r"""{% translate ["']([^"']+)["'](?: context "([^"]+)")? %}""", text
            ):
                found.append((context, quoted, ""))
            for body, plural in re.findall(
                r"{% blocktranslate[^%]*%}(.*?)(?:{% plural %}(.*?))?{% endblocktranslate %}", text
            ):

                def to_format(s: str) -> str:
                    return re.sub(r"{{ (\w+) }}", r"%(\1)s", s)

                found.append(("", to_format(body), to_format(plural)))
    return found


def test_every_text_of_the_pages_has_a_russian_translation():
    from django.utils import translation

    msgids = _msgids()
    assert len(msgids) > 100
    missing = []
    with translation.override("ru"):
        for context, msgid, plural in msgids:
            if plural:
                done = translation.ngettext(msgid, plural, 5)
                ok = done != plural
            elif context:
                ok = translation.pgettext(context, msgid) != msgid
            else:
                ok = translation.gettext(msgid) != msgid
            if not ok:
                missing.append((context, msgid))
    assert not missing, missing
