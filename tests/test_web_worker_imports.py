"""A web worker never loads the automated checks: they import numpy, scipy, lingua, datasketch and imagehash, which
took a gunicorn worker from 100 MB to 158 MB RSS (make bench's memory target is 150 MB). The checks run in the
Celery worker; whatever a page or the API needs to say about them (their names, which findings an author sees)
lives outside moderation.checks and moderation.duplicates. Checked in a fresh interpreter, after every URL's view
module is imported, as a worker has them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("numpy", "scipy", "lingua", "datasketch", "imagehash", "moderation.checks", "moderation.duplicates")

PROBE = f"""
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
import django
django.setup()
from django.urls import get_resolver

def walk(patterns):
    for p in patterns:
        if hasattr(p, "url_patterns"):
            walk(p.url_patterns)
        else:
            p.callback  # the view's module is imported

walk(get_resolver().url_patterns)
import newsroom.wsgi  # noqa: F401
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
"""


def test_the_web_app_does_not_import_the_checks(tmp_path: Path) -> None:
    env = {**os.environ, "NEWSROOM_VAR_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
