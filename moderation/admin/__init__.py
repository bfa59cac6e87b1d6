"""Django admin for editors: the moderation queue, the review page of an article (automated checks, the diff under
review, the audit trail) and the decisions, the editor track, the configuration and the lexicon.

Every decision and every edit goes through submissions.workflow / moderation.services, the same functions as the
API: the admin never assigns `Article.status` nor writes an audit event itself. A refusal of the workflow is shown
as an error message for that article; the others of a bulk action go ahead.

One module per room; importing them here registers their admins (admin.autodiscover imports this package).
The review pages are rendered from templates/admin/moderation/, styled by static/moderation/desk.css (strict CSP:
no inline styles).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from moderation.admin import actions, articles, config, lexicon, queue, track  # noqa: F401  (registrations)

# the desk's name in its header and the browser's tab, in the editor's language
admin.site.site_header = _("Newsroom — the editors' desk")
admin.site.site_title = _("Newsroom — the editors' desk")
admin.site.index_title = _("The desk")
