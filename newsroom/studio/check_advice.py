"""What an author can do about each finding of the automated checks (the timeline shows it beside the check's
name, from moderation.check_names)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

# unchanged text kept on each side of a change in a diff; longer unchanged runs are cut in the middle
CONTEXT = 160


# --- what to do about the checks' findings ------------------------------------------------------------------------

_REUPLOAD = gettext_lazy("Upload the image again.")
_OWN_WORDS = gettext_lazy(
    "Say in your own words what is new compared with the published article, and name your sources."
)
_ADVERT = gettext_lazy(
    "Remove the advertising phrases and contact details: a news story informs, it does not sell."
)
_LINK = gettext_lazy("Link straight to the source's own page, with its full address, or remove the link.")

ADVICE: dict[str, Promise] = {
    "missing_title": gettext_lazy("Add a title."),
    "missing_body": gettext_lazy("Write the text of the story."),
    "missing_category": gettext_lazy("Choose a section."),
    "missing_lead": gettext_lazy("Add a lead: one or two sentences on what happened."),
    "title_too_short": gettext_lazy("Make the title say what happened."),
    "title_too_long": gettext_lazy("Shorten the title to the main point."),
    "body_too_short": gettext_lazy("Add the facts: who, what, where, when, and how you know."),
    "body_short": gettext_lazy("Add details if you have them: who, what, where, when."),
    "too_many_capitals": gettext_lazy(
        "Write in ordinary letters; capitals only where the language needs them."
    ),
    "repeated_characters": gettext_lazy("Remove the repeated letters and punctuation marks."),
    "sources_missing": gettext_lazy("Name the source of the material you did not make yourself."),
    "title_copies_published": gettext_lazy("Write a title of your own."),
    "title_repeats_published": gettext_lazy("Make the title different from your earlier article."),
    "duplicate_of_published": gettext_lazy(
        "This text is already published. If something new happened, write about what is new, in your own words."
    ),
    "near_duplicate": _OWN_WORDS,
    "language_mismatch": gettext_lazy("Set the language the text is written in."),
    "lexicon_profanity": gettext_lazy("Remove the coarse words."),
    "lexicon_hate": gettext_lazy("Remove the insults and the calls against groups of people."),
    "lexicon_spam": _ADVERT,
    "lexicon_spam_with_contact": _ADVERT,
    "lexicon_contact": gettext_lazy(
        "Remove phone numbers and addresses from the text: the editors reach you through the site."
    ),
    "too_many_links": gettext_lazy("Keep only the links to your sources."),
    "link_dead": gettext_lazy("Check that the link opens, or remove it."),
    "link_invalid": gettext_lazy("Correct the link's address."),
    "image_missing": _REUPLOAD,
    "image_corrupt": _REUPLOAD,
    "metadata_not_removed": _REUPLOAD,
    "image_small": gettext_lazy("Upload a larger version of the image, if you have one."),
    "image_aspect": gettext_lazy("Crop the image to ordinary proportions."),
    "image_already_published": gettext_lazy(
        "Use your own photos; for someone else's, name the author and make sure you may publish it."
    ),
}


def advice_for(code: str) -> str:
    """What the author can do about a finding: by its code, or by its family (links, wording)."""
    if code in ADVICE:
        return str(ADVICE[code])
    if code.startswith("link_"):
        return str(_LINK)
    return ""
