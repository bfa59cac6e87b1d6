"""E-mail verification tokens: signed, expiring, bound to the address they were sent to.

A token carries the user id and the e-mail address; it stops working when the address changes, when it is older
than EMAIL_VERIFICATION_MAX_AGE, and after use (verification is recorded once; a replay changes nothing).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

_SALT = "newsroom.accounts.verify-email"


def make_verification_token(user_id: int, email: str) -> str:
    return signing.dumps({"u": user_id, "e": email}, salt=_SALT, compress=True)


def read_verification_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.NEWSROOM["EMAIL_VERIFICATION_MAX_AGE"])
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        return None
    return data["u"], data["e"]
