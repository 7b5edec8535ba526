"""
Bastion's own system checks, one module per concern.

Django's `check --deploy` knows nothing of CSP, CORS or how HTTPS is set up,
so these checks teach it. Ids are stable: silence one with
SILENCED_SYSTEM_CHECKS only with a written reason beside it. Each rule reads
the setting as Django reads it; a value that cannot be read or imported is
reported, never taken as safe. docs/security.md lists every id with what it
stops.

Where each id lives, in apps.core.checks:

    secret_key    E001, E020, E021, E022   SECRET_KEY and SECRET_KEY_FALLBACKS
    https         W001, E010, W011, E023   USE_SSL, HSTS, trusted origins, DEBUG
    cors          W002-W004, W017-W019     CORS settings, origin regexes probed
    csp           W005, W006, W015, W016   whether a policy is sent, and where not
    csp_policy    W007-W009, W012-W014     the policy as a browser reads it
    hosts         W024, W025               ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS wildcards
    passwords     W026, W027               PASSWORD_HASHERS, AUTH_PASSWORD_VALIDATORS
    sessions      E028, W029, W030         the session serializer, engine and cookies
    headers       W031, W032               Referrer-Policy, Cross-Origin-Opener-Policy
    limits        W033, W034               DEBUG_PROPAGATE_EXCEPTIONS, upload limits
    connections   W035, W120, W130-W134    database, mail and uploads storage
    page_policies E060, E061, W200-W204    what PAGE_POLICIES adds for one page
    services      W140-W150, W170          Redis, S3, mail, Sentry, proxies, logs, tasks

public_suffixes holds the Public Suffix List the cors, csp_policy and hosts
rules read; it reports nothing itself. Importing this package registers every
check (CoreConfig.ready does); config/boot.py runs them all when a server starts.
"""

from __future__ import annotations

# Importing a module registers its checks.
from apps.core.checks import (  # noqa: F401
    connections,
    cors,
    csp,
    headers,
    hosts,
    https,
    limits,
    page_policies,
    passwords,
    secret_key,
    services,
    sessions,
)
