"""Every route the app registers, called as every role; the table below is the
access policy. A test checks that the table covers exactly the registered routes.

Roles: anonymous, staff/broker of Leiden (the question's city; `staff` owns the
questions), provider of Hogeschool Leiden (the offer's institution), admin, and
outsiders: staff and broker of another city, provider of another institution.
API routes are checked for their exact status; pages (session cookie) for the class
of answer: allowed, login redirect, 403 page or 404 page.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app.db import utcnow
from app.interests.service import confirmation_token
from app.models import Interest, Match, Offer, Question, Theme, User
from tests.app.conftest import TEST_PASSWORD

ROLES = (
    "anonymous",
    "staff",
    "broker",
    "provider",
    "admin",
    "staff_other",
    "broker_other",
    "provider_other",
    "network",
)
ALL = dict.fromkeys(ROLES, 200)


def only(
    ok: int, allowed: tuple[str, ...], *, outsiders: int = 404, **extra: int
) -> dict[str, int]:
    """`ok` for the allowed roles, 401 anonymous, 403 other roles; outsiders of an
    allowed role (another city or institution) get `outsiders`."""
    table = dict.fromkeys(ROLES, 403) | {"anonymous": 401}
    for role in allowed:
        table[role] = ok
        if f"{role}_other" in table:
            table[f"{role}_other"] = outsiders
    return table | extra


@dataclass
class World:
    users: dict[str, User]
    question: Question
    question2: Question
    offer: Offer
    offer2: Offer
    proposed: Match
    confirmed: Match
    running: Match
    ids: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def world(session, make_user, other_city, settings) -> World:
    users = {
        "staff": make_user("staff"),
        "broker": make_user("broker"),
        "provider": make_user("provider", institution="Hogeschool Leiden"),
        "admin": make_user("admin"),
        "staff_other": make_user("staff", municipality=other_city),
        "broker_other": make_user("broker", municipality=other_city),
        "provider_other": make_user("provider", institution="Universiteit Leiden"),
        "network": make_user("network"),
    }
    staff, provider = users["staff"], users["provider"]
    theme = session.query(Theme).filter_by(slug="gezondheid-welzijn").one()

    def question(title: str, status: str) -> Question:
        q = Question(
            municipality_id=staff.municipality_id,
            owner_id=staff.id,
            title=title,
            description="Hoe bereiken we eenzame ouderen in de wijk?",
            status=status,
            is_public=True,
            wanted_from=date(2027, 2, 1),
            wanted_until=date(2027, 6, 30),
        )
        q.themes = [theme]
        session.add(q)
        return q

    def offer(title: str, places_taken: int) -> Offer:
        o = Offer(
            municipality_id=staff.municipality_id,
            institution_id=provider.institution_id,
            owner_id=provider.id,
            kind="course",
            title=title,
            description="Studenten onderzoeken eenzaamheid onder ouderen.",
            level="hbo",
            capacity=5,
            places_taken=places_taken,
            available_from=date(2027, 2, 1),
            available_until=date(2027, 7, 1),
        )
        o.themes = [theme]
        session.add(o)
        return o

    q, q2 = (
        question("Eenzaamheid ouderen", "open"),
        question("Eenzaamheid jongeren", "open"),
    )
    q3, q4 = (
        question("Lopende vraag", "matched"),
        question("Vraag in uitvoering", "in_progress"),
    )
    o, o2 = offer("Minor Wijkzorg", 2), offer("Praktijkopdracht Sociaal Werk", 0)
    session.flush()

    def match(question: Question, status: str) -> Match:
        m = Match(
            municipality_id=question.municipality_id,
            question_id=question.id,
            offer_id=o.id,
            status=status,
            components={},
            explanation="",
        )
        session.add(m)
        return m

    proposed, confirmed, running = (
        match(q, "proposed"),
        match(q3, "confirmed"),
        match(q4, "in_progress"),
    )
    interest = Interest(
        municipality_id=q.municipality_id,
        question_id=q.id,
        name="Student",
        email="student@example.org",
        institution="Hogeschool Leiden",
        level="hbo",
        message="Graag",
        confirmed_at=utcnow(),
    )
    session.add(interest)
    session.commit()
    world = World(users, q, q2, o, o2, proposed, confirmed, running)
    world.ids["token"] = confirmation_token(settings, interest)
    return world


@dataclass(frozen=True)
class Case:
    """How to call one route: path parameters, body and expected status per role."""

    expect: dict[str, int]
    params: Callable[[World], dict[str, str]] = lambda w: {}
    json: Callable[[World, str], Any] | None = None
    data: Callable[[World, str], dict[str, str]] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    query: dict[str, str] | None = None


def q_id(w: World) -> dict[str, str]:
    return {"question_id": str(w.question.id)}


def o_id(w: World) -> dict[str, str]:
    return {"offer_id": str(w.offer.id)}


def m_id(m: Callable[[World], Match]) -> Callable[[World], dict[str, str]]:
    return lambda w: {"match_id": str(m(w).id)}


def offer_body(w: World, role: str) -> dict[str, Any]:
    body = {
        "kind": "course",
        "title": "Nieuw vak",
        "description": "Over de stad.",
        "capacity": 1,
    }
    return body | (
        {"institution": "Hogeschool Leiden"} if role.startswith("broker") else {}
    )


CSV = b"kind;title;description;capacity\ncourse;Vak uit CSV;Een vak;2\n"
COMPLETE = {"outcome_summary": "Een bruikbaar advies voor de wijk.", "rating": 5}
PAGE = {"staff": 200}

API: dict[tuple[str, str], Case] = {
    ("GET", "/healthz"): Case(ALL),
    ("GET", "/readyz"): Case(ALL),
    ("POST", "/api/auth/token"): Case(
        ALL,
        data=lambda w, r: {
            "username": w.users["staff"].email,
            "password": TEST_PASSWORD,
        },
    ),
    ("POST", "/api/auth/password-reset"): Case(
        dict.fromkeys(ROLES, 202),
        json=lambda w, r: {"email": w.users["staff"].email},
    ),
    ("POST", "/api/auth/password-reset/confirm"): Case(
        dict.fromkeys(ROLES, 422),
        json=lambda w, r: {"token": "een verlopen link", "password": "lang genoeg!!"},
    ),
    ("GET", "/api/auth/me"): Case(dict.fromkeys(ROLES, 200) | {"anonymous": 401}),
    ("POST", "/api/auth/logout"): Case(dict.fromkeys(ROLES, 204) | {"anonymous": 401}),
    ("GET", "/api/privacy/export"): Case(
        only(200, ("admin",)), query={"email": "student@example.org"}
    ),
    ("POST", "/api/privacy/erase"): Case(
        only(200, ("admin",)), json=lambda w, r: {"email": "student@example.org"}
    ),
    ("GET", "/api/users"): Case(only(200, ("admin",))),
    ("POST", "/api/users"): Case(
        only(201, ("admin",)),
        json=lambda w, r: {
            "email": f"nieuw-{r}@x.example",
            "name": "Nieuw",
            "role": "admin",
            "password": "lang genoeg wachtwoord",
        },
    ),
    ("PATCH", "/api/users/{user_id}"): Case(
        only(200, ("admin",)),
        params=lambda w: {"user_id": str(w.users["staff"].id)},
        json=lambda w, r: {"name": "Andere naam"},
    ),
    ("GET", "/api/themes"): Case(ALL),
    ("GET", "/api/neighbourhoods"): Case(ALL),
    ("GET", "/api/institutions"): Case(ALL),
    ("POST", "/api/questions"): Case(
        only(201, ("staff", "broker"), outsiders=201),
        json=lambda w, r: {"title": "Nieuwe vraag", "description": "Waarom?"},
    ),
    ("GET", "/api/questions"): Case(only(200, ("staff", "broker"), outsiders=200)),
    ("POST", "/api/questions/assist"): Case(
        only(200, ("staff", "broker"), outsiders=200),
        json=lambda w, r: {"title": "Eenzame ouderen", "description": "Wie missen we?"},
    ),
    ("GET", "/api/questions/{question_id}"): Case(only(200, ("staff", "broker")), q_id),
    ("PATCH", "/api/questions/{question_id}"): Case(
        only(200, ("staff", "broker")),
        q_id,
        json=lambda w, r: {"title": "Scherpere vraag"},
    ),
    ("POST", "/api/questions/{question_id}/transition"): Case(
        only(200, ("staff", "broker")), q_id, json=lambda w, r: {"to": "withdrawn"}
    ),
    ("POST", "/api/offers/import"): Case(
        only(201, ("provider", "broker"), outsiders=201, broker=422, broker_other=422),
        files={"file": ("aanbod.csv", CSV, "text/csv")},
    ),
    ("POST", "/api/offers"): Case(
        only(201, ("provider", "broker"), outsiders=201),
        json=offer_body,
    ),
    ("GET", "/api/offers"): Case(only(200, ("provider", "broker"), outsiders=200)),
    ("GET", "/api/offers/{offer_id}"): Case(only(200, ("provider", "broker")), o_id),
    ("PATCH", "/api/offers/{offer_id}"): Case(
        only(200, ("provider", "broker")), o_id, json=lambda w, r: {"capacity": 6}
    ),
    ("POST", "/api/matches"): Case(
        only(201, ("broker",)),
        json=lambda w, r: {
            "question_id": str(w.question2.id),
            "offer_id": str(w.offer2.id),
        },
    ),
    ("GET", "/api/matches"): Case(only(200, ("broker", "provider"), outsiders=200)),
    ("GET", "/api/matches/{match_id}"): Case(
        only(200, ("staff", "broker", "provider")), m_id(lambda w: w.proposed)
    ),
    ("POST", "/api/matches/{match_id}/accept"): Case(
        only(200, ("provider",)), m_id(lambda w: w.proposed)
    ),
    ("POST", "/api/matches/{match_id}/decline"): Case(
        only(200, ("provider",)),
        m_id(lambda w: w.proposed),
        json=lambda w, r: {"reason": "Ons blok is vol."},
    ),
    ("POST", "/api/matches/{match_id}/confirm"): Case(
        only(200, ("broker",), staff_other=403), m_id(lambda w: w.proposed)
    ),
    ("POST", "/api/matches/{match_id}/reject"): Case(
        only(200, ("broker",), staff_other=403),
        m_id(lambda w: w.proposed),
        json=lambda w, r: {"reason": "Past niet"},
    ),
    ("POST", "/api/matches/{match_id}/start"): Case(
        only(200, ("broker",), staff_other=403), m_id(lambda w: w.confirmed)
    ),
    ("POST", "/api/matches/{match_id}/complete"): Case(
        only(200, ("staff", "broker")),
        m_id(lambda w: w.running),
        json=lambda w, r: COMPLETE,
    ),
    ("POST", "/api/matches/{match_id}/cancel"): Case(
        only(200, ("broker",), staff_other=403),
        m_id(lambda w: w.proposed),
        json=lambda w, r: {},
    ),
    ("GET", "/api/questions/{question_id}/candidates"): Case(
        only(200, ("broker",), staff_other=403), q_id
    ),
    ("GET", "/api/questions/{question_id}/similar"): Case(
        only(200, ("staff", "broker")), q_id
    ),
    ("POST", "/api/questions/{question_id}/split"): Case(
        only(201, ("broker",), staff_other=403),
        lambda w: {"question_id": str(w.question2.id)},  # no proposals: it splits
        json=lambda w, r: {"levels": ["wo", "hbo"]},
    ),
    ("GET", "/api/questions/{question_id}/matches"): Case(
        only(200, ("staff", "broker")), q_id
    ),
    ("GET", "/api/questions/{question_id}/events"): Case(
        only(200, ("broker",), staff_other=403), q_id
    ),
    ("POST", "/api/allocation"): Case(
        only(200, ("broker",), outsiders=200), json=lambda w, r: {}
    ),
    ("GET", "/api/questions/{question_id}/interests"): Case(
        only(200, ("broker",), staff_other=403), q_id
    ),
    ("GET", "/api/questions/{question_id}/interests.csv"): Case(
        only(200, ("broker",), staff_other=403), q_id
    ),
    ("GET", "/api/portal/assignments"): Case(ALL),
    ("GET", "/api/portal/assignments/{question_id}"): Case(ALL, q_id),
    ("POST", "/api/portal/assignments/{question_id}/interest"): Case(
        dict.fromkeys(ROLES, 201),
        q_id,
        json=lambda w, r: {
            "name": "Sam Student",
            "email": f"{r}@student.example",
            "institution": "Hogeschool Leiden",
            "level": "hbo",
            "motivation": "Ik wil graag meedoen.",
        },
    ),
    ("GET", "/api/portal/results"): Case(ALL),
    ("POST", "/api/portal/interests/confirm"): Case(
        ALL, json=lambda w, r: {"token": w.ids["token"]}
    ),
    ("GET", "/api/reports/summary"): Case(only(200, ("broker",), outsiders=200)),
    ("GET", "/api/reports/summary.csv"): Case(only(200, ("broker",), outsiders=200)),
    ("GET", "/api/reports/matches.csv"): Case(only(200, ("broker",), outsiders=200)),
    ("GET", "/api/reports/charts/{name}.svg"): Case(
        only(200, ("broker",), outsiders=200), lambda w: {"name": "status"}
    ),
    ("GET", "/api/municipalities"): Case(ALL),
    ("GET", "/api/municipalities/{slug}/districts"): Case(
        ALL, lambda w: {"slug": "leiden"}
    ),
    ("POST", "/api/municipalities"): Case(
        only(201, ("admin",)),
        json=lambda w, r: {
            "slug": f"stad-{r.replace('_', '-')}",
            "name": "Nieuwe stad",
            "districts": [{"slug": "centrum", "name": "Centrum"}],
        },
    ),
    ("POST", "/api/municipalities/import"): Case(
        only(201, ("admin",)),
        files={
            "file": (
                "steden.csv",
                b"municipality;municipality_name;district;district_name\n"
                b"csv-stad;CSV-stad;centrum;Centrum\n",
                "text/csv",
            )
        },
    ),
    ("GET", "/api/reports/network"): Case(only(200, ("network", "admin"))),
    ("GET", "/api/municipalities/{slug}/focus-themes/{year}"): Case(
        ALL, lambda w: {"slug": "leiden", "year": "2027"}
    ),
    ("PUT", "/api/municipalities/{slug}/focus-themes/{year}"): Case(
        only(200, ("admin",)),
        lambda w: {"slug": "leiden", "year": "2027"},
        json=lambda w, r: {"themes": ["gezondheid-welzijn"]},
    ),
    ("GET", "/api/reports/capacity"): Case(
        only(200, ("broker", "admin"), outsiders=200),
        query={"from": "2027-01-01", "until": "2027-12-31"},
    ),
    ("GET", "/api/periods"): Case(ALL | {"anonymous": 401}),
    ("POST", "/api/periods"): Case(
        only(201, ("provider", "admin"), outsiders=403),
        json=lambda w, r: {
            "institution": "Hogeschool Leiden",
            "name": f"blok 3 ({r})",
            "kind": "blok",
            "starts_on": "2027-02-08",
            "ends_on": "2027-04-16",
        },
    ),
    ("GET", "/static/vendor/{name}"): Case(
        ALL, lambda w: {"name": "nlds-components.css"}
    ),
}

# Pages: which roles may use them ("*" = anyone). Others: login redirect when
# anonymous, the 403 page for a wrong role, the 404 page for another city's record.
PUBLIC = ("*",)
PAGES: dict[
    tuple[str, str], tuple[tuple[str, ...], Callable[[World], dict[str, str]]]
] = {
    ("GET", "/"): (PUBLIC, lambda w: {}),
    ("GET", "/inloggen"): (PUBLIC, lambda w: {}),
    ("POST", "/inloggen"): (PUBLIC, lambda w: {}),
    ("POST", "/uitloggen"): (PUBLIC, lambda w: {}),
    ("GET", "/wachtwoord-vergeten"): (PUBLIC, lambda w: {}),
    ("POST", "/wachtwoord-vergeten"): (PUBLIC, lambda w: {}),
    ("GET", "/wachtwoord-herstellen"): (PUBLIC, lambda w: {}),
    ("POST", "/wachtwoord-herstellen"): (PUBLIC, lambda w: {}),
    ("GET", "/vragen"): (("staff",), lambda w: {}),
    ("GET", "/vragen/nieuw"): (("staff",), lambda w: {}),
    ("POST", "/vragen/nieuw"): (("staff",), lambda w: {}),
    ("POST", "/vragen/nieuw/controleren"): (("staff",), lambda w: {}),
    ("GET", "/vragen/{question_id}"): (("staff",), q_id),
    ("POST", "/vragen/{question_id}/status"): (("staff",), q_id),
    ("GET", "/vragen/{question_id}/bewerken"): (("staff", "broker"), q_id),
    ("POST", "/vragen/{question_id}/bewerken"): (("staff", "broker"), q_id),
    ("POST", "/vragen/{question_id}/koppelingen/{match_id}/afronden"): (
        ("staff",),
        lambda w: {
            "question_id": str(w.running.question_id),
            "match_id": str(w.running.id),
        },
    ),
    ("GET", "/aanbod/import/sjabloon.csv"): (("provider", "broker"), lambda w: {}),
    ("GET", "/aanbod/import"): (("provider", "broker"), lambda w: {}),
    ("POST", "/aanbod/import"): (("provider", "broker"), lambda w: {}),
    ("GET", "/aanbod"): (("provider", "broker"), lambda w: {}),
    ("GET", "/aanbod/voorstellen"): (("provider",), lambda w: {}),
    ("POST", "/aanbod/voorstellen/{match_id}/aannemen"): (
        ("provider",),
        lambda w: {"match_id": str(w.proposed.id)},
    ),
    ("POST", "/aanbod/voorstellen/{match_id}/afslaan"): (
        ("provider",),
        lambda w: {"match_id": str(w.proposed.id)},
    ),
    ("GET", "/aanbod/nieuw"): (("provider", "broker"), lambda w: {}),
    ("POST", "/aanbod/nieuw"): (("provider", "broker"), lambda w: {}),
    ("GET", "/aanbod/{offer_id}"): (("provider", "broker"), o_id),
    ("POST", "/aanbod/{offer_id}"): (("provider", "broker"), o_id),
    ("POST", "/aanbod/{offer_id}/status"): (("provider", "broker"), o_id),
    ("GET", "/makelaar"): (("broker",), lambda w: {}),
    ("GET", "/makelaar/vragen/{question_id}"): (("broker",), q_id),
    ("POST", "/makelaar/vragen/{question_id}/status"): (("broker",), q_id),
    ("POST", "/makelaar/vragen/{question_id}/splitsen"): (("broker",), q_id),
    ("POST", "/makelaar/vragen/{question_id}/bevestigen"): (("broker",), q_id),
    ("POST", "/makelaar/vragen/{question_id}/afwijzen"): (("broker",), q_id),
    ("POST", "/makelaar/vragen/{question_id}/geleerde-rangschikking"): (
        ("broker",),
        q_id,
    ),
    ("POST", "/makelaar/koppelingen/{match_id}/{step}"): (
        ("broker",),
        lambda w: {"match_id": str(w.confirmed.id), "step": "starten"},
    ),
    ("GET", "/makelaar/verdeling"): (("broker",), lambda w: {}),
    ("POST", "/makelaar/verdeling"): (("broker",), lambda w: {}),
    ("GET", "/portaal"): (PUBLIC, lambda w: {}),
    ("GET", "/account/e-mail"): (
        ("staff", "broker", "provider", "admin", "network"),
        lambda w: {},
    ),
    ("POST", "/account/e-mail"): (
        ("staff", "broker", "provider", "admin", "network"),
        lambda w: {},
    ),
    ("GET", "/portaal/bevestigen"): (PUBLIC, lambda w: {}),
    ("POST", "/portaal/bevestigen"): (PUBLIC, lambda w: {}),
    ("GET", "/portaal/{question_id}"): (PUBLIC, q_id),
    ("POST", "/portaal/{question_id}"): (PUBLIC, q_id),
    ("GET", "/resultaten"): (PUBLIC, lambda w: {}),
    ("GET", "/rapportage"): (("broker",), lambda w: {}),
    ("GET", "/rapportage/capaciteit"): (("broker",), lambda w: {}),
    ("GET", "/rapportage/kpi.csv"): (("broker",), lambda w: {}),
    ("GET", "/rapportage/koppelingen.csv"): (("broker",), lambda w: {}),
    ("GET", "/rapportage/netwerk"): (("network", "admin"), lambda w: {}),
    ("GET", "/beheer/gemeenten"): (("admin",), lambda w: {}),
    ("POST", "/beheer/gemeenten"): (("admin",), lambda w: {}),
    (
        "POST",
        "/makelaar/vragen/{question_id}/belangstelling/{interest_id}/behandeld",
    ): (
        ("broker",),
        lambda w: {**q_id(w), "interest_id": "00000000-0000-4000-8000-000000000001"},
    ),
    ("GET", "/beheer"): (("admin",), lambda w: {}),
    ("POST", "/beheer"): (("admin",), lambda w: {}),
    ("GET", "/beheer/{user_id}"): (
        ("admin",),
        lambda w: {"user_id": str(w.users["staff"].id)},
    ),
    ("POST", "/beheer/{user_id}"): (
        ("admin",),
        lambda w: {"user_id": str(w.users["staff"].id)},
    ),
    ("POST", "/beheer/{user_id}/actief"): (
        ("admin",),
        lambda w: {"user_id": "00000000-0000-4000-8000-000000000002"},
    ),
    ("GET", "/privacy"): (PUBLIC, lambda w: {}),
    ("GET", "/toegankelijkheid"): (PUBLIC, lambda w: {}),
    ("GET", "/contact"): (PUBLIC, lambda w: {}),
    ("GET", "/account/wachtwoord"): (
        ("staff", "broker", "provider", "admin", "network"),
        lambda w: {},
    ),
    ("POST", "/account/wachtwoord"): (
        ("staff", "broker", "provider", "admin", "network"),
        lambda w: {},
    ),
}
# Pages about one record of the question's city or the offer's institution.
RECORD_PAGES = {path for (_, path), (_, params) in PAGES.items() if "{" in path}


def registered_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route, looking into included routers."""

    def walk(routes: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
        for route in routes:
            if hasattr(route, "original_router"):
                yield from walk(
                    route.original_router.routes, prefix + route.include_context.prefix
                )
            elif isinstance(route, APIRoute):
                path = re.sub(
                    r":\w+}", "}", prefix + route.path
                )  # drop {id:uuid} convertors
                for method in route.methods:
                    yield method, path

    return set(walk(app.routes, ""))


def test_the_table_covers_every_registered_route(app):
    assert registered_routes(app) == set(API) | set(PAGES)


PUBLIC_BY_DESIGN = {
    "/openapi.json",
    "/docs",
    "/docs/oauth2-redirect",
    "/redoc",
    "/static/web",
}
"""Routes outside the table: the API's own documentation and the static files."""


def test_only_documentation_and_static_files_are_outside_the_table(app, client):
    # A route added as a plain Starlette route or mount would bypass the table.
    outside = {
        route.path
        for route in app.routes
        if not isinstance(route, APIRoute) and not hasattr(route, "original_router")
    }
    assert outside == PUBLIC_BY_DESIGN
    for path in ("/openapi.json", "/docs", "/redoc", "/static/web/app.css"):
        assert client.get(path).status_code == 200, path


def _call(client: TestClient, method: str, path: str, **kwargs: Any):
    return client.request(method, path, follow_redirects=False, **kwargs)


def _login(client: TestClient, user: User) -> None:
    page = client.get("/inloggen")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    response = client.post(
        "/inloggen",
        data={
            "csrf_token": token.group(1),
            "email": user.email,
            "password": TEST_PASSWORD,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303


def _csrf(client: TestClient) -> str:
    for path in ("/", "/inloggen"):
        found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
        if found:
            return found.group(1)
    raise AssertionError("no CSRF token on / or /inloggen")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), sorted(API), ids=lambda v: str(v))
def test_api_access(client, world, auth, method, path, role):
    case = API[(method, path)]
    headers = {} if role == "anonymous" else auth(world.users[role])
    url = path.format(**case.params(world))
    kwargs: dict[str, Any] = {"headers": headers}
    if case.json is not None:
        kwargs["json"] = case.json(world, role)
    if case.data is not None:
        kwargs["data"] = case.data(world, role)
    if case.files is not None:
        kwargs["files"] = case.files
    if case.query is not None:
        kwargs["params"] = case.query
    response = _call(client, method, url, **kwargs)
    assert response.status_code == case.expect[role], response.text[:300]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), sorted(PAGES), ids=lambda v: str(v))
