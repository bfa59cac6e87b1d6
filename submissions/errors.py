"""Refusals of the article lifecycle, each with a stable machine-readable code (see docs/errors.md)."""

from django.utils.translation import gettext_lazy as _

from newsroom.api.errors import (
    ApplicationError,
    InvalidTransition,
    NotAllowed,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)

__all__ = [
    "ArticleNotEditable",
    "ClaimedByOther",
    "ConflictOfInterest",
    "EmailNotVerified",
    "IncompleteArticle",
    "InvalidTransition",
    "NotAllowed",
    "NotFound",
    "PreconditionFailed",
    "PreconditionRequired",
]


class ArticleNotEditable(ApplicationError):
    code = "article_not_editable"
    status = 409
    default_message = _("The article can be edited only as a draft or when changes were requested.")


class EmailNotVerified(ApplicationError):
    code = "email_not_verified"
    status = 403
    default_message = _("Confirm your e-mail address before submitting.")


class ConflictOfInterest(ApplicationError):
    code = "conflict_of_interest"
    status = 403
    default_message = _("Editors cannot decide on their own articles.")


class ClaimedByOther(ApplicationError):
    code = "claimed_by_other"
    status = 409
    default_message = _("Another editor is working on this article.")


class IncompleteArticle(ApplicationError):
    code = "incomplete_article"
    status = 400
    default_message = _("Fill in the required fields before submitting.")


class SubmissionRateLimited(ApplicationError):
    code = "submission_rate_limited"
    status = 429
    default_message = _("You have reached the number of submissions your trust level allows in 24 hours.")


class SubmissionsSuspended(ApplicationError):
    code = "submissions_suspended"
    status = 403
    default_message = _(
        "Submissions are paused for your account after a recent rejection for spam, illegal content, "
        "defamation or privacy."
    )


class TooManyLinks(ApplicationError):
    code = "too_many_links"
    status = 400
    default_message = _("The article has more links than your trust level allows.")


class RightsNotConfirmed(ApplicationError):
    code = "rights_not_confirmed"
    status = 400
    default_message = _("Confirm that you have the right to publish this material.")


class SourcesRequired(ApplicationError):
    code = "sources_required"
    status = 400
    default_message = _("The article contains third-party material: name at least one source.")


class DeclaredConflict(ApplicationError):
    code = "declared_conflict"
    status = 403
    default_message = _("You declared a conflict of interest with this article's author or topic.")


class AppealNeedsOtherEditor(ApplicationError):
    code = "appeal_needs_other_editor"
    status = 403
    default_message = _("An appeal is decided by an editor other than the one who rejected the article.")


class AppealUsed(ApplicationError):
    code = "appeal_used"
    status = 409
    default_message = _("This article has already been appealed once.")


class AwaitingSecondApproval(ApplicationError):
    code = "awaiting_second_approval"
    status = 409
    default_message = _("A junior editor has approved this article; an editor must give the second approval.")


class StagesPending(ApplicationError):
    code = "stages_pending"
    status = 409
    default_message = _("Complete the required review stages before approving.")


class StageSignerCannotApprove(ApplicationError):
    code = "stage_signer_cannot_approve"
    status = 409
    default_message = _("You completed a review stage of this article; another editor must approve it.")


class StageNotRequired(ApplicationError):
    code = "stage_not_required"
    status = 404
    default_message = _("This review stage does not apply to the article.")


class UnknownReason(ApplicationError):
    code = "unknown_reason"
    status = 400
    default_message = _("Choose a reason from the list of rejection reasons.")


class LegalGroundRequired(ApplicationError):
    code = "legal_ground_required"
    status = 400
    default_message = _("This reason requires the legal ground (the law and article) of the rejection.")


class LockedAfterPublication(ApplicationError):
    code = "locked_after_publication"
    status = 400
    default_message = _("After publication only the title, lead and text can be changed.")


class UnknownCategory(ApplicationError):
    code = "unknown_category"
    status = 400
    default_message = _("No such category.")
