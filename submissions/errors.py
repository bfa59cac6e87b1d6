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
