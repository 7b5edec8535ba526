"""The admin with two-factor sign-in (ADMIN_2FA), under the same CSP as the plain admin.

Its own module: django-otp's admin imports models, so it must not load with the app
registry (apps/core/admin_site.py names the AdminConfig that INSTALLED_APPS loads).
"""

from django_otp.admin import OTPAdminSite

from apps.core.admin_site import BastionAdminSite


class TwoFactorAdminSite(BastionAdminSite, OTPAdminSite):  # type: ignore[misc]
    """The project's admin, asking for a one-time code after the password."""
