"""The article lifecycle. The only module that assigns `Article.status`.

Every transition: locks the row, checks the state (TRANSITIONS) and the actor's right, saves with update_fields,
writes an ArticleEvent in the same transaction, and schedules side effects after commit.

Moves are grouped by who makes them: `authors` and `editors` (with the system's), on the shared machinery of
`moves`. Their rules are asked of `submissions.policy`; the states and the table are `submissions.states`.
"""

from submissions.workflow.authors import (
    article_appeal,
    article_erase,
    article_propose_update,
    article_submit,
    article_withdraw,
)
from submissions.workflow.editors import (
    article_approve,
    article_checks_completed,
    article_complete_stage,
    article_correct,
    article_edit,
    article_note,
    article_publish,
    article_reject,
    article_request_changes,
    article_retract,
    article_unschedule,
    rejection_message,
    rejection_reason,
)
from submissions.workflow.moves import record_event

__all__ = [
    "article_appeal",
    "article_approve",
    "article_checks_completed",
    "article_complete_stage",
    "article_correct",
    "article_edit",
    "article_erase",
    "article_note",
    "article_propose_update",
    "article_publish",
    "article_reject",
    "article_request_changes",
    "article_retract",
    "article_submit",
    "article_unschedule",
    "article_withdraw",
    "record_event",
    "rejection_message",
    "rejection_reason",
]
