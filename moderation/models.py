from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from submissions.models import Article, Revision
from submissions.states import RejectReason


class Outcome(models.TextChoices):
    PASS = "pass", _("pass")
    WARN = "warn", _("warning")
    FAIL = "fail", _("fail")
    ERROR = "error", _("error")


class CheckResult(models.Model):
    """One automated check of one revision. Keyed by (revision, check): a redelivered task rewrites its row."""

    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="check_results", verbose_name=_("revision")
    )
    check_name = models.CharField(_("check"), max_length=40)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    score = models.FloatField(_("risk score"), default=0.0)  # 0 = no risk, 1 = certain problem
    findings = models.JSONField(_("findings"), default=list, blank=True)  # [{"code", "ru", "en"}]
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    check_version = models.PositiveSmallIntegerField(_("check version"), default=1)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    duration_ms = models.PositiveIntegerField(
        _("duration (ms)"), null=True, blank=True
    )  # how long the check took: slow ones show
    finished_at = models.DateTimeField(_("finished"), default=timezone.now)

    class Meta:
        verbose_name = _("check result")
        verbose_name_plural = _("check results")
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "check_name"], name="checkresult_revision_check_unique"
            )
        ]
        ordering = ["revision", "check_name"]

    def __str__(self) -> str:
        return f"{self.revision_id}/{self.check_name}: {self.outcome}"


class Verdict(models.TextChoices):
    APPROVE = "approve", _("approve")
    REJECT = "reject", _("reject")
    REQUEST_CHANGES = "request_changes", _("request changes")


