"""Absolute URLs come from SITE_URL, never from the request's Host, and a cached public answer cannot be steered by
request headers that are not part of it.

Any port passes ALLOWED_HOSTS ("127.0.0.1" allows 127.0.0.1:6666), so a request naming `Host: 127.0.0.1:6666` is
answered; if that Host went into a cached answer, every reader got links to port 6666 until the next publication.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from newsroom.accounts.models import User
from submissions.models import Article, Category, Correction, Media
from submissions.states import Status
from tests.factories import ArticleFactory
from tests.helpers import submit_and_approve
from tests.robustness.conftest import count

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
EVIL = "127.0.0.1:6666"
# the clock stands still on a date whose timestamps hold no "6666": a match can only be the Host
FROZEN = datetime(2025, 3, 4, 10, 20, 30, tzinfo=UTC)
CHECKED_HEADERS = ("Location", "Link", "Content-Location")


@pytest.fixture(autouse=True)
def _site(settings: Any) -> Iterator[None]:
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1", "testserver"]
    settings.SECURITY_CONTACTS = ["mailto:security@example.org"]  # security.txt answers
    with time_machine.travel(FROZEN, tick=False):
        yield


def leaks(response: Any) -> list[str]:
    """Where the answer names port 6666: body or a URL-bearing header."""
    found = [f"{name}: {response[name]}" for name in CHECKED_HEADERS if "6666" in response.get(name, "")]
    streaming = getattr(response, "streaming", False)
    body = b"".join(response.streaming_content) if streaming else response.content
    if b"6666" in body:
        at = body.index(b"6666")
        found.append(f"body: ...{body[max(at - 80, 0) : at + 20]!r}...")
    return found


@pytest.fixture
def world(contributor: User, editor: User) -> dict[str, Any]:
    """A small published world: an author with an avatar, an article in a category with a cover and another
    photo (with responsive sizes), a correction; a second article, so that lists have a next page."""
    contributor.trust_level = 3
    contributor.pen_name = "Наблюдатель"
    contributor.avatar = "avatars/1/me.webp"
    contributor.save(update_fields=["trust_level", "pen_name", "avatar"])
    older = submit_and_approve(ArticleFactory(author=contributor, title="Во дворе открыли каток"), editor)
    article = submit_and_approve(
        ArticleFactory(author=contributor, title="На набережной высадили липы"), editor
    )
    assert older.status == article.status == Status.PUBLISHED
    photos = [
        Media.objects.create(
            article=article,
            uploaded_by=contributor,
            file=f"media/{article.pk}/{name}.jpg",
            format="jpeg",
            width=1600,
            height=900,
            bytes=1234,
            position=position,
            sizes={
                "480": {"name": f"media/{article.pk}/{name}-480.jpg", "width": 480, "height": 270, "bytes": 9}
            },
        )
        for position, name in enumerate(["cover", "gallery"])
    ]
    Article.objects.filter(pk=article.pk).update(cover=photos[0])
    Correction.objects.create(article=article, text="Уточнено число деревьев.", created_by=editor)
    article.refresh_from_db()
    category = article.category
    assert isinstance(category, Category)
    return {
        "article": article,
        "category": category,
        "author": contributor,
        "editor": editor,
        "cover": photos[0],
    }


def _values(world: dict[str, Any]) -> dict[str, Any]:
    article, cover = world["article"], world["cover"]
    return {
        "slug": article.slug,
        "category": world["category"].slug,
        "author_id": world["author"].pk,
        "user_id": world["author"].pk,
        "article_id": article.pk,
        "media_id": cover.pk,
        "number": 1,
        "other": 1,
        "path": cover.file.name,
    }


def _leaves(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":  # staff pages; their sign-in page is swept by name below
                continue
            yield from _leaves(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix, entry


def public_paths(world: dict[str, Any]) -> list[str]:
    """Every route of the URLconf (but the admin's, whose sign-in page is added), parameters filled from `world`
    by name, else by converter (a number: the article's id; other text: its slug)."""
    values = _values(world)
    paths = [reverse("admin:login")]
    for prefix, leaf in _leaves(get_resolver().url_patterns):
        if isinstance(leaf.pattern, RoutePattern):
            route = prefix + str(leaf.pattern)

            def fill(match: re.Match[str]) -> str:
                converter, name = match.group(1) or "str", match.group(2)
                fallback = world["article"].pk if converter in ("int", "id") else world["article"].slug
                return str(values.get(name, fallback))

            paths.append("/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route))
        elif leaf.name:  # a regex route (the media files): by name
            groups = leaf.pattern.regex.groupindex
            paths.append(reverse(leaf.name, kwargs={name: values[name] for name in groups}))
    return sorted(set(paths))


def test_the_cached_feed_never_carries_the_requests_host(api, world):
    """The issue's example: the feed asked on port 6666 gives next and cover links on SITE_URL, and the cached
    answer the next reader gets is the same."""
    path = "/api/v1/feed/?page_size=1"
    evil = api().get(path, HTTP_HOST=EVIL)
    assert evil.status_code == 200
    body = evil.json()
    assert body["next"].startswith(f"{SITE}/api/v1/feed/?")
    cover = body["results"][0]["cover"]
    assert cover["url"] == f"{SITE}{world['cover'].file.url}"
    assert cover["sizes"]["480"]["url"].startswith(f"{SITE}/media/")
    assert body["results"][0]["url"] == f"{SITE}/api/v1/feed/{world['article'].slug}/"
    assert not leaks(evil)

    # changed without a new publication generation: an answer with the old title comes from the cache
    Article.objects.filter(pk=world["article"].pk).update(title="Заголовок, которого нет в кэше")
    reader = api().get(path)
    assert reader.status_code == 200
    assert reader.json()["results"][0]["title"] == "На набережной высадили липы"  # the cached answer
    assert reader.content == evil.content and not leaks(reader)


def test_search_pages_of_the_api_link_on_site_url(api, world):
    evil = api().get("/api/v1/feed/?q=%D0%BB%D0%B8%D0%BF%D1%8B&page_size=1&offset=1", HTTP_HOST=EVIL)
    assert evil.status_code == 200
    assert evil.json()["previous"] == f"{SITE}/api/v1/feed/?page_size=1&q=%D0%BB%D0%B8%D0%BF%D1%8B"
    assert not leaks(evil)


def test_the_authors_lists_link_on_site_url(api, world):
    """DRF's limit/offset pages (every private list) and the author's photos and avatar: on SITE_URL too."""
    author, article = world["author"], world["article"]
    media = api(author).get(f"/api/v1/articles/{article.pk}/media/", HTTP_HOST=EVIL)
    assert media.status_code == 200
    assert {item["url"] for item in media.json()} >= {f"{SITE}{world['cover'].file.url}"}
    listing = api(author).get("/api/v1/articles/?limit=1", HTTP_HOST=EVIL)
    assert listing.status_code == 200
    assert listing.json()["next"] == f"{SITE}/api/v1/articles/?limit=1&offset=1"
    me = api(author).get("/api/v1/me/", HTTP_HOST=EVIL)
    assert me.json()["avatar"] == f"{SITE}/media/avatars/1/me.webp"
    assert not (leaks(media) or leaks(listing) or leaks(me))


def test_no_route_answers_with_the_requests_host_nor_caches_it(api, client, world, chief):
    """The sweep: every route, asked on port 6666 by a reader, the author and the chief editor; then asked on the
    usual host, when the public answers come from the cache. Port 6666 is in no answer."""
    paths = public_paths(world)
    assert {"/", "/feed/rss/", "/api/v1/feed/", f"/news/{world['article'].slug}/"} <= set(paths)
    assert world["cover"].file.url in paths
    assert world["article"].published_at == FROZEN  # no timestamp in an answer holds "6666" by chance
    readers = {"reader": api(), "author": api(world["author"]), "chief": api(chief), "browser": client}
    found: dict[str, list[str]] = {}
    answered: set[str] = set()
    for host in (EVIL, "testserver"):
        for who, reader in readers.items():
            for path in paths:
                response = reader.get(path, HTTP_HOST=host)
                count("foreign Host: route x client requests checked")
                if response.status_code == 200:
                    answered.add(path)
                if leaked := leaks(response):
                    found[f"{host} {who} GET {path} -> {response.status_code}"] = leaked
    assert not found, found
    # the sweep saw the pages that carry absolute URLs (a route answering nothing proves nothing)
    for name, kwargs in [
        ("web-home", {}),
        ("web-article", {"slug": world["article"].slug}),
        ("web-category", {"category": world["category"].slug}),
        ("web-author", {"author_id": world["author"].pk}),
        ("feed-rss", {}),
        ("feed-atom", {}),
        ("feed-json", {}),
        ("feed-corrections", {}),
        ("sitemap", {}),
        ("robots", {}),
        ("security-txt", {}),
        ("feed", {}),
        ("feed-article", {"slug": world["article"].slug}),
        ("author", {"author_id": world["author"].pk}),
        ("article-media", {"article_id": world["article"].pk}),
        ("me", {}),
    ]:
        assert reverse(name, kwargs=kwargs) in answered, name


def test_the_language_of_a_cached_page_is_the_one_its_vary_header_names(client, world, settings):
    """Public answers vary by Accept-Language and by the language chosen with the site's switch (the cookie), and
    say so: a cached answer in one language is never served for the other."""
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in english["Vary"].split(",")}
    russian = client.get("/", HTTP_ACCEPT_LANGUAGE="ru")
    assert russian["Content-Language"] == "ru" and russian.content != english.content
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the switch: it wins over the browser's language
    chosen = client.get("/", HTTP_ACCEPT_LANGUAGE="ru")
    assert chosen["Content-Language"] == "en" and chosen.content == english.content
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"  # not one of ours: the browser's language
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content == russian.content
    feed = client.get("/api/v1/feed/", HTTP_ACCEPT_LANGUAGE="ru")
    assert feed.json()["results"][0]["category"]["name"] == world["category"].name_ru


def test_the_language_switch_remembers_the_choice_and_goes_back_on_this_site_only(client, world, settings):
    back = client.get("/language/en/", {"next": "/search/?q=сквер"})
    assert back.status_code == 302 and back["Location"] == "/search/?q=%D1%81%D0%BA%D0%B2%D0%B5%D1%80"
    assert back.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get("/")["Content-Language"] == "en"
    assert client.get("/language/ru/", {"next": "https://evil.example/"})["Location"] == "/"
    assert client.get("/language/de/").status_code == 404


def test_a_members_page_is_their_own_never_shared(client, world, contributor):
    guest = client.get("/")
    assert "public" in guest["Cache-Control"]
    client.force_login(contributor)
    page = client.get("/")
    assert "private" in page["Cache-Control"] and "public" not in page["Cache-Control"]
    assert f'/account/">{contributor.byline}</a>' in page.content.decode()
    client.logout()
    assert '/account/">' not in client.get("/").content.decode()


def test_the_https_redirect_of_production_goes_to_site_url(tmp_path):
    """In production, plain HTTP is redirected to HTTPS: on SITE_URL's host, not on the one the request named. A
    separate process, since the production settings are read at start."""
    script = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/robots.txt?x=1', HTTP_HOST='127.0.0.1:6666'); "
        "print(json.dumps({'status': r.status_code, 'location': r.get('Location')}))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SECURE_SSL")},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "NEWSROOM_MODE": "production",
        "SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-check-deploy-0123456789",
        "EMAIL_URL": "consolemail://",
        "ALLOWED_HOSTS": "127.0.0.1,news.example.org",
        "SITE_URL": SITE,
        "NEWSROOM_VAR_DIR": str(tmp_path),
    }
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=root, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"status": 301, "location": f"{SITE}/robots.txt?x=1"}
