"""A real SMTP server for tests (aiosmtpd), with STARTTLS or TLS and a throwaway certificate."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pytest_django import Settings

from tests.support.settings import load_settings_module

HOST = "127.0.0.1"


@dataclass
class Mailbox:
    """What the server received: each message, whether it came over TLS, and each login."""

    messages: list[EmailMessage] = field(default_factory=list)
    encrypted: list[bool] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    accounts: dict[str, str] = field(default_factory=dict)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        transport = server.transport
        self.encrypted.append(bool(transport and transport.get_extra_info("ssl_object")))
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=self.accounts.get(login) == password)


@dataclass(frozen=True)
class Certificate:
    """A throwaway CA and a server certificate it signed for 127.0.0.1 and localhost."""

    ca_file: Path
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_certificate(folder: Path) -> Certificate:
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bastion test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca_file.write_bytes(ca.public_bytes(pem))
    cert_file.write_bytes(cert.public_bytes(pem))
    key_file.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return Certificate(ca_file=ca_file, cert_file=cert_file, key_file=key_file)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(
    *,
    starttls: Certificate | None = None,
    implicit_tls: Certificate | None = None,
    accounts: dict[str, str] | None = None,
) -> Iterator[tuple[int, Mailbox]]:
    """Serve SMTP on 127.0.0.1 until the block ends; yield the port and the mailbox.

    With starttls, every command but EHLO, STARTTLS and QUIT is refused before TLS;
    with accounts, mail is accepted only after a login over TLS.
    """
    mailbox = Mailbox(accounts=dict(accounts or {}))
    options: dict[str, Any] = {}
    if starttls:
        options.update(tls_context=starttls.server_context(), require_starttls=True)
    if implicit_tls:
        options.update(ssl_context=implicit_tls.server_context())
    if accounts:
        # aiosmtpd counts only STARTTLS as TLS for AUTH; with implicit TLS every byte is.
        options.update(
            authenticator=mailbox.authenticate,
            auth_required=True,
            auth_require_tls=implicit_tls is None,
        )
    controller = Controller(mailbox, hostname=HOST, port=free_port(), **options)
    controller.start()
    try:
        yield controller.port, mailbox
    finally:
        controller.stop()


def use_email_url(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, certificate: Certificate, url: str
) -> None:
    """Mail settings as config/settings.py makes them from this EMAIL_URL."""
    values = load_settings_module(
        DEBUG="true",
        EMAIL_URL=url,
        DEFAULT_FROM_EMAIL="Bastion <app@example.com>",
        ADMINS="Ada <ada@example.com>, bob@example.com",
    )
    for name, value in values.items():
        if name.startswith("EMAIL_") or name in {"DEFAULT_FROM_EMAIL", "ADMINS"}:
            setattr(settings, name, value)
    # The client trusts the throwaway CA, as it would a provider's real one.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.ca_file))


class StallingMailbox:
    """An SMTP server that holds each message at DATA until the test lets it go."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.delivered: list[bytes] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.arrived.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)
        content = envelope.content
        self.delivered.append(content if isinstance(content, bytes) else b"")
        return "250 Message accepted for delivery"


@contextmanager
def stalling_smtp_server(settings: Settings) -> Iterator[StallingMailbox]:
    """Django's SMTP backend pointed at a server that holds every message at DATA."""
    from apps.core.reporting import OUTBOX

    mailbox = StallingMailbox()
    controller = Controller(mailbox, hostname=HOST, port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = HOST, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 60
    try:
        yield mailbox
    finally:
        mailbox.release.set()
        OUTBOX.join()
        controller.stop()
