from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.factories import UserFactory
from tests.helpers import submitted


@pytest.fixture
def in_review() -> Callable[..., Any]:
    """in_review(author=None, **kw) -> an article in review (checks run), by a new author unless one is given.

    test_moderation_api.py and test_notifications.py have their own `in_review`, with other defaults."""

    def make(author: Any = None, **kw: Any) -> Any:
        return submitted(author or UserFactory(), **kw)

    return make
