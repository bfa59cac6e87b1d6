"""The contributors' studio (newsroom.studio.views)."""

from django.urls import include, path

from newsroom.studio import views

urlpatterns = [
    path("studio/", views.home, name="studio-home"),
    path("studio/new/", views.new, name="studio-new"),
    path("studio/<id:article_id>/", views.edit, name="studio-edit"),
    path("studio/<id:article_id>/timeline/", views.timeline, name="studio-timeline"),
    path("studio/notifications/", views.notifications, name="studio-notifications"),
    path("", include("newsroom.studio.editor_track_urls")),
]
