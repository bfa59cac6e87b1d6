"""Readers' routes: the HTML pages, the feeds, sitemap.xml, robots.txt and security.txt. All public GETs, all but
security.txt wrapped in `caching.public` (conditional GET, rendered-response cache per publication generation)."""

from django.urls import path

from newsroom.publishing import feeds, views
from newsroom.publishing.caching import public

urlpatterns = [
    path("", views.home, name="web-home"),
    path("news/<slug:slug>/", views.article_page, name="web-article"),
    path("category/<slug:category>/", views.category_page, name="web-category"),
    path("authors/<id:author_id>/", views.author_page, name="web-author"),
    path("search/", views.search_page, name="web-search"),
    path("feed/rss/", public(feeds.LatestRss()), name="feed-rss"),
    path("feed/atom/", public(feeds.LatestAtom()), name="feed-atom"),
    path("feed/rss/category/<slug:category>/", public(feeds.CategoryRss()), name="feed-rss-category"),
    path("feed/atom/category/<slug:category>/", public(feeds.CategoryAtom()), name="feed-atom-category"),
    path("feed/rss/author/<id:author_id>/", public(feeds.AuthorRss()), name="feed-rss-author"),
    path("feed/atom/author/<id:author_id>/", public(feeds.AuthorAtom()), name="feed-atom-author"),
    path("feed/json/", feeds.json_feed, name="feed-json"),
    path("feed/corrections/", public(feeds.CorrectionsAtom()), name="feed-corrections"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    # not cached with the pages: it is read rarely and depends on the day alone
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
]
