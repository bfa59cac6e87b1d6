"""Loads a generated benchmark corpus of N articles (Russian and English, with near-duplicates) into the database
of the settings in the environment (DJANGO_SETTINGS_MODULE, default newsroom.settings; DATABASE_URL):

    python -m bench.seed --articles 100000 [--authors A] [--queue 0.02] [--seed S] [--workers W] [--no-progress]

The corpus is bench/corpus.py, the loader bench/loader.py (which code calls as `bench.loader.seed_corpus` once
Django is set up). A second run adds to the articles already there, with other texts and slugs.
"""

from __future__ import annotations

import argparse
import os
import sys

from bench.corpus import DEFAULT_SEED


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.seed",
        description="Load a generated benchmark corpus of N articles (Russian and English, with near-duplicates).",
    )
    parser.add_argument("--articles", "--scale", dest="articles", type=int, required=True, metavar="N")
    parser.add_argument("--authors", type=int, default=None, help="default: one per 50 articles")
    parser.add_argument("--queue", type=float, default=0.02, help="share of articles waiting in review")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="text-preparing processes")
    parser.add_argument("--no-progress", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    options = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from bench.loader import SeedError, seed_corpus

    try:
        seconds = seed_corpus(
            options.articles,
            authors=options.authors,
            queue=options.queue,
            seed=options.seed,
            workers=options.workers,
            no_progress=options.no_progress,
        )
    except SeedError as exc:
        sys.exit(f"seed: {exc}")
    print(f"seeded {options.articles} articles in {seconds:.0f} s")


if __name__ == "__main__":
    main()
