"""The accounts pages: django-allauth's sign-up, sign-in, e-mail, password, second factors
and sessions. Social sign-in is not installed (docs/security.md#social-sign-in).

The pages that ask the browser for a passkey are allauth's own views, listed first so
they answer with a Permissions-Policy that lets this site alone use WebAuthn; every other
page keeps the site's policy, which denies it (django-permissions-policy's documented
per-view override).
"""

from allauth.account import views as account_views
from allauth.mfa.base import views as mfa_views
from allauth.mfa.webauthn import views as webauthn_views
from django.conf import settings
from django.urls import include, path
from django_permissions_policy.decorators import permissions_policy_override

with_webauthn = permissions_policy_override(
    {
        **settings.PERMISSIONS_POLICY,
        "publickey-credentials-create": ["self"],
        "publickey-credentials-get": ["self"],
    }
)

urlpatterns = [
    path("login/", with_webauthn(account_views.login), name="account_login"),
    path("2fa/authenticate/", with_webauthn(mfa_views.authenticate), name="mfa_authenticate"),
    path("2fa/reauthenticate/", with_webauthn(mfa_views.reauthenticate), name="mfa_reauthenticate"),
    path("2fa/webauthn/add/", with_webauthn(webauthn_views.add_webauthn), name="mfa_add_webauthn"),
    path(
        "2fa/webauthn/reauthenticate/",
        with_webauthn(webauthn_views.reauthenticate_webauthn),
        name="mfa_reauthenticate_webauthn",
    ),
    path("", include("allauth.urls")),
]
