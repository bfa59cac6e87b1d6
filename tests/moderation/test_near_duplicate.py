import hashlib
import re

import pytest
from django.core.management import call_command

from moderation import duplicates
from moderation.checks.base import Snapshot
from moderation.checks.near_duplicate import NearDuplicate
from moderation.duplicates import (
    THRESHOLD,
    band_hashes,
    compare,
    find_similar,
    index_article,
    pack,
    shingles,
    shingles_from_stems,
    signature,
    sync_article,
    unindex_article,
    unpack,
)
from moderation.models import DuplicateBand, DuplicateSignature
from moderation.text import stems
from submissions import workflow
from submissions.models import Article, Revision
from submissions.states import Status
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import submit_and_approve

pytestmark = pytest.mark.django_db

RU_TITLE = "В Заречном районе закрыли на ремонт единственную поликлинику"
RU_LEAD = "Жителям района предлагают ездить к врачам на другой конец города, автобусы ходят редко."
RU = [
    "С понедельника поликлиника в Заречном районе закрыта на капитальный ремонт, который продлится не меньше "
    "восьми месяцев. Об этом жители узнали из объявления на двери, за три дня до закрытия.",
    "Пациентов прикрепили к городской больнице номер четыре на противоположном берегу реки. Дорога туда на "
    "автобусе занимает больше часа, а прямой маршрут ходит только утром и вечером.",
    "Пожилые люди рассказывают, что записаться к терапевту по телефону почти невозможно: линия всё время "
    "занята, а в приложении свободные талоны появляются на две недели вперёд.",
    "В департаменте здравоохранения объяснили, что здание построено в шестидесятых годах и давно не отвечает "
    "требованиям безопасности. Временный пункт приёма обещают открыть в бывшей библиотеке на улице Садовой.",
    "Активисты собрали почти тысячу подписей под обращением к мэру с просьбой запустить бесплатный автобус до "
    "больницы и продлить работу выездной бригады, которая принимает вызовы на дом.",
    "Депутат районного совета пообещал вынести вопрос на ближайшее заседание. Следующая встреча жителей с "
    "чиновниками назначена на четверг в актовом зале школы номер двенадцать.",
]
RU_OTHER_PARAGRAPH = (
    "Главный врач больницы заверила, что дополнительные кабинеты для жителей Заречного откроются уже в "
    "следующем месяце, а запись к узким специалистам переведут на отдельный телефон."
)
# the same words in other cases: every pair has one Snowball stem (asserted below)
REINFLECTED = {
    "поликлиника": "поликлиникой", "ремонт": "ремонтом", "жители": "жителями", "двери": "дверью",
    "Пациентов": "Пациентам", "больнице": "больницы", "реки": "рекой", "Дорога": "Дорогой",
    "автобусе": "автобусами", "маршрут": "маршрутом", "люди": "людям", "терапевту": "терапевтом",
    "телефону": "телефоном", "линия": "линией", "приложении": "приложения", "здание": "зданием",
    "годах": "годами", "библиотеке": "библиотекой", "улице": "улицей", "подписей": "подписями",
    "обращением": "обращения", "мэру": "мэром", "просьбой": "просьбы", "вопрос": "вопросом",
    "заседание": "заседанием", "встреча": "встречей", "чиновниками": "чиновникам", "школы": "школой",
    "района": "районом",
}  # fmt: skip

RU_UNRELATED_TITLE = "Фестиваль уличной еды собрал в парке тысячи гостей"
RU_UNRELATED = [
    "В выходные в центральном парке прошёл фестиваль уличной еды. Больше сорока поваров из разных регионов "
    "готовили блюда прямо на глазах у посетителей, очереди к самым популярным палаткам тянулись до вечера.",
    "Организаторы рассказали, что в этом году сделали ставку на местных фермеров и сезонные продукты, а вместо "
    "пластиковой посуды раздавали тарелки из прессованных листьев.",
    "Следующий фестиваль планируют провести осенью на набережной, заявки от участников начнут принимать в июле.",
]

EN_TITLE = "City council approves a new cycle lane network after a year of debate"
EN_LEAD = "Twelve kilometres of protected lanes will link the railway station with the university campus."
EN = [
    "After more than a year of public hearings, the city council voted on Tuesday to build a network of "
    "protected cycle lanes across the centre. The first section is due to open next spring.",
    "Supporters say the lanes will make it safer for students to ride to the campus, while several shop owners "
    "on the high street fear losing the parking spaces in front of their windows.",
    "The transport department promised to publish detailed maps of every section and to hold another round of "
    "consultations with residents before the works begin in each district.",
]


def text(paragraphs):
    return "\n\n".join(paragraphs)


