"""What a check is: a named object that judges a frozen snapshot of one revision."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from submissions.models import Revision


@dataclass(frozen=True)
class Snapshot:
    revision_id: int
    article_id: int
    author_id: int
    title: str
    lead: str
    body: str
    language: str
    category: str
    # what else the author declared with this revision: tags, place, sources, third-party material
    extra: dict[str, Any] = field(default_factory=dict)
    author_trust_level: int = 1
    media_ids: tuple[int, ...] = ()

    @classmethod
    def of(cls, revision: Revision) -> Snapshot:
        return cls(
            revision_id=revision.pk,
            article_id=revision.article_id,
            author_id=revision.created_by_id,
            title=revision.title,
            lead=revision.lead,
            body=revision.body,
            language=revision.language,
            category=revision.category.slug if revision.category else "",  # submitted ones always have one
            extra=dict(revision.extra or {}),
            author_trust_level=revision.article.author.trust_level,
            media_ids=tuple(revision.article.media.order_by("position", "id").values_list("pk", flat=True)),
        )


@dataclass(frozen=True)
class Finding:
    code: str
    ru: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "ru": self.ru, "en": self.en}


@dataclass
class Result:
    outcome: str  # moderation.models.Outcome
    score: float  # 0..1
    findings: list[Finding] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)


class Check(Protocol):
    name: str
    version: int
    weight: float  # share of the risk score

    def run(self, snapshot: Snapshot) -> Result: ...
