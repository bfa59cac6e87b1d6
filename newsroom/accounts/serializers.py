from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from newsroom.accounts.models import User
from newsroom.accounts.roles import user_roles


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})
    display_name = serializers.CharField(min_length=2, max_length=80)


class RegisterOutput(serializers.Serializer):
    email = serializers.EmailField()
    detail = serializers.CharField()


class TokenInput(serializers.Serializer):
    token = serializers.CharField(max_length=1000)


class EmailInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class LoginInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class LoginOutput(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send as 'Authorization: Bearer <token>'."))
    expiry = serializers.DateTimeField()
    user = serializers.SerializerMethodField()

    def get_user(self, obj: dict) -> dict:
        return MeOutput(obj["user"]).data


class MeOutput(serializers.ModelSerializer):
    email_verified = serializers.BooleanField(source="is_email_verified", read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "email_verified", "roles", "date_joined"]
        read_only_fields = fields

    def get_roles(self, obj: User) -> list[str]:
        return user_roles(obj)


class MeInput(serializers.Serializer):
    display_name = serializers.CharField(min_length=2, max_length=80, required=False)
