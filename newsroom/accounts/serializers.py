from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from newsroom.accounts.models import USER_LANGUAGES, Notification, User
from newsroom.accounts.roles import ROLE_CHOICES, user_roles
from newsroom.accounts.trust import reason_text
from newsroom.api.links import absolute
from newsroom.api.text import refuse_invisible

# the languages letters and notifications are written in (ru / en), as the model declares them
LANGUAGE_CHOICES = USER_LANGUAGES


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})
    display_name = serializers.CharField(min_length=2, max_length=80, validators=[refuse_invisible])


class RegisterOutput(serializers.Serializer):
    email = serializers.EmailField()
    detail = serializers.CharField()


class DetailOutput(serializers.Serializer):
    detail = serializers.CharField()


class TokenInput(serializers.Serializer):
    token = serializers.CharField(max_length=1000)


class EmailInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmInput(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})


class LoginInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})
    device = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A name for this device, e.g. 'phone'."),
    )


class PasswordInput(serializers.Serializer):
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class MeOutput(serializers.ModelSerializer):
    email_verified = serializers.BooleanField(source="is_email_verified", read_only=True)
    roles = serializers.SerializerMethodField()
    avatar = serializers.SerializerMethodField()
    trust = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "display_name",
            "pen_name",
            "byline",
            "bio",
            "language",
            "avatar",
            "email_verified",
            "roles",
            "trust",
            "date_joined",
        ]
        read_only_fields = fields

    def get_roles(self, obj: User) -> list[str]:
        return user_roles(obj)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_avatar(self, obj: User) -> str | None:
        if not obj.avatar:
            return None
        return absolute(obj.avatar.url)

    @extend_schema_field(
        serializers.DictField(help_text=_("level 0-3, the reason for it and the record it was derived from"))
    )
    def get_trust(self, obj: User) -> dict:
        return trust_summary(obj)


def trust_summary(user: User) -> dict:
    return {
        "level": user.trust_level,
        "reason": user.trust_reason,
        "reason_text": reason_text(user.trust_reason),
        "record": user.trust_record,
        "computed_at": user.trust_computed_at,
    }


class LoginOutput(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send as 'Authorization: Bearer <token>'."))
    expiry = serializers.DateTimeField()
    user = MeOutput()


class MeInput(serializers.Serializer):
    display_name = serializers.CharField(
        min_length=2, max_length=80, required=False, validators=[refuse_invisible]
    )
    pen_name = serializers.CharField(
        max_length=80, required=False, allow_blank=True, validators=[refuse_invisible]
    )
    bio = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        required=False,
        help_text=_("The language of your letters and notifications."),
    )


class AvatarInput(serializers.Serializer):
    avatar = serializers.FileField(help_text=_("JPEG, PNG or WebP; re-encoded, metadata removed."))


class SessionOutput(serializers.Serializer):
    id = serializers.SerializerMethodField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    device = serializers.SerializerMethodField()
    user_agent = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField()

    def get_id(self, obj: object) -> str:
        return obj.digest[:32]  # type: ignore[attr-defined]

    def get_device(self, obj: object) -> str:
        return getattr(getattr(obj, "device", None), "name", "")

    def get_user_agent(self, obj: object) -> str:
        return getattr(getattr(obj, "device", None), "user_agent", "")

    def get_current(self, obj: object) -> bool:
        current = self.context.get("current")
        return current is not None and obj.digest == current.digest  # type: ignore[attr-defined]


class RolesInput(serializers.Serializer):
    grant = serializers.ListField(
        child=serializers.ChoiceField(choices=ROLE_CHOICES), required=False, default=list
    )
    revoke = serializers.ListField(
        child=serializers.ChoiceField(choices=ROLE_CHOICES), required=False, default=list
    )
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class RoleChangeOutput(serializers.Serializer):
    role = serializers.CharField()
    granted = serializers.BooleanField()
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class RolesOutput(serializers.Serializer):
    id = serializers.IntegerField()
    roles = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    def get_roles(self, obj: User) -> list[str]:
        return user_roles(obj)

    def get_history(self, obj: User) -> list[dict]:
        return RoleChangeOutput(obj.role_changes.all()[:50], many=True).data  # type: ignore[return-value]


class NotificationOutput(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "data", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class NotificationPageOutput(serializers.Serializer):
    """The standard limit/offset page, plus how many of all the user's notifications are unread."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = NotificationOutput(many=True)
    unread_count = serializers.IntegerField()


class MarkedOutput(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were marked read."))
