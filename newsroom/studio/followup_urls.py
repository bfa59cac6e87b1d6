"""Following an article: its timeline, and the notifications (newsroom.studio.timeline, .notifications)."""

from django.urls import path

from newsroom.studio import notifications, timeline

urlpatterns = [
    path("studio/<id:article_id>/timeline/", timeline.page, name="studio-timeline"),
    path("studio/notifications/", notifications.page, name="studio-notifications"),
    # POST forms: mark one, or all, read (back to the page without JavaScript; swapped in place with htmx)
    path("studio/notifications/read-all/", notifications.mark_all_read, name="studio-notifications-read-all"),
    path(
        "studio/notifications/<id:notification_id>/read/",
        notifications.mark_read,
        name="studio-notification-read",
    ),
]
