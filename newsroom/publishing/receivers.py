"""Public content changed (sent after commit by submissions.workflow, or a byline by accounts): move the
publication clock, which changes every public ETag and cache key; keep the search index on what is public."""

from typing import Any

from django.dispatch import receiver

from newsroom.accounts.signals import public_profile_changed
from newsroom.publishing.caching import bump_after_commit
from newsroom.publishing.tasks import index_article
from submissions.signals import article_public_change, article_published


@receiver(article_published, dispatch_uid="publishing.clock_on_publish")
@receiver(article_public_change, dispatch_uid="publishing.clock_on_change")
@receiver(public_profile_changed, dispatch_uid="publishing.clock_on_profile")
def public_content_changed(sender: Any, **kwargs: Any) -> None:
    bump_after_commit()


@receiver(article_published, dispatch_uid="publishing.index_on_publish")
@receiver(article_public_change, dispatch_uid="publishing.index_on_change")
def reindex(sender: Any, *, article_id: int, **kwargs: Any) -> None:
    """The search index follows what is public: (re)indexed on publish and update, removed on retraction."""
    index_article.delay(article_id)
