"""Helpers for the page tests: log in through the form, read tokens and errors."""

from __future__ import annotations

import html
import re
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.models import Offer
from tests.app.conftest import TEST_PASSWORD

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: TestClient, path: str | None = None) -> str:
    """The CSRF token on `path` (default: the login page)."""
    path = path or str(client.app.url_path_for("login_page"))
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = _TOKEN.search(page.text)
    assert found, "no CSRF field on " + path
    return found.group(1)


def login(client: TestClient, user, next_path: str = "") -> str:
    """Log in through the form; returns where the login redirects to."""
    response = client.post(
        client.app.url_path_for("login"),
        data={
            "csrf_token": csrf(client),
            "email": user.email,
            "password": TEST_PASSWORD,
            "next": next_path,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


def errors_on(html: str) -> dict[str, str]:
    """Field id -> error text, as the form macros render them."""
    return {
        name: re.sub(r"<[^>]+>", "", text).removeprefix("Fout: ").strip()
        for name, text in re.findall(
            r'id="f-([\w]+)-error"[^>]*>(.*?)</div>', html, flags=re.S
        )
    }


def text_of(page: str) -> str:
    """The visible text of a page, tags removed and entities decoded."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def reloaded(session, model, id_: str | uuid.UUID):
    """The row as the database holds it now (pages commit on their own session)."""
    row = session.get(model, uuid.UUID(str(id_)))
    session.refresh(row)
    return row


def offer_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Offer)) or 0