def make(title, lead, paragraphs, *, status=Status.PUBLISHED, language="ru", index=True, author=None):
    """An article whose current revision carries the text, in `status`; indexed unless told otherwise."""
    author = author or UserFactory()
    body = text(paragraphs)
    article = ArticleFactory(author=author, title=title, lead=lead, body=body, language=language)
    revision = Revision.objects.create(
        article=article,
        number=article.revisions.count() + 1,
        title=title,
        lead=lead,
        body=body,
        language=language,
        category=article.category,
        created_by=author,
    )
    Article.objects.filter(pk=article.pk).update(status=status, current_revision=revision)
    if index:
        assert index_article(article.pk)
    article.refresh_from_db()
    return article


def check(article):
    return NearDuplicate().run(Snapshot.of(article.current_revision))


def reinflect(value):
    return re.sub(r"\w+", lambda m: REINFLECTED.get(m.group(0), m.group(0)), value)


# --- shingles and signatures --------------------------------------------------------------------------------------


def test_shingles_are_word_trigrams_of_stems():
    assert shingles("Новости дня") == {"новост", "дня"}  # fewer than three words: the words themselves
    assert shingles("Новостями ДНЯ, сегодня вечером!") == {"новост дня сегодн", "дня сегодн вечер"}
    assert shingles("") == set()
    sample = text(RU) + " " + text(EN)
    assert shingles(sample) == shingles_from_stems(stems(sample))  # the cache changes nothing


def test_signatures_are_stable_across_processes_and_versions():
    sig = signature(shingles("Жители района собрались у здания администрации, чтобы обсудить планы."))
    assert sig.dtype.name == "uint32" and sig.shape == (128,)
    assert unpack(pack(sig)).tolist() == sig.tolist() and len(pack(sig)) == 512
    hashes = band_hashes(sig)
    assert len(hashes) == 32 and all(-(2**63) <= h < 2**63 for h in hashes)
    # fixed seed and scheme: a change here silently breaks the persisted index (rebuild_duplicate_index)
    full = signature(
        shingles(
            "Жители района собрались у здания администрации, чтобы обсудить планы строительства новой дороги."
        )
    )
    assert hashlib.blake2b(pack(full), digest_size=8).hexdigest() == "fcf7157f7b097db6"
    # the bulk path (rebuild, the recall test) gives the same values
    assert [s.tolist() for s in duplicates.signatures([shingles(text(RU)), set()])] == [
        signature(shingles(text(RU))).tolist(),
        [2**32 - 1] * 128,
    ]


def test_the_lsh_threshold_finds_jaccard_0_8_practically_always():
    def p(s):
        return 1 - (1 - s**duplicates.ROWS) ** duplicates.BANDS

    assert round(THRESHOLD, 2) == 0.42
    assert p(0.8) > 0.9999 and p(0.6) > 0.98 and p(0.2) < 0.06


# --- the check ----------------------------------------------------------------------------------------------------


@pytest.fixture
def submit_and_publish(editor):
    def make_published(author, **fields):
        author.trust_level = 3  # the daily allowance is not what these tests are about
        author.save(update_fields=["trust_level"])
        return submit_and_approve(ArticleFactory(author=author, **fields), editor)

    return make_published


def test_an_exact_copy_of_a_published_article_fails(submit_and_publish, commit):
    original = submit_and_publish(UserFactory(), title=RU_TITLE, lead=RU_LEAD, body=text(RU))
    assert original.status == Status.PUBLISHED
    assert index_article(original.pk)  # what the publish receiver will do

    thief = UserFactory(trust_level=3)
    copy = ArticleFactory(author=thief, title=RU_TITLE, lead=RU_LEAD, body=text(RU))
    with commit():
        workflow.article_submit(actor=thief, article_id=copy.pk)
    copy.refresh_from_db()
    result = check(copy)
    assert result.outcome == "fail" and result.score == 1.0
    assert result.evidence == {
        "matches": [{"article": original.pk, "jaccard": 1.0, "containment": 1.0, "status": "published"}]
    }
    [finding] = result.findings
    assert finding.code == "duplicate_of_published"
    assert f"№{original.pk}" in finding.ru and f"#{original.pk}" in finding.en and "100%" in finding.en


def test_an_exact_copy_in_english_fails_too():
    original = make(EN_TITLE, EN_LEAD, EN, language="en")
    copy = make(
        EN_TITLE.upper(), EN_LEAD, [p.replace(",", "") for p in EN], status=Status.SUBMITTED, index=False
    )
    result = check(copy)
    assert result.outcome == "fail" and result.evidence["matches"][0]["article"] == original.pk