class EditorApplication(models.Model):
    """A contributor's application to the editor track; shadow reviews build the record a chief editor judges."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        GRANTED = "granted", _("granted")
        DECLINED = "declined", _("declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="editor_applications",
        verbose_name=_("applicant"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    motivation = models.TextField(_("motivation"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("applied"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("editor-track application")
        verbose_name_plural = _("editor-track applications")
        ordering = ["-created_at", "-id"]
        permissions = [("decide_editorapplication", "Can grant or decline editor-track applications")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(state="open"), name="one_open_application_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.state}"


class ShadowReview(models.Model):
    """An applicant's verdict on a revision in review. It changes nothing; when an editor decides on the same
    revision, it is scored against that decision."""

    application = models.ForeignKey(
        EditorApplication, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("application")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("reviewer")
    )
    article = models.ForeignKey(
        "submissions.Article", on_delete=models.CASCADE, related_name="+", verbose_name=_("article")
    )
    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="shadow_reviews", verbose_name=_("revision")
    )
    decision = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    reason_code = models.CharField(_("reason"), max_length=20, choices=RejectReason.choices, blank=True)
    note = models.TextField(_("note"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    editor_decision = models.CharField(
        _("editor's decision"), max_length=20, choices=Verdict.choices, blank=True
    )
    editor_reason_code = models.CharField(
        _("editor's reason"), max_length=20, choices=RejectReason.choices, blank=True
    )
    decision_agrees = models.BooleanField(_("verdict agrees"), null=True)
    reason_agrees = models.BooleanField(_("reason agrees"), null=True)  # only when both rejected
    score = models.FloatField(_("score"), null=True)
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True)

    class Meta:
        verbose_name = _("shadow review")
        verbose_name_plural = _("shadow reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "revision"], name="one_shadow_review_per_revision")
        ]
        indexes = [models.Index(fields=["revision", "scored_at"], name="shadow_unscored_idx")]

    def __str__(self) -> str:
        return f"{self.reviewer_id} on {self.revision_id}: {self.decision}"


class LexiconEntry(models.Model):
    """A term of the spam-and-abuse lexicon. Shipped as data files (moderation/data/lexicon/), loaded into this
    table, and edited by chief editors in the admin. `term` is matched on normalised text (moderation.text)."""

    class Category(models.TextChoices):
        PROFANITY = "profanity", _("profanity")
        HATE = "hate", _("hate speech")
        SPAM = "spam", _("spam phrase")
        CONTACT = "contact", _("contact solicitation")

    class Severity(models.IntegerChoices):
        LOW = 1, _("low")
        MEDIUM = 2, _("medium")
        HIGH = 3, _("high")

    language = models.CharField(_("language"), max_length=8)  # ru / en / any
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    term = models.CharField(_("term"), max_length=200)
    is_phrase = models.BooleanField(_("phrase"), default=False)  # several words, matched in sequence
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.MEDIUM
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lexicon entry")
        verbose_name_plural = _("lexicon entries")
        ordering = ["language", "category", "term"]
        constraints = [
            models.UniqueConstraint(fields=["language", "category", "term"], name="lexicon_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.language}/{self.category}: {self.term}"


class DuplicateSignature(models.Model):
    """The MinHash signature of an article's latest indexed text (published or in review)."""

    article = models.OneToOneField(
        "submissions.Article", on_delete=models.CASCADE, related_name="+", verbose_name=_("article")
    )
    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="+", verbose_name=_("revision")
    )
    signature = models.BinaryField(_("signature"))  # the MinHash values, packed
    shingles = models.PositiveIntegerField(_("shingles"), default=0)
    # A key is at most as long as its title for the letters of most scripts, up to 3x where case folding or
    # compatibility forms expand (ß, ligatures), 18x for one Arabic ligature: 600 characters hold the key of any
    # ordinary 200-character title whole, and at most 2,400 UTF-8 bytes keep every key under PostgreSQL's B-tree
    # row limit (moderation.duplicates.stored_title_key clips longer ones, on both sides of the comparison).
    TITLE_KEY_MAX = 600
    # moderation.text.title_key of the indexed title: the content rules find title copies by equality on it. Rows
    # indexed before the column existed hold "" until `manage.py rebuild_duplicate_index` runs.
    title_key = models.CharField(
        _("title key"), max_length=TITLE_KEY_MAX, db_index=True, default="", db_default=""
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("duplicate signature")
        verbose_name_plural = _("duplicate signatures")

    def __str__(self) -> str:
        return f"signature of {self.article_id}"


class DuplicateBand(models.Model):
    """LSH bands of the signatures, persisted so every worker shares the index and nothing is rebuilt at start.
    Candidates for a new text: the articles sharing at least one (band, hash)."""

    article = models.ForeignKey(
        "submissions.Article", on_delete=models.CASCADE, related_name="+", verbose_name=_("article")
    )
    band = models.PositiveSmallIntegerField(_("band"))
    hash = models.BigIntegerField(_("hash"))

    class Meta:
        verbose_name = _("duplicate band")
        verbose_name_plural = _("duplicate bands")
        indexes = [models.Index(fields=["band", "hash"], name="duplicate_band_lookup")]

    def __str__(self) -> str:
        return f"{self.article_id}: band {self.band}"


class ImageFingerprint(models.Model):
    """A perceptual hash of an article image, to find the reuse of a photo already published."""

    media = models.OneToOneField(
        "submissions.Media", on_delete=models.CASCADE, related_name="+", verbose_name=_("image")
    )
    article = models.ForeignKey(
        "submissions.Article", on_delete=models.CASCADE, related_name="+", verbose_name=_("article")
    )
    phash = models.BigIntegerField(_("perceptual hash"))  # 64-bit pHash, as a signed integer
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("image fingerprint")
        verbose_name_plural = _("image fingerprints")
        indexes = [models.Index(fields=["phash"], name="image_phash_idx")]

    def __str__(self) -> str:
        return f"{self.media_id}: {self.phash:016x}"


class EditorProfile(models.Model):
    """What an editor handles: working languages and sections (categories). By default the queue and
    claim-next show an editor only these; empty means everything."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="editor_profile",
        verbose_name=_("editor"),
    )
    languages = models.JSONField(_("working languages"), default=list, blank=True)  # ["ru", "en"]
    categories = models.ManyToManyField(
        "submissions.Category", blank=True, related_name="+", verbose_name=_("sections")
    )

    class Meta:
        verbose_name = _("editor profile")
        verbose_name_plural = _("editor profiles")

    def __str__(self) -> str:
        return f"editor profile of {self.user_id}"


class QueueItem(Article):
    """The moderation queue in the admin: the articles that wait for an editor (queue_key set), in priority
    order. A proxy: no table of its own; decisions still go through submissions.workflow."""

    class Meta:
        proxy = True
        verbose_name = _("moderation queue item")
        verbose_name_plural = _("moderation queue")
