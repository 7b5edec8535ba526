"""Password reset by mail, under the admin's URL so the admin offers it on its login page.

The admin shows "Forgotten your password or username?" once a URL named
admin_password_reset exists; the views and templates are Django's own.
https://docs.djangoproject.com/en/5.2/ref/contrib/admin/#adding-a-password-reset-feature
"""

from django.contrib.auth import views as auth_views
from django.urls import path

urlpatterns = [
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