def test_a_retyped_copy_with_one_paragraph_changed_warns():
    original = make(RU_TITLE, RU_LEAD, RU)
    retyped = [p.replace("  ", " ").replace("ё", "е") for p in RU]
    retyped[3] = RU_OTHER_PARAGRAPH
    copy = make(RU_TITLE, RU_LEAD.lower(), retyped, status=Status.SUBMITTED, index=False)
    result = check(copy)
    [match] = result.evidence["matches"]
    print(f"\none paragraph of six changed: jaccard {match['jaccard']}, containment {match['containment']}")
    assert match["article"] == original.pk and match["status"] == "published"
    assert 0.6 <= match["jaccard"] < 0.95
    assert result.outcome == "warn" and result.score == match["containment"]
    assert [f.code for f in result.findings] == ["near_duplicate"]
    assert (
        "опубликованной статьёй" in result.findings[0].ru and "a published article" in result.findings[0].en
    )


def test_a_copy_with_words_in_other_cases_is_still_found():
    for before, after in REINFLECTED.items():
        assert stems(before) == stems(after), (before, after)
    original = make(RU_TITLE, RU_LEAD, RU)
    copy = make(
        RU_TITLE, reinflect(RU_LEAD), [reinflect(p) for p in RU], status=Status.SUBMITTED, index=False
    )

    def raw(value):  # the same comparison without stemming
        tokens = value.lower().split()
        return {" ".join(tokens[i : i + 3]) for i in range(len(tokens) - 2)}

    raw_jaccard, _ = compare(raw(text(RU)), raw(reinflect(text(RU))))
    result = check(copy)
    print(
        f"\nre-inflected copy: jaccard on stems {result.evidence['matches'][0]['jaccard']}, on words {raw_jaccard:.2f}"
    )
    assert raw_jaccard < 0.5  # the words differ...
    assert result.outcome == "fail"  # ...the stems do not
    assert result.evidence["matches"][0] == {
        "article": original.pk,
        "jaccard": 1.0,
        "containment": 1.0,
        "status": "published",
    }


def test_a_copy_with_an_added_paragraph_is_caught_by_containment():
    original = make(RU_TITLE, RU_LEAD, RU[:4])
    padded = make(
        RU_TITLE, RU_LEAD, [*RU[:4], RU_OTHER_PARAGRAPH, RU[5]], status=Status.SUBMITTED, index=False
    )
    result = check(padded)
    [match] = result.evidence["matches"]
    print(f"\nadded paragraphs: jaccard {match['jaccard']}, containment {match['containment']}")
    assert match["article"] == original.pk and match["containment"] == 1.0 and match["jaccard"] < 0.95
    assert result.outcome == "warn" and result.score == 1.0


def test_a_copy_of_an_article_in_review_warns_but_does_not_fail():
    in_review = make(RU_TITLE, RU_LEAD, RU, status=Status.IN_REVIEW)
    copy = make(RU_TITLE, RU_LEAD, RU, status=Status.SUBMITTED, index=False)
    result = check(copy)
    assert result.outcome == "warn" and result.score == 1.0
    assert result.evidence["matches"][0] == {
        "article": in_review.pk,
        "jaccard": 1.0,
        "containment": 1.0,
        "status": "in_review",
    }
    assert "статьёй на проверке" in result.findings[0].ru and "in review" in result.findings[0].en


def test_unrelated_articles_pass():
    make(RU_TITLE, RU_LEAD, RU)
    make(EN_TITLE, EN_LEAD, EN, language="en")
    for article in (
        make(
            RU_UNRELATED_TITLE, "Повара со всей страны.", RU_UNRELATED, status=Status.SUBMITTED, index=False
        ),
        make("Weather", "Rain again.", ["Heavy rain is expected on Friday across the region."], index=False),
    ):
        result = check(article)
        assert (result.outcome, result.score, result.findings, result.evidence) == (
            "pass",
            0.0,
            [],
            {"matches": []},
        )


def test_the_articles_own_previous_revision_is_not_reported():
    article = make(RU_TITLE, RU_LEAD, RU, status=Status.IN_REVIEW)  # revision 1 indexed
    # changes requested, the author resubmits a lightly edited text as revision 2
    revision = Revision.objects.create(
        article=article,
        number=2,
        title=RU_TITLE,
        lead=RU_LEAD,
        body=text([*RU[:5], RU[5] + " Обновлено."]),
        language="ru",
        category=article.category,
        created_by=article.author,
    )
    Article.objects.filter(pk=article.pk).update(status=Status.SUBMITTED, current_revision=revision)
    result = NearDuplicate().run(Snapshot.of(revision))
    assert result.outcome == "pass" and result.evidence == {"matches": []}
    # the same text under another article is reported
    other = make(RU_TITLE, RU_LEAD, [*RU[:5], RU[5] + " Обновлено."], status=Status.SUBMITTED, index=False)
    assert [m["article"] for m in check(other).evidence["matches"]] == [article.pk]


