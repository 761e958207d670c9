"""Helpers for the mail and job tests: a real SMTP server in the test process
(aiosmtpd), committed data (workers see only what is committed) and cleanup.

These tests cannot use the rolled-back `session` fixture: delivery and the runners
open their own sessions, and on SQLite the fixture's open transaction would hold
the write lock they need. They commit for real and clean up after themselves.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from app.config import Settings
from app.models import OutboxMail, ScheduledJob, User

TEST_DOMAIN = "mailtest.example"
BASE_URL = "https://kennisbrug.test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """An aiosmtpd handler that keeps every accepted message, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused: set[str] = set()
        self._arrived = threading.Condition()

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        options: list[str],
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)


class SmtpServer:
    """aiosmtpd on a free port, which can go down and come back on the same port."""

    def __init__(self, *, credentials: tuple[str, str] | None = None) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self._credentials = credentials
        self._controller: Controller | None = None

    def _authenticate(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        mechanism: str,
        auth_data: Any,
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and self._credentials is not None
            and (auth_data.login.decode(), auth_data.password.decode())
            == self._credentials
        )
        return AuthResult(success=ok, handled=False)

    def start(self) -> None:
        options: dict[str, Any] = {}
        if self._credentials is not None:
            options = {"authenticator": self._authenticate, "auth_require_tls": False}
        self._controller = Controller(
            self.inbox,
            hostname="127.0.0.1",
            port=self.port,
            ready_timeout=10,
            **options,
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self, base: Settings, **changes: Any) -> Settings:
        """`base` pointed at this server (plain SMTP: no certificate here)."""
        return base.model_copy(
            update={
                "smtp_host": "127.0.0.1",
                "smtp_port": self.port,
                "smtp_starttls": False,
                "mail_from": "Kennisbrug <noreply@kennisbrug.test>",
                "base_url": BASE_URL,
                **changes,
            }
        )


def clean_tables(engine: Engine) -> None:
    """Remove what these tests commit: mail, schedule state, their users, queued jobs."""
    with OrmSession(engine) as session:
        session.execute(delete(OutboxMail))
        session.execute(delete(ScheduledJob))
        session.execute(delete(User).where(User.email.like(f"%@{TEST_DOMAIN}")))
        session.commit()
    if engine.dialect.name == "postgresql":
        drop_waiting_jobs(engine)


def procrastinate_app(engine: Engine) -> Any:
    """A procrastinate app with its own (sync) pool on the test database."""
    import procrastinate

    from app.jobs.postgres import conninfo

    url = engine.url.render_as_string(hide_password=False)
    return procrastinate.App(
        connector=procrastinate.SyncPsycopgConnector(conninfo=conninfo(url))
    ).open()


def drop_waiting_jobs(engine: Engine) -> None:
    """Delete our waiting procrastinate jobs, through procrastinate's API."""
    app = procrastinate_app(engine)
    try:
        for job in app.job_manager.list_jobs(status="todo"):
            if job.task_name.startswith("kennisbrug.") and job.id is not None:
                app.job_manager.cancel_job_by_id(job.id, delete_job=True)
    finally:
        app.close()


UserMaker = Callable[..., User]


def user_maker(factory: sessionmaker[OrmSession]) -> UserMaker:
    def _make(
        *, wants_mail: bool = True, name: str = "Mira de Makelaar", active: bool = True
    ) -> User:
        with factory() as session:
            user = User(
                email=f"{uuid.uuid4().hex[:8]}@{TEST_DOMAIN}",
                name=name,
                role="admin",
                password_hash="not-a-hash",
                wants_mail=wants_mail,
                is_active=active,
            )
            session.add(user)
            session.commit()
            return user

    return _make


def on_postgres() -> bool:
    return os.environ.get("KENNISBRUG_TEST_DB") == "postgres"
