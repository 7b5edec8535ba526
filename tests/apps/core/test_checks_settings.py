"""Deploy checks for settings Django's own checks leave alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from pytest_django import Settings

from apps.core import release_checks
from config import boot, service_urls


def ids(messages: list[Any]) -> set[str]:
    return {str(message.id) for message in messages}


def test_debug_under_use_ssl_is_an_error(production: Settings) -> None:
    production.DEBUG = True

    messages = release_checks.check_debug_under_ssl()

    assert ids(messages) == {"bastion.E023"}
    assert messages[0].is_serious()


def test_debug_without_ssl_is_development_and_quiet(settings: Settings) -> None:
    settings.DEBUG = True
    settings.USE_SSL = False

    assert release_checks.check_debug_under_ssl() == []


@pytest.mark.parametrize("host", ["*", ".com", ".co.uk"])
def test_allowed_hosts_that_match_any_host_fire_w024(production: Settings, host: str) -> None:
    production.ALLOWED_HOSTS = ["bastion.example.com", host]

    assert ids(release_checks.check_hosts()) == {"bastion.W024"}


@pytest.mark.parametrize("host", [".herokuapp.com", ".example.com", "bastion.example.com"])
def test_allowed_hosts_for_one_site_or_herokus_router_are_quiet(
    production: Settings, host: str
) -> None:
    production.ALLOWED_HOSTS = [host]

    assert release_checks.check_hosts() == []


@pytest.mark.parametrize(
    "origin", ["https://*.herokuapp.com", "https://*.github.io", "https://*.com", "https://*"]
)
def test_csrf_trusted_origins_over_a_public_suffix_fire_w025(
    production: Settings, origin: str
) -> None:
    production.CSRF_TRUSTED_ORIGINS = [origin]

    assert ids(release_checks.check_hosts()) == {"bastion.W025"}


def test_csrf_trusted_subdomains_of_ones_own_domain_are_quiet(production: Settings) -> None:
    production.CSRF_TRUSTED_ORIGINS = ["https://*.example.com", "https://app.example.org"]

    assert release_checks.check_hosts() == []


@pytest.mark.parametrize(
    "hasher",
    [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.UnsaltedSHA1PasswordHasher",
        "tests.apps.core.test_checks_settings.FastPBKDF2",
        "no.such.Hasher",
    ],
)
def test_a_weak_first_password_hasher_fires_w026(production: Settings, hasher: str) -> None:
    production.PASSWORD_HASHERS = [hasher, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]

    assert ids(release_checks.check_passwords()) == {"bastion.W026"}


class FastPBKDF2(PBKDF2PasswordHasher):
    """A hasher tuned down for speed, as test settings often do."""

    iterations = 1000


def test_argon2_first_and_md5_kept_for_old_hashes_is_quiet(production: Settings) -> None:
    production.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    assert release_checks.check_passwords() == []


def test_no_password_validators_fires_w027(production: Settings) -> None:
    production.AUTH_PASSWORD_VALIDATORS = []

    assert ids(release_checks.check_passwords()) == {"bastion.W027"}


@pytest.mark.parametrize(
    "serializer", ["django.contrib.sessions.serializers.PickleSerializer", "pickle.Pickler"]
)
def test_a_session_serializer_other_than_json_is_an_error(
    production: Settings, serializer: str
) -> None:
    production.SESSION_SERIALIZER = serializer

    messages = release_checks.check_sessions()

    assert ids(messages) == {"bastion.E028"}
    assert messages[0].is_serious()


def test_signed_cookie_sessions_fire_w029(production: Settings) -> None:
    production.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"

    assert ids(release_checks.check_sessions()) == {"bastion.W029"}


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("SESSION_COOKIE_NAME", "sessionid", "lacks the __Host- prefix"),
        ("SESSION_COOKIE_DOMAIN", ".example.com", "refused by browsers"),
        ("CSRF_COOKIE_PATH", "/app/", "refused by browsers"),
        ("SESSION_COOKIE_SAMESITE", "None", "SESSION_COOKIE_SAMESITE"),
        ("CSRF_COOKIE_SAMESITE", False, "CSRF_COOKIE_SAMESITE"),
    ],
)
def test_weaker_cookies_under_use_ssl_fire_w030(
    production: Settings, name: str, value: Any, problem: str
) -> None:
    setattr(production, name, value)

    messages = release_checks.check_sessions()

    assert ids(messages) == {"bastion.W030"}
    assert problem in messages[0].msg


@pytest.mark.parametrize(
    "policy", ["unsafe-url", "no-referrer-when-downgrade", "same-origin, origin", ["origin"]]
)
def test_a_referrer_policy_weaker_than_the_browser_default_fires_w031(
    production: Settings, policy: Any
) -> None:
    production.SECURE_REFERRER_POLICY = policy

    assert ids(release_checks.check_headers()) == {"bastion.W031"}


def test_the_last_referrer_policy_a_browser_knows_is_the_one_judged(
    production: Settings,
) -> None:
    production.SECURE_REFERRER_POLICY = "origin, strict-origin-when-cross-origin"

    assert release_checks.check_headers() == []


@pytest.mark.parametrize("coop", ["unsafe-none", None])
def test_coop_unsafe_none_fires_w032(production: Settings, coop: str | None) -> None:
    production.SECURE_CROSS_ORIGIN_OPENER_POLICY = coop

    assert ids(release_checks.check_headers()) == {"bastion.W032"}


def test_debug_propagate_exceptions_fires_w033(production: Settings) -> None:
    production.DEBUG_PROPAGATE_EXCEPTIONS = True

    assert ids(release_checks.check_errors_and_limits()) == {"bastion.W033"}


@pytest.mark.parametrize(
    "name",
    [
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
        "DATA_UPLOAD_MAX_NUMBER_FIELDS",
        "DATA_UPLOAD_MAX_NUMBER_FILES",
    ],
)
def test_a_removed_upload_limit_fires_w034(production: Settings, name: str) -> None:
    setattr(production, name, None)

    messages = release_checks.check_errors_and_limits()

    assert ids(messages) == {"bastion.W034"}
    assert name in messages[0].msg


def _postgres(host: str, **options: str) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "app",
        "HOST": host,
        "OPTIONS": options,
    }


@pytest.mark.parametrize(
    "database",
    [
        _postgres("db.example.com"),
        _postgres("ec2-1-2-3-4.compute-1.amazonaws.com", sslmode="prefer"),
        _postgres("52.1.2.3", sslmode="disable"),
    ],
)
def test_postgresql_on_a_remote_host_without_tls_is_named(database: dict[str, Any]) -> None:
    found = release_checks.databases_without_tls({"default": database})

    assert found == [f"default ({database['HOST']})"]


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_a_remote_postgresql_without_tls_fires_w035(production: Settings) -> None:
    url = "postgres://u:p@db.example.com:5432/app"
    production.DATABASES = {  # the settings as DATABASE_URL makes them, TLS not required
        "default": service_urls.database_config(url, conn_max_age=0, ssl_require=False)
    }

    assert ids(release_checks.check_database_tls()) == {"bastion.W035"}


@pytest.mark.parametrize(
    "database",
    [
        _postgres("db.example.com", sslmode="require"),
        _postgres("db.example.com", sslmode="verify-full"),
        _postgres("127.0.0.1"),
        _postgres("db"),
        _postgres("/var/run/postgresql"),
        _postgres("10.0.3.4"),
    ],
)
def test_postgresql_over_tls_or_on_a_private_network_is_quiet(database: dict[str, Any]) -> None:
    assert release_checks.databases_without_tls({"default": database}) == []


def test_every_new_check_says_how_to_fix_it(production: Settings) -> None:
    production.DEBUG = True
    production.ALLOWED_HOSTS = ["*"]
    production.CSRF_TRUSTED_ORIGINS = ["https://*.herokuapp.com"]
    production.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    production.AUTH_PASSWORD_VALIDATORS = []
    production.SESSION_SERIALIZER = "pickle.Pickler"
    production.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    production.SESSION_COOKIE_NAME = "sessionid"
    production.SECURE_REFERRER_POLICY = "unsafe-url"
    production.SECURE_CROSS_ORIGIN_OPENER_POLICY = "unsafe-none"
    production.DEBUG_PROPAGATE_EXCEPTIONS = True
    production.DATA_UPLOAD_MAX_MEMORY_SIZE = None

    messages = [
        *release_checks.check_debug_under_ssl(),
        *release_checks.check_hosts(),
        *release_checks.check_passwords(),
        *release_checks.check_sessions(),
        *release_checks.check_headers(),
        *release_checks.check_errors_and_limits(),
    ]

    assert ids(messages) == {"bastion.E023", "bastion.E028"} | {
        f"bastion.W{n:03}" for n in range(24, 35) if n != 28
    }
    assert all(message.hint for message in messages)


def test_the_boot_refuses_every_error_with_status_3_and_one_line_each(
    production: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    production.DEBUG = True
    production.SESSION_SERIALIZER = "pickle.Pickler"
    production.DEBUG_PROPAGATE_EXCEPTIONS = True  # a warning: never stops the server

    with pytest.raises(SystemExit) as stopped:
        boot.refuse_unsafe_configuration()

    lines = capsys.readouterr().err.strip().splitlines()
    assert stopped.value.code == 3
    assert len(lines) == 2
    assert any("(bastion.E023)" in line and "DEBUG" in line for line in lines)
    assert any("(bastion.E028)" in line for line in lines)


def test_the_boot_lets_the_shipped_production_configuration_serve(production: Settings) -> None:
    boot.refuse_unsafe_configuration()
