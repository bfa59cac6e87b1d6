from django.urls import path

from moderation import apis

urlpatterns = [
    path("articles/<int:article_id>/checks/", apis.ArticleChecksApi.as_view(), name="article-checks"),
    path("moderation/queue/", apis.QueueApi.as_view(), name="moderation-queue"),
    path("moderation/queue/claim-next/", apis.ClaimNextApi.as_view(), name="moderation-claim-next"),
    path(
        "moderation/articles/<int:article_id>/",
        apis.ModerationArticleApi.as_view(),
        name="moderation-article",
    ),
    path("moderation/articles/<int:article_id>/claim/", apis.ClaimApi.as_view(), name="moderation-claim"),
    path(
        "moderation/articles/<int:article_id>/release/", apis.ReleaseApi.as_view(), name="moderation-release"
    ),
    path(
        "moderation/articles/<int:article_id>/approve/", apis.ApproveApi.as_view(), name="moderation-approve"
    ),
    path("moderation/articles/<int:article_id>/reject/", apis.RejectApi.as_view(), name="moderation-reject"),
    path(
        "moderation/articles/<int:article_id>/request-changes/",
        apis.RequestChangesApi.as_view(),
        name="moderation-request-changes",
    ),
    path(
        "moderation/articles/<int:article_id>/retract/", apis.RetractApi.as_view(), name="moderation-retract"
    ),
]
