"""Real SMTP servers on loopback (aiosmtpd), started per test, and a CA made for this run."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USERNAME = "reports"
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class Inbox:
    """aiosmtpd handler that keeps what it receives; `data_reply` answers DATA (e.g. a 451),
    and `rcpt_replies` answers RCPT for the listed addresses instead of accepting them."""

    data_reply: str = "250 OK"
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.rcpt_replies:
            return self.rcpt_replies[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.data_reply.startswith("250"):
            return self.data_reply
        with self._lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
        return self.data_reply


def authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode() == USERNAME and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False)


@dataclass(frozen=True)
class Tls:
    """A self-signed certificate for 127.0.0.1 and localhost, and contexts for both ends."""

    server: ssl.SSLContext
    client: ssl.SSLContext


def write_certificate(directory: Path) -> tuple[Path, Path]:
    """Write a self-signed certificate for 127.0.0.1 and localhost, valid for a day, and its
    key: `(cert.pem, key.pem)` in `directory`. It is its own CA, so trusting the certificate
    file (`cadata`, `SSL_CERT_FILE`, `REQUESTS_CA_BUNDLE`) is all a client needs."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    cert_path, key_path = write_certificate(tmp_path_factory.mktemp("tls"))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_path, key_path)
    client = ssl.create_default_context(cafile=cert_path)
    return Tls(server=server, client=client)


StartSmtp = Callable[..., tuple[Inbox, int]]


@pytest.fixture
def smtp_server() -> Iterator[StartSmtp]:
    """Start an aiosmtpd server on a free loopback port: `inbox, port = smtp_server(**kw)`.

    Keyword arguments go to aiosmtpd's `Controller` (`authenticator`, `tls_context`, ...).
    """
    controllers: list[Controller] = []

    def start(inbox: Inbox | None = None, **kwargs: Any) -> tuple[Inbox, int]:
        handler = inbox or Inbox()
        port = free_port()
        controller = Controller(
            handler, hostname="127.0.0.1", port=port, server_hostname="mail.test", **kwargs
        )
        controller.start()
        controllers.append(controller)
        return handler, port

    yield start
    for controller in controllers:
        controller.stop()
