"""
Sessions and cookies: what a forged or stolen cookie can do (E028, W029, W030).

Under USE_SSL the session and CSRF cookies carry the __Host- prefix, so a
subdomain cannot overwrite them; a browser refuses such a cookie with a
Domain, a Path other than / or no Secure flag.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.signing import JSONSerializer
from django.utils.module_loading import import_string

SIGNED_COOKIES = "django.contrib.sessions.backends.signed_cookies"


def _samesite_weak(value: Any) -> bool:
    return value in (None, False) or str(value).lower() == "none"


def _cookie_problems() -> Iterable[str]:
    cookies = [("SESSION_COOKIE", settings.SESSION_COOKIE_NAME)]
    if not settings.CSRF_USE_SESSIONS:
        cookies.append(("CSRF_COOKIE", settings.CSRF_COOKIE_NAME))
    for prefix, name in cookies:
        domain = getattr(settings, f"{prefix}_DOMAIN")
        path = getattr(settings, f"{prefix}_PATH")
        secure = getattr(settings, f"{prefix}_SECURE")
        if not name.startswith("__Host-"):
            yield f"{prefix}_NAME {name!r} lacks the __Host- prefix"
        elif domain or path != "/" or not secure:
            yield f"{prefix}_NAME {name!r} is refused by browsers: a Domain, a Path or no Secure"
        if _samesite_weak(getattr(settings, f"{prefix}_SAMESITE")):
            yield f"{prefix}_SAMESITE lets other sites send it"


@register(Tags.security, deploy=True)
def check_sessions(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    try:
        serializer = import_string(settings.SESSION_SERIALIZER)
        json_like = isinstance(serializer, type) and issubclass(serializer, JSONSerializer)
    except ImportError:
        json_like = False
    if not json_like:
        messages.append(
            Error(
                f"SESSION_SERIALIZER is {settings.SESSION_SERIALIZER}, not JSON: a serializer "
                "that rebuilds objects runs code from a forged session.",
                hint="Remove SESSION_SERIALIZER (Django's default is JSONSerializer).",
                id="bastion.E028",
            )
        )
    if settings.SESSION_ENGINE == SIGNED_COOKIES:
        messages.append(
            Warning(
                "Sessions are signed cookies: a stolen cookie stays valid after logout, "
                "and the key that signs it is all that guards the session's content.",
                hint="Use the database (Django's default SESSION_ENGINE) or the cache backend.",
                id="bastion.W029",
            )
        )
    problems = list(_cookie_problems()) if settings.USE_SSL else []
    if problems:
        messages.append(
            Warning(
                f"Under USE_SSL the cookies are weaker than they should be: {'; '.join(problems)}.",
                hint=(
                    "Keep __Host-sessionid and __Host-csrftoken with no Domain, Path=/ and "
                    "SameSite=Lax (config/settings.py, the USE_SSL block)."
                ),
                id="bastion.W030",
            )
        )
    return messages
