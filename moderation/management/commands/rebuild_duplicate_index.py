"""Rebuilds the near-duplicate index (MinHash signatures and LSH bands) of every published article and every
article in review. Needed once after deploying the near-duplicate check, and after any change of the signature
parameters (moderation.duplicates); safe to run at any time, the index stays usable while it runs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from moderation import duplicates


class Command(BaseCommand):
    help = "Rebuild the near-duplicate index of published and in-review articles (with a progress bar)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="articles per transaction (500)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        result = duplicates.rebuild(
            progress=not options["no_progress"] and options["verbosity"] > 0,
            batch_size=max(1, options["batch_size"]),
        )
        rate = result.indexed / result.seconds if result.seconds else 0.0
        self.stdout.write(
            f"Indexed {result.indexed} article(s) in {result.seconds:.1f} s ({rate:.0f}/s); "
            f"skipped {result.skipped} with no text, removed {result.removed} stale."
        )
