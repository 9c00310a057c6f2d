from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views
from competition.throttling import PasswordResetThrottle, throttle

app_name = "accounts"

urlpatterns = [
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<str:token_key>/regenerate/", views.token_regenerate, name="token_regenerate"),
    path("tokens/<str:token_key>/revoke/", views.token_revoke, name="token_revoke"),
    path("email/", views.email_settings, name="email"),
    path("email/resend/", views.resend_confirmation, name="resend_confirmation"),
    path("email/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    # Django's own reset views; the form only knows confirmed addresses.
    # Limited per client address (competition.throttling: THROTTLE_PASSWORD_RESET).
    path(
        "password/reset/",
        throttle(PasswordResetThrottle)(views.ResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
