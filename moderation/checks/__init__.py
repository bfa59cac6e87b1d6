"""The registry of automated checks. Adding a check: one module here plus one line in REGISTRY."""

from __future__ import annotations

from moderation.checks.base import Check, Finding, Result, Snapshot
from moderation.checks.content_rules import ContentRules

REGISTRY: dict[str, Check] = {check.name: check for check in (ContentRules(),)}

__all__ = ["REGISTRY", "Check", "Finding", "Result", "Snapshot"]
