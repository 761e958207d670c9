"""Operations: request ids and logs, body size cap, readiness, lexical fallback,
and the JSON export/import round trip."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable

import pytest
from alembic import command
from fastapi.testclient import TestClient
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import Engine

from app.cli import alembic_config
from app.config import Settings
from app.dataport import ImportRefusedError, export_data, import_data
from app.db import make_engine, make_session_factory
from app.main import create_app
from app.observability import RequestIdFilter
from seeds.loader import SeedReport, load_demo, load_reference, read_data
from tests.app.helpers import offer, open_question


class TestRequestIds:
    def test_every_response_carries_a_request_id(self, client):
        first = client.get("/healthz").headers["X-Request-ID"]
        second = client.get("/api/questions").headers["X-Request-ID"]
        assert first
        assert second
        assert first != second

    def test_a_sane_caller_id_is_kept_and_a_bad_one_replaced(self, client):
        assert (
            client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers[
                "X-Request-ID"
            ]
            == "abc-123"
        )
        replaced = client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers[
            "X-Request-ID"
        ]
        assert replaced != "<script>"

    def test_log_lines_carry_the_request_id_as_json(self, client):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(
            JsonFormatter("%(levelname)s %(name)s %(request_id)s %(message)s")
        )
        logger = logging.getLogger("kennisbrug.access")
        logger.addHandler(handler)
        old_level = logger.level
        logger.setLevel(logging.INFO)
        try:
            response = client.get("/healthz")
        finally:
            logger.removeHandler(handler)
            logger.setLevel(old_level)
        line = json.loads(stream.getvalue().splitlines()[-1])
        assert line["request_id"] == response.headers["X-Request-ID"]
        assert "/healthz" in line["message"]


class TestBodyCap:
    def test_declared_oversize_body_is_413(self, client, staff, auth, settings):
        body = b"x" * (settings.max_body_bytes + 1)
        response = client.post(
            "/api/questions",
            content=body,
            headers={**auth(staff), "Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert response.json()["error"] == "PayloadTooLargeError"

    def test_streamed_oversize_body_is_413(self, client, staff, auth, settings):
        def chunks():
            for _ in range(settings.max_body_bytes // 65536 + 2):
                yield b" " * 65536

        response = client.post(
            "/api/questions",
            content=chunks(),
            headers={**auth(staff), "Content-Type": "application/json"},
        )
        assert response.status_code == 413


class TestReadiness:
    def test_ready_with_the_model(self, client):
        body = client.get("/readyz").json()
        assert body == {"status": "ready", "database": "ok", "model": "hashing-64"}

    @pytest.mark.parametrize("path", ["/healthz", "/readyz"])
    def test_errors_are_json_like_the_api(self, client, path):
        # /readyz got the Dutch HTML error page (without `Allow`) meant for pages.
        response = client.request("TRACE", path)
        assert response.status_code == 405
        assert response.headers["allow"] == "GET"
        assert response.json()["error"] == "MethodNotAllowed"

    def test_a_server_process_freezes_its_start_up_heap(self, engine, settings):
        """Full collections over the model and indexes stalled every thread under
        load; `kennisbrug serve` freezes what start-up built and raises the
        thresholds (app/server.py). Tests keep CPython's defaults."""
        import gc

        from app.server import GC_THRESHOLDS

        before = gc.get_threshold()
        assert gc.get_freeze_count() == 0
        tuned = settings.model_copy(update={"server_gc_tuning": True})
        try:
            with TestClient(create_app(tuned, engine=engine)) as client:
                assert client.get("/readyz").status_code == 200
                assert gc.get_threshold() == GC_THRESHOLDS
                assert gc.get_freeze_count() > 0
        finally:
            gc.unfreeze()
            gc.set_threshold(*before)
        with TestClient(create_app(settings, engine=engine)):
            assert gc.get_freeze_count() == 0

    def test_missing_model_degrades_gracefully(
        self, engine, settings, session, make_user, auth
    ):
        from app.db import get_session

        broken = settings.model_copy(
            update={"embedding_model": "/nonexistent/model-folder"}
        )
        app = create_app(broken, engine=engine)

        def _session():
            yield session

        app.dependency_overrides[get_session] = _session
        with TestClient(app) as client:
            assert client.get("/readyz").json()["status"] == "degraded"
            staff, broker = make_user("staff"), make_user("broker")
            provider = make_user("provider")
            q = open_question(client, auth(staff), auth(broker))
            offer(client, auth(provider))
            body = client.get(
                f"/api/questions/{q['id']}/candidates", headers=auth(broker)
            ).json()
            assert body["warning"]
            assert body["model_name"] is None
            assert body["candidates"]
            assert (
                "dense" not in body["candidates"][0]["components"]
                or body["candidates"][0]["components"]["dense"] == 0
            )


def _migrated(url: str) -> Engine:
    command.upgrade(alembic_config(url), "head")
    return make_engine(url)


class TestExportImport:
    def test_round_trip_is_exact(
        self, new_database: Callable[[], str], settings: Settings
    ):
        source = _migrated(new_database())
        with make_session_factory(source)() as s:
            load_reference(s, read_data("reference.json"), SeedReport())
            load_demo(
                s, read_data("demo.json"), password="kennisbrug-demo", settings=settings
            )
        with source.connect() as conn:
            first = export_data(conn)
        target = _migrated(new_database())
        with target.begin() as conn:
            counts = import_data(conn, json.loads(json.dumps(first)))
        with target.connect() as conn:
            second = export_data(conn)
        assert counts["questions"] >= 25
        assert second == first
        with target.begin() as conn, pytest.raises(ImportRefusedError):
            import_data(conn, first)
        source.dispose()
        target.dispose()

    def test_not_an_export_is_refused(self, new_database: Callable[[], str]):
        target = _migrated(new_database())
        with target.begin() as conn, pytest.raises(ImportRefusedError):
            import_data(conn, {"format": "something-else"})
        target.dispose()


def test_vendor_css_location_is_configurable(tmp_path, monkeypatch):
    from app.config import get_settings
    from app.web.core.assets import VENDOR_FILES, vendor_path

    relative = VENDOR_FILES["nlds-components.css"]
    target = tmp_path / relative
    target.parent.mkdir(parents=True)
    target.write_text("/* css */")
    monkeypatch.setenv("KENNISBRUG_NODE_MODULES", str(tmp_path))
    get_settings.cache_clear()
    try:
        assert vendor_path("nlds-components.css") == target
        assert vendor_path("../../etc/passwd") is None
    finally:
        monkeypatch.delenv("KENNISBRUG_NODE_MODULES")
        get_settings.cache_clear()
