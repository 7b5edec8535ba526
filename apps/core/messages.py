"""Django's message storage with the messages cookie named `__Host-messages`.

Under USE_SSL every cookie the site sets carries the __Host- prefix, so a subdomain
cannot plant or overwrite it. Django names the session and CSRF cookies by setting;
the messages cookie's name is CookieStorage's `cookie_name`, so it is set here.
"""

from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage


class HostCookieStorage(CookieStorage):
    # The prefix needs Secure, Path=/ and no Domain: CookieStorage sets the cookie with
    # SESSION_COOKIE_SECURE and SESSION_COOKIE_DOMAIN, which USE_SSL makes True and None.
    cookie_name = "__Host-messages"


class HostFallbackStorage(FallbackStorage):
    """Django's default (a cookie, the session for what does not fit), host-prefixed."""

    storage_classes = (HostCookieStorage, SessionStorage)
