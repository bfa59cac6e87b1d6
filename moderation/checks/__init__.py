"""The registry of automated checks. Adding a check: one module here plus one line in REGISTRY."""

from __future__ import annotations

from moderation.checks.base import Check, Finding, Result, Snapshot
from moderation.checks.content_rules import ContentRules
from moderation.checks.language import LanguageMatch
from moderation.checks.lexicon import Lexicon
from moderation.checks.links import Links
from moderation.checks.media import MediaCheck
from moderation.checks.near_duplicate import NearDuplicate

REGISTRY: dict[str, Check] = {
    check.name: check
    for check in (ContentRules(), LanguageMatch(), Lexicon(), NearDuplicate(), Links(), MediaCheck())
}

__all__ = ["REGISTRY", "Check", "Finding", "Result", "Snapshot"]
