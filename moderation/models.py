from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from submissions.models import Revision


class Outcome(models.TextChoices):
    PASS = "pass", _("pass")
    WARN = "warn", _("warning")
    FAIL = "fail", _("fail")
    ERROR = "error", _("error")


class CheckResult(models.Model):
    """One automated check of one revision. Keyed by (revision, check): a redelivered task rewrites its row."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="check_results")
    check_name = models.CharField(_("check"), max_length=40)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    score = models.FloatField(_("risk score"), default=0.0)  # 0 = no risk, 1 = certain problem
    findings = models.JSONField(_("findings"), default=list, blank=True)  # [{"code", "ru", "en"}]
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    check_version = models.PositiveSmallIntegerField(default=1)
    attempts = models.PositiveSmallIntegerField(default=1)
    finished_at = models.DateTimeField(default=timezone.now)

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
