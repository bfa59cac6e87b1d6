"""The article lifecycle as data: the states and the one table of allowed moves.

Kept free of models so that models, workflow, serializers and migrations can all import it without cycles.
Only `submissions.workflow` acts on it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    IN_REVIEW = "in_review", _("in review")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    SCHEDULED = "scheduled", _("scheduled")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")
    RETRACTED = "retracted", _("retracted")


class Action(models.TextChoices):
    CREATE = "create", _("created")
    SUBMIT = "submit", _("submitted")
    WITHDRAW = "withdraw", _("withdrawn")
    CHECKS_COMPLETE = "checks_complete", _("automated checks completed")
    CLAIM = "claim", _("claimed")
    RELEASE = "release", _("released")
    REQUEST_CHANGES = "request_changes", _("changes requested")
    APPROVE = "approve", _("approved")
    REJECT = "reject", _("rejected")
    PUBLISH = "publish", _("published")
    RETRACT = "retract", _("retracted")
    EDIT = "edit", _("edited by an editor")
    NOTE = "note", _("internal note")
    TAKE_OVER = "take_over", _("claim taken over")
    PRE_APPROVE = "pre_approve", _("approved by a junior editor, awaiting a second approval")
    STAGE = "stage", _("review stage completed")
    APPEAL = "appeal", _("appealed")
    UNSCHEDULE = "unschedule", _("unscheduled")
    CORRECT = "correct", _("correction published")
    UPDATE_PROPOSE = "update_propose", _("update to the published article proposed")
    UPDATE_APPROVE = "update_approve", _("update approved")
    UPDATE_REJECT = "update_reject", _("update rejected")


# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Action.SUBMIT: (frozenset({Status.DRAFT, Status.CHANGES_REQUESTED}), Status.SUBMITTED),
    Action.WITHDRAW: (
        frozenset({Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED}),
        Status.WITHDRAWN,
    ),
    Action.CHECKS_COMPLETE: (frozenset({Status.SUBMITTED}), Status.IN_REVIEW),
    Action.REQUEST_CHANGES: (frozenset({Status.IN_REVIEW}), Status.CHANGES_REQUESTED),
    Action.APPROVE: (frozenset({Status.IN_REVIEW}), Status.SCHEDULED),
    Action.REJECT: (frozenset({Status.IN_REVIEW}), Status.REJECTED),
    Action.PUBLISH: (frozenset({Status.SCHEDULED}), Status.PUBLISHED),
    Action.RETRACT: (frozenset({Status.PUBLISHED}), Status.RETRACTED),
    Action.APPEAL: (frozenset({Status.REJECTED}), Status.IN_REVIEW),
    Action.UNSCHEDULE: (frozenset({Status.SCHEDULED}), Status.IN_REVIEW),
}

# The author deleted their account: whatever never went public is withdrawn, its content erased. Not a choice of
# Action: the audit trail records it as a withdrawal (with data {"erased": true}).
ERASE = "erase"
TRANSITIONS[ERASE] = (frozenset(Status) - {Status.PUBLISHED, Status.RETRACTED}, Status.WITHDRAWN)

# Decisions an editor makes on a review; each ends the review and is reported to the author.
DECISIONS = frozenset(
    {Action.APPROVE, Action.REJECT, Action.REQUEST_CHANGES, Action.UPDATE_APPROVE, Action.UPDATE_REJECT}
)
# What the author sees of these (and so what stays internal): submissions.policy.AUTHOR_VISIBLE_ACTIONS.

# The author may change the text only here.
EDITABLE_STATES = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})


class Language(models.TextChoices):
    RU = "ru", _("Russian")
    EN = "en", _("English")
    KK = "kk", _("Kazakh")
    UK = "uk", _("Ukrainian")
    BE = "be", _("Belarusian")


class RejectReason(models.TextChoices):
    SPAM = "spam", _("spam or advertising")
    DUPLICATE = "duplicate", _("duplicate of published news")
    COPYRIGHT = "copyright", _("copyright infringement")
    DEFAMATION = "defamation", _("defamation risk")
    PRIVACY = "privacy", _("privacy violation")
    ILLEGAL = "illegal", _("illegal content")
    UNVERIFIABLE = "unverifiable", _("cannot be verified")
    OFF_TOPIC = "off_topic", _("off topic")
    LOW_QUALITY = "low_quality", _("low quality")
    OTHER = "other", _("other")


class SourceKind(models.TextChoices):
    OWN_REPORTING = "own_reporting", _("own reporting")
    DOCUMENT = "document", _("document")
    OTHER_OUTLET = "other_outlet", _("other outlet")
    SOCIAL_MEDIA = "social_media", _("social media")
    INTERVIEW = "interview", _("interview")


class RevisionKind(models.TextChoices):
    SAVE = "save", _("saved by the author")
    AUTOSAVE = "autosave", _("autosaved")
    SUBMIT = "submit", _("submitted")
    EDIT = "edit", _("edited by an editor")
    UPDATE = "update", _("update proposed to the published article")
