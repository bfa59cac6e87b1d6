"""The contributors' studio (newsroom.studio.views)."""

from django.urls import include, path

from newsroom.studio import views

urlpatterns = [
    path("studio/", views.home, name="studio-home"),
    path("studio/new/", views.new, name="studio-new"),
    path("studio/<id:article_id>/", views.edit, name="studio-edit"),
    path("", include("newsroom.studio.followup_urls")),
    path("", include("newsroom.studio.editor_track_urls")),
]
