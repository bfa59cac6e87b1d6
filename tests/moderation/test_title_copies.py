"""content_rules (version 2): a title that folds (NFKC, case, invisible characters, look-alike letters of another
script) to an existing article's title warns; to a published article's of another author, fails. Findings name
published matches only."""

from __future__ import annotations

from typing import Any

import pytest

from moderation.checks.base import Snapshot
from moderation.checks.content_rules import ContentRules
from moderation.duplicates import index_article, stored_title_key, unindex_article
from moderation.models import CheckResult, DuplicateSignature
from moderation.text import same_letters, title_key
from submissions import workflow
from submissions.models import Article, Revision
from submissions.policy import UNPUBLISHED_MATCH
from submissions.states import Status
from tests.factories import BODY_RU, ArticleFactory, UserFactory
from tests.helpers import submit_and_approve, submitted

pytestmark = pytest.mark.django_db

ORIGINAL = "Пожар в центре города потушен за час"
# the same title written with look-alike letters of another script, or otherwise disguised
COPIES = [
    "Пoжap в цeнтpe гopoдa пoтушeн зa чac",  # Latin o, a, p, e, c inside the Cyrillic words
    "ПОЖАР В ЦЕНТРЕ ГОРОДА ПОТУШЕН ЗА ЧАС",  # case
    "ПOЖAP B ЦEHTPE ГOPOДA ПOTУШEH 3A ЧAC",  # Latin capitals (and a digit 3) for Cyrillic ones
    "Пожар в\u200b центре \u202eгорода потушен — за час!",  # invisible characters, punctuation
    "Пожар\u00a0в\u2003центре города потушен за час",  # compatibility spaces (NFKC)
]
DIFFERENT = ["Пожар в центре села потушен за час", "Пожар в центре города потушен за два часа"]


@pytest.mark.parametrize("copy", COPIES)
def test_copies_fold_to_the_original(copy):
    assert title_key(copy) == title_key(ORIGINAL)


@pytest.mark.parametrize("other", DIFFERENT)
def test_other_titles_do_not(other):
    assert title_key(other) != title_key(ORIGINAL)


def test_latin_titles_with_cyrillic_look_alikes_fold_too():
    assert title_key("Fire in the сity сentre is оut") == title_key("FIRE in the city centre is out")
    assert title_key("Ｆｉｒｅ in the city centre is out") == title_key("Fire in the city centre is out")
    assert not same_letters("Пoжap в цeнтpe", "Пожар в центре") and same_letters(
        "ПОЖАР, в центре", "Пожар в центре"
    )


@pytest.fixture
def published(editor: Any) -> Any:
    author = UserFactory(trust_level=3)
    article = submit_and_approve(ArticleFactory(author=author, title=ORIGINAL), editor)
    assert article.status == Status.PUBLISHED
    return article


def snap(title: str, author: Any = None) -> Snapshot:
    """A snapshot of a new draft's text under `title` (the check reads the other articles from the database)."""
    article = ArticleFactory(author=author or UserFactory(), title=title)
    return Snapshot(
        revision_id=1, article_id=article.pk, author_id=article.author_id, title=title, lead="Лид.",
        body=BODY_RU, language="ru", category="city",
    )  # fmt: skip


def content_rules(article: Any) -> CheckResult:
    return CheckResult.objects.get(revision=article.current_revision, check_name="content_rules")


def test_the_look_alike_copy_of_another_authors_published_title_fails(published):
    """The issue's example: «Пожар в центре…» typed with Latin P/o/e/a by another author."""
    copy = submitted(UserFactory(), title=COPIES[0])
    result = content_rules(copy)
    assert result.outcome == "fail" and result.check_version == 2
    [finding] = [f for f in result.findings if f["code"] == "title_copies_published"]
    assert f"№{published.pk}" in finding["ru"] and f"#{published.pk}" in finding["en"]
    assert "look-alike" in finding["en"] and "другого алфавита" in finding["ru"]
    assert result.evidence["title_matches"] == [
        {"article_id": published.pk, "status": Status.PUBLISHED, "look_alike": True}
    ]


@pytest.mark.parametrize("copy", COPIES[1:])
def test_every_disguise_of_a_published_title_fails(published, copy):
    result = ContentRules().run(snap(copy))
    assert result.outcome == "fail"
    assert [f.code for f in result.findings if f.code.startswith("title_")] == ["title_copies_published"]


def test_the_same_authors_published_title_warns(published):
    result = ContentRules().run(snap(COPIES[1], published.author))
    assert result.outcome == "warn"
    assert [f.code for f in result.findings] == ["title_repeats_published"]
    assert f"#{published.pk}" in result.findings[0].en and "look-alike" not in result.findings[0].en


def test_an_unpublished_match_warns_the_editors_without_naming_it(api, queued):
    first = queued(title=ORIGINAL)
    copy = submitted(UserFactory(), title=COPIES[0])
    result = content_rules(copy)
    assert result.outcome == "warn"
    assert [f["code"] for f in result.findings] == [UNPUBLISHED_MATCH]
    assert str(first.pk) not in result.findings[0]["ru"] + result.findings[0]["en"]
    assert result.evidence["title_matches"][0]["article_id"] == first.pk  # evidence: editors only
    # the author learns nothing of the other article
    for lang in ("ru", "en"):
        response = api(copy.author, lang=lang).get(f"/api/v1/articles/{copy.pk}/checks/")
        [rules] = [r for r in response.json() if r["check"] == "content_rules"]
        assert (rules["outcome"], rules["findings"]) == ("pass", [])
        shown = response.content.decode()
        assert f"№{first.pk}" not in shown and f"#{first.pk}" not in shown and UNPUBLISHED_MATCH not in shown


