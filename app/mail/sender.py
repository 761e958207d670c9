"""Hand rendered mails to SMTP, or to the log when no SMTP server is configured.

A sender opens one connection per delivery batch (`with sender.connect() as t:
t.send(mail)`). Errors are smtplib's and the socket's own; delivery.py decides
which are worth a retry.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Protocol

from app.config import Settings
from app.db import utcnow

logger = logging.getLogger("kennisbrug.mail")
SMTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    id: uuid.UUID
    to: str
    subject: str
    text: str
    html: str


class MailTransport(Protocol):
    def send(self, mail: OutgoingMail) -> None: ...


class Sender(Protocol):
    def connect(self) -> AbstractContextManager[MailTransport]: ...


def build_message(mail: OutgoingMail, *, mail_from: str) -> EmailMessage:
    """multipart/alternative: plain text first, HTML preferred by clients that can.

    The Message-ID derives from the outbox row, so a mail resent after a crash
    carries the same id and receivers can recognise the duplicate.
    """
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "kennisbrug.invalid"
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = mail_from
    message["To"] = mail.to
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = f"<{mail.id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = "nl"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


class _SmtpTransport:
    def __init__(self, smtp: smtplib.SMTP, mail_from: str) -> None:
        self._smtp = smtp
        self._mail_from = mail_from

    def send(self, mail: OutgoingMail) -> None:
        self._smtp.send_message(build_message(mail, mail_from=self._mail_from))


class SmtpSender:
    """Real SMTP with STARTTLS (verified certificate) and login from the settings."""

    def __init__(self, settings: Settings) -> None:
        if settings.smtp_host is None:
            raise ValueError("SmtpSender needs KENNISBRUG_SMTP_HOST")
        self._host = settings.smtp_host
        self._port = settings.smtp_port
        self._user = settings.smtp_user
        self._password = settings.smtp_password
        self._starttls = settings.smtp_starttls
        self._mail_from = settings.mail_from

    @contextmanager
    def connect(self) -> Iterator[MailTransport]:
        with smtplib.SMTP(self._host, self._port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if self._starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self._user:
                password = self._password.get_secret_value() if self._password else ""
                smtp.login(self._user, password)
            yield _SmtpTransport(smtp, self._mail_from)


class _LogTransport:
    def send(self, mail: OutgoingMail) -> None:
        logger.info(
            "mail not sent (no KENNISBRUG_SMTP_HOST), logged instead: to=%s "
            "subject=%r\n%s",
            mail.to,
            mail.subject,
            mail.text,
        )


class LogSender:
    """The embedded default: every mail goes to the log, links and all."""

    @contextmanager
    def connect(self) -> Iterator[MailTransport]:
        yield _LogTransport()


def make_sender(settings: Settings) -> Sender:
    return SmtpSender(settings) if settings.smtp_host else LogSender()
