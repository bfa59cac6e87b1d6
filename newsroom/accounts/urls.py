from django.urls import path

from newsroom.accounts import apis

urlpatterns = [
    path("auth/register/", apis.RegisterApi.as_view(), name="auth-register"),
    path("auth/verify-email/", apis.VerifyEmailApi.as_view(), name="auth-verify-email"),
    path("auth/resend-verification/", apis.ResendVerificationApi.as_view(), name="auth-resend-verification"),
    path("auth/login/", apis.LoginApi.as_view(), name="auth-login"),
    path("auth/logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("auth/password-reset/", apis.PasswordResetApi.as_view(), name="auth-password-reset"),
    path(
        "auth/password-reset/confirm/",
        apis.PasswordResetConfirmApi.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("me/avatar/", apis.AvatarApi.as_view(), name="me-avatar"),
    path("me/sessions/", apis.SessionsApi.as_view(), name="me-sessions"),
    path("me/sessions/<str:session_id>/", apis.SessionApi.as_view(), name="me-session"),
    path("me/export/", apis.ExportApi.as_view(), name="me-export"),
    path("notifications/", apis.NotificationsApi.as_view(), name="notifications"),
    path("notifications/read-all/", apis.NotificationsReadAllApi.as_view(), name="notifications-read-all"),
    path(
        "notifications/<id:notification_id>/read/",
        apis.NotificationReadApi.as_view(),
        name="notification-read",
    ),
    path("staff/users/<id:user_id>/roles/", apis.UserRolesApi.as_view(), name="staff-user-roles"),
]
