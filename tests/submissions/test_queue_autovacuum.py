"""The articles table, which every claim and decision rewrites, is vacuumed at 1% dead rows, not PostgreSQL's
default 20% (submissions/migrations/0011_queue_autovacuum.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.services import require_postgres

pytestmark = pytest.mark.django_db


def _options(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [table])
        (options,) = cursor.fetchone()
    return dict(option.split("=", 1) for option in options or [])


def test_the_queue_tables_are_vacuumed_early():
    require_postgres()
    article = _options("submissions_article")
    assert float(article["autovacuum_vacuum_scale_factor"]) == 0.01
    assert int(article["autovacuum_vacuum_threshold"]) == 1000
    assert float(article["autovacuum_analyze_scale_factor"]) == 0.02
    assert float(article["autovacuum_vacuum_cost_delay"]) == 0
    assert float(_options("submissions_articleevent")["autovacuum_vacuum_insert_scale_factor"]) == 0.05
