"""Shared by the studio's tests: an author, and a browser signed in as them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def author() -> Any:
    return UserFactory()


@pytest.fixture
def browser(client: Client, author: Any) -> Client:
    client.force_login(author)
    return client
