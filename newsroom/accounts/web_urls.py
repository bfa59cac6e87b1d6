"""The account pages (newsroom.accounts.web): sign up, sign in and out, the letter's links, the profile."""

from django.urls import path

from newsroom.accounts import web, web_profile
from newsroom.accounts.language import switch_language

urlpatterns = [
    path("account/signup/", web.signup, name="account-signup"),
    path("account/login/", web.login, name="account-login"),
    path("account/logout/", web.logout, name="account-logout"),
    path("account/verify/", web.verify, name="account-verify"),
    path("account/password-reset/", web.password_reset, name="account-password-reset"),
    path(
        "account/password-reset/confirm/", web.password_reset_confirm, name="account-password-reset-confirm"
    ),
    path("account/", web_profile.profile, name="account-profile"),
    path("account/delete/", web_profile.delete_account, name="account-delete"),
    path("language/<str:code>/", switch_language, name="language"),
]
