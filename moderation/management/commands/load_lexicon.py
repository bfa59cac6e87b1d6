"""Loads the shipped lexicon files into LexiconEntry: `manage.py load_lexicon [--replace] [--dry-run]`.

New terms are created active and known ones get the file's severity; an entry an editor switched off stays off.
--replace makes the table mirror the files: their terms active, every other entry deactivated (not deleted)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from moderation import lexicon
from moderation.models import LexiconEntry


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Upserts the shipped spam-and-abuse lexicon (moderation/data/lexicon/*.txt) into the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Also deactivate every entry not in the files and reactivate those that are.",
        )
        parser.add_argument(
            "--directory",
            type=Path,
            default=lexicon.DATA_DIR,
            help="Where the <language>.txt files are (default: the shipped ones).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            terms = lexicon.shipped_terms(options["directory"])
        except (OSError, lexicon.LexiconFileError) as exc:
            raise CommandError(str(exc)) from exc
        if not terms:
            raise CommandError(f"no lexicon files in {options['directory']}")
        try:
            with transaction.atomic():
                report = lexicon.load_entries(LexiconEntry, terms, replace=options["replace"])
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            self.stdout.write(f"Dry run, nothing changed: {report}.")
            return
        lexicon.invalidate()
        self.stdout.write(self.style.SUCCESS(f"Lexicon loaded from {len(terms)} lines: {report}."))
