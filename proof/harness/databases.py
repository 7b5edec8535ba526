"""PostgreSQL databases that exist for one run, and the server's address."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

# The PostgreSQL server's maintenance database, where databases are created and dropped.
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")

# The application_name of the proof's own connections.
PROOF_CLIENT = "proof"


def postgres_address() -> tuple[str, int]:
    """Where the PostgreSQL server listens, as POSTGRES_URL says."""
    parts = urlsplit(POSTGRES_URL)
    return parts.hostname or "127.0.0.1", parts.port or 5432


def with_port(url: str, port: int) -> str:
    """The same database URL, reached through another port on 127.0.0.1."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    return parts._replace(
        netloc=f"{credentials}@127.0.0.1:{port}" if credentials else f"127.0.0.1:{port}"
    ).geturl()


@dataclass(frozen=True)
class Database:
    """A PostgreSQL database that exists for one run."""

    name: str
    url: str

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        # Named, so a proof that counts the app's connections can leave out its own, even
        # one that closed a moment ago and whose backend is still exiting.
        with psycopg.connect(
            self.url, autocommit=True, application_name=PROOF_CLIENT
        ) as connection:
            cursor = connection.execute(statement.encode(), params)  # our own literal SQL
            return cursor.fetchall() if cursor.description else []

    def scalar(self, statement: str, params: Sequence[Any] = ()) -> Any:
        return self.query(statement, params)[0][0]


@contextlib.contextmanager
def fresh_database(purpose: str, *, template: str | None = None) -> Iterator[Database]:
    """Create a uniquely named database (empty, or a copy of `template`) and drop it afterwards."""
    name = f"bastion_{purpose}_{secrets.token_hex(4)}"
    url = urlsplit(POSTGRES_URL)._replace(path=f"/{name}").geturl()
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(create)
    try:
        yield Database(name=name, url=url)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            # FORCE ends the connections a stopped server may have left behind.
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
