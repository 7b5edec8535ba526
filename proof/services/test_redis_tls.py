"""
rediss:// through a TLS front with a self-signed certificate, as Heroku Key-Value Store
serves: refused while certificates are verified (the default), working with
REDIS_SSL_CERT_REQS=none, and encrypted either way.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from proof import harness
from proof.harness.proxies import TlsProxy, self_signed_certificate

ROUND_TRIP = (
    "from django.core.cache import cache\n"
    "cache.set('tls-greeting', 'over TLS', 60)\n"
    "print(cache.get('tls-greeting'))\n"
)


@pytest.fixture
def tls_redis(redis_server: tuple[str, int], tmp_path: Path) -> Iterator[int]:
    proxy = TlsProxy(redis_server, *self_signed_certificate(tmp_path))
    try:
        yield proxy.port
    finally:
        proxy.stop()


def _round_trip(port: int, key_prefix: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", ROUND_TRIP],
        cwd=harness.REPO,
        env=harness.base_env(
            ENV_FILE="",
            DEBUG="true",
            REDIS_URL=f"rediss://127.0.0.1:{port}/0",
            CACHE_KEY_PREFIX=key_prefix,
            **env,
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_self_signed_certificate_is_refused_by_default(tls_redis: int, key_prefix: str) -> None:
    result = _round_trip(tls_redis, key_prefix)

    # Refused, yet the process still runs: the cache degrades and says why.
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "None"
    assert "Redis cache unavailable" in result.stdout + result.stderr
    assert "CERTIFICATE_VERIFY_FAILED" in result.stdout + result.stderr


def test_redis_ssl_cert_reqs_none_connects_over_tls(tls_redis: int, key_prefix: str) -> None:
    result = _round_trip(tls_redis, key_prefix, REDIS_SSL_CERT_REQS="none")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "over TLS"
    assert "Redis cache unavailable" not in result.stdout + result.stderr
