from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from newsroom.accounts.views import verify_email_page
from newsroom.health import healthz
from newsroom.publishing.feeds import LatestRss

api_v1 = [
    path("", include("newsroom.accounts.urls")),
    path("", include("submissions.urls")),
    path("", include("moderation.urls")),
    path("", include("newsroom.publishing.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("feed/rss/", LatestRss(), name="feed-rss"),
    path("verify-email/", verify_email_page, name="verify-email"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
