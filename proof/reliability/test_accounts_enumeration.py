"""The accounts reveal nothing and hold their limits across processes, on the production stack.

gunicorn with gunicorn.conf.py on PostgreSQL, the production password hasher. For sign-in,
sign-up and password reset, a registered address and an unknown one get the same answer,
and their response times differ by less than the stated bound (the median of paired
differences; each request from its own client address so no limit interferes).
Two server processes sharing one Redis count the account rate limits together.
"""

from __future__ import annotations

import re
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from http import HTTPStatus

import pytest

from proof import harness
from proof.harness import Database
from proof.harness.clients import Browser, csrf_token
from proof.harness.fixtures import Serve

pytestmark = pytest.mark.deploy

SAMPLES = 21
# The stated bound: what a registered address may cost more (or less) than an unknown one,
# as the median of paired differences: 30 ms, or a tenth of the unknown address's median
# on a machine so busy that one password hash takes longer. A password hash left out on
# one side costs a third of a sign-up and all of a sign-in.
TIMING_BOUND_SECONDS = 0.030
TIMING_BOUND_SHARE = 0.10
REDIS_URL = "redis://127.0.0.1:6379/0"


def create_users(database: Database, count: int) -> list[str]:
    """Verified accounts, made as createsuperuser makes the first one."""
    addresses = [f"known{n}@example.com" for n in range(count)]
    code = (
        "from django.contrib.auth import get_user_model\n"
        "from apps.accounts.services import user_email_mark_verified\n"
        f"for address in {addresses!r}:\n"
        "    user = get_user_model().objects.create_user(address.split('@')[0], address, "
        "'a-long-passphrase-9')\n"
        "    user_email_mark_verified(user=user)\n"
    )
    harness.run_checked(
        [sys.executable, "manage.py", "shell", "-c", code],
        harness.production_env(database.url),
        timeout=120,
    )
    return addresses


class Client:
    """One browser at its own address, through the router."""

    def __init__(self, port: int, address: str) -> None:
        self.port, self.browser = port, Browser()
        self.routed = {"X-Forwarded-For": address}

    def post_form(self, path: str, form: dict[str, str]) -> tuple[int, str, float]:
        page = self.browser.request(self.port, "GET", path, headers=self.routed)
        token = csrf_token(page)
        started = time.perf_counter()
        response = self.browser.request(
            self.port,
            "POST",
            path,
            form={**form, "csrfmiddlewaretoken": token},
            headers=self.routed,
        )
        elapsed = time.perf_counter() - started
        answer = response.header("Location") or _without_tokens(response.text)
        return response.status, answer, elapsed


def _without_tokens(text: str) -> str:
    """The page as a visitor reads it: the CSRF token and the nonce differ on every page."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'nonce="[^"]+"', "", text)
    return re.sub(r"\b(known\d+|unknown\d+)@example\.com", "ADDRESS", text)


Attempt = Callable[[Client, str, int], tuple[int, str, float]]


def compare(port: int, known: list[str], attempt: Attempt) -> tuple[float, float, set[str]]:
    """Median time of the unknown address, median paired difference, and the answers seen.

    Each registered attempt is paired with an unknown one sent right before or after it
    (the order alternates), so a machine that slows down for a while slows both alike.
    """
    differences: list[float] = []
    unknown_times: list[float] = []
    answers: set[str] = set()
    for n in range(SAMPLES):
        elapsed: dict[bool, float] = {}
        for registered in (True, False) if n % 2 else (False, True):
            address = known[n] if registered else f"unknown{n}@example.com"
            client = Client(port, f"198.51.{100 + registered}.{n + 1}")
            status, answer, elapsed[registered] = attempt(client, address, n)
            answers.add(f"{status} {answer}")
        differences.append(elapsed[True] - elapsed[False])
        unknown_times.append(elapsed[False])
    return statistics.median(unknown_times), statistics.median(differences), answers


def sign_in(client: Client, address: str, n: int) -> tuple[int, str, float]:
    return client.post_form("/accounts/login/", {"login": address, "password": f"wrong-{n}"})


def sign_up(client: Client, address: str, n: int) -> tuple[int, str, float]:
    return client.post_form(
        "/accounts/signup/", {"email": address, "password1": f"another-long-phrase-{n}"}
    )


def reset(client: Client, address: str, n: int) -> tuple[int, str, float]:
    return client.post_form("/accounts/password/reset/", {"email": address})


@pytest.mark.parametrize(
    "attempt", [sign_in, sign_up, reset], ids=["sign-in", "sign-up", "password reset"]
)
def test_a_registered_address_gets_the_same_answer_in_the_same_time(
    database: Database, serve: Serve, attempt: Attempt
) -> None:
    known = create_users(database, SAMPLES)
    port = serve(database.url, WEB_CONCURRENCY="1").port

    unknown, difference, answers = compare(port, known, attempt)

    print(
        f"{attempt.__name__}: unknown address {unknown * 1000:.1f} ms (median), registered "
        f"minus unknown {difference * 1000:+.1f} ms (median of {SAMPLES} pairs)"
    )
    assert len(answers) == 1, answers
    assert abs(difference) < max(TIMING_BOUND_SECONDS, TIMING_BOUND_SHARE * unknown)


def test_two_processes_sharing_redis_count_the_reset_limit_together(
    database: Database, serve: Serve
) -> None:
    [address] = create_users(database, 1)
    shared = {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": f"proof-{secrets.token_hex(4)}"}
    ports = [serve(database.url, **shared).port for _ in range(2)]

    # Three requests an address a minute (ACCOUNT_RATE_LIMITS), whichever process answers.
    statuses = [
        Client(ports[n % 2], f"203.0.113.{n + 1}").post_form(
            "/accounts/password/reset/", {"email": address}
        )[0]
        for n in range(4)
    ]

    assert statuses == [HTTPStatus.FOUND] * 3 + [HTTPStatus.TOO_MANY_REQUESTS]


def test_two_processes_sharing_redis_count_sign_ups_per_client_together(
    database: Database, serve: Serve
) -> None:
    shared = {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": f"proof-{secrets.token_hex(4)}"}
    ports = [serve(database.url, **shared).port for _ in range(2)]

    statuses = [
        Client(ports[n % 2], "203.0.113.77").post_form(
            "/accounts/signup/", {"email": f"new{n}@example.com", "password1": f"long-phrase-{n}x"}
        )[0]
        for n in range(11)
    ]

    assert statuses == [HTTPStatus.FOUND] * 10 + [HTTPStatus.TOO_MANY_REQUESTS]
