from django.urls import path

from moderation import apis, audit_apis, track_apis

urlpatterns = [
    path("articles/<id:article_id>/checks/", apis.ArticleChecksApi.as_view(), name="article-checks"),
    path("articles/<id:article_id>/timeline/", apis.ArticleTimelineApi.as_view(), name="article-timeline"),
    path("moderation/queue/", apis.QueueApi.as_view(), name="moderation-queue"),
    path("moderation/queue/claim-next/", apis.ClaimNextApi.as_view(), name="moderation-claim-next"),
    path(
        "moderation/articles/<id:article_id>/",
        apis.ModerationArticleApi.as_view(),
        name="moderation-article",
    ),
    path(
        "moderation/articles/<id:article_id>/checks/",
        apis.EditorChecksApi.as_view(),
        name="moderation-checks",
    ),
    path("moderation/articles/<id:article_id>/claim/", apis.ClaimApi.as_view(), name="moderation-claim"),
    path(
        "moderation/articles/<id:article_id>/release/", apis.ReleaseApi.as_view(), name="moderation-release"
    ),
    path(
        "moderation/articles/<id:article_id>/approve/", apis.ApproveApi.as_view(), name="moderation-approve"
    ),
    path("moderation/articles/<id:article_id>/reject/", apis.RejectApi.as_view(), name="moderation-reject"),
    path(
        "moderation/articles/<id:article_id>/request-changes/",
        apis.RequestChangesApi.as_view(),
        name="moderation-request-changes",
    ),
    path(
        "moderation/articles/<id:article_id>/retract/", apis.RetractApi.as_view(), name="moderation-retract"
    ),
    path(
        "moderation/articles/<id:article_id>/unschedule/",
        apis.UnscheduleApi.as_view(),
        name="moderation-unschedule",
    ),
    path(
        "moderation/articles/<id:article_id>/corrections/",
        apis.CorrectionsApi.as_view(),
        name="moderation-corrections",
    ),
    path("moderation/articles/<id:article_id>/notes/", apis.NotesApi.as_view(), name="moderation-notes"),
    path(
        "moderation/articles/<id:article_id>/stages/<slug:stage>/complete/",
        apis.StageCompleteApi.as_view(),
        name="moderation-stage-complete",
    ),
    path("moderation/audit/", audit_apis.AuditApi.as_view(), name="moderation-audit"),
    path("moderation/audit/export/", audit_apis.AuditExportApi.as_view(), name="moderation-audit-export"),
    path("moderation/stats/", audit_apis.StatsApi.as_view(), name="moderation-stats"),
    path("moderation/reasons/", apis.ReasonsApi.as_view(), name="moderation-reasons"),
    path("moderation/me/", apis.EditorMeApi.as_view(), name="moderation-me"),
    path("moderation/conflicts/", apis.ConflictsApi.as_view(), name="moderation-conflicts"),
    path(
        "moderation/conflicts/<id:conflict_id>/withdraw/",
        apis.ConflictWithdrawApi.as_view(),
        name="moderation-conflict-withdraw",
    ),
    path("editor-track/apply/", track_apis.ApplyApi.as_view(), name="editor-track-apply"),
    path("editor-track/me/", track_apis.TrackMeApi.as_view(), name="editor-track-me"),
    path("editor-track/shadow/next/", track_apis.ShadowNextApi.as_view(), name="editor-track-shadow-next"),
    path(
        "editor-track/shadow/<id:article_id>/",
        track_apis.ShadowArticleApi.as_view(),
        name="editor-track-shadow-article",
    ),
    path(
        "editor-track/shadow/<id:article_id>/verdict/",
        track_apis.ShadowVerdictApi.as_view(),
        name="editor-track-shadow-verdict",
    ),
    path(
        "editor-track/applications/", track_apis.ApplicationsApi.as_view(), name="editor-track-applications"
    ),
    path(
        "editor-track/applications/<id:application_id>/grant/",
        track_apis.ApplicationGrantApi.as_view(),
        name="editor-track-grant",
    ),
    path(
        "editor-track/applications/<id:application_id>/decline/",
        track_apis.ApplicationDeclineApi.as_view(),
        name="editor-track-decline",
    ),
]
