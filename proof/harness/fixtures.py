"""
The production stack as fixtures, for every proof that serves it (proof/conftest.py).

gunicorn with gunicorn.conf.py on 127.0.0.1, USE_SSL on (requests carry X-Forwarded-Proto),
collected static files, and a fresh PostgreSQL database per test: a copy of one migrated by
the release step. Every server is stopped by its PID when its test ends, pass or fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from proof import harness
from proof.harness.databases import Database
from proof.harness.processes import Server
from proof.harness.proxies import TcpProxy

# The `serve` fixture: starts the production stack on a database URL, with extra environment.
Serve = Callable[..., Server]


@pytest.fixture(scope="session")
def static_files() -> None:
    harness.collectstatic()


@pytest.fixture(scope="session")
def migrated_database() -> Iterator[Database]:
    """Migrated once by heroku-release.sh; each test gets a copy."""
    with harness.fresh_database("proof") as database:
        harness.release(database.url)
        yield database


@pytest.fixture
def database(migrated_database: Database) -> Iterator[Database]:
    with harness.fresh_database("proof", template=migrated_database.name) as database:
        yield database


def _serve(log_dir: Path, servers: list[Server]) -> Serve:
    def serve(database_url: str, **env: str) -> Server:
        """Start gunicorn with production settings; return once it answers with all workers."""
        # As Heroku sets it on a 512 MB dyno (and gunicorn.conf.py's default).
        env.setdefault("WEB_CONCURRENCY", "2")
        log = log_dir / f"gunicorn-{len(servers) + 1}.log"
        server = Server("config.wsgi", harness.production_env(database_url, **env), log)
        servers.append(server)
        server.wait_until_serving()
        server.wait_for_workers(int(env["WEB_CONCURRENCY"]))
        return server

    return serve


def _stop(servers: list[Server]) -> None:
    for server in servers:
        server.stop()
        # Shown by pytest only when the test failed.
        print(f"--- gunicorn on port {server.port}, last lines of its log:\n{server.log_tail()}")


@pytest.fixture
def serve(static_files: None, tmp_path: Path) -> Iterator[Serve]:
    servers: list[Server] = []
    try:
        yield _serve(tmp_path, servers)
    finally:
        _stop(servers)


@pytest.fixture(scope="module")
def module_stack(
    static_files: None, migrated_database: Database, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, Server]]:
    """One database and one server shared by a module's tests, none of which may change them."""
    servers: list[Server] = []
    with harness.fresh_database("proof", template=migrated_database.name) as database:
        try:
            yield database, _serve(tmp_path_factory.mktemp("gunicorn"), servers)(database.url)
        finally:
            _stop(servers)


@pytest.fixture
def database_proxy(database: Database) -> Iterator[TcpProxy]:
    """A TCP proxy in front of PostgreSQL, so a test can cut or stall the database."""
    proxy = TcpProxy(target=harness.postgres_address())
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture
def proxied_url(database: Database, database_proxy: TcpProxy) -> str:
    """The test database's URL, through the proxy."""
    return harness.with_port(database.url, database_proxy.port)
