from django.urls import path

from newsroom.publishing import apis

urlpatterns = [
    path("feed/", apis.FeedApi.as_view(), name="feed"),
    path("feed/<slug:slug>/", apis.FeedArticleApi.as_view(), name="feed-article"),
    path("authors/<int:author_id>/", apis.AuthorApi.as_view(), name="author"),
]
