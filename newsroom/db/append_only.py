"""Append-only tables, enforced by the database: a trigger refuses every UPDATE and DELETE of their rows.

Used by the audit trails (article events, role changes). PostgreSQL and SQLite both get a trigger, so a test on
either proves the rule; TRUNCATE (test database flushes) is not a row operation and stays possible.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

MESSAGE = "append-only table: rows cannot be updated or deleted"


def _sql(vendor: str, table: str) -> tuple[list[str], list[str]]:
    if vendor == "postgresql":
        function = "newsroom_refuse_change"
        return (
            [
                f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '%: %', TG_TABLE_NAME, '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
                END $$""",
                f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION {function}()""",
            ],
            [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"],
        )
    if vendor == "sqlite":
        return (
            [
                f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                BEGIN SELECT RAISE(ABORT, '{table}: {MESSAGE}'); END""",
                f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
                BEGIN SELECT RAISE(ABORT, '{table}: {MESSAGE}'); END""",
            ],
            [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"],
        )
    raise NotImplementedError(f"append-only triggers are not written for {vendor}")


def append_only(table: str) -> migrations.RunPython:
    """A migration operation installing (and, backwards, removing) the trigger on `table`."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        for statement in _sql(schema_editor.connection.vendor, table)[0]:
            schema_editor.execute(statement, params=None)

    def backwards(apps: Any, schema_editor: Any) -> None:
        for statement in _sql(schema_editor.connection.vendor, table)[1]:
            schema_editor.execute(statement, params=None)

    return migrations.RunPython(forwards, backwards)
