from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from newsroom.accounts.views import reset_password_page, verify_email_page
from newsroom.health import healthz
from submissions.media_views import media_file

api_v1 = [
    # the readers' routes first: they take most of the traffic, and are resolved without walking the others
    path("", include("newsroom.publishing.urls")),
    path("", include("newsroom.accounts.urls")),
    path("", include("submissions.urls")),
    path("", include("moderation.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI under its own CSP (settings.API_DOCS_CSP); the split view serves the init script as a file
    path(
        "api/docs/",
        csp_override(settings.API_DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path("verify-email/", verify_email_page, name="verify-email"),
    path("reset-password/", reset_password_page, name="reset-password"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # people: the account pages and the contributors' studio
    path("", include("newsroom.accounts.web_urls")),
    path("", include("newsroom.studio.urls")),
    # readers: HTML pages, feeds, sitemap.xml, robots.txt
    path("", include("newsroom.publishing.web_urls")),
]

# uploaded files, in every mode: only published images are public (submissions/media_views.py, docs/media.md)
urlpatterns.append(re_path(r"^media/(?P<path>.+)$", media_file, name="media"))

handler400 = "newsroom.api.handlers.bad_request"
handler403 = "newsroom.api.handlers.permission_denied"
handler404 = "newsroom.api.handlers.not_found"
handler500 = "newsroom.api.handlers.server_error"
