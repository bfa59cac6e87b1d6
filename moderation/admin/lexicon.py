"""Admin for the spam-and-abuse lexicon. Chief editors (given the LexiconEntry model permissions) add, reword,
re-grade and switch off terms here; the lexicon check picks the change up before its next run, in every process."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from moderation import lexicon
from moderation.models import LexiconEntry
from newsroom.adminkit import DeskPhrases

LANGUAGE_CHOICES = [("ru", _("Russian")), ("en", _("English")), ("any", _("any language"))]


class LexiconEntryForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("language"), choices=LANGUAGE_CHOICES)

    class Meta:
        model = LexiconEntry
        fields = ["term", "language", "category", "severity", "is_active", "note"]
        help_texts = {
            "term": _(
                "A word in its dictionary form, or a phrase (words in sequence). Case, ё, look-alike letters, "
                "s.p.a.c.e.d and repeated letters and word endings are ignored; whole words only. A word ending "
                "in * matches every word beginning with it."
            ),
            "severity": _("High fails the check, medium warns, low only notes it for the editor."),
        }

    def clean_term(self) -> str:
        term = lexicon.normalise_term(self.cleaned_data["term"])
        try:
            lexicon.compile_words(term)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return term


@admin.register(LexiconEntry)
class LexiconEntryAdmin(DeskPhrases, admin.ModelAdmin):
    accusative = pgettext_lazy("accusative", "lexicon entry")
    counted = ngettext_lazy("%(count)s lexicon entry", "%(count)s lexicon entries", "count")
    form = LexiconEntryForm
    list_display = ["term", "language", "category", "severity", "is_active", "is_phrase", "updated_at"]
    list_filter = ["is_active", "category", "severity", "language", "is_phrase"]
    search_fields = ["term", "note"]
    ordering = ["language", "category", "term"]
    readonly_fields = ["is_phrase", "updated_at"]
    actions = ["activate", "deactivate"]
    list_per_page = 100

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.is_phrase = lexicon.is_phrase(obj.term)
        super().save_model(request, obj, form, change)  # post_save invalidates the compiled copies

    def _set_active(self, request: HttpRequest, queryset: QuerySet, active: bool) -> None:
        count = queryset.exclude(is_active=active).update(is_active=active, updated_at=timezone.now())
        lexicon.invalidate()  # update() sends no signals
        self.message_user(request, _("%(n)d entries updated.") % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Activate selected entries"), permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_active(request, queryset, True)

    @admin.action(description=_("Deactivate selected entries"), permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_active(request, queryset, False)
