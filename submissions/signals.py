"""Signals `submissions.workflow` sends after commit, so that other apps react without being imported here."""

from django.dispatch import Signal

# kwargs: article_id, revision_id (a submission, an editorial edit in review, or an update of a published article)
article_submitted = Signal()
# kwargs: article_id
article_published = Signal()
# An editor's decision on a review: kwargs article_id, revision_id, author_id, actor_id, action (approve / reject /
# request_changes), reason_code ("" unless rejected)
article_decided = Signal()
# Something readers see changed after publication: kwargs article_id, kind ("update" / "correction" /
# "retraction"). Feeds and caches listen.
article_public_change = Signal()
