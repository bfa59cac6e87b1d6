"""Trust levels 0-3, derived from a contributor's record. Pure rules; moderation.trust gathers the record.

| level | name    | needs                                                                                      |
|-------|---------|--------------------------------------------------------------------------------------------|
| 0     | new     | (anyone) — an unconfirmed e-mail, or a sanction in the last 90 days, keeps a user here    |
| 1     | basic   | confirmed e-mail                                                                           |
| 2     | member  | level 1, account ≥ 14 days old, ≥ 3 approved, ≥ 60 % of decided submissions approved       |
| 3     | trusted | account ≥ 90 days old, ≥ 15 approved, ≥ 85 % approved, no sanction in the last 180 days   |

A *sanction* is a rejection for spam, illegal content, defamation risk or a privacy violation: the reasons that
point at the author's intent rather than the text's quality. What each level allows is in settings
NEWSROOM["TRUST_LIMITS"] (submissions per 24 h, links per article) and `queue_priority` below.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

SANCTION_REASONS = frozenset({"spam", "illegal", "defamation", "privacy"})


@dataclass(frozen=True)
class TrustRecord:
    email_verified: bool
    account_age_days: int
    approved: int
    rejected: int
    changes_requested: int
    sanctions_90d: int
    sanctions_180d: int

    @property
    def approval_ratio(self) -> float:
        decided = self.approved + self.rejected
        return self.approved / decided if decided else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "approval_ratio": round(self.approval_ratio, 3)}


@dataclass(frozen=True)
class Threshold:
    """What a level asks of the record beyond a confirmed address and no recent sanction. Named, so that a page
    can tell a contributor how far they are from it (the studio's editor track) with the numbers `compute` uses."""

    level: int
    account_age_days: int
    approved: int
    approval_ratio: float

    def met_by(self, record: TrustRecord) -> bool:
        return (
            record.account_age_days >= self.account_age_days
            and record.approved >= self.approved
            and record.approval_ratio >= self.approval_ratio
        )


MEMBER = Threshold(level=2, account_age_days=14, approved=3, approval_ratio=0.6)
TRUSTED = Threshold(level=3, account_age_days=90, approved=15, approval_ratio=0.85)
THRESHOLDS = {t.level: t for t in (MEMBER, TRUSTED)}


# reason code -> what it tells the user
REASONS: dict[str, Any] = {
    "email_unverified": _("Confirm your e-mail address to start."),
    "recent_sanction": _(
        "A submission was rejected for spam, illegal content, defamation or privacy recently."
    ),
    "verified": _(
        "E-mail confirmed. Level 2 needs an account 14 days old and 3 approved articles, most approved."
    ),
    "member": _("A record of approved articles. Level 3 needs 90 days, 15 approved and 85% approval."),
    "trusted": _("A long record of approved articles."),
}


def reason_text(code: str) -> str:
    return str(REASONS.get(code, ""))


def compute(record: TrustRecord) -> tuple[int, str]:
    if not record.email_verified:
        return 0, "email_unverified"
    if record.sanctions_90d:
        return 0, "recent_sanction"
    if TRUSTED.met_by(record) and not record.sanctions_180d:
        return 3, "trusted"
    if MEMBER.met_by(record):
        return 2, "member"
    return 1, "verified"


SANCTION_WINDOWS = (timedelta(days=90), timedelta(days=180))


def submissions_per_day(level: int) -> int:
    return settings.NEWSROOM["TRUST_LIMITS"][level][0]


def links_per_article(level: int) -> int:
    return settings.NEWSROOM["TRUST_LIMITS"][level][1]


def queue_priority(level: int) -> float:
    """A multiplier for the moderation queue ([5/8]): newer authors' work is looked at sooner (more risk),
    trusted authors' work is not starved either. 1.0 is neutral."""
    return {0: 1.3, 1: 1.15, 2: 1.0, 3: 0.9}.get(level, 1.0)
