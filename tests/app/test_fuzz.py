"""Property-based fuzzing of the JSON API with schemathesis, against its own OpenAPI.

Every operation in the schema is called with generated requests, valid and invalid,
as each caller: anonymous, staff, provider, broker and admin. Every response must

- not be a server error (`not_a_server_error`);
- have a documented status code (`status_code_conformance`);
- have the documented content type, headers and body (`content_type_conformance`,
  `response_headers_conformance`, `response_schema_conformance`);
- reject schema-violating input (`negative_data_rejection`);
- answer a method the path does not have with 405 and a complete `Allow` header
  (`unsupported_method`, `allow_header_conformance`);
- and, for a caller the operation does not admit, be that refusal: 401 without a
  token, 403 for another role (`refusal`, below). Schemathesis' own `ignored_auth`
  only knows apiKey and HTTP schemes, not our OAuth2 bearer scheme, so it is off.

Off, and why:

- `positive_data_acceptance` expects every schema-valid request to succeed, but valid
  JSON can still name a theme, district or municipality that does not exist, or end a
  window before it starts; the API answers those with a documented 422 on purpose,
  and JSON Schema cannot say so.
- `negative_data_rejection` does not count two kinds of invalid input the API
  accepts on purpose, after pydantic has normalised it (see `filter_failure`): a
  number or boolean sent as another JSON type (`"is_public": 0`, `"capacity": "3"`,
  `?mine=1`; lax mode, because the web forms post text into the same schemas), and
  text over its `maxLength` only by whitespace around it, which the input models
  strip before they count.

Depth: a caller is fuzzed in full (schemathesis' coverage phase plus `MAX_EXAMPLES`
generated cases) on the operations its role may call, found from the routes' own
`require_roles` dependencies; public operations, which never read a token, only as
anonymous. On the others every request stops at the 401/403, so a short run
(`test_refused_*`) checks those answers. A `map_case` hook swaps
generated ids and vocabulary values for existing ones most of the time, so requests
get past 404 and 422 into the services; it leaves invalid (negative) parts alone.

Generation is derandomized: CI sends the same requests on every run.

All requests of one test run on the test's connection, in its outer transaction
that is rolled back at the end (each request has its own session, rolled back after
it: see conftest). A failed statement must not leave that transaction aborted (on
PostgreSQL every later query would fail), so every case checks that the connection
still works.
"""

from __future__ import annotations

import inspect
import uuid
import zlib
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from hypothesis import HealthCheck, settings
from pydantic import SecretStr
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario
from schemathesis.python.asgi import get_client
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlalchemy import select, text

from app.codes import Role, values
from app.config import Settings
from app.deps import get_current_user
from app.main import create_app
from app.models import Neighbourhood, Theme
from tests.app.conftest import TEST_PASSWORD, TEST_SECRET
from tests.app.portal_world import add_match, add_offer, add_question, fresh_limiter
from tests.app.web.support import csrf

USER_ROLES = values(Role)

MAX_EXAMPLES = 25
CALLERS = ("anonymous", *USER_ROLES)

_APP = create_app(
    Settings(secret_key=SecretStr(TEST_SECRET), embedding_model="hashing-64")
)
SPEC = _APP.openapi()
HEALTH = ("/healthz", "/readyz")  # their errors have the HealthRead shape


# --- who may call what, read from the routes' dependencies ----------------------


