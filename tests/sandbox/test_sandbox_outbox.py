"""`/outbox`: the demo's saved mail, listed and shown without running it or leaking other files."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient
from markupsafe import escape

from addon.mail import Attachment, Recipients, compose
from sandbox import SandboxServer, SandboxState, TokenIssuer, create_sandbox_app
from tests.sandbox.conftest import ADDON_KEY

PDF = b"%PDF-1.7\n\x00\x01\x02 report"
SCRIPT = "<script>parent.document.title='pwned'</script>"


def save(
    directory: Path,
    name: str,
    *,
    subject: str,
    saved_at: int,
    html_body: str = "<h1>Acme</h1><p>Total 12:30</p>",
    attachments: tuple[Attachment, ...] = (),
) -> None:
    message = compose(
        sender="Reports <reports@localhost>",
        recipients=Recipients.parse(
            ["Ada <ada@example.com>"], cc=["bob@example.com"], bcc=["client@example.org"]
        ),
        subject=subject,
        html=html_body,
        text="Acme\nTotal 12:30\n",
        attachments=attachments,
        message_id=f"<{name}@reports.example.com>",
        date=datetime(2025, 3, 31, 6, 0, tzinfo=UTC),
    )
    path = directory / name
    path.write_bytes(message.as_bytes())
    os.utime(path, ns=(saved_at, saved_at))


@pytest.fixture(scope="module")
def issuer() -> TokenIssuer:
    return TokenIssuer(ADDON_KEY)


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    directory = tmp_path / "outbox"
    directory.mkdir()
    save(directory, "0001.eml", subject="Older report", saved_at=1_000_000_000_000_000_000)
    save(
        directory,
        "0002.eml",
        subject="Rechnung für März",
        saved_at=2_000_000_000_000_000_000,
        html_body=f"<p>Invoice</p>{SCRIPT}",
        attachments=(
            Attachment("Rechnung März.pdf", "application/pdf", PDF),
            Attachment("evil.html", "text/html", SCRIPT.encode()),
        ),
    )
    (tmp_path / "secret.eml").write_bytes(b"Subject: outside the outbox\n\nTOP-SECRET-CONTENT")
    return directory


@pytest.fixture
def web(outbox: Path, issuer: TokenIssuer) -> FlaskClient:
    return create_sandbox_app(SandboxState(), issuer, outbox_dir=outbox).test_client()


def test_outbox_lists_messages_newest_first_with_headers_and_attachments(web: FlaskClient) -> None:
    page = web.get("/outbox").get_data(as_text=True)

    assert page.index("Rechnung für März") < page.index("Older report")
    assert "Ada &lt;ada@example.com&gt;" in page and "bob@example.com" in page
    assert "Reports &lt;reports@localhost&gt;" in page
    assert "Mon, 31 Mar 2025 06:00:00 +0000" in page
    assert f"Rechnung März.pdf</a> ({len(PDF)} bytes)" in page
    assert "client@example.org" not in page  # Bcc never reached a header


def test_message_page_shows_headers_and_html_only_inside_a_sandboxed_frame(
    web: FlaskClient,
) -> None:
    response = web.get("/outbox/0002.eml")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "<td>Rechnung für März</td>" in page
    assert "&lt;0002.eml@reports.example.com&gt;" in page
    assert '<iframe id="html-body" title="HTML body" sandbox="" srcdoc="' in page
    assert SCRIPT not in page  # present only escaped, as the frame's srcdoc attribute
    assert str(escape(f"<p>Invoice</p>{SCRIPT}")) in page
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "Total 12:30" in page


def test_attachments_download_with_their_exact_bytes_and_name(web: FlaskClient) -> None:
    pdf = web.get("/outbox/0002.eml/attachments/0")
    evil = web.get("/outbox/0002.eml/attachments/1")

    assert pdf.status_code == 200 and pdf.data == PDF
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith('attachment; filename="Rechnung Marz.pdf"')
    assert "filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf" in pdf.headers["Content-Disposition"]
    assert evil.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in evil.headers["Content-Security-Policy"]
    assert evil.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/outbox/secret.eml",
        "/outbox/..%2Fsecret.eml",
        "/outbox/%2e%2e%2fsecret.eml",
        "/outbox/../secret.eml",
        "/outbox/..",
        "/outbox/0003.eml",
        "/outbox/linked.eml",
        "/outbox/0002.eml/attachments/2",
        "/outbox/0002.eml/attachments/-1",
        "/outbox/0002.eml/attachments/..%2F..%2Fsecret.eml",
        "/outbox/%2Fetc%2Fpasswd",
    ],
)
def test_only_listed_messages_and_attachments_can_be_opened(
    web: FlaskClient, outbox: Path, path: str
) -> None:
    (outbox / "linked.eml").symlink_to(outbox.parent / "secret.eml")

    response = web.get(path)

    assert response.status_code == 404
    assert b"outside the outbox" not in response.data
    assert b"TOP-SECRET-CONTENT" not in response.data


def test_outbox_is_mounted_only_when_a_directory_is_given(issuer: TokenIssuer) -> None:
    client = create_sandbox_app(SandboxState(), issuer).test_client()

    assert client.get("/outbox").status_code == 404


def test_empty_outbox_says_so(tmp_path: Path, issuer: TokenIssuer) -> None:
    client = create_sandbox_app(SandboxState(), issuer, outbox_dir=tmp_path).test_client()

    assert "No messages yet" in client.get("/outbox").get_data(as_text=True)


def test_sandbox_server_serves_the_outbox_over_http(outbox: Path, issuer: TokenIssuer) -> None:
    with SandboxServer(issuer, outbox_dir=outbox) as server:
        response = requests.get(f"{server.url}/outbox", timeout=10)

    assert response.status_code == 200
    assert "Older report" in response.text
