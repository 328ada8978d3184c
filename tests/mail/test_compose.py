"""`addon.mail.compose`: message structure, recipient validation and safe subject templates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from addon.errors import BadRequest
from addon.mail import (
    MAX_RECIPIENTS,
    Attachment,
    InvalidRecipients,
    Recipients,
    compose,
    fill_template,
    sender_address,
)

PDF = b"%PDF-1.7\n\x00\xff\xfe binary \r\n bytes"
SENT = datetime(2025, 3, 31, 6, 0, tzinfo=UTC)


def make(**overrides: Any) -> EmailMessage:
    arguments: dict[str, Any] = {
        "sender": "Reports & Invoices <reports@example.com>",
        "recipients": Recipients.parse(
            ["Ada Lovelace <ada@example.com>"], cc=["bob@example.com"], bcc=["client@example.org"]
        ),
        "subject": "Acme report for March 2025",
        "html": "<h1>Report</h1><p>Total 12:30</p>",
        "text": "Report\nTotal 12:30\n",
        "attachments": [Attachment("report.pdf", "application/pdf", PDF)],
        "message_id": "<run-42.20250301@reports.example.com>",
        "date": SENT,
    }
    arguments.update(overrides)
    return compose(**arguments)


def wire(message: EmailMessage) -> EmailMessage:
    """The message as a receiver parses it from the bytes we would send."""
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


# --- structure -------------------------------------------------------------------------------


def test_message_is_mixed_with_text_and_html_alternatives_then_attachments() -> None:
    parsed = wire(make())

    assert parsed.get_content_type() == "multipart/mixed"
    alternative, pdf = parsed.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    text, html = (p.get_content() for p in alternative.iter_parts())
    assert text.splitlines() == ["Report", "Total 12:30"]  # CRLF on the wire: policy.SMTP
    assert "<h1>Report</h1>" in html
    assert pdf.get_content_disposition() == "attachment"


def test_without_attachments_the_message_is_just_the_alternatives() -> None:
    parsed = wire(make(attachments=()))

    assert parsed.get_content_type() == "multipart/alternative"
    assert list(parsed.iter_attachments()) == []


def test_headers_are_set_and_message_id_is_kept_exactly() -> None:
    parsed = wire(make())

    assert parsed["From"] == "Reports & Invoices <reports@example.com>"
    assert parsed["To"] == "Ada Lovelace <ada@example.com>"
    assert parsed["Cc"] == "bob@example.com"
    assert parsed["Subject"] == "Acme report for March 2025"
    assert parsed["Message-ID"] == "<run-42.20250301@reports.example.com>"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Date"].datetime == SENT


def test_bcc_recipients_are_in_the_envelope_but_no_header() -> None:
    message = make()
    raw = message.as_bytes()

    assert "Bcc" not in wire(message)
    assert b"client@example.org" not in raw
    assert make()["To"] is not None
    assert Recipients.parse(
        ["ada@example.com"], cc=["bob@example.com"], bcc=["client@example.org"]
    ).envelope() == ("ada@example.com", "bob@example.com", "client@example.org")


def test_attachments_round_trip_their_exact_bytes() -> None:
    csv = "Projekt;Stunden\nÜbersetzung;3,5\n".encode()
    parsed = wire(
        make(
            attachments=[
                Attachment("report.pdf", "application/pdf", PDF),
                Attachment("report.csv", "text/csv; charset=utf-8", csv),
            ]
        )
    )

    pdf, sheet = parsed.iter_attachments()
    assert (pdf.get_filename(), pdf.get_payload(decode=True)) == ("report.pdf", PDF)
    assert sheet.get_content_type() == "text/csv"
    assert sheet.get_param("charset") == "utf-8"
    assert sheet.get_payload(decode=True) == csv


def test_non_ascii_subject_and_filename_are_encoded_and_decode_back() -> None:
    message = make(
        subject="Bericht für März: Café Ünal",
        attachments=[Attachment("Rechnung März 2025.pdf", "application/pdf", PDF)],
    )
    raw = message.as_bytes()

    raw.decode("ascii")  # every header and body line is 7-bit on the wire
    assert b"filename*=utf-8''Rechnung%20M%C3%A4rz%202025.pdf" in raw
    parsed = wire(message)
    assert parsed["Subject"] == "Bericht für März: Café Ünal"
    assert next(parsed.iter_attachments()).get_filename() == "Rechnung März 2025.pdf"


def test_attachment_filenames_lose_folders_and_control_characters() -> None:
    parsed = wire(make(attachments=[Attachment("../../etc/pass\r\nwd", "text/plain", b"x")]))

    assert next(parsed.iter_attachments()).get_filename() == "passwd"


def test_line_breaks_in_the_subject_cannot_add_headers() -> None:
    parsed = wire(make(subject="Report\r\nBcc: attacker@evil.example\nX-Injected: yes"))

    assert "Bcc" not in parsed and "X-Injected" not in parsed
    assert parsed["Subject"] == "Report Bcc: attacker@evil.example X-Injected: yes"


def test_display_names_with_specials_are_quoted_not_split() -> None:
    recipients = Recipients.parse(['"Lovelace, Ada <x@evil.example>" <ada@example.com>'])
    parsed = wire(make(recipients=recipients))

    (address,) = parsed["To"].addresses
    assert address.addr_spec == "ada@example.com"
    assert address.display_name == "Lovelace, Ada <x@evil.example>"


def test_non_ascii_display_name_is_encoded() -> None:
    recipients = Recipients.parse(["Jörg Müller <joerg@example.de>"])
    message = make(recipients=recipients)

    message.as_bytes().decode("ascii")
    assert wire(message)["To"].addresses[0].display_name == "Jörg Müller"


@pytest.mark.parametrize(
    "message_id", ["run-42@example.com", "<run-42>", "<a@b>\r\nBcc: x@y.z", "<a b@c>", "<ü@x.y>"]
)
def test_malformed_message_id_is_refused(message_id: str) -> None:
    with pytest.raises(ValueError, match="message_id"):
        make(message_id=message_id)


def test_naive_date_is_refused_and_offsets_are_kept() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make(date=datetime(2025, 3, 31, 6, 0))  # naive: the point of the test

    berlin_summer = timezone(timedelta(hours=2))
    assert wire(make(date=SENT.astimezone(berlin_summer)))["Date"].datetime == SENT


@pytest.mark.parametrize("sender", ["", "no-at-sign", "a@b.com, c@d.com", "r@x.com\r\nBcc: y@z.w"])
def test_malformed_sender_is_refused(sender: str) -> None:
    with pytest.raises(ValueError, match="sender"):
        make(sender=sender)


def test_sender_address_is_the_bare_address_for_the_envelope() -> None:
    assert sender_address("Reports & Invoices <reports@localhost>") == "reports@localhost"


# --- recipients ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "normalised"),
    [
        ("ada@example.com", "ada@example.com"),
        ("<ada@example.com>", "ada@example.com"),
        ("  Ada   Lovelace  <ada@example.com> ", "Ada Lovelace <ada@example.com>"),
        ('"Lovelace, Ada" <ada@example.com>', '"Lovelace, Ada" <ada@example.com>'),
        ("Ada <Ada.Lovelace+reports@Example.COM>", "Ada <Ada.Lovelace+reports@example.com>"),
        ("jorg@Bücher.de", "jorg@xn--bcher-kva.de"),
        ("o'neil@x.co.uk", "o'neil@x.co.uk"),
    ],
)
def test_valid_recipients_are_normalised(entry: str, normalised: str) -> None:
    assert Recipients.parse([entry]).to == (normalised,)


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("", "expected one address"),
        ("ada", "expected one address"),
        ("ada@", "expected one address"),
        ("@example.com", "expected one address"),
        ("ada@example", "full domain name"),
        ("ada@1.2.3.4", "full domain name"),
        ("ada@[127.0.0.1]", "host name"),
        ("ada@-bad-.com", "host name"),
        ("ada@exa_mple.com", "host name"),
        ("a..b@example.com", "before @"),
        ("jörg@example.com", "before @"),
        ('"a b"@example.com', "expected one address|before @"),
        ("a@b.com, c@d.com", "host name|before @"),
        ("Doe, John <j@example.com>", "expected one address|before @|host name"),
        ("Ada <a@x.com> <b@y.com>", "expected one address|before @|host name"),
        ("Ada\r\n <ada@example.com>", "line break"),
        ("ada@example.com\nBcc: x@y.com", "line break"),
        ("ada@example.com\x00", "control"),
        ("A" * 101 + " <ada@example.com>", "display name"),
        ("a" * 65 + "@example.com", "before @"),
        ("ada@" + "a" * 64 + ".com", "host name"),
        ("x" * 321, "longer than"),
    ],
)
def test_invalid_recipient_is_refused_with_its_field_and_position(entry: str, reason: str) -> None:
    expected = rf"^cc\[1\] is not a valid email address: .*({reason})"
    with pytest.raises(InvalidRecipients, match=expected):
        Recipients.parse(["ada@example.com"], cc=["bob@example.com", entry])


def test_error_names_no_other_address_and_is_a_bad_request() -> None:
    with pytest.raises(InvalidRecipients) as caught:
        Recipients.parse(["secret-colleague@example.com"], bcc=["ok@example.com", "broken"])

    assert isinstance(caught.value, BadRequest) and caught.value.status == 400
    assert (caught.value.field, caught.value.index) == ("bcc", 1)
    assert "secret-colleague" not in str(caught.value) and "ok@" not in str(caught.value)


def test_at_least_one_to_is_required() -> None:
    with pytest.raises(InvalidRecipients, match="to must hold at least one"):
        Recipients.parse([], bcc=["client@example.org"])


def test_a_bare_string_is_not_taken_for_a_list_of_characters() -> None:
    with pytest.raises(InvalidRecipients, match="to must be a list"):
        Recipients.parse("ada@example.com")


def test_duplicates_are_dropped_case_insensitively_keeping_the_first() -> None:
    recipients = Recipients.parse(
        ["Ada <ada@example.com>", "ADA@example.com"],
        cc=["bob@example.com", "ada@EXAMPLE.com"],
        bcc=["Bob Again <BOB@example.com>", "carol@example.com"],
    )

    assert recipients == Recipients(
        to=("Ada <ada@example.com>",), cc=("bob@example.com",), bcc=("carol@example.com",)
    )


def test_at_most_fifty_distinct_recipients() -> None:
    many = [f"user{i}@example.com" for i in range(MAX_RECIPIENTS)]
    assert len(Recipients.parse(many[:1], bcc=[*many, many[0]]).envelope()) == MAX_RECIPIENTS

    with pytest.raises(InvalidRecipients, match="at most 50"):
        Recipients.parse(many, cc=["one-more@example.com"])


# --- templates -------------------------------------------------------------------------------


def test_template_fills_known_names() -> None:
    assert (
        fill_template("{workspace} report for {period}", {"workspace": "Acme", "period": "March"})
        == "Acme report for March"
    )


@pytest.mark.parametrize(
    "template",
    [
        "{0.__class__}",
        "{workspace.__class__.__mro__}",
        "{workspace!r}",
        "{workspace:>9999}",
        "{values[0]}",
        "{unknown}",
        "{}",
        "{{workspace}",
        "{ workspace }",
    ],
)
def test_template_leaves_everything_but_plain_known_names_literal(template: str) -> None:
    filled = fill_template(template, {"workspace": "Acme"})

    assert filled == template.replace("{workspace}", "Acme")


def test_template_values_are_not_expanded_again() -> None:
    assert fill_template("{a} {b}", {"a": "{b}", "b": "B"}) == "{b} B"
