from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.api.text import visible


def normalize_email(email: str) -> str:
    """E-mail addresses are compared case-insensitively; we store them lower-cased and trimmed."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True, email_verified_at=timezone.now())
        return self.create_user(email, password, **fields)


class TrustLevel(models.IntegerChoices):
    NEW = 0, _("new")
    BASIC = 1, _("basic")
    MEMBER = 2, _("member")
    TRUSTED = 3, _("trusted")


def avatar_path(instance: User, filename: str) -> str:
    # server-generated: the uploaded name never reaches the disk
    return f"avatars/{instance.pk}/{secrets.token_hex(12)}.webp"


# the languages letters and notifications are written in
USER_LANGUAGES = [("ru", "Русский"), ("en", "English")]


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address. Roles are groups (see roles.py)."""

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    display_name = models.CharField(_("display name"), max_length=80)
    pen_name = models.CharField(
        _("pen name"),
        max_length=80,
        blank=True,
        help_text=_("Shown as the byline instead of the display name."),
    )
    bio = models.TextField(_("about"), max_length=1000, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_path, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff (admin access)"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    deleted_at = models.DateTimeField(_("account deleted"), null=True, blank=True)
    # letters and notifications are written in it; set from the request at registration, editable in the profile
    language = models.CharField(_("language"), max_length=8, choices=USER_LANGUAGES, default="ru")

    # derived from the record by moderation.trust; never edited by hand
    trust_level = models.PositiveSmallIntegerField(
        _("trust level"), choices=TrustLevel.choices, default=TrustLevel.NEW
    )
    trust_reason = models.CharField(
        _("reason for the trust level"), max_length=40, blank=True, default="email_unverified"
    )
    trust_record = models.JSONField(_("record behind the trust level"), default=dict, blank=True)
    trust_computed_at = models.DateTimeField(_("trust level computed at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]
        permissions = [("manage_roles", "Can grant and revoke roles")]

    def __str__(self) -> str:
        return f"{self.display_name} <{self.email}>"

    @property
    def is_email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def byline(self) -> str:
        """The public name: the pen name if set (source safety), else the display name."""
        return self.byline_of(self.pen_name, self.display_name, self.deleted_at)

    @staticmethod
    def byline_of(pen_name: str, display_name: str, deleted_at: Any) -> str:
        """Without invisible characters (newsroom.api.text): a name stored before they were refused, or written in
        the admin, reaches no page, feed or API answer with a text-direction control."""
        if pen_name:
            return visible(pen_name)
        if deleted_at is not None:
            return str(_("former contributor"))
        return visible(display_name)

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class RoleChange(models.Model):
    """Audit of every role granted or revoked, and by whom. Append-only: the database refuses UPDATE and
    DELETE (migration 0005). Accounts are never deleted, only anonymised, so the references stay."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="role_changes", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30)
    granted = models.BooleanField(_("granted"))
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")

    def __str__(self) -> str:
        return f"{'+' if self.granted else '-'}{self.role} {self.user_id}"


class TokenDevice(models.Model):
    """What we know of the device a sign-in token was issued to (the token itself is knox's, stored hashed)."""

    token = models.OneToOneField(
        "knox.AuthToken",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="device",
        verbose_name=_("sign-in token"),
    )
    name = models.CharField(_("device name"), max_length=100, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")

    def __str__(self) -> str:
        return self.name or self.user_agent[:40]


class Notification(models.Model):
    """An in-app notification, written in the recipient's language when it is created. `key` makes creation
    idempotent: a redelivered task does not notify twice."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=30)
    key = models.CharField(_("key"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)  # e.g. {"article": 12, "action": "reject"}
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="notification_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"


class WebSession(models.Model):
    """A sign-in to the site in a browser: a Django session, listed on the profile page beside the API devices so
    that it can be signed out from elsewhere. Created at the web sign-in, removed at sign-out or revocation (which
    also deletes the session from the store); the session itself holds the sign-in, this row only describes it."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="web_sessions", verbose_name=_("user")
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        ordering = ["-last_seen", "-id"]
        verbose_name = _("web sign-in")
        verbose_name_plural = _("web sign-ins")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.user_agent[:40]}"
