from django.urls import path

from newsroom.publishing import apis
from newsroom.publishing.caching import public

urlpatterns = [
    path("feed/", public(apis.FeedApi.as_view()), name="feed"),
    path("feed/<slug:slug>/", public(apis.FeedArticleApi.as_view()), name="feed-article"),
    path("authors/<id:author_id>/", apis.AuthorApi.as_view(), name="author"),
]
