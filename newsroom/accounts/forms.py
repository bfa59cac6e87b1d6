"""The account pages' forms (newsroom.accounts.web).

A form here renders its inputs (label, autocomplete, the browser's own hints such as `maxlength`) and carries what
was typed; the checking is the API's. Each form hands the raw input to the API's input serializer
(newsroom.accounts.serializers) and turns the serializer's errors, with their codes and messages, into the form's
errors: the same input is refused by the page and by the API in the same words. The form fields themselves check
nothing, so that no second set of rules (and messages) can creep in. The fields carry the API's names.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from newsroom.accounts.models import USER_LANGUAGES
from newsroom.accounts.serializers import (
    AvatarInput,
    EmailInput,
    LoginInput,
    MeInput,
    PasswordInput,
    PasswordResetConfirmInput,
    RegisterInput,
)
from newsroom.api.errors import ApplicationError

PASSWORD_HELP = _("At least 10 characters; not a common password and not like your e-mail address.")


def _text(label: Any, *, autocomplete: str, help_text: Any = "", **attrs: Any) -> forms.CharField:
    """A text input that takes what was typed as it is (the serializer trims and checks it)."""
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete, **attrs}),
    )


def _email(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("E-mail"),
        required=False,
        strip=False,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "maxlength": 254, "required": True, "spellcheck": "false"}
        ),
    )


def _password(label: Any, *, autocomplete: str, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete, "maxlength": 128, "required": True}),
    )


class ApiForm(forms.Form):
    """A form checked by `serializer_class`, the API's input serializer for the same action."""

    serializer_class: ClassVar[type[serializers.Serializer]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        # what was sent, as the API would receive it: a field left out stays out ("required", not "blank")
        raw: dict[str, Any] = {}
        for name in self.fields:
            if name in self.files:
                raw[name] = self.files[name]
            elif name in self.data:
                raw[name] = self.data.get(name)
        serializer = self.serializer_class(data=raw)
        if serializer.is_valid():
            # only what the serializer passed, as the service would get it from the API (a field left out of the
            # request is left alone, never blanked)
            return dict(serializer.validated_data)
        for name, errors in serializer.errors.items():
            for error in errors:
                self.add_error(
                    name if name in self.fields else None,
                    ValidationError(str(error), code=getattr(error, "code", None) or "invalid"),
                )
        return self.cleaned_data

    def refuse(self, exc: Exception, field: str | None = None) -> None:
        """Shows what a service refused: a ValidationError by field (the password validators' messages go next
        to the password), an ApplicationError next to `field` (or above the form), with its code."""
        if isinstance(exc, ValidationError):
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    self.add_error(name if name in self.fields else None, errors)
            else:
                self.add_error(field, exc)
        elif isinstance(exc, ApplicationError):
            self.add_error(field, ValidationError(str(exc.message), code=exc.code))
        else:
            raise exc

    def codes(self) -> dict[str, list[str]]:
        """The error codes by field ("__all__" above the form): what the API would have answered."""
        return {name: [e.code or "invalid" for e in errors] for name, errors in self.errors.as_data().items()}


class SignupForm(ApiForm):
    serializer_class = RegisterInput

    email = _email()
    password = _password(_("Password"), autocomplete="new-password", help_text=PASSWORD_HELP)
    display_name = _text(
        _("Your name"),
        autocomplete="nickname",
        help_text=_("Shown with your articles, unless you choose a pen name later."),
        maxlength=80,
        minlength=2,
        required=True,
    )


class LoginForm(ApiForm):
    serializer_class = LoginInput

    email = _email()
    password = _password(_("Password"), autocomplete="current-password")


class EmailForm(ApiForm):
    serializer_class = EmailInput

    email = _email()


class NewPasswordForm(ApiForm):
    """The new password, with the link's uid and token carried along as the API takes them."""

    serializer_class = PasswordResetConfirmInput

    uid = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    token = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    password = _password(_("New password"), autocomplete="new-password", help_text=PASSWORD_HELP)


class ProfileForm(ApiForm):
    serializer_class = MeInput

    display_name = _text(
        _("Your name"),
        autocomplete="nickname",
        help_text=_("Shown with your articles when you have no pen name."),
        maxlength=80,
        minlength=2,
        required=True,
    )
    pen_name = _text(
        _("Pen name"),
        # a pseudonym protects its author: a browser must not fill in a name it learned elsewhere
        autocomplete="off",
        help_text=_("Signs your articles instead of your name. Leave empty to sign with your name."),
        maxlength=80,
    )
    bio = forms.CharField(
        label=_("About you"),
        required=False,
        strip=False,
        help_text=_("Shown on your author page. At most 1000 characters."),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 1000}),
    )
    language = forms.CharField(
        label=_("Language of letters and notifications"),
        required=False,
        widget=forms.Select(choices=USER_LANGUAGES),
    )


class AvatarForm(ApiForm):
    serializer_class = AvatarInput

    avatar = forms.Field(
        label=_("New picture"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP. It is cropped to a square and saved anew, without the photo's metadata."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "required": True}),
    )


def _ticked(value: bool) -> None:
    if not value:
        raise serializers.ValidationError(_("Tick the box to confirm."), code="required")


class DeleteAccountInput(PasswordInput):
    """The API's DELETE /me/ input (the password), plus the page's explicit confirmation."""

    confirm = serializers.BooleanField(
        validators=[_ticked], error_messages={"required": _("Tick the box to confirm.")}
    )


class DeleteAccountForm(ApiForm):
    serializer_class = DeleteAccountInput

    password = _password(_("Your password"), autocomplete="current-password")
    confirm = forms.BooleanField(
        label=_("I understand that my account is deleted for good and cannot be restored."),
        required=False,
        widget=forms.CheckboxInput(attrs={"required": True}),
    )
