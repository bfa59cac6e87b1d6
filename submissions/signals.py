"""Signals `submissions.workflow` sends after commit, so that other apps react without being imported here."""

from django.dispatch import Signal

# kwargs: article_id, revision_id
article_submitted = Signal()
# kwargs: article_id
article_published = Signal()
