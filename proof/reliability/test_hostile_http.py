"""
Requests no browser sends, as raw bytes: each is refused with a 4xx and stores nothing.

Raw sockets, because a client library would fix up what these requests get wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from proof.harness import ORIGIN, Database, Server
from proof.harness.clients import Browser, csrf_token, raw_request, send_raw

pytestmark = pytest.mark.deploy

Headers = dict[bytes, bytes]
FORM = {b"Content-Type": b"application/x-www-form-urlencoded"}
JSON = {b"Content-Type": b"application/json"}
CSP_REPORT = {b"Content-Type": b"application/csp-report"}
NESTED_LIST = b"[" * 8000 + b"]" * 8000
NESTED_OBJECT = b'{"a":' * 2500 + b"1" + b"}" * 2500
# The proof site's CSRF-protected form and JSON API, which store what they accept.
FORM_PAGE = b"/proof/form/"
API = b"/api/proof/notes/"


@pytest.fixture(scope="module")
def server(module_stack: tuple[Database, Server]) -> Server:
    return module_stack[1]


@pytest.fixture(scope="module")
def csrf(server: Server) -> Headers:
    """What a page's own script sends: the CSRF cookie, the token and the site's origin."""
    browser = Browser()
    token = csrf_token(browser.get(server.port, FORM_PAGE.decode()))
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    return {b"Cookie": cookie.encode(), b"X-CSRFToken": token.encode(), b"Origin": ORIGIN.encode()}


@pytest.fixture
def nothing_stored(module_stack: tuple[Database, Server]) -> Iterator[None]:
    database = module_stack[0]

    def stored() -> tuple[int, int, int]:
        notes = database.scalar("SELECT count(*) FROM proof_site_note")
        sessions = database.scalar("SELECT count(*) FROM django_session")
        users = database.scalar("SELECT count(*) FROM accounts_user")
        return notes, sessions, users

    before = stored()
    yield
    assert stored() == before


WITHOUT_CSRF = [
    pytest.param(raw_request(b"GET", b"/", {b"Host": b"evil.example"}), id="foreign host"),
    pytest.param(raw_request(b"GET", b"/", {b"Host": b"\xff\xfe.example"}), id="host not utf-8"),
    pytest.param(raw_request(b"GET", b"/" + b"a" * 8000), id="long url"),
    pytest.param(raw_request(b"GET", b"/", {b"X-Long": b"a" * 10000}), id="long header"),
    pytest.param(
        raw_request(b"GET", b"/", {b"X-Many-%d" % n: b"1" for n in range(200)}), id="many headers"
    ),
    pytest.param(raw_request(b"GET", b"/\x00"), id="nul in request line"),
    pytest.param(raw_request(b"GET", b"/%00"), id="encoded nul in path"),
    pytest.param(raw_request(b"GET", b"/", {b"X-Nul": b"a\x00b"}), id="nul in header"),
    pytest.param(raw_request(b"GET", b"/%FF%FE/"), id="path not utf-8"),
    pytest.param(raw_request(b"GET", b"/\xff\xfe/"), id="raw path not utf-8"),
    pytest.param(raw_request(b"OPTIONS", b"/healthz"), id="OPTIONS /healthz"),
    pytest.param(raw_request(b"TRACE", b"/"), id="TRACE /"),
    pytest.param(raw_request(b"HEAD", b"/"), id="HEAD / (GET only)"),
    pytest.param(raw_request(b"BREW", b"/"), id="unknown method"),
    pytest.param(raw_request(b"POST", b"/healthz", FORM, b"a=1"), id="POST /healthz"),
    pytest.param(raw_request(b"PUT", FORM_PAGE, FORM, b"text=a"), id="PUT no token"),
    pytest.param(raw_request(b"DELETE", API), id="DELETE no token"),
    pytest.param(
        raw_request(b"POST", API, JSON, b'{"text": "a"}'), id="API create without CSRF token"
    ),
    pytest.param(raw_request(b"POST", FORM_PAGE, FORM, b"text=a"), id="form without CSRF token"),
    pytest.param(
        raw_request(b"POST", b"/accounts/login/", FORM, b"login=a@example.com&password=b"),
        id="sign-in without CSRF token",
    ),
    pytest.param(raw_request(b"POST", b"/csp-report/", CSP_REPORT, b"{"), id="CSP report broken"),
    pytest.param(
        raw_request(b"POST", b"/csp-report/", CSP_REPORT, NESTED_LIST), id="CSP report nested"
    ),
    pytest.param(
        raw_request(b"POST", b"/csp-report/", CSP_REPORT, b'{"csp-report": "\xff"}'),
        id="CSP report not utf-8",
    ),
    pytest.param(
        raw_request(b"POST", b"/csp-report/", CSP_REPORT, b"[" * 20000), id="CSP report too big"
    ),
]


@pytest.mark.parametrize("request_bytes", WITHOUT_CSRF)
@pytest.mark.usefixtures("nothing_stored")
def test_a_malformed_or_forbidden_request_gets_a_client_error(
    server: Server, request_bytes: bytes
) -> None:
    status, reply = send_raw(server.port, request_bytes)

    assert 400 <= status < 500, reply[:300]


WithToken = Callable[[Headers], bytes]


def form_post(body: bytes) -> WithToken:
    return lambda csrf: raw_request(b"POST", FORM_PAGE, {**FORM, **csrf}, body)


def api_post(body: bytes, headers: Headers = JSON) -> WithToken:
    return lambda csrf: raw_request(b"POST", API, {**headers, **csrf}, body)


WITH_CSRF = [
    pytest.param(form_post(b"text=" + b"x" * 300_000), id="form body too big"),
    pytest.param(form_post(b"&".join(b"f%d=1" % n for n in range(150))), id="too many fields"),
    pytest.param(form_post(b"text=a%00b"), id="form nul"),
    pytest.param(form_post(b"text=" + b"a" * 201), id="form text too long"),
    pytest.param(api_post(b'{"text": '), id="API malformed JSON"),
    pytest.param(api_post(NESTED_LIST), id="API nested list"),
    pytest.param(api_post(NESTED_OBJECT), id="API nested object"),
    pytest.param(api_post(b'{"text": "\xff\xfe"}'), id="API not utf-8"),
    pytest.param(api_post(b'{"text": "a\\u0000b"}'), id="API nul"),
    pytest.param(api_post(b'{"text": "\\ud800"}'), id="API lone surrogate"),
    pytest.param(api_post(b'{"text": ["x"]}'), id="API wrong type"),
    pytest.param(api_post(b'"just a string"'), id="API not an object"),
    pytest.param(api_post(b'{"text": "' + b"x" * 201 + b'"}'), id="API text too long"),
    pytest.param(api_post(b'{"text": "' + b"x" * 300_000 + b'"}'), id="API body too big"),
    pytest.param(api_post(b"text=a", FORM), id="API form-encoded"),
    pytest.param(lambda csrf: raw_request(b"DELETE", API, csrf), id="DELETE with token"),
    pytest.param(
        lambda csrf: raw_request(b"PUT", API, {**JSON, **csrf}, b"{}"), id="PUT with token"
    ),
    pytest.param(lambda csrf: raw_request(b"POST", b"/", {**FORM, **csrf}, b"a=1"), id="POST /"),
]


@pytest.mark.parametrize("build", WITH_CSRF)
@pytest.mark.usefixtures("nothing_stored")
def test_a_hostile_body_behind_a_valid_csrf_token_gets_a_client_error(
    server: Server, csrf: Headers, build: WithToken
) -> None:
    status, reply = send_raw(server.port, build(csrf))

    assert 400 <= status < 500, reply[:300]


@pytest.mark.parametrize("body", [b"text=%FF%FE", b"text=\xff\xfe"], ids=["encoded", "raw"])
def test_a_form_post_that_is_not_utf8_is_never_a_server_error(
    server: Server, csrf: Headers, body: bytes
) -> None:
    # Django reads such bytes leniently (U+FFFD, or Latin-1 for a whole body that is not
    # UTF-8), so the note may be stored as that text: a 2xx/3xx or a 4xx, never a 5xx.
    status, reply = send_raw(server.port, form_post(body)(csrf))

    assert status < 500, reply[:300]


TRAVERSALS = [
    b"/static/../config/settings.py",
    b"/static/%2e%2e/config/settings.py",
    b"/static/%2E%2E%2Fconfig%2Fsettings.py",
    b"/static/..%2fconfig%2fsettings.py",
    b"/static/..%5cconfig%5csettings.py",
    b"/static/%252e%252e/config/settings.py",
    b"/static/core/../../config/settings.py",
    b"/static/..;/config/settings.py",
    b"/static//work/config/settings.py",
    b"/static/%c0%ae%c0%ae/config/settings.py",
]


@pytest.mark.parametrize("target", TRAVERSALS, ids=[t.decode() for t in TRAVERSALS])
def test_a_path_out_of_the_static_folder_is_not_found(server: Server, target: bytes) -> None:
    status, reply = send_raw(server.port, raw_request(b"GET", target))

    assert 400 <= status < 500
    assert b"SECRET_KEY" not in reply
