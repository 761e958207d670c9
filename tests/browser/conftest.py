"""A live Kennisbrug on a fresh SQLite file with the demo world, and Chromium.

Chromium is Debian's package (`make setup` installs it; never `playwright install`);
axe-core comes from node_modules (`npm ci`). Without either the tests are skipped
with the command to run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date

import pytest
from alembic import command
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from pydantic import SecretStr
from sqlalchemy.orm import Session

from app.cli import alembic_config
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from seeds.loader import SeedReport, load_demo, load_reference, read_data
from tests.browser.support import AXE, DEMO_PASSWORD
from tests.live_server import live_server

# The demo world is set in January 2027; ranking rules read "today" from here.
REFERENCE_DATE = date(2027, 1, 15)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if os.environ.get("KENNISBRUG_TEST_DB") == "postgres":
        # They bring their own SQLite database; once per suite run is enough.
        pytest.skip("the browser tests run in the SQLite pass only")
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("Chromium is missing: run `make setup` (apt-get install chromium)")
    if not AXE.is_file():
        pytest.skip("axe-core is missing: run `make setup` (npm ci)")
    return path


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free port, on its own migrated and seeded database file."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'kennisbrug.db'}"
    command.upgrade(alembic_config(url), "head")
    settings = Settings(
        database_url=url,
        secret_key=SecretStr("browser-test-secret-key-long-enough-for-hs256"),
        demo_mode=False,
        cookie_secure=False,
        embedding_model="hashing-64",
        reference_date=REFERENCE_DATE,
    )
    engine = make_engine(url)
    with Session(engine) as session:
        load_reference(session, read_data("reference.json"), SeedReport())
        load_demo(
            session, read_data("demo.json"), password=DEMO_PASSWORD, settings=settings
        )
    app = create_app(settings, engine=engine)
    try:
        with live_server(app) as base:
            yield base
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) with the site's CSP enforced."""
    ctx = browser.new_context(
        base_url=base_url, locale="nl-NL", viewport={"width": 1280, "height": 900}
    )
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A tab that records console errors; a CSP violation fails the test."""
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page
    page.close()
    blocked = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert not blocked, f"the page broke its own CSP: {blocked}"
