from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from submissions.states import Action, Language, RejectReason, Status


class Category(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name_ru

    def name_for(self, language: str | None) -> str:
        return self.name_en if (language or "").startswith("en") else self.name_ru


class Article(models.Model):
    """The author's working copy plus its place in the lifecycle. `status` is written only by workflow.py."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(_("title"), max_length=200, blank=True)
    lead = models.CharField(_("lead"), max_length=600, blank=True)
    body = models.TextField(_("body"), max_length=100_000, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.RU)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="articles"
    )
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, null=True, blank=True, allow_unicode=False
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    current_revision = models.ForeignKey(
        "Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    risk_score = models.FloatField(_("risk score"), null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=20, choices=RejectReason.choices, blank=True)

    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="claims"
    )
    claim_expires_at = models.DateTimeField(_("claim expires at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    retracted_at = models.DateTimeField(_("retracted"), null=True, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("moderate_article", "Can review, approve, reject and publish articles"),
            ("retract_article", "Can retract published articles"),
        ]
        indexes = [
            # the public feed: WHERE status='published' ORDER BY published_at DESC, id DESC
            models.Index(
                fields=["-published_at", "-id"], name="article_feed_idx", condition=Q(status="published")
            ),
            # the moderation queue
            models.Index(fields=["status", "-risk_score", "submitted_at"], name="article_queue_idx"),
            models.Index(fields=["status", "publish_at"], name="article_due_idx"),
            models.Index(fields=["author", "-created_at"], name="article_author_idx"),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    def claim_is_live(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return bool(self.claimed_by_id and self.claim_expires_at and self.claim_expires_at > now)


class Revision(models.Model):
    """A frozen snapshot of the article as submitted; automated checks judge revisions, not the working copy."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    lead = models.CharField(max_length=600, blank=True)
    body = models.TextField()
    language = models.CharField(max_length=8, choices=Language.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="revision_number_unique")]
        ordering = ["article", "number"]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class ArticleEvent(models.Model):
    """Audit trail: one row per transition (and per claim), written in the transition's own transaction."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # null: the system (checks, beat)
    action = models.CharField(max_length=30, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["article", "created_at"], name="event_article_idx")]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.action}"
