"""Keeps trust levels current: after an editorial decision on the author's work and when an address is confirmed.

Runs in the process that committed the change (the signals are sent after commit), so the next submission already
sees the new level; the nightly beat task catches what time alone changes.
"""

from typing import Any

from django.dispatch import receiver

from newsroom.accounts.signals import email_verified
from submissions.signals import article_decided
from submissions.trust import trust_recompute


@receiver(article_decided, dispatch_uid="submissions.trust_after_decision")
def trust_after_decision(sender: Any, *, author_id: int, **kwargs: Any) -> None:
    trust_recompute(author_id)


@receiver(email_verified, dispatch_uid="submissions.trust_after_verification")
def trust_after_verification(sender: Any, *, user_id: int, **kwargs: Any) -> None:
    trust_recompute(user_id)
