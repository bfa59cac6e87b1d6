"""Refusals of the article lifecycle, each with a stable machine-readable code (see docs/errors.md)."""

from django.utils.translation import gettext_lazy as _

from newsroom.api.errors import ApplicationError, InvalidTransition, NotAllowed, NotFound

__all__ = [
    "ArticleNotEditable",
    "ClaimedByOther",
    "ConflictOfInterest",
    "EmailNotVerified",
    "IncompleteArticle",
    "InvalidTransition",
    "NotAllowed",
    "NotFound",
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
