"""“Test yourself as an editor” (newsroom.studio.editor_track)."""

from django.urls import path

from newsroom.studio import editor_track

urlpatterns = [
    path("studio/editor-track/", editor_track.page, name="studio-editor-track"),
]