def test_drafts_and_the_article_itself_are_never_matched(contributor):
    ArticleFactory(author=UserFactory(), title=ORIGINAL)  # another author's draft: the editors never saw it
    article = submitted(contributor, title=COPIES[0])
    result = content_rules(article)
    assert result.outcome == "pass" and result.evidence["title_matches"] == []


def test_a_different_title_passes(published):
    result = ContentRules().run(snap(DIFFERENT[0]))
    assert result.outcome == "pass" and result.evidence["title_matches"] == []


# --- the indexed lookup: DuplicateSignature.title_key -------------------------------------------------------------


def indexed(title: str, status: str = Status.PUBLISHED) -> Any:
    """An article by a fresh author whose current revision carries `title`, in `status`, in the index."""
    article = ArticleFactory(author=UserFactory(), title=title)
    revision = Revision.objects.create(
        article=article, number=1, title=title, lead=article.lead, body=article.body, language="ru",
        category=article.category, created_by=article.author,
    )  # fmt: skip
    Article.objects.filter(pk=article.pk).update(status=status, current_revision=revision)
    assert index_article(article.pk)
    return article


def key_of(article: Any) -> str | None:
    return DuplicateSignature.objects.filter(article=article).values_list("title_key", flat=True).first()


@pytest.mark.parametrize("articles", [3, 30])
def test_the_lookup_is_one_query_whatever_the_number_of_articles(django_assert_num_queries, articles):
    copies = [indexed(COPIES[n % len(COPIES)]) for n in range(articles // 3)]
    for n in range(articles - len(copies)):
        indexed(f"Жители против вырубки сквера, выпуск {n}")
    snapshot = snap(COPIES[0])
    with django_assert_num_queries(1) as queries:  # one indexed equality lookup, joined to the articles
        result = ContentRules().run(snapshot)
    assert '"title_key" =' in queries.captured_queries[0]["sql"]  # not a scan of every title
    assert result.outcome == "fail"
    # published matches, newest first, at most REPORTED_TITLE_MATCHES
    expected = [a.pk for a in reversed(copies)][:5]
    assert [m["article_id"] for m in result.evidence["title_matches"]] == expected


def test_published_matches_come_before_newer_unpublished_ones():
    published = indexed(COPIES[1])
    waiting = [indexed(COPIES[2], Status.IN_REVIEW) for _ in range(5)]
    matches = ContentRules().run(snap(ORIGINAL)).evidence["title_matches"]
    assert [m["article_id"] for m in matches] == [published.pk, *(a.pk for a in reversed(waiting[1:]))]


def test_the_key_follows_the_indexed_title(editor, queued, commit):
    article = queued(title=ORIGINAL)  # submitting indexes it (the sync runs after commit, eagerly here)
    assert key_of(article) == stored_title_key(ORIGINAL) == title_key(COPIES[0])
    with commit():
        workflow.article_edit(actor=editor, article_id=article.pk, expected_version=None, title=DIFFERENT[0])
    assert key_of(article) == title_key(DIFFERENT[0])
    assert ContentRules().run(snap(DIFFERENT[0])).evidence["title_matches"][0]["article_id"] == article.pk
    assert ContentRules().run(snap(ORIGINAL)).evidence["title_matches"] == []
    unindex_article(article.pk)
    assert key_of(article) is None
    assert ContentRules().run(snap(DIFFERENT[0])).evidence["title_matches"] == []


def test_an_article_that_left_the_indexed_states_is_not_matched():
    """Rejected, withdrawn, retracted articles and those sent back for changes are not in the index (a stale row
    of one, until unindexed or rebuilt, is not reported either)."""
    article = indexed(ORIGINAL)
    Article.objects.filter(pk=article.pk).update(status=Status.REJECTED)
    assert key_of(article) == title_key(ORIGINAL)  # the stale row...
    assert ContentRules().run(snap(COPIES[1])).outcome == "pass"  # ...is not reported
    # what is matched is the index: a published article not (yet) indexed, as before `rebuild_duplicate_index`
    # fills the keys after the migration, is not
    Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED)
    DuplicateSignature.objects.filter(article=article).update(title_key="")
    assert ContentRules().run(snap(COPIES[1])).outcome == "pass"
    assert index_article(article.pk) and ContentRules().run(snap(COPIES[1])).outcome == "fail"


def test_the_stored_key_is_clipped_and_compared_clipped():
    """Titles of expanding compatibility characters (U+FDFA folds to 18 letters) are compared on the first
    TITLE_KEY_MAX characters of their keys, as stored."""
    title = "\ufdfa" * 200
    assert len(title_key(title)) > DuplicateSignature.TITLE_KEY_MAX
    article = indexed(title)
    assert key_of(article) == stored_title_key(title) and len(stored_title_key(title)) == 600
    result = ContentRules().run(snap(title))
    assert [m["article_id"] for m in result.evidence["title_matches"]] == [article.pk]


def test_the_key_follows_an_approved_update_of_a_published_article(editor, commit):
    """The approval of an author's update is a decision: the index resyncs on it, so the key is the live title's."""
    author = UserFactory()
    article = submit_and_approve(ArticleFactory(author=author, title=ORIGINAL, body=BODY_RU), editor)
    assert article.status == Status.PUBLISHED and key_of(article) == title_key(ORIGINAL)
    with commit():
        workflow.article_propose_update(actor=author, article_id=article.pk, title=DIFFERENT[0])
    assert key_of(article) == title_key(ORIGINAL)  # still the live title while the update waits
    with commit():
        workflow.article_approve(actor=editor, article_id=article.pk)
    assert key_of(article) == title_key(DIFFERENT[0])