def _dependencies(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _dependencies(sub)


def _callers(route: RouteContext) -> set[str]:
    """Anonymous and every role for public routes; else the roles let through."""
    allowed = set(CALLERS)
    for call in _dependencies(route.dependant):
        if call is get_current_user:
            allowed.discard("anonymous")
        if inspect.isfunction(call):
            # The closure of deps.require_roles(*roles)
            roles = inspect.getclosurevars(call).nonlocals.get("roles")
            if roles is not None:
                allowed &= set(roles)
    return allowed


ACCESS: dict[str, set[str]] = {
    f"{method} {route.path_format}": _callers(route)
    for route in iter_route_contexts(_APP.routes)
    if isinstance(route.original_route, APIRoute) and route.include_in_schema
    for method in route.methods or ()
}


# --- realistic values -------------------------------------------------------------

# Values that exist in the current test's world, by parameter or field name.
KNOWN: dict[str, list[Any]] = {}
# For POST /api/offers/import: a provider's file, and a broker's (names the institution).
_CSV = [
    "kind;title;description;capacity;level;themes\n"
    "course;Minor Data Science;Studenten analyseren open data van de stad.;2;hbo;"
    "gezondheid-welzijn\n",
    "kind,title,description,capacity,institution\n"
    "thesis,Afstuderen bij de gemeente,Onderzoek naar eenzaamheid in de wijk.,3,"
    "Hogeschool Leiden\n",
]
_LISTS = {"themes": "theme", "neighbourhoods": "neighbourhood"}


def _pick(options: Sequence[Any], generated: Any) -> Any:
    """A known value, or (one time in len+1) the generated one; stable per input."""
    index = zlib.crc32(repr(generated).encode()) % (len(options) + 1)
    return generated if index == len(options) else options[index]


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _realistic(container: dict[str, Any]) -> None:
    for name, value in list(container.items()):
        if name in _LISTS and isinstance(value, list):
            container[name] = [_pick(KNOWN[_LISTS[name]], v) for v in value]
        elif name == "question_ids" and isinstance(value, list):
            container[name] = [_pick(KNOWN["question_id"], v) for v in value]
        elif name in KNOWN and isinstance(value, str | bytes):
            if name.endswith("_id") and not _is_uuid(value):
                continue
            container[name] = _pick(KNOWN[name], value)


def map_case(context, case):
    """Swap valid generated ids and slugs for existing ones, most of the time."""
    if not KNOWN:  # collection time: no world yet
        return case
    meta = case.meta
    for location, container in (
        (ParameterLocation.PATH, case.path_parameters),
        (ParameterLocation.QUERY, case.query),
        (ParameterLocation.BODY, case.body),
    ):
        negative = meta is not None and meta.is_negative_at(location)
        if isinstance(container, dict) and not negative:
            _realistic(container)
    return case


# --- lax scalars --------------------------------------------------------------------


def _declared(case, data: CoveragePhaseData) -> Any:
    """The schema value a coverage scenario's JSON pointer names (refs resolved)."""
    operation = SPEC["paths"][case.operation.path][case.operation.method.lower()]
    node: Any
    if data.parameter_location is ParameterLocation.BODY:
        node = operation["requestBody"]["content"][data.parameter]["schema"]
    else:
        node = next(
            p["schema"] for p in operation["parameters"] if p["name"] == data.parameter
        )
    for key in (data.location or "").strip("/").split("/"):
        while isinstance(node, dict) and "$ref" in node:
            node = SPEC["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _converted(case) -> bool:
    """A number or boolean sent as another JSON type: pydantic converts only what it
    can ("3" -> 3, 0 -> False) and rejects the rest with a 422."""
    data = case.meta.phase.data
    if not isinstance(data, CoveragePhaseData) or data.location is None:
        return False
    if data.scenario is not CoverageScenario.INCORRECT_TYPE:
        return False
    return _declared(case, data) in ("boolean", "integer", "number")


# Unicode White_Space: what pydantic's str_strip_whitespace strips (Rust's trim).
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _stripped(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip(_WHITE_SPACE)
    if isinstance(value, list):
        return [_stripped(v) for v in value]
    if isinstance(value, dict):
        return {k: _stripped(v) for k, v in value.items()}
    return value


def _valid_once_stripped(case) -> bool:
    """A body over a `maxLength` only by surrounding whitespace: the input models
    strip text before they check its length (`str_strip_whitespace`)."""
    if case.media_type is None or not isinstance(case.body, dict):
        return False
    operation = SPEC["paths"][case.operation.path][case.operation.method.lower()]
    schema = operation["requestBody"]["content"][case.media_type]["schema"]
    validator = jsonschema_rs.validator_for(
        {**schema, "components": SPEC["components"]}
    )
    return bool(validator.is_valid(_stripped(case.body)))


def filter_failure(context, failure, case, response):
    """Keep every failure but invalid input the API accepts by design, as pydantic
    normalises it first: numbers and booleans in other JSON types, and text with
    whitespace around it."""
    if not isinstance(failure, AcceptedNegativeData) or case.meta is None:
        return True
    return not (_converted(case) or _valid_once_stripped(case))


def _schema(config: dict[str, Any]) -> OpenApiSchema:
    loaded = schemathesis.openapi.from_dict(
        SPEC, config=SchemathesisConfig.from_dict(config)
    )
    loaded.hook(map_case)
    loaded.hook(filter_failure)
    return loaded


_CHECKS = {
    "positive_data_acceptance": {"enabled": False},
    "ignored_auth": {"enabled": False},
}
FULL = _schema(
    {
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
        "checks": _CHECKS,
    }
)
SHORT = _schema(
    {
        "generation": {"max-examples": 3, "deterministic": True},
        "phases": {"coverage": {"enabled": False}, "examples": {"enabled": False}},
        "checks": _CHECKS,
    }
)


# --- fixtures -----------------------------------------------------------------------


@pytest.fixture
def world(session, leiden, staff, broker, provider, admin):
    """A little of everything: questions in each status, offers, matches."""
    questions = {
        status: add_question(
            session,
            staff,
            title=f"Eenzaamheid onder ouderen ({status})",
            status=status,
            themes=["gezondheid-welzijn"],
            neighbourhood="leiden-noord",
            levels=["hbo"],
            submitted_at=None
            if status == "draft"
            else datetime(2026, 12, 1, tzinfo=UTC),
            wanted_from=date(2027, 2, 1),
            wanted_until=date(2027, 6, 30),
        )
        for status in ("draft", "submitted", "open", "matched", "in_progress")
    }
    # Open and public without a level rule: students can sign up for it.
    questions["open_any_level"] = add_question(
        session, staff, title="Speeltuinen in de Merenwijk", status="open"
    )
    questions["completed"] = add_question(
        session, staff, title="Afgeronde vraag", status="completed"
    )
    offers = [
        add_offer(
            session,
            provider,
            title=f"Minor Wijkgerichte Zorg {i}",
            institution_name="Hogeschool Leiden",
            municipality=leiden,
            capacity=3,
            places_taken=1,
            available_from=date(2027, 1, 1),
            available_until=date(2027, 12, 31),
        )
        for i in range(2)
    ]
    matches = [
        add_match(session, questions["open"], offers[0], status="proposed"),
        add_match(session, questions["matched"], offers[0], status="confirmed"),
        add_match(session, questions["in_progress"], offers[1], status="in_progress"),
        add_match(session, questions["completed"], offers[1], status="completed"),
    ]
    session.commit()
    hoods = session.scalars(
        select(Neighbourhood.slug).where(Neighbourhood.municipality_id == leiden.id)
    )
    KNOWN.update(
        question_id=[str(q.id) for q in questions.values()],
        offer_id=[str(o.id) for o in offers],
        match_id=[str(m.id) for m in matches],
        user_id=[str(u.id) for u in (staff, broker, provider, admin)],
        theme=list(session.scalars(select(Theme.slug))),
        neighbourhood=list(hoods),
        municipality=["leiden"],
        institution=["Hogeschool Leiden", "Universiteit Leiden"],
        username=[u.email for u in (staff, broker, provider, admin)],
        password=[TEST_PASSWORD],
        file=_CSV,
    )
    yield {"staff": staff, "broker": broker, "provider": provider, "admin": admin}
    KNOWN.clear()


@pytest.fixture
def asgi(app, client):
    """A schemathesis ASGI session on the app (`client` has run its lifespan)."""
    app.state.rate_limiter = fresh_limiter(
        interest="100000/minute", login="100000/minute", public="100000/minute"
    )
    return get_client(app)


def refusal_of(caller: str) -> Callable[..., bool]:
    """A check: the operation refuses `caller` before it looks at the input."""
    expected = 401 if caller == "anonymous" else 403

    def refusal(ctx, response, case) -> bool:
        if response.status_code == expected:
            return True
        body = response.json()
        # No route at all: a path parameter that is not an id.
        if response.status_code == 404 and body["detail"] == "Not Found":
            return True
        # Checked before the caller is: a body that cannot be parsed, NUL characters.
        if response.status_code == 422 and all(
            m.startswith("malformed") or "NUL" in m for m in body["fields"].values()
        ):
            return True
        raise AssertionError(
            f"{caller} got {response.status_code}, expected {expected}: "
            f"{response.text[:300]}"
        )

    return refusal


def _call_and_validate(
    case, caller, world, app, asgi, auth, session, *, refused: bool
) -> None:
    headers = auth(world[caller]) if caller != "anonymous" else {}
    case.call_and_validate(
        app=app,
        session=asgi,
        headers=headers,
        additional_checks=[refusal_of(caller)] if refused else [],
    )
    session.execute(text("SELECT 1"))  # the connection survived whatever happened


# --- the tests ----------------------------------------------------------------------

# One world per test, shared by its examples on purpose (see the module docstring).
_SHARED_WORLD = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def _operations(caller: str, *, refused: bool) -> list[str]:
    """The operations `caller` may call (public ones: anonymous only), or may not."""
    if refused:
        return [label for label, who in ACCESS.items() if caller not in who]
    return [
        label
        for label, who in ACCESS.items()
        if caller in who and ("anonymous" not in who or caller == "anonymous")
    ]


def _fuzz(caller: str, *, refused: bool = False) -> Callable[..., None]:
    """In full on the operations `caller` may call; briefly on the others."""
    source = SHORT if refused else FULL
    chosen = source.include(name=_operations(caller, refused=refused))

    @chosen.parametrize()
    @_SHARED_WORLD
    def test(case, world, app, asgi, auth, session):
        _call_and_validate(
            case, caller, world, app, asgi, auth, session, refused=refused
        )

    return test


test_fuzz_anonymous = _fuzz("anonymous")
test_fuzz_staff = _fuzz("staff")
test_fuzz_provider = _fuzz("provider")
test_fuzz_broker = _fuzz("broker")
test_fuzz_admin = _fuzz("admin")
# Every request stops at the 401/403 (or a 422 for a body that cannot be parsed).
test_refused_anonymous = _fuzz("anonymous", refused=True)
test_refused_staff = _fuzz("staff", refused=True)
test_refused_provider = _fuzz("provider", refused=True)
test_refused_broker = _fuzz("broker", refused=True)
test_refused_admin = _fuzz("admin", refused=True)


def test_access_is_read_from_the_routes():
    """The role table the fuzzing relies on matches the documented roles."""
    assert ACCESS["GET /api/themes"] == set(CALLERS)
    assert ACCESS["GET /api/auth/me"] == set(USER_ROLES)
    assert ACCESS["POST /api/questions"] == {"staff", "broker"}
    assert ACCESS["POST /api/offers"] == {"provider", "broker"}
    assert ACCESS["POST /api/matches"] == {"broker"}
    assert ACCESS["GET /api/users"] == {"admin"}
    assert set(ACCESS) == {
        f"{method.upper()} {path}"
        for path, operations in SPEC["paths"].items()
        for method in operations
    }


# --- regressions: what the fuzzer found, one focused test each ----------------------


class TestDocumentedErrors:
    def test_every_error_response_has_the_error_shape(self):
        """Errors were documented without a body, or as FastAPI's HTTPValidationError
        (`detail` a list) while the API sends {"error", "detail", "fields"}."""
        assert "HTTPValidationError" not in SPEC["components"]["schemas"]
        for path, operations in SPEC["paths"].items():
            for method, operation in operations.items():
                for status, response in operation["responses"].items():
                    if int(status) < 400:
                        continue
                    schema = response["content"]["application/json"]["schema"]
                    expected = "HealthRead" if path in HEALTH else "ErrorRead"
                    assert schema == {"$ref": f"#/components/schemas/{expected}"}, (
                        method,
                        path,
                        status,
                    )

    def test_every_refusal_and_invalid_input_is_documented(self):
        """/api/auth/me and /api/users did not list their 401 and 403."""
        for label, callers in ACCESS.items():
            method, path = label.split(" ", 1)
            operation = SPEC["paths"][path][method.lower()]
            declared = set(operation["responses"])
            if "anonymous" not in callers:
                assert "401" in declared, label
            if not callers >= set(USER_ROLES):
                assert "403" in declared, label
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in declared, label


class TestRequestsThatBrokeTheContract:
    def test_body_that_is_not_utf8_is_422_like_malformed_json(
        self, client, staff, auth
    ):
        """It was a 400 `HTTPError`, undocumented; bad JSON text was already 422."""
        response = client.post(
            "/api/questions",
            content=b'{"title": "caf\xe9"}',
            headers={**auth(staff), "Content-Type": "application/json"},
        )
        assert response.status_code == 422
        body = response.json()
        assert body["error"] == "ValidationError"
        assert body["fields"]["body"].startswith("malformed request body")

    def test_broken_multipart_is_422(self, client, provider, auth):
        response = client.post(
            "/api/offers/import",
            content=b"--b\r\nNone--b--\r\n",
            headers={**auth(provider), "Content-Type": "multipart/form-data"},
        )
        assert response.status_code == 422
        assert response.json()["fields"]["body"].startswith("malformed request body")

    @pytest.mark.parametrize(
        ("path", "allow"),
        [
            ("/api/users", "GET, POST"),
            ("/api/questions", "GET, POST"),
            ("/api/questions/00000000-0000-0000-0000-000000000000", "GET, PATCH"),
            ("/api/offers/import", "POST"),
        ],
    )
    def test_405_lists_every_method_of_the_path(self, client, path, allow):
        """`Allow` named only the first route's method: FastAPI has one per method."""
        response = client.request("DELETE", path)
        assert response.status_code == 405
        assert response.headers["allow"] == allow
        assert response.json()["error"] == "MethodNotAllowed"

    def test_405_on_a_page_keeps_allow(self, client):
        response = client.request("DELETE", "/inloggen")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, POST"
        assert response.headers["content-type"].startswith("text/html")


class TestNulCharacters:
    """PostgreSQL cannot store NUL in text: these were 500s there (SQLite stored them)."""

    def test_in_a_query_parameter(self, client, staff, auth):
        response = client.get(
            "/api/questions", params={"q": "ouderen\x00"}, headers=auth(staff)
        )
        assert response.status_code == 422
        assert "NUL" in response.json()["fields"]["q"]

    def test_in_a_json_body_names_the_field(self, client, staff, auth, session):
        body = {"title": "Eenzaamheid", "description": "Wie\x00 helpt?", "themes": []}
        response = client.post("/api/questions", json=body, headers=auth(staff))
        assert response.status_code == 422
        assert set(response.json()["fields"]) == {"description"}

    def test_in_a_nested_list_item(self, client, staff, auth):
        body = {
            "title": "Eenzaamheid",
            "description": "Wie helpt?",
            "themes": ["a\x00"],
        }
        response = client.post("/api/questions", json=body, headers=auth(staff))
        assert response.status_code == 422
        assert set(response.json()["fields"]) == {"themes.0"}

    def test_in_the_token_form(self, client, staff):
        response = client.post(
            "/api/auth/token", data={"username": staff.email + "\x00", "password": "x"}
        )
        assert response.status_code == 422
        assert "username" in response.json()["fields"]

    def test_in_a_page_form_is_the_400_page(self, client):
        response = client.post(
            "/inloggen",
            data={"csrf_token": csrf(client), "email": "a\x00@x.nl", "password": "x"},
        )
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("text/html")

    def test_escaped_backslash_is_just_text(self, client, staff, auth):
        body = {"title": "Pad C:\\x00", "description": "Letterlijk \\u0000 als tekst."}
        response = client.post("/api/questions", json=body, headers=auth(staff))
        assert response.status_code == 201, response.text
        assert response.json()["description"] == "Letterlijk \\u0000 als tekst."
