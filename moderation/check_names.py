"""What the editors' desk and the author's timeline say of the automated checks without running them: what each
is called in the reader's language (never the registry's codes), and which findings of an older version of a
check the author may see. A module of its own, outside moderation.checks: importing that
package loads every check (numpy, lingua, datasketch, imagehash), which a web worker must never carry."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext_lazy

CHECK_NAMES: dict[str, Promise] = {
    "content_rules": gettext_lazy("Content rules"),
    "language": pgettext_lazy("diff field", "Language"),
    "lexicon": gettext_lazy("Wording"),
    "near_duplicate": gettext_lazy("Similar articles"),
    "links": gettext_lazy("Links"),
    "media": gettext_lazy("Photos"),
}


def check_label(name: str) -> str:
    """The check's name in the active language; an unknown code (a retired check's old results) as it is."""
    return str(CHECK_NAMES.get(name, name))


# --- near_duplicate --------------------------------------------------------------------------------------------

SCOPED_SINCE = 2  # results of older versions may name unpublished articles under "near_duplicate"


def legacy_author_findings(findings: list[dict[str, str]], version: int) -> list[dict[str, str]]:
    """What the author may see of the findings of a near_duplicate result recorded by `version` of the check: before
    SCOPED_SINCE, only the copies of published articles (an overlap might name an unpublished one)."""
    if version >= SCOPED_SINCE:
        return findings
    return [f for f in findings if f.get("code") == "duplicate_of_published"]
