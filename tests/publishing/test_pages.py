"""The readers' HTML pages: content, languages, pagination, 404s, SEO tags, sitemap/robots, CSP and caching."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

import pytest
from django.utils import timezone

from newsroom.accounts.models import User
from newsroom.publishing import views
from submissions import workflow
from submissions.models import Article, Category, Media, Source, Tag
from submissions.states import Status
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import submit_and_approve

pytestmark = pytest.mark.django_db

SITE = "http://testserver.example"


@pytest.fixture(autouse=True)
def _site_url(settings: Any) -> None:
    settings.SITE_URL = SITE


@pytest.fixture
def publish(contributor: Any, editor: Any) -> Any:
    """publish(**article fields, tags=[...], sources=[...]) -> a published article, through the workflow."""
    contributor.trust_level = 3
    contributor.save(update_fields=["trust_level"])

    def make(tags: list[str] | None = None, sources: list[dict] | None = None, **kw: Any) -> Article:
        kw.setdefault("author", contributor)
        kw.setdefault("body_html", "<p>Жители района собрались у здания администрации.</p>")
        article = cast(Article, ArticleFactory(**kw))
        if tags:
            article.tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])
        for position, source in enumerate(sources or []):
            Source.objects.create(article=article, position=position, **source)
        article = submit_and_approve(article, editor)
        assert article.status == Status.PUBLISHED
        return article

    return make


def published_directly(n: int, at: dt.datetime, author: Any, prefix: str = "novost") -> list[Article]:
    """Many published rows quickly (pagination), all at the same instant: the id breaks the tie."""
    city = Category.objects.get(slug="city")
    return [
        Article.objects.create(
            author=author,
            title=f"Новость номер {i}",
            lead="Коротко.",
            category=city,
            status=Status.PUBLISHED,
            slug=f"{prefix}-{i}",
            published_at=at,
        )
        for i in range(n)
    ]


def html(response: Any) -> str:
    return response.content.decode()


# --- pages -----------------------------------------------------------------------------------------------------


def test_home_lists_published_news_newest_first_in_russian_by_default(client, publish, draft):
    older = publish(title="Во дворе открыли каток")
    newer = publish(title="На набережной высадили липы")
    response = client.get("/")
    assert response.status_code == 200
    page = html(response)
    assert '<html lang="ru">' in page
    assert page.index(newer.title) < page.index(older.title)
    assert draft.title not in page
    assert f'href="{SITE}/news/{newer.slug}/"' in page
    assert ">Город<" in page  # category names in the reader's language
    assert '<meta name="viewport"' in page
    assert f'<link rel="canonical" href="{SITE}/">' in page
    assert f'type="application/rss+xml" title="RSS" href="{SITE}/feed/rss/"' in page
    assert f'type="application/atom+xml" title="Atom" href="{SITE}/feed/atom/"' in page
    assert f'type="application/feed+json" title="JSON Feed" href="{SITE}/feed/json/"' in page


def test_english_when_the_browser_asks_for_it(client, publish):
    article = publish(title="Во дворе открыли каток")
    page = html(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="en">' in page and ">City<" in page
    assert '<meta property="og:locale" content="en_US">' in page
    detail = html(client.get(f"/news/{article.slug}/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"))
    assert '<html lang="en">' in detail and ">City</a>" in detail
    # the Russian page is another variant of the same URL: it is not served from the English one's cache
    assert ">Город</a>" in html(client.get(f"/news/{article.slug}/", HTTP_ACCEPT_LANGUAGE="ru"))


def test_keyset_pagination_walks_every_article_once(client, contributor, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    now = timezone.now()
    same_instant = published_directly(3, now - dt.timedelta(hours=1), contributor)
    newest = published_directly(1, now, contributor, prefix="samaia-novaia")
    expected = [newest[0].slug, *[a.slug for a in reversed(same_instant)]]
    seen: list[str] = []
    url = "/"
    pages = 0
    while url:
        page = html(client.get(url))
        seen += re.findall(r'<h2 class="item-title"><a href="[^"]*/news/([^/"]+)/">', page)
        match = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = match.group(1).replace("&amp;", "&") if match else ""
        pages += 1
        assert pages < 5
    assert seen == expected and pages == 2
    second = client.get("/", {"before": views.KEYSET.encode(views.KEYSET.position(newest[0]))})
    assert second.status_code == 200
    assert re.search(r'<link rel="canonical" href="http://testserver.example/\?before=[^"]+">', html(second))


def test_a_cursor_keeps_its_format(client):
    """`?before=` cursors already handed out (in links, in feed readers) must keep working."""
    response = client.get("/", {"before": "2025-01-01T00:00:00+00:00|3"})
    assert response.status_code == 200
    article = ArticleFactory.build(
        pk=7, published_at=dt.datetime(2025, 1, 1, 3, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    )
    assert views.KEYSET.encode(views.KEYSET.position(article)) == "2025-01-01T00:00:00+00:00|7"


@pytest.mark.parametrize("cursor", ["nonsense", "2025-01-01T00:00:00|x", "2025-01-01T00:00:00|3", "|"])
def test_a_broken_cursor_is_a_400_page(client, cursor):
    response = client.get("/", {"before": cursor})
    assert response.status_code == 400
    assert '<meta name="robots" content="noindex">' in html(response)


def test_article_page_shows_everything_a_reader_needs(client, publish, contributor):
    contributor.pen_name = "Наблюдатель"
    contributor.save(update_fields=["pen_name"])
    article = publish(
        title="Месторождение глины нашли под стадионом",
        lead="Геологи проверили пробы грунта.",
        body_html="<p>Текст <strong>новости</strong>.</p>",
        has_third_party_material=True,
        tags=["геология", "стадион"],
        sources=[
            {"kind": "other_outlet", "url": "https://example.org/news/1", "description": "Городская газета"},
            {"kind": "document", "url": "", "description": "Протокол заседания"},
        ],
    )
    cover = Media.objects.create(
        article=article,
        file=f"media/{article.pk}/cover.jpg",
        format="jpeg",
        width=1600,
        height=900,
        caption="Стадион",
        credit="Автор снимка",
        sizes={
            "960": {"name": f"media/{article.pk}/cover-960.jpg", "width": 960, "height": 540},
            "480": {"name": f"media/{article.pk}/cover-480.jpg", "width": 480, "height": 270},
        },
    )
    Article.objects.filter(pk=article.pk).update(cover=cover)

    response = client.get(f"/news/{article.slug}/")
    assert response.status_code == 200
    page = html(response)
    assert "<title>Месторождение глины нашли под стадионом — Newsroom</title>" in page
    assert f'<a class="byline" rel="author" href="/authors/{contributor.pk}/">Наблюдатель</a>' in page
    assert contributor.display_name not in page  # the pen name protects the source
    assert '<a class="category" href="/category/city/">Город</a>' in page
    assert "#геология" in page and "#стадион" in page
    assert "<p>Текст <strong>новости</strong>.</p>" in page  # sanitised HTML, rendered as HTML
    assert f'datetime="{timezone.localtime(article.published_at).isoformat()}"' in page
    srcset = f"{SITE}/media/media/{article.pk}/cover-480.jpg 480w, {SITE}/media/media/{article.pk}/cover-960.jpg 960w"
    assert f'srcset="{srcset}"' in page and 'width="1600" height="900"' in page
    # provenance: third-party material with its sources and the site's disclaimer
    provenance = page[page.index('id="provenance"') :]
    assert 'class="provenance-kind third-party"' in provenance
    assert (
        '<a href="https://example.org/news/1" rel="nofollow ugc noopener">Городская газета</a>' in provenance
    )
    assert "Протокол заседания" in provenance
    assert 'class="disclaimer"' in provenance
    # head: description, Open Graph, canonical, feeds
    assert '<meta name="description" content="Геологи проверили пробы грунта.">' in page
    assert '<meta property="og:title" content="Месторождение глины нашли под стадионом">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:url" content="{SITE}/news/{article.slug}/">' in page
    assert f'<meta property="og:image" content="{SITE}/media/media/{article.pk}/cover.jpg">' in page
    assert f'<link rel="canonical" href="{SITE}/news/{article.slug}/">' in page
    assert f'href="{SITE}/feed/rss/category/city/"' in page
    assert 'name="robots"' not in page


def test_own_reporting_is_labelled_and_no_cover_means_no_og_image(client, publish):
    article = publish(title="Во дворе открыли каток")
    page = html(client.get(f"/news/{article.slug}/"))
    assert 'class="provenance-kind own"' in page and 'class="disclaimer"' in page
    assert "og:image" not in page and "<figure" not in page


def test_corrections_with_dates_and_the_retraction_notice(client, publish, editor, chief, commit):
    article = publish(title="В парке открыли новую площадку")
    with commit():
        correction = workflow.article_correct(
            actor=editor, article_id=article.pk, text="Площадку открыли в четверг, а не в среду."
        )
    page = html(client.get(f"/news/{article.slug}/"))
    assert f'<li id="correction-{correction.pk}">' in page
    assert "Площадку открыли в четверг, а не в среду." in page
    assert f'datetime="{timezone.localtime(correction.created_at).isoformat()}"' in page

    with commit():
        workflow.article_retract(actor=chief, article_id=article.pk, reason="Факты не подтвердились.")
    response = client.get(f"/news/{article.slug}/")
    assert response.status_code == 200  # the URL keeps working
    page = html(response)
    assert f'id="retraction-{article.pk}"' in page and "Факты не подтвердились." in page
    assert '<meta name="robots" content="noindex">' in page
    assert article.title not in html(client.get("/"))


def test_unknown_pages_are_404_pages(client, publish, contributor):
    publish()
    for url in ("/news/no-such-news/", "/category/no-such-section/", f"/authors/{contributor.pk + 999}/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "<!doctype html>" in html(response) and 'href="/"' in html(response)


def test_category_page_lists_its_own_news(client, publish):
    city = publish(title="Во дворе открыли каток")
    sport = publish(title="Футбольный клуб сменил тренера", category=Category.objects.get(slug="sport"))
    page = html(client.get("/category/sport/"))
    assert "<h1>Спорт</h1>" in page and sport.title in page and city.title not in page
    assert (
        f'href="{SITE}/feed/rss/category/sport/"' in page
        and f'href="{SITE}/feed/atom/category/sport/"' in page
    )
    assert client.get("/category/culture/").status_code == 200  # an empty section is still a page


def test_author_page_only_for_authors_with_published_work(client, publish, contributor):
    article = publish(title="Во дворе открыли каток")
    page = html(client.get(f"/authors/{contributor.pk}/"))
    assert f"<h1>{contributor.byline}</h1>" in page and article.title in page
    assert f'href="{SITE}/feed/rss/author/{contributor.pk}/"' in page
    assert '<meta property="og:type" content="profile">' in page
    nobody = cast(User, UserFactory())
    ArticleFactory(author=nobody)  # a draft is no published work
    assert client.get(f"/authors/{nobody.pk}/").status_code == 404


def test_search_finds_inflected_russian_words(client, publish):
    found = publish(title="Новое месторождение газа открыли на севере")
    other = publish(title="Во дворе открыли каток")
    page = html(client.get("/search/", {"q": "месторождения"}))
    assert found.title in page and other.title not in page
    assert '<meta name="robots" content="noindex">' in page
    assert 'value="месторождения"' in page
    empty = client.get("/search/")
    assert empty.status_code == 200 and 'class="items"' not in html(empty)
    assert 'class="empty"' in html(client.get("/search/", {"q": "абракадабра"}))


def test_tag_filter_on_home(client, publish):
    tagged = publish(title="Во дворе открыли каток", tags=["зима"])
    untagged = publish(title="На набережной высадили липы")
    page = html(client.get("/", {"tag": "зима"}))
    assert tagged.title in page and untagged.title not in page


def test_sitemap_and_robots(client, publish, chief, commit):
    article = publish(title="Во дворе открыли каток")
    retracted = publish(title="На набережной высадили липы")
    with commit():
        workflow.article_retract(actor=chief, article_id=retracted.pk, reason="Ошибка.")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    xml = html(response)
    assert f"<loc>{SITE}/</loc>" in xml
    assert f"<loc>{SITE}/category/city/</loc>" in xml
    assert f"<loc>{SITE}/news/{article.slug}/</loc>" in xml
    assert retracted.slug not in xml
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    lines = html(robots).splitlines()
    assert "Disallow: /admin/" in lines and "Disallow: /api/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


def test_security_txt_names_the_configured_contacts_and_expires_within_a_year(client, settings, db):
    # given no contact: nothing is published (a security.txt must not name an address nobody reads)
    settings.SECURITY_CONTACTS = []
    assert client.get("/.well-known/security.txt").status_code == 404
    # given contacts and a policy
    settings.SECURITY_CONTACTS = ["mailto:security@news.example.org", "https://news.example.org/report"]
    settings.SECURITY_POLICY_URL = "https://news.example.org/security-policy"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    fields = [line.split(": ", 1) for line in html(response).splitlines()]
    assert [value for name, value in fields if name == "Contact"] == settings.SECURITY_CONTACTS  # in order
    values = dict(fields)
    assert values["Policy"] == "https://news.example.org/security-policy"
    assert values["Canonical"] == f"{SITE}/.well-known/security.txt"
    assert values["Preferred-Languages"] == "ru, en"
    expires = dt.datetime.strptime(values["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    assert timezone.now() + dt.timedelta(days=150) < expires < timezone.now() + dt.timedelta(days=365)
    assert client.post("/.well-known/security.txt").status_code == 405


# --- Content-Security-Policy ---------------------------------------------------------------------------------


def test_pages_carry_a_strict_csp_and_nothing_inline(client, publish):
    article = publish(title="Во дворе открыли каток")
    for url in ("/", f"/news/{article.slug}/", "/category/city/", "/search/?q=каток", "/account/verify/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, url
        assert "style-src 'self'" in policy and "unsafe-inline" not in policy, url
        page = html(response)
        assert "<script" not in page and "<style" not in page and " style=" not in page, url
        assert '<link rel="stylesheet" href="/static/publishing/site.css">' in page, url


def test_api_docs_keep_working_under_their_own_policy(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy  # no inline script: the init script is a file
    assert "style-src 'self' 'unsafe-inline'" in policy
    scripts = re.findall(r"<script([^>]*)>", html(response))
    assert scripts and all("src=" in attrs for attrs in scripts)
    init = re.findall(r'<script src="([^"]*script=[^"]*)"', html(response))
    assert init
    js = client.get(init[0].replace("&amp;", "&"))
    assert js.status_code == 200 and "SwaggerUIBundle" in js.content.decode()


# --- conditional GET and the page cache ----------------------------------------------------------------------


def test_article_page_304_from_one_query_and_public_cache_control(
    client, publish, django_assert_max_num_queries
):
    article = publish(title="Во дворе открыли каток")
    first = client.get(f"/news/{article.slug}/")
    assert "public" in first["Cache-Control"] and first["ETag"]
    with django_assert_max_num_queries(1):
        again = client.get(f"/news/{article.slug}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    # a cached answer renders nothing either: one query (the clock) and the same page
    with django_assert_max_num_queries(1):
        cached = client.get(f"/news/{article.slug}/")
    assert cached.content == first.content and "public" in cached["Cache-Control"]


def test_a_correction_changes_the_etag_and_the_cached_page(client, publish, editor, commit):
    article = publish(title="Во дворе открыли каток")
    first = client.get(f"/news/{article.slug}/")
    client.get(f"/news/{article.slug}/")  # now cached
    with commit():
        workflow.article_correct(actor=editor, article_id=article.pk, text="Каток открыли в субботу.")
    stale = client.get(f"/news/{article.slug}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert stale.status_code == 200 and stale["ETag"] != first["ETag"]
    assert "Каток открыли в субботу." in html(stale)


def test_a_retraction_changes_the_etag_and_the_cached_page(client, publish, chief, commit):
    article = publish(title="Во дворе открыли каток")
    first = client.get(f"/news/{article.slug}/")
    with commit():
        workflow.article_retract(actor=chief, article_id=article.pk, reason="Снимки оказались чужими.")
    fresh = client.get(f"/news/{article.slug}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and fresh["ETag"] != first["ETag"]
    assert "Снимки оказались чужими." in html(fresh)


def test_a_publication_changes_the_home_page(client, publish):
    first_article = publish(title="Во дворе открыли каток")
    first = client.get("/")
    assert first_article.title in html(first)
    second_article = publish(title="На набережной высадили липы")
    fresh = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and fresh["ETag"] != first["ETag"]
    assert second_article.title in html(fresh)
