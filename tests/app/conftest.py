"""Database fixtures: migrate a test database once, roll back after every test.

SQLite by default; PostgreSQL when KENNISBRUG_TEST_DB=postgres and
KENNISBRUG_TEST_POSTGRES_URL point at a (fresh) database. The schema is built by the
Alembic migrations, never by create_all.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import SecretStr
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.cli import alembic_config
from app.config import Settings
from app.db import get_session, make_engine, make_session_factory, utcnow
from app.jobs.queue import _REQUESTED as _JOBS_REQUESTED
from app.jobs.registry import JobName
from app.main import create_app
from app.models import Municipality, Neighbourhood, User
from app.ranking.embeddings import reindex
from app.security import create_token
from seeds.loader import SeedReport, load_reference, read_data
from tests.app.mail_support import SmtpServer, clean_tables

TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256"
# One argon2 hash for every factory user, with the cheapest parameters: the app
# verifies with the parameters stored in the hash, so test logins stay fast.
TEST_PASSWORD = "correct horse battery"
_PASSWORD_HASH = PasswordHash(
    (Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),)
).hash(TEST_PASSWORD)


def _database_url_for(tmp_dir: Path) -> str:
    if os.environ.get("KENNISBRUG_TEST_DB") == "postgres":
        return os.environ["KENNISBRUG_TEST_POSTGRES_URL"]
    return f"sqlite:///{tmp_dir / 'kennisbrug-test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database_url_for(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SecretStr(TEST_SECRET),
        demo_mode=False,
        cookie_secure=False,
        # A fast fake encoder; the real model is exercised by the quality tests.
        embedding_model="hashing-64",
        reference_date=date(2027, 1, 15),
        # No job thread in the test apps: jobs are tested on their own
        # (tests/app/test_jobs.py), on committed data.
        in_process_worker=False,
    )


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    command.upgrade(alembic_config(database_url), "head")
    engine = make_engine(database_url)
    with Session(engine) as session:
        load_reference(session, read_data("reference.json"), SeedReport())
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits become savepoints of one outer, rolled-back transaction."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    )
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


# Set on a request session whose commit asked for the embedding job.
_EMBED = "tests.embedding-requested"


@event.listens_for(Session, "before_commit", insert=True)
def _note_embedding_request(session: Session) -> None:
    # Runs before app.jobs.queue takes the request off the session.
    if JobName.EMBEDDING in session.info.get(_JOBS_REQUESTED, ()):
        session.info[_EMBED] = True


@pytest.fixture
def app(
    engine: Engine,
    session: Session,
    settings: Settings,
    request: pytest.FixtureRequest,
) -> FastAPI:
    """The app on the test's connection. As the in-process worker would, the
    embedding job runs after a request committed a text change (on the same
    connection, so it sees the test's data); `@pytest.mark.manual_jobs` leaves
    that to the test."""
    app = create_app(settings, engine=engine)
    auto_embed = request.node.get_closest_marker("manual_jobs") is None

    def _session() -> Iterator[Session]:
        # A new session per request, as in production (a shared one would hide
        # identity-map effects), on the test's connection so it sees its data.
        with Session(
            bind=session.connection(),
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
        ) as request_session:
            try:
                yield request_session
            finally:
                request_session.rollback()
            if auto_embed and request_session.info.pop(_EMBED, False):
                _run_embedding_job(session, app.state.encoder)

    app.dependency_overrides[get_session] = _session
    return app


def _run_embedding_job(session: Session, encoder: Any) -> None:
    if encoder is None:
        return
    with Session(
        bind=session.connection(),
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    ) as job_session:
        reindex(job_session, encoder, progress=False)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def leiden(session: Session) -> Municipality:
    city = session.query(Municipality).filter_by(slug="leiden").one()
    return city


@pytest.fixture
def other_city(session: Session) -> Municipality:
    """A second municipality, for tenant-boundary tests."""
    city = Municipality(slug="zoeterwoude", name="Zoeterwoude")
    session.add(city)
    session.flush()
    session.add(
        Neighbourhood(municipality_id=city.id, slug="dorp", name="Dorp", aliases=[])
    )
    session.commit()
    return city


@pytest.fixture
def new_database(tmp_path: Path) -> Iterator[Callable[[], str]]:
    """A factory of empty databases of the kind the suite runs on (dropped after)."""
    created: list[str] = []
    pg = os.environ.get("KENNISBRUG_TEST_DB") == "postgres"
    base = make_url(os.environ["KENNISBRUG_TEST_POSTGRES_URL"]) if pg else None
    admin = (
        create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        if base
        else None
    )

    def _new() -> str:
        name = f"kb_tmp_{uuid.uuid4().hex[:10]}"
        if base is None or admin is None:
            return f"sqlite:///{tmp_path / (name + '.db')}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return base.set(database=name).render_as_string(hide_password=False)

    yield _new
    if admin is not None:
        with admin.connect() as conn:
            for name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fresh_url(new_database: Callable[[], str]) -> str:
    """An empty database of the kind the suite runs on."""
    return new_database()


UserFactory = Callable[..., User]


@pytest.fixture
def make_user(session: Session, leiden: Municipality) -> UserFactory:
    counter = iter(range(1_000_000))

    def _make(
        role: str,
        *,
        municipality: Municipality | None = None,
        institution: str | None = None,
        email: str | None = None,
        name: str | None = None,
    ) -> User:
        from app.vocab.service import resolve_institution

        n = next(counter)
        user = User(
            email=email or f"{role}{n}@test.example",
            name=name or f"{role.title()} {n}",
            role=role,
            password_hash=_PASSWORD_HASH,
            is_active=True,
        )
        if role in ("staff", "broker"):
            user.municipality = municipality or leiden
        if role == "provider":
            user.institution = resolve_institution(
                session, institution or "Hogeschool Leiden"
            )
        session.add(user)
        session.commit()
        return user

    return _make


HeaderFactory = Callable[[User], dict[str, str]]


@pytest.fixture
def auth() -> HeaderFactory:
    def _headers(user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {create_token(user.id, TEST_SECRET, 60)}"}

    return _headers


@pytest.fixture
def staff(make_user: UserFactory) -> User:
    return make_user("staff")


@pytest.fixture
def broker(make_user: UserFactory) -> User:
    return make_user("broker")


@pytest.fixture
def provider(make_user: UserFactory) -> User:
    return make_user("provider", institution="Hogeschool Leiden")


@pytest.fixture
def admin(make_user: UserFactory) -> User:
    return make_user("admin")


# -- the mail and job tests: committed data and a real SMTP server -------------
@pytest.fixture
def db(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """A session factory on emptied mail and job tables (committed data, as the
    workers see it)."""
    clean_tables(engine)
    yield make_session_factory(engine)
    clean_tables(engine)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server in the test process (aiosmtpd)."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return smtp.settings(settings)


@pytest.fixture
def now() -> datetime:
    """The pinned 'now' of a test: after the real time its rows are queued at."""
    return utcnow().replace(microsecond=0) + timedelta(minutes=1)
