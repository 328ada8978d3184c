"""The "send a test email now" job: a schedule's email for its latest period, to chosen people.

It is the real email (same content, same attachments, same SMTP settings), so what the admin
receives is what the schedule will send, with "[Test]" in the subject. It is not a delivery
run: nothing is claimed or logged in the delivery log, and the Message-ID is the job's own.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from addon.errors import AddonError
from addon.jobs.executor import JobContext, JobOutput
from addon.mail.compose import Recipients, compose, sender_address
from addon.mail.smtp import MailError, SmtpSender
from addon.schedules import covered_period
from addon.services.emails import build_content
from addon.services.installations import clockify_for, stored_defaults
from addon.services.schedule_spec import ScheduleSpec

__all__ = ["MailFailed", "send_test_email"]


class MailFailed(AddonError):
    """Raise when the SMTP server refused or could not be reached; the message says which."""

    status: ClassVar[int] = 502
    code: ClassVar[str] = "smtp_failed"


def send_test_email(
    context: JobContext, workspace_id: str, spec: ScheduleSpec, recipients: Recipients
) -> JobOutput:
    settings = context.runtime.settings
    due = datetime.now(ZoneInfo(spec.cadence.zone)).date()
    period = covered_period(spec.coverage, due, first_weekday=spec.week_start)
    context.progress("entries", 0)
    with clockify_for(context.runtime, workspace_id) as client:
        context.pages = lambda: client.transport.stats.requests
        content = build_content(
            client, spec, period, due, stored_defaults(context.runtime, workspace_id)
        )
    context.progress("sending", 0)
    envelope_from = sender_address(settings.mail_from)
    subject = f"[Test] {content.subject}"
    message = compose(
        sender=settings.mail_from,
        recipients=recipients,
        subject=subject,
        html=content.html,
        text=content.text,
        attachments=content.attachments,
        message_id=f"<test.{context.job_id}@{envelope_from.rpartition('@')[2]}>",
    )
    try:
        SmtpSender.from_settings(settings).send(
            message, envelope_from=envelope_from, recipients=recipients.envelope()
        )
    except MailError as exc:
        raise MailFailed(f"The test email was not sent: {exc}") from None
    return JobOutput(
        {
            "recipients": len(recipients.envelope()),
            "subject": subject,
            "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat(),
            "attachments": [a.filename for a in content.attachments],
        }
    )