def test_page_access(client, world, method, path, role):
    allowed, params = PAGES[(method, path)]
    if role != "anonymous":
        _login(client, world.users[role])
    url = path.format(**params(world))
    kwargs: dict[str, Any] = {}
    if method == "POST":
        kwargs["data"] = {"csrf_token": _csrf(client)}
    response = _call(client, method, url, **kwargs)
    location = response.headers.get("location", "")
    base_role = role.removesuffix("_other")
    if allowed == PUBLIC or (
        base_role in allowed and not (role.endswith("_other") and path in RECORD_PAGES)
    ):
        assert response.status_code < 500, response.text[:300]
        assert response.status_code not in (401, 403, 404), response.text[:300]
        assert not location.startswith("/inloggen"), location
    elif role == "anonymous":
        assert response.status_code == 303
        assert location.startswith("/inloggen")
    elif base_role in allowed:  # right role, another city's or institution's record
        if method == "POST" and response.status_code == 303:  # back to the page...
            response = client.get(location, follow_redirects=False)
        assert response.status_code == 404, response.text[:300]  # ...which is hidden
    else:
        assert response.status_code == 403, response.text[:300]


def test_csrf_is_required_on_every_page_post(client, world):
    _login(client, world.users["broker"])
    for (method, path), (_, params) in PAGES.items():
        if method != "POST" or path == "/inloggen":
            continue
        response = _call(
            client, method, path.format(**params(world)), data={"csrf_token": "vals"}
        )
        assert response.status_code == 403, path


_ = uuid  # ids are UUIDs throughout
