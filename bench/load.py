"""Load test: the real server on a fresh PostgreSQL database under simulated users.

Run from the repository root (PostgreSQL reachable, `kennisbrug model prepare` done)::

    python -m bench.load                         # 50 users, 3 minutes, real model
    python -m bench.load --users 80 --duration 300
    python -m bench.load --model hashing-64 --duration 30 --users 20   # quick smoke

What it does:

1. creates a database `kennisbrug_load_<pid>` next to `--pg-url`, runs
   `kennisbrug migrate`, `kennisbrug seed --demo`, adds `--offers` offers and
   `--questions` open questions through the services (small capacities, so brokers
   compete for places) and stores every vector with `kennisbrug reindex`;
2. starts `kennisbrug serve --workers N` on a free port with
   KENNISBRUG_DEMO_MODE=0, a random KENNISBRUG_SECRET_KEY and the real model unless
   `--model` names another. Every simulated student comes from 127.0.0.1, so the
   interest limit (`5/minute;20/day` per address) is raised for the run with
   KENNISBRUG_RATE_LIMIT_INTEREST; login is throttled on failures only and stays as
   configured;
3. runs `--users` virtual users (students 60 %, staff 20 %, brokers 20 % by default)
   for `--duration` seconds with think times: students browse and search the portal
   and now and then sign up; staff list and read their questions; brokers fetch
   candidates, propose and confirm matches, review old proposals, sometimes cancel.
   A 409 for a full offer, a duplicate pair or a match another broker moved first is
   an expected business outcome, counted apart from errors;
4. prints count, errors (5xx, transport errors, any unexpected status), p50/p95/p99
   latency and throughput per endpoint group, then checks directly in the database
   that no offer is overbooked: places_taken == holding matches <= capacity;
5. stops the server and drops the database (`--keep-db` keeps it).

Exit status: 0 when there were no errors and no overbooking, 1 otherwise, 2 when the
set-up failed. Latencies are measured by the client on the same machine, so they
include the client's own scheduling; the client is a single asyncio process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import URL, make_url

from app.codes import Level, values

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEMO_PASSWORD = "kennisbrug-demo"
BROKER = "makelaar@leiden.example"
# Every simulated student shares 127.0.0.1: one address signs up hundreds of times.
RAISED_INTEREST_LIMIT = "100000/minute"

# Topics that make generated offers and questions differ (and rank differently).
FOCUS: dict[str, list[str]] = {
    "gezondheid-welzijn": [
        "gezond ouder worden in de wijk",
        "mentale gezondheid van jongeren",
        "bewegen en sport voor kinderen",
        "eenzaamheid onder mantelzorgers",
    ],
    "duurzaamheid-biodiversiteit": [
        "hittestress en vergroening van pleinen",
        "de warmtetransitie per buurt",
        "biodiversiteit in parken en bermen",
        "wateroverlast na hevige buien",
    ],
    "erfgoed-cultuur": [
        "het bereik van de Leidse musea",
        "archeologie onder de binnenstad",
        "cultuurdeelname van nieuwe Leidenaren",
    ],
    "onderwijs-talent": [
        "vroegtijdig schoolverlaten",
        "taalachterstand bij peuters",
        "stages voor mbo-studenten",
    ],
    "wonen-leefomgeving": [
        "betaalbare woningen voor starters",
        "de inrichting van de openbare ruimte",
        "fietsparkeren rond het station",
    ],
    "sociaal-domein": [
        "schulden en armoede in gezinnen",
        "de toegang tot wijkteams",
        "vrijwilligerswerk en participatie",
    ],
    "veiligheid": [
        "veiligheidsbeleving in de avond",
        "ondermijning en drugscriminaliteit",
        "overlast van jongerengroepen",
    ],
    "economie-werk": [
        "leegstand van winkels in de binnenstad",
        "werk voor statushouders",
        "de toekomst van bedrijventerreinen",
    ],
    "internationaal": [
        "internationale studenten in de stad",
        "samenwerking met partnersteden",
    ],
    "digitalisering": [
        "digitale vaardigheden van ouderen",
        "open data over de stad",
        "algoritmes in gemeentelijke dienstverlening",
    ],
}
SEARCH_WORDS = [
    "wijk",
    "jongeren",
    "ouderen",
    "groen",
    "hitte",
    "erfgoed",
    "veiligheid",
    "armoede",
    "fiets",
    "onderzoek",
    "Leiden",
    "museum",
    "schuld",
    "zzqqy",  # finds nothing
]


# --------------------------------------------------------------------- set-up


def kennisbrug_command() -> list[str]:
    """The `kennisbrug` console script next to this interpreter, or on PATH."""
    script = Path(sys.executable).with_name("kennisbrug")
    if script.exists():
        return [str(script)]
    found = shutil.which("kennisbrug")
    if found:
        return [found]
    return [sys.executable, "-c", "from app.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def database_url(admin_url: str, name: str) -> URL:
    return make_url(admin_url).set(database=name)


def create_database(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def drop_database(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def server_env(args: argparse.Namespace, db_url: str) -> dict[str, str]:
    """The environment of every `kennisbrug` subprocess of the run."""
    env = dict(os.environ)
    env.pop("KENNISBRUG_EMBEDDING_MODEL", None)
    env.update(
        {
            "KENNISBRUG_DATABASE_URL": db_url,
            "KENNISBRUG_SECRET_KEY": secrets.token_urlsafe(48),
            "KENNISBRUG_DEMO_MODE": "0",
            "KENNISBRUG_RATE_LIMIT_INTEREST": RAISED_INTEREST_LIMIT,
            "KENNISBRUG_RATE_LIMIT_PUBLIC": RAISED_INTEREST_LIMIT,
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if args.model != "default":
        env["KENNISBRUG_EMBEDDING_MODEL"] = args.model
    return env


def run_cli(env: Mapping[str, str], *argv: str) -> float:
    began = time.perf_counter()
    subprocess.run([*kennisbrug_command(), *argv], env=dict(env), check=True, cwd=ROOT)
    return time.perf_counter() - began


def _window(
    rng: random.Random, today: date, start: tuple[int, int]
) -> tuple[date, date]:
    begin = today + timedelta(days=rng.randint(*start))
    return begin, begin + timedelta(days=rng.randint(120, 300))


def generate_world(
    db_url: str, n_offers: int, n_questions: int, seed: int
) -> dict[str, int]:
    """Add offers and open questions through the services, as a city would have them.

    Offers vary the demo offers (same institution, kind and themes, another focus,
    window and capacity); capacities are small (mostly 1-2), so popular offers fill up
    during the run. Questions are submitted by the demo staff and opened by the broker.
    """
    from app.config import Settings
    from app.db import make_engine, make_session_factory
    from app.offers import service as offer_service
    from app.offers.schemas import OfferCreate
    from app.questions import service as question_service
    from app.questions.schemas import QuestionCreate, TransitionRequest
    from app.users.repository import get_by_email as get_user_by_email
    from seeds.loader import read_data

    rng = random.Random(seed)
    demo = read_data("demo.json")
    reference = read_data("reference.json")
    hoods = [
        h["slug"]
        for m in reference["municipalities"]
        if m["slug"] == "leiden"
        for h in m["neighbourhoods"]
    ]
    offer_templates = [
        o
        for o in demo["offers"]
        if o.get("status", "active") == "active" and o["capacity"] > 0
    ]
    staff = [u["email"] for u in demo["users"] if u["role"] == "staff"]
    settings = Settings(database_url=db_url, secret_key="x" * 40)
    today = date.today()
    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            broker = get_user_by_email(session, BROKER)
            assert broker is not None, "the demo broker is missing"
            for i in range(n_offers):
                t = rng.choice(offer_templates)
                focus = rng.choice(FOCUS.get(t["themes"][0], ["de stad"]))
                start, end = _window(rng, today, (-60, 240))
                tied = (
                    rng.sample(hoods, rng.randint(1, 2)) if rng.random() < 0.25 else []
                )
                data = OfferCreate(
                    kind=t["kind"],
                    title=f"{t['title']} (groep {i + 1})"[:200],
                    description=f"{t['description']} In deze editie ligt de "
                    f"nadruk op {focus}.",
                    institution=t["institution"],
                    themes=list(t["themes"]),
                    neighbourhoods=tied,
                    capacity=rng.choices([1, 2, 3, 4], weights=[45, 35, 15, 5])[0],
                    available_from=start,
                    available_until=end,
                    language=t.get("language", "nl"),
                )
                offer_service.create_offer(
                    session, data, actor=broker, settings=settings
                )
            for i in range(n_questions):
                t = rng.choice(demo["questions"])
                themes = list(t.get("themes") or ["sociaal-domein"])
                focus = rng.choice(FOCUS.get(themes[0], ["de stad"]))
                hood = rng.choice(hoods) if rng.random() < 0.5 else None
                start, end = _window(rng, today, (30, 240))
                owner_email = t["owner"] if t["owner"] in staff else rng.choice(staff)
                owner = get_user_by_email(session, owner_email)
                assert owner is not None
                q = question_service.create_question(
                    session,
                    QuestionCreate(
                        title=f"{t['title']} - {focus} ({i + 1})"[:200],
                        description=f"{t['description']} Specifiek willen we meer "
                        f"weten over {focus}.",
                        context=t.get("context"),
                        decision=t.get("decision"),
                        expected_output=t.get("expected_output"),
                        department=t.get("department"),
                        themes=themes,
                        levels=list(t.get("levels") or ["hbo", "wo"]),
                        neighbourhood=hood,
                        wanted_from=start,
                        wanted_until=end,
                        wanted_matches=rng.choice([1, 1, 1, 2]),
                        is_public=rng.random() < 0.85,
                        status="submitted",
                    ),
                    actor=owner,
                )
                question_service.transition_question(
                    session,
                    q.id,
                    TransitionRequest(to="open"),
                    actor=broker,
                    today=today,
                    settings=settings,
                )
    finally:
        engine.dispose()
    return {"offers": n_offers, "questions": n_questions}


def start_server(
    env: Mapping[str, str], port: int, workers: int, log_path: Path
) -> subprocess.Popen[bytes]:
    cmd = [*kennisbrug_command(), "serve", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--workers", str(workers)]
    with log_path.open("wb") as log:
        return subprocess.Popen(
            cmd,
            env=dict(env),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_ready(
    base: str, proc: subprocess.Popen[bytes], log_path: Path, timeout: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"the server exited with {proc.returncode}:\n{tail(log_path)}"
            )
        try:
            resp = httpx.get(f"{base}/readyz", timeout=5)
            if resp.status_code == 200:
                body: dict[str, Any] = resp.json()
                return body
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(
        f"the server was not ready in {timeout:.0f} s:\n{tail(log_path)}"
    )


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# ------------------------------------------------------------ CPU accounting


def _ticks(pid: int) -> int:
    try:
        parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(parts[11]) + int(parts[12])  # utime + stime


def _process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[ppid].append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _machine() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split()[1:11]]
    except OSError:
        return 0, 0
    idle = values[3] + values[4]
    return sum(values[:8]) - idle, sum(values[:8])


@dataclass
class CpuSample:
    server: int
    postgres: dict[int, int]
    client: float
    machine: tuple[int, int]
    at: float

    @classmethod
    def take(cls, server_pid: int) -> CpuSample:
        return cls(
            server=sum(_ticks(p) for p in _process_tree(server_pid)),
            postgres={p: _ticks(p) for p in _postgres_pids()},
            client=time.process_time(),
            machine=_machine(),
            at=time.monotonic(),
        )


def cpu_usage(before: CpuSample, after: CpuSample) -> dict[str, float]:
    """Average cores busy between two samples (1.0 = one core all the time)."""
    hz = os.sysconf("SC_CLK_TCK")
    wall = max(after.at - before.at, 1e-9)
    pg = sum(t - before.postgres.get(p, 0) for p, t in after.postgres.items())
    busy = after.machine[0] - before.machine[0]
    total = max(after.machine[1] - before.machine[1], 1)
    cpus = float(os.cpu_count() or 1)
    usage = {
        "server_cores": (after.server - before.server) / hz / wall,
        "postgres_cores": pg / hz / wall,
        "client_cores": (after.client - before.client) / wall,
        "machine_busy_pct": 100.0 * busy / total,
        "cpus": cpus,
        "postgres_processes": float(len(after.postgres)),
    }
    ours = usage["server_cores"] + usage["postgres_cores"] + usage["client_cores"]
    usage["other_cores"] = max(usage["machine_busy_pct"] * cpus / 100 - ours, 0.0)
    return usage


# ------------------------------------------------------------ measurements


@dataclass
class Stats:
    """Every request's latency and outcome, by endpoint group."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    business: Counter[tuple[str, str]] = field(default_factory=Counter)
    error_samples: Counter[str] = field(default_factory=Counter)

    def record(self, group: str, seconds: float) -> None:
        self.latencies[group].append(seconds)

    first_error_at: dict[str, float] = field(default_factory=dict)

    def error(self, group: str, what: str, at: float) -> None:
        self.errors[group] += 1
        key = f"{group}: {what}"
        self.error_samples[key] += 1
        self.first_error_at.setdefault(key, at)


