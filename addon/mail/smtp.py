"""`SmtpSender`: one message over SMTP, with failures sorted into "retry later" and "give up".

::

    MailError                    base: catch this to handle every sending failure
     +-- TransientMailError      retry later: connection refused or dropped, timeout, 4xx
     +-- PermanentMailError      do not retry as is: 5xx, authentication failed, no STARTTLS,
                                 certificate not trusted

Retrying a transient failure is safe because the Message-ID stays the same: receiving systems
and people can recognise a repeat. Partial refusal after the message was sent to the others:

* every recipient refused: Permanent when all refusals are 5xx, else Transient;
* some refused with a 4xx: Transient, with `refused` naming them, so the runner may retry
  those alone (retrying the whole list would send the accepted ones a second copy);
* some refused, all with 5xx: logged and treated as delivered, since retrying cannot help and
  the others already have the message.

Error messages name the host, the SMTP code and the server's reply, never the password or any
part of the message. Passwords are sent only over TLS, or to a loopback host (a local relay).
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage

from addon.errors import ConfigurationError
from addon.secret import Secret
from addon.settings import Settings, SmtpSecurity

__all__ = [
    "MailError",
    "PermanentMailError",
    "SmtpSender",
    "TransientMailError",
]

log = logging.getLogger(__name__)

_MAX_REPLY = 200  # characters of a server reply quoted in an error message


class MailError(Exception):
    """Sending failed; the message is safe to log and to show an admin.

    `refused` maps each recipient the server refused to its SMTP code (empty when the failure
    was not about recipients).
    """

    def __init__(self, message: str, *, refused: Mapping[str, int] | None = None) -> None:
        super().__init__(message)
        self.refused: dict[str, int] = dict(refused or {})


class TransientMailError(MailError):
    """Raised when a later attempt may succeed: network trouble, a timeout or a 4xx reply."""


class PermanentMailError(MailError):
    """Raised when repeating the same attempt will fail again: a 5xx reply or bad settings."""


@dataclass(frozen=True, slots=True)
class SmtpSender:
    """Sends each message on a fresh connection (schedules send rarely; no pool to go stale).

    `security`: `NONE` (plain; loopback relays only), `STARTTLS` (refused if the server does
    not offer it, never silently plain) or `TLS` (implicit, usually port 465). `timeout` is in
    seconds, per socket operation. `ssl_context` defaults to one `ssl.create_default_context()`
    per process, which verifies the certificate and host name; tests pass one trusting their CA.
    """

    host: str
    port: int
    security: SmtpSecurity
    username: str = ""
    password: Secret | None = field(default=None, repr=False)
    timeout: float = 30.0
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.host or not 1 <= self.port <= 65535:
            raise ValueError("SmtpSender needs a host and a port in 1-65535")
        if not self.timeout > 0:
            raise ValueError("SmtpSender timeout must be a positive number of seconds")
        if self.username and self.password is None:
            raise ValueError("SmtpSender has a username but no password")
        if self.username and self.security is SmtpSecurity.NONE and not _is_loopback(self.host):
            raise ValueError(
                f"refusing to send the SMTP password unencrypted to {self.host}; "
                "use security STARTTLS or TLS (ADDON_SMTP_SECURITY=starttls or tls)"
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSender:
        """The sender the settings describe; raises `ConfigurationError` naming the problem."""
        try:
            return cls(
                host=settings.smtp_host,
                port=settings.smtp_port,
                security=settings.smtp_security,
                username=settings.smtp_username,
                password=settings.smtp_password,
            )
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None

    def send(self, message: EmailMessage, *, envelope_from: str, recipients: Sequence[str]) -> None:
        """Deliver `message` to `recipients` (bare addresses, Bcc included) or raise `MailError`.

        Headers are sent as they are: Bcc recipients belong in `recipients` only.
        """
        if not recipients:
            raise ValueError("send needs at least one recipient")
        where = f"{self.host}:{self.port}"
        try:
            refused = self._transmit(message, envelope_from, list(recipients))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = {rcpt: code for rcpt, (code, _reply) in exc.recipients.items()}
            kind = (
                PermanentMailError if all(c >= 500 for c in codes.values()) else TransientMailError
            )
            raise kind(
                f"{where} refused every recipient (codes {_codes(codes)})", refused=codes
            ) from exc
        except smtplib.SMTPAuthenticationError as exc:
            # The reply may echo what was sent during AUTH, so it is left out.
            raise PermanentMailError(
                f"{where} rejected the SMTP username or password ({exc.smtp_code})"
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise PermanentMailError(f"{where} does not support {exc}") from None
        except smtplib.SMTPServerDisconnected as exc:
            raise TransientMailError(f"{where} closed the connection: {exc}") from exc
        except smtplib.SMTPConnectError as exc:
            raise TransientMailError(f"{where} would not accept a session: {_reply(exc)}") from exc
        except smtplib.SMTPResponseException as exc:
            kind = TransientMailError if 400 <= exc.smtp_code < 500 else PermanentMailError
            raise kind(f"{where} answered {_reply(exc)}") from exc
        except smtplib.SMTPException as exc:
            raise PermanentMailError(f"{where}: {type(exc).__name__}: {exc}") from exc
        except ssl.SSLCertVerificationError as exc:
            raise PermanentMailError(
                f"{where} presented a certificate we do not trust: {exc.verify_message}"
            ) from exc
        except TimeoutError as exc:
            raise TransientMailError(f"{where} timed out after {self.timeout:g}s") from exc
        except OSError as exc:
            raise TransientMailError(
                f"{where} could not be reached: {exc.strerror or type(exc).__name__}"
            ) from exc
        if refused:
            codes = {rcpt: code for rcpt, (code, _reply) in refused.items()}
            temporary = {rcpt: code for rcpt, code in codes.items() if code < 500}
            if temporary:
                raise TransientMailError(
                    f"{where} accepted {len(recipients) - len(codes)} of {len(recipients)} "
                    f"recipients and deferred {len(temporary)} (codes {_codes(codes)})",
                    refused=temporary,
                )
            log.warning(
                "smtp: %s delivered to %d of %d recipients; %d refused for good (codes %s)",
                where,
                len(recipients) - len(codes),
                len(recipients),
                len(codes),
                _codes(codes),
            )

    def _transmit(
        self, message: EmailMessage, envelope_from: str, recipients: list[str]
    ) -> dict[str, tuple[int, bytes]]:
        context = self.ssl_context or _default_context()
        smtp: smtplib.SMTP
        if self.security is SmtpSecurity.TLS:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.security is SmtpSecurity.STARTTLS:
                if not smtp.has_extn("starttls"):
                    raise PermanentMailError(
                        f"{self.host}:{self.port} does not offer STARTTLS; refusing to continue "
                        "in plain text (use security NONE only for a loopback relay)"
                    )
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.username and self.password is not None:
                smtp.login(self.username, self.password.reveal())
            refused = smtp.send_message(message, from_addr=envelope_from, to_addrs=recipients)
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass  # the message was accepted; a failed goodbye must not cause a resend
            return refused
        finally:
            smtp.close()


@functools.cache
def _default_context() -> ssl.SSLContext:
    """One verifying context per process: building one loads the CA store (~30 ms of CPU),
    which measured as half the cost of a scheduled send when done per message."""
    return ssl.create_default_context()


def _is_loopback(host: str) -> bool:
    if host.lower() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error
    reply = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    reply = " ".join(reply.split())[:_MAX_REPLY]
    return f"{exc.smtp_code} {reply}".strip()


def _codes(codes: Mapping[str, int]) -> str:
    return ", ".join(str(code) for code in sorted(set(codes.values())))
