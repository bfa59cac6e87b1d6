"""The audit trail in the editor's words: what each event's recorded data means («до 18:40, продление», «причина:
Спам или реклама», «проверки: Ссылки — предупреждение»), for the review page and the article's change form. The
stored data stays as it is (the API returns it as JSON); this is only how the desk reads it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from moderation.admin.common import request_lang
from moderation.check_names import check_label
from moderation.models import Outcome
from newsroom.accounts.models import User
from newsroom.api.text import visible
from submissions.models import ArticleEvent, RejectionReason, ReviewStage


def _when(value: Any) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else None
    if not isinstance(moment, datetime):
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return str(formats.date_format(moment, "DATETIME_FORMAT"))


def _outcome(value: Any) -> str:
    try:
        return str(Outcome(value).label)
    except ValueError:
        return str(value)


class Trail:
    """Reads the data of a list of events, looking up the editors, reasons and stages they name in one query
    each."""

    def __init__(self, events: Iterable[ArticleEvent]) -> None:
        self.events = list(events)
        data = [e.data for e in self.events if isinstance(e.data, dict)]
        user_ids = {d.get(k) for d in data for k in ("from", "editor", "first_approved_by")} - {None}
        self.users = {
            u.pk: visible(u.display_name)
            for u in User.objects.filter(pk__in=[i for i in user_ids if isinstance(i, int)])
        }
        lang = request_lang()
        codes = {d.get("reason_code") for d in data} - {None}
        self.reasons = {r.code: r.label_for(lang) for r in RejectionReason.objects.filter(code__in=codes)}
        stages = {d.get("stage") for d in data} - {None}
        self.stages = {
            s.code: (s.name_en if lang == "en" else s.name_ru)
            for s in ReviewStage.objects.filter(code__in=stages)
        }

    def _user(self, pk: Any) -> str:
        return self.users.get(pk, gettext("a former editor")) if pk is not None else "—"

    def describe(self, event: ArticleEvent) -> str:
        """The event's data as a short phrase; "" when it holds nothing an editor needs."""
        data = event.data if isinstance(event.data, dict) else {}
        parts: list[str] = []
        if "until" in data:
            parts.append(gettext("until %(time)s") % {"time": _when(data["until"])})
        if data.get("renewal"):
            parts.append(gettext("renewal"))
        if "from" in data:
            parts.append(gettext("taken from %(editor)s") % {"editor": self._user(data["from"])})
        if data.get("expired"):
            parts.append(
                gettext("the claim of %(editor)s expired") % {"editor": self._user(data.get("editor"))}
            )
        if "revision" in data:
            parts.append(gettext("revision %(number)s") % {"number": data["revision"]})
        if data.get("erased"):
            parts.append(gettext("the author's personal data erased"))
        if "reason_code" in data:
            code = data["reason_code"]
            parts.append(gettext("reason: %(reason)s") % {"reason": self.reasons.get(code, code)})
        if data.get("legal_ground"):
            parts.append(gettext("legal ground: %(ground)s") % {"ground": data["legal_ground"]})
        if "publish_at" in data:
            parts.append(gettext("publication at %(time)s") % {"time": _when(data["publish_at"])})
        if "first_approved_by" in data:
            parts.append(
                gettext("first approved by %(editor)s") % {"editor": self._user(data["first_approved_by"])}
            )
        if "stage" in data:
            parts.append(
                gettext("stage: %(stage)s") % {"stage": self.stages.get(data["stage"], data["stage"])}
            )
        checks = data.get("checks")
        if isinstance(checks, dict) and checks:
            listed = ", ".join(
                f"{check_label(name)} — {_outcome(outcome)}" for name, outcome in sorted(checks.items())
            )
            parts.append(gettext("checks: %(checks)s") % {"checks": listed})
        return "; ".join(parts)

    def rows(self) -> list[tuple[ArticleEvent, str]]:
        return [(event, self.describe(event)) for event in self.events]
