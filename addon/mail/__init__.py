"""Email for scheduled deliveries: `compose` builds the message, `SmtpSender` sends it.

::

    recipients = Recipients.parse(schedule.to, cc=schedule.cc, bcc=schedule.bcc)
    message = compose(sender=settings.mail_from, recipients=recipients, subject=..., html=...,
                      text=..., attachments=[Attachment("report.pdf", "application/pdf", pdf)],
                      message_id=f"<run-{run.id}@{domain}>")
    SmtpSender.from_settings(settings).send(
        message, envelope_from=sender_address(settings.mail_from),
        recipients=recipients.envelope(),
    )
"""

from addon.mail.compose import (
    MAX_RECIPIENTS,
    Attachment,
    InvalidRecipients,
    Recipients,
    compose,
    fill_template,
    sender_address,
)
from addon.mail.smtp import MailError, PermanentMailError, SmtpSender, TransientMailError

__all__ = [
    "MAX_RECIPIENTS",
    "Attachment",
    "InvalidRecipients",
    "MailError",
    "PermanentMailError",
    "Recipients",
    "SmtpSender",
    "TransientMailError",
    "compose",
    "fill_template",
    "sender_address",
]
