from django.urls import include, path

from submissions import apis

urlpatterns = [
    path("categories/", apis.CategoryListApi.as_view(), name="category-list"),
    path("articles/", apis.ArticleListApi.as_view(), name="article-list"),
    path("articles/<int:article_id>/", apis.ArticleDetailApi.as_view(), name="article-detail"),
    path("articles/<int:article_id>/submit/", apis.ArticleSubmitApi.as_view(), name="article-submit"),
    path("articles/<int:article_id>/withdraw/", apis.ArticleWithdrawApi.as_view(), name="article-withdraw"),
    path("articles/<int:article_id>/appeal/", apis.ArticleAppealApi.as_view(), name="article-appeal"),
    path("", include("submissions.media_apis")),  # "article-media", "article-media-detail"
    path("articles/<int:article_id>/revisions/", apis.RevisionListApi.as_view(), name="article-revisions"),
    path(
        "articles/<int:article_id>/revisions/<int:number>/",
        apis.RevisionDetailApi.as_view(),
        name="article-revision",
    ),
    path(
        "articles/<int:article_id>/revisions/<int:number>/diff/<int:other>/",
        apis.RevisionDiffApi.as_view(),
        name="article-revision-diff",
    ),
]