# --- the index ----------------------------------------------------------------------------------------------------


def test_index_and_unindex():
    article = make(RU_TITLE, RU_LEAD, RU, index=False)
    assert find_similar(text(RU)) == []
    assert index_article(article.pk)
    row = DuplicateSignature.objects.get(article=article)
    assert row.revision_id == article.current_revision_id and row.shingles == len(
        shingles(duplicates.article_text(RU_TITLE, RU_LEAD, text(RU)))
    )
    assert sorted(DuplicateBand.objects.filter(article=article).values_list("band", flat=True)) == list(
        range(32)
    )
    assert [m.article_id for m in find_similar(text(RU))] == [article.pk]
    assert find_similar(text(RU), exclude_article_id=article.pk) == []

    assert index_article(article.pk)  # again: replaced, not added
    assert DuplicateSignature.objects.count() == 1 and DuplicateBand.objects.count() == 32

    unindex_article(article.pk)
    assert not DuplicateSignature.objects.exists() and not DuplicateBand.objects.exists()
    assert find_similar(text(RU)) == []


def test_reindexing_follows_the_current_revision():
    article = make(RU_TITLE, RU_LEAD, RU)
    revision = Revision.objects.create(
        article=article,
        number=2,
        title=EN_TITLE,
        lead=EN_LEAD,
        body=text(EN),
        language="en",
        category=article.category,
        created_by=article.author,
    )
    Article.objects.filter(pk=article.pk).update(current_revision=revision)
    # until reindexed, the stale bands still find it, but it is confirmed against its current text
    assert find_similar(text(RU)) == []
    assert index_article(article.pk)
    assert DuplicateSignature.objects.get(article=article).revision_id == revision.pk
    assert [m.article_id for m in find_similar(text(EN))] == [article.pk]


def test_the_working_copy_is_indexed_when_there_is_no_current_revision():
    article = make(RU_TITLE, RU_LEAD, RU, index=False)
    Article.objects.filter(pk=article.pk).update(current_revision=None)
    assert index_article(article.pk)
    assert DuplicateSignature.objects.get(article=article).revision_id == article.revisions.get().pk
    empty = ArticleFactory(title="", lead="", body="")  # nothing to compare, no revision: not indexed
    assert not index_article(empty.pk) and not DuplicateSignature.objects.filter(article=empty).exists()
    assert find_similar("") == [] and find_similar("  ,.! ") == []


def test_an_article_that_left_the_index_states_is_not_reported_and_sync_removes_it():
    article = make(RU_TITLE, RU_LEAD, RU, status=Status.IN_REVIEW)
    Article.objects.filter(pk=article.pk).update(status=Status.REJECTED)
    assert DuplicateBand.objects.filter(article=article).exists()  # a stale row...
    assert find_similar(text(RU)) == []  # ...is never reported
    assert not sync_article(article.pk) and not DuplicateBand.objects.filter(article=article).exists()
    Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED)
    assert sync_article(article.pk) and [m.status for m in find_similar(text(RU))] == ["published"]


def test_find_similar_takes_two_queries(django_assert_num_queries):
    for n in range(3):
        make(f"{RU_TITLE} {n}", RU_LEAD, RU)
    make(EN_TITLE, EN_LEAD, EN, language="en")
    with django_assert_num_queries(2):  # the candidates (one OR of 32 indexed lookups), then their texts
        matches = find_similar(text(RU), limit=2)
    assert len(matches) == 2 and all(m.containment == 1.0 for m in matches)  # the body is in all three


def test_rebuild_command(capsys):
    published = [make(f"{RU_TITLE} {n}", RU_LEAD, RU, index=False) for n in range(3)]
    in_review = make(EN_TITLE, EN_LEAD, EN, status=Status.IN_REVIEW, language="en", index=False)
    make(RU_UNRELATED_TITLE, "", RU_UNRELATED, status=Status.DRAFT, index=False)
    rejected = make(RU_UNRELATED_TITLE, "", RU_UNRELATED, status=Status.IN_REVIEW)
    Article.objects.filter(pk=rejected.pk).update(status=Status.REJECTED)  # its rows are stale

    call_command("rebuild_duplicate_index", "--no-progress", "--batch-size", "2")
    out = capsys.readouterr().out
    print(out)
    assert out.startswith("Indexed 4 article(s) in ") and "removed 1 stale" in out
    assert set(DuplicateSignature.objects.values_list("article_id", flat=True)) == {
        *(a.pk for a in published),
        in_review.pk,
    }
    assert DuplicateBand.objects.count() == 4 * 32
    assert {m.article_id for m in find_similar(text(RU))} == {a.pk for a in published}

    call_command("rebuild_duplicate_index", "--no-progress")  # idempotent
    assert DuplicateBand.objects.count() == 4 * 32
