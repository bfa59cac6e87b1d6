"""E-mail verification tokens: signed, expiring, single-use, bound to the address they were sent to.

A token carries the user id and the e-mail address. It stops working when the address changes, when it is older
than EMAIL_VERIFICATION_MAX_AGE, and once the address is verified (the first use verifies it; a second use is
refused as `token_used`). Password-reset tokens are Django's own (single-use: bound to the password hash).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

_SALT = "newsroom.accounts.verify-email"


@dataclass(frozen=True)
class VerificationClaim:
    user_id: int
    email: str


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def make_verification_token(user_id: int, email: str) -> str:
    return signing.dumps({"u": user_id, "e": email}, salt=_SALT, compress=True)


def read_verification_token(token: str) -> VerificationClaim:
    """Raises TokenExpired or TokenInvalid."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.NEWSROOM["EMAIL_VERIFICATION_MAX_AGE"])
    except signing.SignatureExpired as exc:
        raise TokenExpired() from exc
    except signing.BadSignature as exc:
        raise TokenInvalid() from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        raise TokenInvalid()
    return VerificationClaim(user_id=data["u"], email=data["e"])
