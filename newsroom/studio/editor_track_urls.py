"""“Test yourself as an editor” (newsroom.studio.editor_track): the overview, applying, a shadow review and its
verdict, and one recorded verdict with its score."""

from django.urls import path

from newsroom.studio import editor_track

urlpatterns = [
    path("studio/editor-track/", editor_track.page, name="studio-editor-track"),
    path("studio/editor-track/apply/", editor_track.apply, name="studio-editor-track-apply"),
    path(
        "studio/editor-track/shadow/<id:article_id>/", editor_track.shadow, name="studio-editor-track-shadow"
    ),
    path(
        "studio/editor-track/shadow/<id:article_id>/verdict/",
        editor_track.verdict,
        name="studio-editor-track-verdict",
    ),
    path(
        "studio/editor-track/reviews/<id:review_id>/", editor_track.review, name="studio-editor-track-review"
    ),
]
