"""`SmtpSender` against real aiosmtpd servers on loopback: delivery, AUTH, TLS, failures."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from addon.errors import ConfigurationError
from addon.mail import (
    Attachment,
    MailError,
    PermanentMailError,
    Recipients,
    SmtpSender,
    TransientMailError,
    compose,
)
from addon.settings import Secret, Settings, SmtpSecurity
from tests.mail.conftest import (
    PASSWORD,
    USERNAME,
    Inbox,
    StartSmtp,
    Tls,
    authenticate,
    free_port,
)

RECIPIENTS = Recipients.parse(
    ["Ada <ada@example.com>"], cc=["bob@example.com"], bcc=["client@example.org"]
)
SECRET_LINE = "body text only the recipients may read"


def message() -> EmailMessage:
    return compose(
        sender="Reports <reports@example.com>",
        recipients=RECIPIENTS,
        subject="Weekly report",
        html=f"<p>{SECRET_LINE}</p>",
        text=SECRET_LINE,
        attachments=[Attachment("report.pdf", "application/pdf", b"%PDF\x00\x01")],
        message_id="<run-7@reports.example.com>",
    )


def send(sender: SmtpSender, recipients: tuple[str, ...] = RECIPIENTS.envelope()) -> None:
    sender.send(message(), envelope_from="reports@example.com", recipients=recipients)


def plain(port: int, **kwargs: object) -> SmtpSender:
    return SmtpSender("127.0.0.1", port, SmtpSecurity.NONE, timeout=5, **kwargs)  # type: ignore[arg-type]  # test helper forwards keywords


def assert_no_secrets(error: MailError) -> None:
    assert PASSWORD not in str(error) and SECRET_LINE not in str(error)


def test_plain_smtp_delivers_to_every_envelope_recipient_including_bcc(
    smtp_server: StartSmtp,
) -> None:
    inbox, port = smtp_server()

    send(plain(port))

    (received,) = inbox.received
    assert received.mail_from == "reports@example.com"
    assert received.rcpt_tos == ["ada@example.com", "bob@example.com", "client@example.org"]
    parsed = message_from_bytes(received.content, policy=policy.default)
    assert parsed["Message-ID"] == "<run-7@reports.example.com>"
    assert "Bcc" not in parsed and b"client@example.org" not in received.content
    (attachment,) = parsed.iter_attachments()  # type: ignore[attr-defined]  # policy.default gives EmailMessage
    assert attachment.get_payload(decode=True) == b"%PDF\x00\x01"


def test_auth_with_the_right_password_delivers(smtp_server: StartSmtp) -> None:
    inbox, port = smtp_server(authenticator=authenticate, auth_require_tls=False)

    send(plain(port, username=USERNAME, password=Secret(PASSWORD)))

    assert len(inbox.received) == 1


def test_auth_with_a_wrong_password_is_permanent_and_does_not_echo_it(
    smtp_server: StartSmtp,
) -> None:
    inbox, port = smtp_server(authenticator=authenticate, auth_require_tls=False)
    wrong = "not-the-password-" + PASSWORD

    with pytest.raises(PermanentMailError, match="username or password") as caught:
        send(plain(port, username=USERNAME, password=Secret(wrong)))

    assert wrong not in str(caught.value) and wrong not in repr(caught.value.__cause__)
    assert_no_secrets(caught.value)
    assert inbox.received == []


def test_password_is_never_sent_in_plain_text_to_a_remote_host() -> None:
    with pytest.raises(ValueError, match="refusing to send the SMTP password unencrypted"):
        SmtpSender("smtp.example.com", 25, SmtpSecurity.NONE, "u", Secret(PASSWORD))

    settings = Settings(smtp_host="smtp.example.com", smtp_username="u", smtp_password=Secret("p"))
    with pytest.raises(ConfigurationError, match="ADDON_SMTP_SECURITY"):
        SmtpSender.from_settings(settings)


def test_sender_repr_hides_the_password() -> None:
    sender = SmtpSender("127.0.0.1", 25, SmtpSecurity.NONE, "u", Secret(PASSWORD))

    assert PASSWORD not in repr(sender)


def test_from_settings_copies_the_smtp_settings() -> None:
    settings = Settings(
        smtp_host="smtp.example.com",
        smtp_port=465,
        smtp_security=SmtpSecurity.TLS,
        smtp_username="reports",
        smtp_password=Secret(PASSWORD),
    )

    sender = SmtpSender.from_settings(settings)

    assert (sender.host, sender.port) == ("smtp.example.com", 465)
    assert sender.security is SmtpSecurity.TLS
    assert (sender.username, sender.password) == ("reports", Secret(PASSWORD))


def test_starttls_upgrades_then_authenticates(smtp_server: StartSmtp, tls: Tls) -> None:
    inbox, port = smtp_server(
        tls_context=tls.server, require_starttls=True, authenticator=authenticate
    )
    sender = SmtpSender(
        "127.0.0.1",
        port,
        SmtpSecurity.STARTTLS,
        USERNAME,
        Secret(PASSWORD),
        timeout=5,
        ssl_context=tls.client,
    )

    send(sender)

    assert len(inbox.received) == 1


def test_starttls_not_offered_is_permanent_and_nothing_is_sent(smtp_server: StartSmtp) -> None:
    inbox, port = smtp_server()
    sender = SmtpSender("127.0.0.1", port, SmtpSecurity.STARTTLS, timeout=5)

    with pytest.raises(PermanentMailError, match="does not offer STARTTLS"):
        send(sender)

    assert inbox.received == []


def test_implicit_tls_delivers(smtp_server: StartSmtp, tls: Tls) -> None:
    inbox, port = smtp_server(ssl_context=tls.server)
    sender = SmtpSender("127.0.0.1", port, SmtpSecurity.TLS, timeout=5, ssl_context=tls.client)

    send(sender)

    assert len(inbox.received) == 1


def test_untrusted_certificate_is_permanent(smtp_server: StartSmtp, tls: Tls) -> None:
    inbox, port = smtp_server(ssl_context=tls.server)
    sender = SmtpSender("127.0.0.1", port, SmtpSecurity.TLS, timeout=5)  # system CAs only

    with pytest.raises(PermanentMailError, match="certificate we do not trust"):
        send(sender)

    assert inbox.received == []


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ("451 4.3.0 Mail server temporarily unavailable", TransientMailError),
        ("421 4.4.2 Closing connection", TransientMailError),
        ("550 5.7.1 Message rejected as spam", PermanentMailError),
        ("554 5.6.0 Message content rejected", PermanentMailError),
    ],
)
def test_data_reply_code_decides_transient_or_permanent(
    smtp_server: StartSmtp, reply: str, error: type[MailError]
) -> None:
    _, port = smtp_server(Inbox(data_reply=reply))

    with pytest.raises(error) as caught:
        send(plain(port))

    assert type(caught.value) is error
    assert reply.split()[0] in str(caught.value)
    assert_no_secrets(caught.value)


def test_every_recipient_refused_permanently_is_permanent(smtp_server: StartSmtp) -> None:
    refuse = dict.fromkeys(RECIPIENTS.envelope(), "550 5.1.1 No such user")
    _, port = smtp_server(Inbox(rcpt_replies=refuse))

    with pytest.raises(PermanentMailError, match="refused every recipient") as caught:
        send(plain(port))

    assert set(caught.value.refused) == set(RECIPIENTS.envelope())


def test_some_recipients_deferred_is_transient_naming_only_those(smtp_server: StartSmtp) -> None:
    inbox, port = smtp_server(Inbox(rcpt_replies={"bob@example.com": "450 4.2.1 Greylisted"}))

    with pytest.raises(TransientMailError, match="accepted 2 of 3") as caught:
        send(plain(port))

    assert caught.value.refused == {"bob@example.com": 450}
    assert inbox.received[0].rcpt_tos == ["ada@example.com", "client@example.org"]


def test_some_recipients_refused_for_good_counts_as_delivered_and_is_logged(
    smtp_server: StartSmtp, caplog: pytest.LogCaptureFixture
) -> None:
    inbox, port = smtp_server(Inbox(rcpt_replies={"bob@example.com": "550 5.1.1 No such user"}))

    with caplog.at_level(logging.WARNING, logger="addon.mail.smtp"):
        send(plain(port))

    assert inbox.received[0].rcpt_tos == ["ada@example.com", "client@example.org"]
    assert "delivered to 2 of 3 recipients" in caplog.text


def test_server_not_listening_is_transient() -> None:
    port = free_port()  # bound and released: nothing listens there now

    with pytest.raises(TransientMailError, match="could not be reached"):
        send(plain(port))


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A socket that accepts connections (via the backlog) but never greets."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        yield int(listener.getsockname()[1])


def test_server_that_never_answers_times_out_as_transient(silent_server: int) -> None:
    sender = SmtpSender("127.0.0.1", silent_server, SmtpSecurity.NONE, timeout=0.3)

    with pytest.raises(TransientMailError, match="timed out"):
        send(sender)