def conflict_kind(resp: httpx.Response) -> str:
    """Name the business reason of a 409 (full, duplicate, stale) or 'other'."""
    try:
        detail = str(resp.json().get("detail", ""))
    except ValueError:
        detail = resp.text
    if "no places left" in detail or "capaciteit vol" in detail:
        return "full"
    if "breaks a hard rule" in detail and detail.rsplit(": ", 1)[-1] == "capacity":
        return "full"  # the last place went between the candidates and the proposal
    if "already has a match" in detail:
        return "duplicate"
    if "cannot move a match" in detail:
        return "stale"
    return "other"


@dataclass
class World:
    themes: list[str]
    hoods: list[str]


class Client:
    """The shared HTTP client of every virtual user; records each call in `stats`."""

    def __init__(
        self, http: httpx.AsyncClient, stats: Stats, began: float, duration: float
    ) -> None:
        self.http = http
        self.stats = stats
        self.began = began
        self.deadline = began + duration

    def t(self) -> float:
        """Seconds since the load started (the deadline is start + duration)."""
        return time.monotonic() - self.began

    @property
    def running(self) -> bool:
        return time.monotonic() < self.deadline

    async def think(self, rng: random.Random, low: float, high: float) -> None:
        pause = min(rng.uniform(low, high), max(self.deadline - time.monotonic(), 0))
        await asyncio.sleep(pause)

    async def call(
        self,
        group: str,
        method: str,
        url: str,
        *,
        ok: Sequence[int] = (200,),
        conflicts: Sequence[str] = (),
        token: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response | None:
        """One request; None unless the status is one of `ok`.

        A 409 whose reason is in `conflicts` is an expected business outcome; any
        other status outside `ok`, and every transport error, is an error.
        """
        headers = {"Authorization": f"Bearer {token}"} if token else None
        began = time.perf_counter()
        try:
            resp = await self.http.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            self.stats.record(group, time.perf_counter() - began)
            self.stats.error(group, f"transport error {type(exc).__name__}", self.t())
            return None
        self.stats.record(group, time.perf_counter() - began)
        if resp.status_code in ok:
            return resp
        if resp.status_code == 409:
            kind = conflict_kind(resp)
            if kind in conflicts:
                self.stats.business[(group, f"409 {kind}")] += 1
                return None
        self.stats.error(group, f"{resp.status_code} {resp.text[:160]}", self.t())
        return None

    async def login(self, email: str) -> str | None:
        resp = await self.call(
            "auth.login",
            "POST",
            "/api/auth/token",
            data={"username": email, "password": DEMO_PASSWORD},
        )
        return str(resp.json()["access_token"]) if resp else None


async def student(c: Client, rng: random.Random, world: World, uid: int) -> None:
    """Browse, search and filter the portal; read details; sometimes sign up."""
    signups = 0
    while c.running:
        if rng.random() < 0.1:
            await c.call("portal.results", "GET", "/api/portal/results")
            await c.think(rng, 1, 3)
            continue
        params: dict[str, Any] = {"offset": rng.choice([0, 0, 0, 20])}
        roll = rng.random()
        if roll < 0.15:
            params["theme"] = rng.choice(world.themes)
        elif roll < 0.25:
            params["level"] = rng.choice(list(values(Level)))
        elif roll < 0.35:
            params["neighbourhood"] = rng.choice(world.hoods)
        elif roll < 0.40:
            params["lang"] = "en"
        group = "portal.list"
        if rng.random() < 0.25:
            params["q"] = rng.choice(SEARCH_WORDS)
            group = "portal.search"
        resp = await c.call(group, "GET", "/api/portal/assignments", params=params)
        await c.think(rng, 1, 4)
        items = resp.json()["items"] if resp else []
        if not items or not c.running:
            continue
        item = rng.choice(items)
        detail = await c.call(
            "portal.detail", "GET", f"/api/portal/assignments/{item['id']}"
        )
        await c.think(rng, 2, 5)
        if detail is not None and rng.random() < 0.1 and c.running:
            signups += 1
            levels = item["levels"] or list(values(Level))
            await c.call(
                "portal.interest",
                "POST",
                f"/api/portal/assignments/{item['id']}/interest",
                ok=(201,),
                json={
                    "name": f"Student {uid}",
                    "email": f"student{uid}.{signups}@student.example",
                    "institution": "Hogeschool Leiden",
                    "level": rng.choice(levels),
                    "motivation": "Dit onderwerp past precies bij mijn opleiding.",
                },
            )
            await c.think(rng, 1, 3)


async def staff(c: Client, rng: random.Random, email: str) -> None:
    """List and read the city's and one's own questions, their matches and look-alikes."""
    token = await c.login(email)
    if token is None:
        return
    while c.running:
        params: dict[str, Any] = {"limit": 20}
        roll = rng.random()
        if roll < 0.4:
            params["mine"] = "true"
        elif roll < 0.7:
            params["status"] = rng.choice(
                [["open"], ["matched", "in_progress"], ["completed"]]
            )
        elif roll < 0.85:
            params["q"] = rng.choice(SEARCH_WORDS).lower()
        resp = await c.call(
            "staff.questions.list", "GET", "/api/questions", params=params, token=token
        )
        await c.think(rng, 2, 5)
        items = resp.json()["items"] if resp else []
        if not items or not c.running:
            continue
        qid = rng.choice(items)["id"]
        await c.call("staff.question.read", "GET", f"/api/questions/{qid}", token=token)
        if rng.random() < 0.5:
            await c.call(
                "staff.question.matches",
                "GET",
                f"/api/questions/{qid}/matches",
                token=token,
            )
        if rng.random() < 0.15:
            await c.call(
                "staff.question.similar",
                "GET",
                f"/api/questions/{qid}/similar",
                token=token,
            )
        await c.think(rng, 3, 6)


async def _confirm(c: Client, token: str, match_id: str) -> None:
    await c.call(
        "broker.confirm",
        "POST",
        f"/api/matches/{match_id}/confirm",
        conflicts=("full", "stale"),
        token=token,
    )


async def _review_proposals(c: Client, rng: random.Random, token: str) -> None:
    """Work through older proposals: confirm most (offers may be full by now)."""
    resp = await c.call(
        "broker.matches.list",
        "GET",
        "/api/matches",
        params={"status": "proposed", "limit": 20},
        token=token,
    )
    items = resp.json()["items"] if resp else []
    for m in rng.sample(items, min(len(items), rng.randint(1, 2))):
        await c.think(rng, 0.5, 2)
        if not c.running:
            return
        if rng.random() < 0.25:
            await c.call(
                "broker.reject",
                "POST",
                f"/api/matches/{m['id']}/reject",
                json={"reason": "Past niet bij de planning van de opleiding."},
                conflicts=("stale",),
                token=token,
            )
        else:
            await _confirm(c, token, m["id"])


async def _cancel_one(c: Client, rng: random.Random, token: str) -> None:
    """Cancel a confirmed match now and then: its place is freed for others."""
    resp = await c.call(
        "broker.matches.list",
        "GET",
        "/api/matches",
        params={"status": "confirmed", "limit": 20, "offset": rng.randint(0, 40)},
        token=token,
    )
    items = resp.json()["items"] if resp else []
    if items:
        await c.call(
            "broker.cancel",
            "POST",
            f"/api/matches/{rng.choice(items)['id']}/cancel",
            json={"reason": "De opdrachtgever heeft de vraag aangepast."},
            conflicts=("stale",),
            token=token,
        )


async def broker(c: Client, rng: random.Random) -> None:
    """Pick an open question, rank its candidates, propose a few and confirm them."""
    token = await c.login(BROKER)
    if token is None:
        return
    while c.running:
        roll = rng.random()
        if roll < 0.15:
            await _review_proposals(c, rng, token)
            await c.think(rng, 1, 3)
            continue
        if roll < 0.20:
            await _cancel_one(c, rng, token)
            await c.think(rng, 1, 3)
            continue
        resp = await c.call(
            "broker.questions.list",
            "GET",
            "/api/questions",
            params={"status": ["open", "matched"], "limit": 100},
            token=token,
        )
        items = resp.json()["items"] if resp else []
        opened = [q for q in items if q["status"] == "open"]
        if not items:
            await c.think(rng, 1, 3)
            continue
        qid = rng.choice(opened or items)["id"]
        resp = await c.call(
            "broker.candidates",
            "GET",
            f"/api/questions/{qid}/candidates",
            params={"limit": 10},
            token=token,
        )
        await c.think(rng, 1, 3)
        if resp is None or not c.running:
            continue
        top = resp.json()["candidates"][:5]
        fresh = [x for x in top if x["match_id"] is None]
        pending = [x for x in top if x["match_status"] == "proposed"]
        if pending and rng.random() < 0.3:
            # Another broker proposed this pair: confirm theirs (a race on purpose).
            await _confirm(c, token, rng.choice(pending)["match_id"])
            await c.think(rng, 1, 2)
            continue
        # Mostly fresh pairs; sometimes straight from the top (a duplicate, 409).
        pool = top if rng.random() < 0.2 else fresh
        picks = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        created: list[str] = []
        for cand in picks:
            made = await c.call(
                "broker.propose",
                "POST",
                "/api/matches",
                ok=(201,),
                conflicts=("full", "duplicate"),
                json={"question_id": qid, "offer_id": cand["offer"]["id"]},
                token=token,
            )
            if made is not None:
                created.append(made.json()["id"])
        await c.think(rng, 0.5, 2)
        # Confirm the first proposal now; the others wait for a later review.
        if created and c.running:
            await _confirm(c, token, created[0])
        await c.think(rng, 1, 3)


async def run_load(
    base: str, args: argparse.Namespace, world: World
) -> tuple[Stats, float]:
    n_brokers = max(1, round(args.users * args.brokers))
    n_staff = max(1, round(args.users * args.staff))
    n_students = max(0, args.users - n_brokers - n_staff)
    stats = Stats()
    staff_emails = [
        "gemeente@leiden.example",
        "duurzaamheid@leiden.example",
        "stadsbeheer@leiden.example",
        "veiligheid@leiden.example",
        "wijken@leiden.example",
        "onderwijs@leiden.example",
    ]
    # Idle connections are dropped after 2 s, before uvicorn's 5 s keep-alive
    # timeout: reusing one the server is closing would be a spurious ReadError.
    limits = httpx.Limits(
        max_connections=args.users + 10,
        max_keepalive_connections=args.users + 10,
        keepalive_expiry=2.0,
    )
    async with httpx.AsyncClient(
        base_url=base, timeout=args.timeout, limits=limits
    ) as http:
        began = time.monotonic()
        c = Client(http, stats, began, args.duration)
        roles = ["broker"] * n_brokers + ["staff"] * n_staff + ["student"] * n_students
        random.Random(args.seed).shuffle(roles)

        async def user(k: int, role: str) -> None:
            rng = random.Random(args.seed * 1000 + k)
            await asyncio.sleep(args.ramp_up * k / max(len(roles), 1))
            if role == "broker":
                await broker(c, rng)
            elif role == "staff":
                await staff(c, rng, staff_emails[k % len(staff_emails)])
            else:
                await student(c, rng, world, k)

        await asyncio.gather(*(user(k, role) for k, role in enumerate(roles)))
        elapsed = time.monotonic() - began
    print(
        f"\n{len(roles)} users ({n_students} students, {n_staff} staff, "
        f"{n_brokers} brokers) for {elapsed:.0f} s"
    )
    return stats, elapsed


# ------------------------------------------------------------ report and checks


GROUP_ORDER = [
    "auth.login",
    "portal.list",
    "portal.search",
    "portal.detail",
    "portal.interest",
    "portal.results",
    "staff.questions.list",
    "staff.question.read",
    "staff.question.matches",
    "staff.question.similar",
    "broker.questions.list",
    "broker.candidates",
    "broker.propose",
    "broker.confirm",
    "broker.matches.list",
    "broker.reject",
    "broker.cancel",
]


def summarise(stats: Stats, elapsed: float) -> list[dict[str, Any]]:
    rows = []
    groups = [g for g in GROUP_ORDER if g in stats.latencies]
    groups += sorted(set(stats.latencies) - set(groups))
    everything: list[float] = []
    for g in [*groups, "TOTAL"]:
        if g == "TOTAL":
            lat = np.array(everything)
            errors = sum(stats.errors.values())
            business = sum(stats.business.values())
        else:
            lat = np.array(stats.latencies[g])
            everything.extend(stats.latencies[g])
            errors = stats.errors[g]
            business = sum(n for (gg, _), n in stats.business.items() if gg == g)
        p50, p95, p99 = (float(v) * 1000 for v in np.percentile(lat, [50, 95, 99]))
        rows.append(
            {
                "group": g,
                "count": int(lat.size),
                "errors": errors,
                "expected_409": business,
                "p50_ms": p50,
                "p95_ms": p95,
                "p99_ms": p99,
                "max_ms": float(lat.max()) * 1000,
                "rps": lat.size / elapsed,
            }
        )
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    head = (
        f"{'endpoint group':24} {'count':>7} {'errors':>6} {'409 exp':>7} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'req/s':>7}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        if r["group"] == "TOTAL":
            print("-" * len(head))
        print(
            f"{r['group']:24} {r['count']:7d} {r['errors']:6d} {r['expected_409']:7d} "
            f"{r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['p99_ms']:8.1f} "
            f"{r['max_ms']:8.1f} {r['rps']:7.2f}"
        )


@dataclass
class Capacity:
    offers: int
    full: int
    places: int
    taken: int
    violations: list[str]
    status_mismatches: list[str]

    @property
    def passed(self) -> bool:
        return not self.violations


def check_capacity(db_url: str) -> Capacity:
    """For every offer: places_taken == holding matches <= capacity (read directly).

    Also compares each match-driven question status with what its matches imply
    (reported as a warning: it is not part of the overbooking guarantee).
    """
    from app.codes import HOLDING_STATUSES

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            offers = conn.execute(
                text(
                    "SELECT o.id, o.title, o.capacity, o.places_taken, "
                    "count(m.id) FILTER (WHERE m.status IN :holding) AS held "
                    "FROM offers o LEFT JOIN matches m ON m.offer_id = o.id "
                    "GROUP BY o.id"
                ).bindparams(bindparam("holding", expanding=True)),
                {"holding": list(HOLDING_STATUSES)},
            ).all()
            questions = conn.execute(
                text(
                    "SELECT q.id, q.status, "
                    "count(m.id) FILTER (WHERE m.status IN ('confirmed', 'in_progress')), "
                    "count(m.id) FILTER (WHERE m.status = 'in_progress'), "
                    "count(m.id) FILTER (WHERE m.status = 'completed') "
                    "FROM questions q LEFT JOIN matches m ON m.question_id = q.id "
                    "WHERE q.status IN ('open', 'matched', 'in_progress', 'completed') "
                    "GROUP BY q.id"
                )
            ).all()
    finally:
        engine.dispose()
    violations = [
        f"offer {oid} {title!r}: capacity {cap}, places_taken {taken}, holding {held}"
        for oid, title, cap, taken, held in offers
        if taken != held or held > cap
    ]
    mismatches = []
    for qid, status, working, started, completed in questions:
        if working == 0 and completed == 0:
            expected = "open"
        elif working == 0:
            expected = "completed"
        elif started or completed:
            expected = "in_progress"
        else:
            expected = "matched"
        if expected != status:
            mismatches.append(
                f"question {qid}: status {status!r}, matches say {expected!r}"
            )
    return Capacity(
        offers=len(offers),
        full=sum(1 for _, _, cap, taken, _ in offers if cap > 0 and taken >= cap),
        places=sum(cap for _, _, cap, _, _ in offers),
        taken=sum(taken for _, _, _, taken, _ in offers),
        violations=violations,
        status_mismatches=mismatches,
    )


def print_capacity(label: str, cap: Capacity) -> None:
    verdict = "PASS" if cap.passed else "FAIL"
    print(
        f"{label}: {verdict} - {cap.offers} offers, {cap.taken} of {cap.places} places "
        f"taken, {cap.full} offers full, {len(cap.violations)} overbooked or miscounted"
    )
    for v in cap.violations[:20]:
        print(f"  {v}")
    if cap.status_mismatches:
        print(
            f"  WARN: {len(cap.status_mismatches)} question(s) whose status does not "
            "follow from their matches:"
        )
        for m in cap.status_mismatches[:10]:
            print(f"    {m}")


def server_log_problems(path: Path) -> tuple[int, int]:
    """(tracebacks, ERROR lines) in the server's log."""
    content = path.read_text(errors="replace") if path.exists() else ""
    return content.count("Traceback"), sum(
        1 for line in content.splitlines() if " ERROR " in line or "[ERROR]" in line
    )


# --------------------------------------------------------------------- main


@contextmanager
def database(admin_url: str, name: str, keep: bool) -> Iterator[str]:
    create_database(admin_url, name)
    try:
        yield database_url(admin_url, name).render_as_string(hide_password=False)
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            drop_database(admin_url, name)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.load",
        description="Load test on a live server with PostgreSQL.",
    )
    p.add_argument("--users", type=int, default=50, help="virtual users (50)")
    p.add_argument("--duration", type=float, default=180, help="seconds (180)")
    p.add_argument(
        "--ramp-up", type=float, default=10, help="seconds to start all users"
    )
    p.add_argument(
        "--model",
        default="default",
        help="embedding model: 'default' (the real one) or e.g. 'hashing-64'",
    )
    p.add_argument("--offers", type=int, default=300, help="extra offers (300)")
    p.add_argument("--questions", type=int, default=100, help="extra open questions")
    p.add_argument("--brokers", type=float, default=0.2, help="share of brokers (0.2)")
    p.add_argument("--staff", type=float, default=0.2, help="share of staff (0.2)")
    p.add_argument("--workers", type=int, default=1, help="server processes (1)")
    p.add_argument(
        "--pg-url",
        default=os.environ.get("KENNISBRUG_LOAD_POSTGRES_URL", DEFAULT_PG_URL),
        help="an admin connection; the test database is created next to it",
    )
    p.add_argument("--timeout", type=float, default=60, help="per request (60 s)")
    p.add_argument("--seed", type=int, default=20_261_122)
    p.add_argument("--keep-db", action="store_true", help="do not drop the database")
    p.add_argument("--json", type=Path, help="also write the results to this file")
    return p.parse_args(argv)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM (a CI timeout) cleans up like Ctrl-C: stop the server, drop the database.
    signal.signal(signal.SIGTERM, _interrupt)
    name = f"kennisbrug_load_{os.getpid()}"
    logdir = Path(tempfile.mkdtemp(prefix="kennisbrug-load-"))
    log_path = logdir / "server.log"
    failed = True
    with database(args.pg_url, name, args.keep_db) as db_url:
        env = server_env(args, db_url)
        print(f"== set-up: database {name}, model {args.model}")
        timings = {
            "migrate": run_cli(env, "migrate"),
            # The demo world is seeded in demo mode only; the server runs without it.
            "seed": run_cli({**env, "KENNISBRUG_DEMO_MODE": "1"}, "seed", "--demo"),
        }
        began = time.perf_counter()
        generate_world(db_url, args.offers, args.questions, args.seed)
        timings["generate"] = time.perf_counter() - began
        timings["reindex"] = run_cli(env, "reindex")
        print("   " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
        baseline = check_capacity(db_url)
        print_capacity("capacity before the run", baseline)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        print(
            f"== server: {args.workers} process(es) on {base}, "
            f"KENNISBRUG_RATE_LIMIT_INTEREST and _PUBLIC={RAISED_INTEREST_LIMIT}"
        )
        proc = start_server(env, port, args.workers, log_path)
        try:
            began = time.perf_counter()
            ready = wait_ready(base, proc, log_path, timeout=300)
            print(f"   ready in {time.perf_counter() - began:.1f} s: {ready}")
            if args.model == "default" and ready.get("status") != "ready":
                raise RuntimeError(f"the real model did not load: {ready}")
            world = World(
                themes=list(FOCUS),
                hoods=["binnenstad-noord", "leiden-noord", "merenwijk", "stevenshof"],
            )
            print(
                f"== load: {args.users} users for {args.duration:.0f} s "
                f"(ramp-up {args.ramp_up:.0f} s)"
            )
            cpu_before = CpuSample.take(proc.pid)
            stats, elapsed = asyncio.run(run_load(base, args, world))
            cpu = cpu_usage(cpu_before, CpuSample.take(proc.pid))
        finally:
            stop_server(proc)

        rows = summarise(stats, elapsed)
        print()
        print_table(rows)
        if stats.business:
            print("\nexpected business outcomes (not errors):")
            for (group, kind), n in sorted(stats.business.items()):
                print(f"  {group:24} {kind:14} {n:6d}")
        if stats.error_samples:
            print("\nerrors:")
            for what, n in stats.error_samples.most_common(15):
                first = stats.first_error_at[what]
                print(f"  {n:5d} x (first at {first:6.1f} s) {what}")
        print(
            f"\nCPU (average cores busy over the run, {cpu['cpus']:.0f} CPUs): "
            f"server {cpu['server_cores']:.2f}, PostgreSQL {cpu['postgres_cores']:.2f}, "
            f"load client {cpu['client_cores']:.2f}, other processes "
            f"{cpu['other_cores']:.2f}; machine {cpu['machine_busy_pct']:.0f}% busy"
        )
        if cpu["other_cores"] > 0.25:
            print(
                "WARNING: other processes used the CPUs during the run; "
                "latencies are pessimistic"
            )
        tracebacks, error_lines = server_log_problems(log_path)
        print(f"server log: {tracebacks} traceback(s), {error_lines} ERROR line(s)")

        after = check_capacity(db_url)
        print()
        print_capacity("NO OVERBOOKING", after)

        total_errors = sum(stats.errors.values())
        failed = total_errors > 0 or not after.passed or tracebacks > 0
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "users": args.users,
                        "duration_s": elapsed,
                        "model": args.model,
                        "workers": args.workers,
                        "offers": after.offers,
                        "groups": rows,
                        "business": {
                            f"{g} {k}": n for (g, k), n in stats.business.items()
                        },
                        "errors": dict(stats.error_samples),
                        "cpu": cpu,
                        "overbooking": "PASS" if after.passed else "FAIL",
                        "violations": after.violations,
                        "status_mismatches": after.status_mismatches,
                    },
                    indent=1,
                ),
                encoding="utf-8",
            )
    print(f"\n{'FAIL' if failed else 'PASS'}", end="")
    if failed:
        print(f" (server log kept in {log_path})")
    else:
        print()
        shutil.rmtree(logdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"set-up failed: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted: server stopped, database dropped", file=sys.stderr)
        sys.exit(130)
