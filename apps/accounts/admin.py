"""The accounts in the admin, without the secrets that sign in.

django-allauth's own admin shows an authenticator's data (the TOTP secret, the recovery
codes' seed, a passkey's credential) and a session's key, which is as good as the session
itself. Here an operator sees who has which factor and session, and can delete one (a
lost phone, a stolen laptop), but can read neither.
"""

# Imported first, so their registrations exist to be replaced whatever the app order.
from allauth.mfa import admin as mfa_admin  # noqa: F401
from allauth.mfa.models import Authenticator
from allauth.usersessions import admin as usersessions_admin  # noqa: F401
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from apps.accounts.models import User

admin.site.register(User, UserAdmin)

admin.site.unregister(Authenticator)
admin.site.unregister(UserSession)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin[Authenticator]):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin[UserSession]):
    list_display = ("user", "created_at", "last_seen_at", "ip")
    fields = ("user", "created_at", "last_seen_at", "ip", "user_agent")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False
