from django.urls import include, path

from submissions import apis

urlpatterns = [
    path("categories/", apis.CategoryListApi.as_view(), name="category-list"),
    path("articles/", apis.ArticleListApi.as_view(), name="article-list"),
    path("articles/<id:article_id>/", apis.ArticleDetailApi.as_view(), name="article-detail"),
    path("articles/<id:article_id>/submit/", apis.ArticleSubmitApi.as_view(), name="article-submit"),
    path("articles/<id:article_id>/withdraw/", apis.ArticleWithdrawApi.as_view(), name="article-withdraw"),
    path("articles/<id:article_id>/appeal/", apis.ArticleAppealApi.as_view(), name="article-appeal"),
    path("", include("submissions.media_apis")),  # "article-media", "article-media-detail"
    path("articles/<id:article_id>/revisions/", apis.RevisionListApi.as_view(), name="article-revisions"),
    path(
        "articles/<id:article_id>/revisions/<id:number>/",
        apis.RevisionDetailApi.as_view(),
        name="article-revision",
    ),
    path(
        "articles/<id:article_id>/revisions/<id:number>/diff/<id:other>/",
        apis.RevisionDiffApi.as_view(),
        name="article-revision-diff",
    ),
]
