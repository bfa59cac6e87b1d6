"""The readers' site: server-rendered HTML pages (home, article, category, author, search), sitemap.xml,
robots.txt and /.well-known/security.txt.

Every view but security.txt is wrapped in `caching.public`: a conditional GET is answered 304 from one query, and
the rendered page is cached per publication generation. So the pages carry nothing per request or per user — no
CSRF token (the only form, search, is a GET), no CSP nonce (the CSS is a static file and there is no script), no
`user` — and every absolute URL is built from SITE_URL, never from the request's Host.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from newsroom.api.links import absolute
from newsroom.api.pagination import BadCursor, Keyset, count_free_page
from newsroom.publishing.caching import public
from newsroom.publishing.selectors import FeedFilters, article_by_slug, feed
from newsroom.publishing.serializers import DISCLAIMER
from submissions.errors import NotFound
from submissions.links import article_url
from submissions.models import Article, Category, Media
from submissions.selectors import active_categories, public_author
from submissions.states import Status

PAGE_SIZE = 20
SEARCH_PAGES = 10  # search pages by offset (ranked results have no keyset); deeper pages are not offered
MAX_QUERY = 200


# newest first on (published_at, id); the cursor (`?before=`) is "<published_at, ISO 8601 in UTC>|<id>"
KEYSET = Keyset("published_at")


# --- small helpers ---------------------------------------------------------------------------------------------


def summary_of(article: Article, words: int = 40) -> str:
    """The lead, or the beginning of the text, as plain text (HTML entities decoded): for meta descriptions, list
    items and feeds. Whoever puts it into HTML escapes it (templates do; feeds call escape)."""
    text = article.lead or html.unescape(strip_tags(article.body_html))
    return Truncator(" ".join(text.split())).words(words)


def media_src(media: Media) -> str:
    return absolute(media.file.url)


def media_srcset(media: Media) -> str:
    """`url 480w, url 960w, ...` from the responsive sizes (empty until the sizes task has run)."""
    storage = media.file.storage
    entries = sorted((media.sizes or {}).items(), key=lambda item: int(item[0]))
    return ", ".join(f"{absolute(storage.url(entry['name']))} {entry['width']}w" for _key, entry in entries)


def media_view(media: Media) -> dict[str, Any]:
    return {
        "src": media_src(media),
        "srcset": media_srcset(media),
        "width": media.width,
        "height": media.height,
        "caption": media.caption,
        "credit": media.credit,
    }


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


@dataclass
class Item:
    """An article as a list shows it."""

    article: Article
    url: str
    category_name: str
    category_url: str
    author_url: str
    summary: str


def items_of(articles: list[Article]) -> list[Item]:
    language = _language()
    return [
        Item(
            article=a,
            url=article_url(a),
            category_name=a.category.name_for(language) if a.category else "",
            category_url=reverse("web-category", kwargs={"category": a.category.slug}) if a.category else "",
            author_url=reverse("web-author", kwargs={"author_id": a.author_id}),
            summary=summary_of(a),
        )
        for a in articles
    ]


@dataclass
class FeedLink:
    type: str
    title: str
    url: str


def site_feeds() -> list[FeedLink]:
    return [
        FeedLink("application/rss+xml", "RSS", absolute(reverse("feed-rss"))),
        FeedLink("application/atom+xml", "Atom", absolute(reverse("feed-atom"))),
        FeedLink("application/feed+json", "JSON Feed", absolute(reverse("feed-json"))),
        FeedLink(
            "application/atom+xml", _("Corrections and retractions"), absolute(reverse("feed-corrections"))
        ),
    ]


@dataclass
class Page:
    """What the layout puts in <head>: title, description, canonical URL, Open Graph, feeds, robots."""

    title: str
    description: str
    canonical: str
    og_type: str = "website"
    og_image: str = ""
    feeds: list[FeedLink] = field(default_factory=site_feeds)
    robots: str = ""


def _render(
    request: HttpRequest, template: str, page: Page, context: dict[str, Any], status: int = 200
) -> Any:
    language = _language()
    nav = [
        {"name": c.name_for(language), "url": reverse("web-category", kwargs={"category": c.slug})}
        for c in active_categories()
    ]
    og_locale = "en_US" if language.startswith("en") else "ru_RU"
    return render(
        request,
        template,
        {**context, "page": page, "nav": nav, "og_locale": og_locale, "search_q": context.get("q", "")},
        status=status,
    )


def _next_url(request: HttpRequest, next_cursor: str | None) -> str:
    if not next_cursor:
        return ""
    params = {k: v for k, v in request.GET.items() if k != "before"}
    return f"{request.path}?{urlencode({**params, 'before': next_cursor})}"


def _canonical(request: HttpRequest, *keep: str) -> str:
    params = {k: request.GET[k] for k in keep if request.GET.get(k)}
    return absolute(request.path + (f"?{urlencode(params)}" if params else ""))


def not_found(request: HttpRequest) -> Any:
    page = Page(title=_("Page not found"), description="", canonical=absolute(request.path), robots="noindex")
    return _render(request, "publishing/not_found.html", page, {}, status=404)


def _bad_cursor(request: HttpRequest) -> Any:
    """A 400 page: `?before=` is not a cursor these pages gave out (not a time, or one out of range)."""
    page = Page(title=_("Invalid link"), description="", canonical=absolute(request.path), robots="noindex")
    message = _("The cursor is not valid; start again from the first page.")
    return _render(request, "publishing/not_found.html", page, {"message": message}, status=400)


def _listing(
    request: HttpRequest,
    template: str,
    page: Page,
    qs: QuerySet[Article],
    context: dict[str, Any] | None = None,
) -> Any:
    try:
        articles, next_cursor = KEYSET.page(qs, request.GET.get("before"), PAGE_SIZE)
    except BadCursor:
        return _bad_cursor(request)
    context = {
        **(context or {}),
        "items": items_of(articles),
        "next_url": _next_url(request, next_cursor),
        "first_url": request.path if request.GET.get("before") else "",
    }
    return _render(request, template, page, context)


# --- pages -----------------------------------------------------------------------------------------------------


@public
def home(request: HttpRequest) -> Any:
    tag = (request.GET.get("tag") or "").strip()[:40]
    page = Page(
        title=f"#{tag}" if tag else _("News written by readers"),
        description=_("News written by readers and reviewed by the editors."),
        canonical=_canonical(request, "tag", "before"),
    )
    return _listing(request, "publishing/home.html", page, feed(FeedFilters(tag=tag or None)), {"tag": tag})


@public
def article_page(request: HttpRequest, slug: str) -> Any:
    try:
        article = article_by_slug(slug)
    except NotFound:
        return not_found(request)
    language = _language()
    cover = media_view(article.cover) if article.cover else None
    gallery = [media_view(m) for m in article.media.all() if m.pk != article.cover_id]
    retracted = article.status == Status.RETRACTED
    page = Page(
        title=article.title,
        description=summary_of(article),
        canonical=article_url(article),
        og_type="article",
        og_image=cover["src"] if cover else "",
        robots="noindex" if retracted else "",
    )
    if article.category:
        page.feeds.append(
            FeedLink(
                "application/rss+xml",
                f"RSS: {article.category.name_for(language)}",
                absolute(reverse("feed-rss-category", kwargs={"category": article.category.slug})),
            )
        )
    context = {
        "article": article,
        "retracted": retracted,
        "category_name": article.category.name_for(language) if article.category else "",
        "category_url": reverse("web-category", kwargs={"category": article.category.slug})
        if article.category
        else "",
        "author_url": reverse("web-author", kwargs={"author_id": article.author_id}),
        "tags": [t.name for t in article.tags.all()],
        "cover": cover,
        "gallery": gallery,
        "sources": list(article.sources.all()),
        "corrections": list(article.corrections.all()),
        "disclaimer": DISCLAIMER,
    }
    return _render(request, "publishing/article.html", page, context)


@public
def category_page(request: HttpRequest, category: str) -> Any:
    found = Category.objects.filter(slug=category).first()
    if found is None:
        return not_found(request)
    name = found.name_for(_language())
    page = Page(
        title=name,
        description=_("News in the section “%(name)s”, written by readers.") % {"name": name},
        canonical=_canonical(request, "before"),
    )
    page.feeds[:0] = [
        FeedLink(
            "application/rss+xml",
            f"RSS: {name}",
            absolute(reverse("feed-rss-category", kwargs={"category": found.slug})),
        ),
        FeedLink(
            "application/atom+xml",
            f"Atom: {name}",
            absolute(reverse("feed-atom-category", kwargs={"category": found.slug})),
        ),
    ]
    return _listing(
        request,
        "publishing/category.html",
        page,
        feed(FeedFilters(category=found.slug)),
        {"category_name": name},
    )


@public
def author_page(request: HttpRequest, author_id: int) -> Any:
    try:
        author = public_author(author_id=author_id)
    except NotFound:
        return not_found(request)
    page = Page(
        title=author.byline,
        description=_("News by %(name)s.") % {"name": author.byline},
        canonical=_canonical(request, "before"),
        og_type="profile",
    )
    page.feeds[:0] = [
        FeedLink(
            "application/rss+xml",
            f"RSS: {author.byline}",
            absolute(reverse("feed-rss-author", kwargs={"author_id": author.pk})),
        ),
        FeedLink(
            "application/atom+xml",
            f"Atom: {author.byline}",
            absolute(reverse("feed-atom-author", kwargs={"author_id": author.pk})),
        ),
    ]
    avatar = absolute(author.avatar.url) if author.avatar and not author.deleted_at else ""
    context = {"author": author, "avatar": avatar}
    return _listing(request, "publishing/author.html", page, feed(FeedFilters(author=author.pk)), context)


@public
def search_page(request: HttpRequest) -> Any:
    q = " ".join((request.GET.get("q") or "").split())[:MAX_QUERY]
    try:
        number = min(max(int(request.GET.get("page") or 1), 1), SEARCH_PAGES)
    except ValueError:
        number = 1
    page = Page(
        title=_("Search: %(q)s") % {"q": q} if q else _("Search"),
        description=_("Search the news written by readers."),
        canonical=absolute(request.path),
        robots="noindex",
    )
    items: list[Item] = []
    next_url = ""
    if q:
        rows, more = count_free_page(feed(FeedFilters(q=q)), offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        items = items_of(rows)
        if more and number < SEARCH_PAGES:
            next_url = f"{request.path}?{urlencode({'q': q, 'page': number + 1})}"
    return _render(request, "publishing/search.html", page, {"q": q, "items": items, "next_url": next_url})


@public
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        f"Sitemap: {absolute(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def security_txt(request: HttpRequest) -> HttpResponse:
    """/.well-known/security.txt (RFC 9116): the contacts of SECURITY_CONTACTS, a 404 while none is set. It
    expires 180 days ahead from the start of today (UTC), so the file changes once a day and never goes stale
    while the deployment runs; the RFC asks for less than a year."""
    if not settings.SECURITY_CONTACTS:
        raise Http404("no security contact is configured")
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    lines = [f"Contact: {contact}" for contact in settings.SECURITY_CONTACTS]
    lines.append(f"Expires: {(today + timedelta(days=180)).strftime('%Y-%m-%dT%H:%M:%SZ')}")
    if settings.SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.SECURITY_POLICY_URL}")
    lines += ["Preferred-Languages: ru, en", f"Canonical: {absolute(reverse('security-txt'))}", ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- sitemap.xml (django.contrib.sitemaps) ---------------------------------------------------------------------


class _SiteSitemap(Sitemap):
    """Locations on SITE_URL whatever Host the request named (the response is cached for every host)."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return settings.SITE_URL.split("://", 1)[0]

    def get_domain(self, site: Any = None) -> str:
        return settings.SITE_URL.split("://", 1)[1]


class HomeSitemap(_SiteSitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self) -> list[str]:
        return ["web-home"]

    def location(self, item: str) -> str:
        return reverse(item)


class CategorySitemap(_SiteSitemap):
    changefreq = "hourly"
    priority = 0.6

    def items(self) -> QuerySet[Category]:
        return active_categories()

    def location(self, item: Category) -> str:
        return reverse("web-category", kwargs={"category": item.slug})


class ArticleSitemap(_SiteSitemap):
    priority = 0.8

    def items(self) -> QuerySet[Article]:
        return (
            Article.objects.filter(status=Status.PUBLISHED)
            .only("slug", "published_at")
            .order_by("-published_at", "-id")
        )

    def location(self, item: Article) -> str:
        return reverse("web-article", kwargs={"slug": item.slug})

    def lastmod(self, item: Article) -> datetime | None:
        return item.published_at


SITEMAPS: dict[str, type[Sitemap] | Sitemap] = {
    "home": HomeSitemap,
    "categories": CategorySitemap,
    "articles": ArticleSitemap,
}


@public
def sitemap_xml(request: HttpRequest) -> Any:
    from django.contrib.sitemaps.views import sitemap

    return sitemap(request, sitemaps=SITEMAPS)
