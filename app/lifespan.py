"""Start-up and shutdown: the database engine and session factory live on app.state;
the background jobs run here too when KENNISBRUG_IN_PROCESS_WORKER is on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.db import make_engine, make_session_factory
from app.jobs.runner import start_in_process_worker
from app.ranking.adapters import load_configured_encoder
from app.server import tune_garbage_collector


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    owns_engine = getattr(app.state, "engine", None) is None
    if owns_engine:
        app.state.engine = make_engine(settings.database_url)
        app.state.session_factory = make_session_factory(app.state.engine)
    if not hasattr(app.state, "encoder"):
        # Loaded once per process (the model is large); None = lexical ranking only.
        app.state.encoder = await run_in_threadpool(load_configured_encoder, settings)
    if settings.server_gc_tuning:
        tune_garbage_collector()
    jobs = (
        start_in_process_worker(app.state.session_factory, settings)
        if settings.runs_in_process_worker
        else None
    )
    try:
        yield
    finally:
        if jobs is not None:
            await run_in_threadpool(jobs.stop)
        if owns_engine:
            app.state.engine.dispose()
            app.state.engine = None
