"""What the automated checks are called, in the reader's language: the editors' desk and the author's timeline
show these names, never the registry's codes."""

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
