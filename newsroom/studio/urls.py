"""The contributors' studio: "My articles" (newsroom.studio.views) and the editor (newsroom.studio.editor)."""

from django.urls import include, path

from newsroom.studio import editor, views

urlpatterns = [
    path("studio/", views.home, name="studio-home"),
    path("studio/new/", editor.new, name="studio-new"),
    path("studio/preview/", editor.preview, name="studio-preview"),
    path("studio/resend-verification/", editor.resend_verification, name="studio-resend-verification"),
    path("studio/<id:article_id>/", editor.edit, name="studio-edit"),
    path("studio/<id:article_id>/withdraw/", editor.withdraw, name="studio-withdraw"),
    path("", include("newsroom.studio.followup_urls")),
    path("", include("newsroom.studio.editor_track_urls")),
]
