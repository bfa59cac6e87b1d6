from django.urls import path

from submissions import apis

urlpatterns = [
    path("categories/", apis.CategoryListApi.as_view(), name="category-list"),
    path("articles/", apis.ArticleListApi.as_view(), name="article-list"),
    path("articles/<int:article_id>/", apis.ArticleDetailApi.as_view(), name="article-detail"),
    path("articles/<int:article_id>/submit/", apis.ArticleSubmitApi.as_view(), name="article-submit"),
    path("articles/<int:article_id>/withdraw/", apis.ArticleWithdrawApi.as_view(), name="article-withdraw"),
    # media routes
    # revision routes
]
