from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from submissions.states import Action, Language, RejectReason, RevisionKind, SourceKind, Status


class Category(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # the moderation queue's due time for this category: e.g. 4 h for incidents, 24 h for the rest
    sla_hours = models.PositiveSmallIntegerField(_("review due within (hours)"), default=24)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name_ru

    def name_for(self, language: str | None) -> str:
        return self.name_en if (language or "").startswith("en") else self.name_ru


class Tag(models.Model):
    """A free tag, stored normalised (see submissions.content.normalize_tag): one row per spelling."""

    name = models.CharField(_("tag"), max_length=40, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """The author's working copy plus its place in the lifecycle. `status` is written only by workflow.py."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles", verbose_name=_("author")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    lead = models.CharField(_("lead"), max_length=600, blank=True)
    body = models.TextField(_("body"), max_length=100_000, blank=True)  # Markdown
    body_html = models.TextField(_("body (HTML)"), blank=True)  # rendered and sanitised on every change
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.RU)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("category"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    place_name = models.CharField(_("place"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=60, blank=True)  # a routing key, e.g. "moscow"
    # only when the author chooses to give them
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    has_third_party_material = models.BooleanField(_("contains third-party material"), default=False)
    rights_confirmed = models.BooleanField(_("the author confirms the right to publish"), default=False)
    cover = models.ForeignKey(
        "Media",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    # bumped by every change of the working copy: the ETag, checked by If-Match
    version = models.PositiveIntegerField(_("version"), default=1)
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, null=True, blank=True, allow_unicode=False
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    current_revision = models.ForeignKey(
        "Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current revision"),
    )
    risk_score = models.FloatField(_("risk score"), null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=20, choices=RejectReason.choices, blank=True)

    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("claimed by"),
    )
    claim_expires_at = models.DateTimeField(_("claim expires at"), null=True, blank=True)

    # the moderation queue (see submissions/queueing.py): set while the article waits for an editor, else null
    due_at = models.DateTimeField(_("review due"), null=True, blank=True)
    queue_key = models.DateTimeField(_("queue position"), null=True, blank=True)
    # a junior editor's approval, waiting for a second one in the same review
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("first approved by"),
    )
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rejected by"),
    )
    appealed_at = models.DateTimeField(_("appealed"), null=True, blank=True)  # one appeal per article
    is_appeal = models.BooleanField(
        _("appeal under review"), default=False
    )  # the review now open is an appeal
    # the author's edit of a published article, under review while the published text stays live
    pending_revision = models.ForeignKey(
        "Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pending update"),
    )
    retraction_reason = models.TextField(_("retraction notice"), blank=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)  # the author deleted their account

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
            ("approve_final", "Can give the final approval (without a second editor)"),
            ("take_over_claim", "Can take over another editor's claim"),
            ("unschedule_article", "Can unschedule an approved article"),
            ("correct_article", "Can publish corrections"),
            ("export_audit", "Can export the audit trail"),
        ]
        indexes = [
            # the public feed: WHERE status = %s ORDER BY published_at DESC, id DESC. Not a partial index on
            # status = 'published': SQLite cannot use one for a query that passes the status as a parameter
            # (as Django does), and fell back to sorting every published article (380 ms at 100,000)
            models.Index(fields=["status", "-published_at", "-id"], name="article_feed_idx"),
            # the moderation queue as editors list it: WHERE queue_key IS NOT NULL ORDER BY queue_key,
            # submitted_at, id. Not on (queue_key, id): claim-next's ORDER BY queue_key, id would then have two
            # indexes to walk, and with statistics behind a burst of claims the planner took this one and
            # stepped over every held lease (15 ms a claim with 10,000 held, instead of 0.1)
            models.Index(
                fields=["queue_key", "submitted_at", "id"],
                name="article_queue_list_idx",
                condition=Q(queue_key__isnull=False),
            ),
            # claim-next's two picks: the top unclaimed article (the walk never passes over held leases, however
            # many there are), and the expired leases by expiry
            models.Index(
                fields=["queue_key", "id"],
                name="article_unclaimed_idx",
                condition=Q(queue_key__isnull=False, claimed_by__isnull=True),
            ),
            models.Index(
                fields=["claim_expires_at"],
                name="article_lease_idx",
                condition=Q(queue_key__isnull=False, claimed_by__isnull=False),
            ),
            models.Index(fields=["status", "publish_at"], name="article_due_idx"),
            models.Index(fields=["author", "-created_at"], name="article_author_idx"),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    def claim_is_live(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return bool(self.claimed_by_id and self.claim_expires_at and self.claim_expires_at > now)


class Revision(models.Model):
    """A frozen snapshot of the article: every author save (autosaves within a minute coalesce), every submit and
    every editorial edit. Automated checks judge submitted revisions (Article.current_revision), never the
    working copy."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("article")
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=RevisionKind.choices, default=RevisionKind.SUBMIT
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    lead = models.CharField(_("lead"), max_length=600, blank=True)
    body = models.TextField(_("body"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    # tags, place, sources, declarations: what else the author wrote, as it was
    extra = models.JSONField(_("other details"), default=dict, blank=True)
    # field names changed since the previous revision
    changed = models.JSONField(_("changed fields"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)  # an autosave coalesced into it

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="revision_number_unique")]
        ordering = ["article", "number"]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class ArticleEvent(models.Model):
    """Audit trail: one row per transition, claim, release, note, edit and stage, written in the move's own
    transaction. Append-only: the database refuses UPDATE and DELETE of these rows (migration 0007), so an
    article with events cannot be deleted either (PROTECT here says so before the database does)."""

    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="events", verbose_name=_("article")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )  # null: the system (checks, beat)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_status = models.CharField(_("from status"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices, blank=True)
    message = models.TextField(_("message"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["article", "created_at"], name="event_article_idx"),
            models.Index(fields=["-created_at", "-id"], name="event_recent_idx"),
            models.Index(fields=["actor", "action", "-created_at"], name="event_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.action}"


class Correction(models.Model):
    """A dated public correction appended to a published article."""

    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("article")
    )
    text = models.TextField(_("correction"), max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    created_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        ordering = ["article", "created_at", "id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        indexes = [models.Index(fields=["-created_at", "-id"], name="correction_recent_idx")]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.created_at:%Y-%m-%d}"


class RejectionReason(models.Model):
    """The managed taxonomy of rejection reasons, with the message templates editors start from (ru/en).
    Seeded with RejectReason's codes; chief editors add, reword and deactivate reasons in the admin."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    label_ru = models.CharField(_("name (Russian)"), max_length=100)
    label_en = models.CharField(_("name (English)"), max_length=100)
    template_ru = models.TextField(_("message template (Russian)"), blank=True)
    template_en = models.TextField(_("message template (English)"), blank=True)
    # e.g. illegal content: the rejection must name the law it rests on
    needs_legal_ground = models.BooleanField(_("requires a legal ground"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")

    def __str__(self) -> str:
        return self.code

    def label_for(self, language: str | None) -> str:
        return self.label_en if (language or "").startswith("en") else self.label_ru

    def template_for(self, language: str | None) -> str:
        return self.template_en if (language or "").startswith("en") else self.template_ru


class ReviewStage(models.Model):
    """A review stage that must be completed before the final approval of articles in its categories (e.g. a
    fact-check for politics). Configuration, edited in the admin: a stage with no categories applies nowhere."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    categories = models.ManyToManyField(
        Category, blank=True, related_name="review_stages", verbose_name=_("categories")
    )
    # the one who completes the stage may not also give the final approval
    separate_person = models.BooleanField(_("completed by someone other than the approver"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("review stage")
        verbose_name_plural = _("review stages")

    def __str__(self) -> str:
        return self.code


class StageSignoff(models.Model):
    """A stage completed for one review of an article (the review that began at `round_started`)."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="stage_signoffs", verbose_name=_("article")
    )
    stage = models.ForeignKey(
        ReviewStage, on_delete=models.PROTECT, related_name="+", verbose_name=_("review stage")
    )
    round_started = models.DateTimeField(_("review started"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("completed by")
    )
    note = models.TextField(_("note"), blank=True, max_length=5000)
    created_at = models.DateTimeField(_("completed"), default=timezone.now)

    class Meta:
        verbose_name = _("completed review stage")
        verbose_name_plural = _("completed review stages")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "stage", "round_started"], name="one_signoff_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.stage_id}"


class ConflictDeclaration(models.Model):
    """An editor's declared conflict of interest with an author, a category or a tag: the queue never hands
    them such an article and the workflow refuses their claims and decisions on it. Withdrawn, never deleted."""

    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("editor")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("tag")
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("declared"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(author__isnull=False, category__isnull=True, tag__isnull=True)
                    | Q(author__isnull=True, category__isnull=False, tag__isnull=True)
                    | Q(author__isnull=True, category__isnull=True, tag__isnull=False)
                ),
                name="conflict_names_one_thing",
            )
        ]
        indexes = [
            models.Index(fields=["editor"], name="conflict_editor_idx", condition=Q(withdrawn_at=None))
        ]

    def __str__(self) -> str:
        return f"{self.editor_id}: {self.author_id or self.category_id or self.tag_id}"


class Source(models.Model):
    """Where the article's material comes from. The site disclaims third-party material, so it must be named."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="sources", verbose_name=_("article")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["article", "position", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.url or self.description


def media_path(instance: Media, filename: str) -> str:
    # server-generated: nothing of the uploaded name reaches the disk
    import secrets

    return f"media/{instance.article_id}/{secrets.token_hex(12)}{filename[filename.rfind('.') :]}"


class Media(models.Model):
    """An image of an article, re-encoded from the upload (the original bytes are never stored)."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="media", verbose_name=_("article")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to=media_path, max_length=200)
    format = models.CharField(_("format"), max_length=8)  # jpeg / png / webp, of the stored file
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    bytes = models.PositiveBigIntegerField(
        _("size (bytes)"), default=0
    )  # stored size, responsive sizes included (for the quota)
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    # {"480": {"name": ..., "width": ..., "height": ...}, ...}, filled by a task
    sizes = models.JSONField(_("responsive sizes"), default=dict, blank=True)
    metadata_removed = models.JSONField(
        _("metadata removed"), default=list, blank=True
    )  # e.g. ["exif", "gps", "xmp"]
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["article", "position", "id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.file.name or ""
