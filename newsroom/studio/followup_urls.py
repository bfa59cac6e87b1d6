"""Following an article: its timeline, and the notifications (newsroom.studio.timeline, .notifications)."""

from django.urls import path

from newsroom.studio import notifications, timeline

urlpatterns = [
    path("studio/<id:article_id>/timeline/", timeline.page, name="studio-timeline"),
    path("studio/notifications/", notifications.page, name="studio-notifications"),
]
