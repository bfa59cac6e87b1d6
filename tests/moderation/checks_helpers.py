"""What the tests of single checks share."""

from __future__ import annotations

from typing import Any

from moderation.checks.base import Snapshot


def snapshot(**fields: Any) -> Snapshot:
    """A Snapshot of revision 1 of article 1 by author 1, in the "city" category; `fields` give the text (title,
    lead, body, language) and may override any of the rest."""
    return Snapshot(**{"revision_id": 1, "article_id": 1, "author_id": 1, "category": "city", **fields})
