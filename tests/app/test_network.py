"""A national network end to end: Delft joins, a Leiden offer serves Delft too,
each city's broker sees only its own questions, the programme office compares."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.models import User
from app.municipalities import repository as municipality_repository
from tests.app import helpers
from tests.app.conftest import TEST_PASSWORD

DELFT = {
    "slug": "delft",
    "name": "Delft",
    "districts": [
        {"slug": "tanthof", "name": "Tanthof", "aliases": ["Tanthof-Oost"]},
        {"slug": "voorhof", "name": "Voorhof", "aliases": ["Poptahof"]},
    ],
}


def _token(client: TestClient, email: str, password: str) -> dict[str, str]:
    response = client.post(
        "/api/auth/token", data={"username": email, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _onboard_delft(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post("/api/municipalities", json=DELFT, headers=admin_headers)
    assert response.status_code == 201, response.text


def test_two_cities_end_to_end(client, make_user, auth):
    admin = auth(make_user("admin"))
    _onboard_delft(client, admin)
    districts = client.get("/api/municipalities/delft/districts").json()
    assert [d["slug"] for d in districts] == ["tanthof", "voorhof"]
    assert districts[1]["aliases"] == ["Poptahof"]
    assert "delft" in [m["slug"] for m in client.get("/api/municipalities").json()]

    created = client.post(
        "/api/users",
        json={
            "email": "makelaar@delft.example",
            "name": "Makelaar Delft",
            "role": "broker",
            "password": TEST_PASSWORD,
            "municipality": "delft",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    delft_broker = _token(client, "makelaar@delft.example", TEST_PASSWORD)

    provider = auth(make_user("provider", institution="Universiteit Leiden"))
    offer = client.post(
        "/api/offers",
        json={
            "kind": "thesis",
            "title": "Scripties over hittestress in wijken",
            "description": "Masterstudenten onderzoeken hittestress en vergroening "
            "in naoorlogse wijken.",
            "capacity": 1,
            "themes": ["duurzaamheid-biodiversiteit"],
            "municipality": "leiden",
            "municipalities": ["leiden", "delft"],
            "available_from": "2027-01-01",
            "available_until": "2027-12-31",
        },
        headers=provider,
    )
    assert offer.status_code == 201, offer.text
    assert offer.json()["municipalities"] == ["delft", "leiden"]
    offer_id = offer.json()["id"]

    question = client.post(
        "/api/questions",
        json={
            "title": "Hittestress in Tanthof",
            "description": "Hoe verminderen we hittestress in de wijk met meer groen?",
            "themes": ["duurzaamheid-biodiversiteit"],
            "neighbourhood": "Tanthof-Oost",
        },
        headers=delft_broker,
    )
    assert question.status_code == 201, question.text
    question_id = question.json()["id"]
    assert question.json()["neighbourhood"] == "tanthof"
    opened = client.post(
        f"/api/questions/{question_id}/transition",
        json={"to": "submitted"},
        headers=delft_broker,
    )
    if opened.status_code == 200:
        client.post(
            f"/api/questions/{question_id}/transition",
            json={"to": "open"},
            headers=delft_broker,
        )

    focus = client.put(
        "/api/municipalities/delft/focus-themes/2027",
        json={"themes": ["duurzaamheid-biodiversiteit"]},
        headers=admin,
    )
    assert focus.status_code == 200, focus.text
    read = client.get("/api/municipalities/delft/focus-themes/2027").json()
    assert read["themes"] == ["duurzaamheid-biodiversiteit"]
    assert (
        client.get("/api/municipalities/delft/focus-themes/2028").json()["themes"] == []
    )
    candidates = client.get(
        f"/api/questions/{question_id}/candidates", headers=delft_broker
    )
    assert candidates.status_code == 200, candidates.text
    found = {c["offer"]["id"]: c for c in candidates.json()["candidates"]}
    assert offer_id in found
    # Delft's focus theme of the agenda year: a small, explained boost.
    assert found[offer_id]["components"]["focus"] == 1.0
    assert "speerpunt 2027" in found[offer_id]["explanation"]
    assert (
        client.get(f"/api/offers/{offer_id}", headers=delft_broker).status_code == 200
    )

    leiden_broker = auth(make_user("broker"))
    hidden = client.get(f"/api/questions/{question_id}", headers=leiden_broker)
    assert hidden.status_code == 404
    listed = client.get("/api/questions", headers=leiden_broker).json()
    assert question_id not in [q["id"] for q in listed["items"]]
    # Leiden still has the offer: one offer, two cities.
    assert (
        client.get(f"/api/offers/{offer_id}", headers=leiden_broker).status_code == 200
    )

    confirm = client.post(
        "/api/matches",
        json={"question_id": question_id, "offer_id": offer_id},
        headers=delft_broker,
    )
    assert confirm.status_code == 201, confirm.text
    match_id = confirm.json()["id"]
    done = client.post(f"/api/matches/{match_id}/confirm", headers=delft_broker)
    assert done.status_code == 200, done.text
    assert (
        client.get(f"/api/matches/{match_id}", headers=leiden_broker).status_code == 404
    )
    # The place is shared: taken in Delft, it is gone in Leiden too.
    seen = client.get(f"/api/offers/{offer_id}", headers=leiden_broker).json()
    assert seen["places_taken"] == 1
    assert seen["remaining_capacity"] == 0

    network = auth(make_user("network"))
    report = client.get("/api/reports/network", headers=network)
    assert report.status_code == 200, report.text
    body = report.json()
    cities = {c["municipality"]: c for c in body["cities"]}
    assert {"leiden", "delft"} <= set(cities)
    assert cities["delft"]["questions_total"] == 1
    assert cities["delft"]["matches_total"] == 1
    assert cities["delft"]["matches_by_institution"] == [
        {"key": "Universiteit Leiden", "label": "Universiteit Leiden", "count": 1}
    ]
    assert body["totals"]["matches_total"] == sum(
        c["matches_total"] for c in body["cities"]
    )
    assert "@" not in report.text  # no personal data
    assert client.get("/api/reports/network", headers=delft_broker).status_code == 403
    assert client.get("/api/reports/network", headers=leiden_broker).status_code == 403
    assert client.get("/api/reports/network", headers=admin).status_code == 200


def test_onboarding_refuses_duplicates(client, make_user, auth):
    admin = auth(make_user("admin"))
    _onboard_delft(client, admin)
    again = client.post("/api/municipalities", json=DELFT, headers=admin)
    assert again.status_code == 409
    clash = client.post(
        "/api/municipalities",
        json={
            "slug": "pijnacker",
            "name": "Pijnacker",
            "districts": [
                {"slug": "oost", "name": "Oost"},
                {"slug": "west", "name": "West", "aliases": ["oost"]},
            ],
        },
        headers=admin,
    )
    assert clash.status_code == 422
    assert "districts" in clash.json()["fields"]
    assert client.get("/api/municipalities/pijnacker/districts").status_code == 404


def test_only_admins_onboard(client, make_user, auth):
    for role in ("broker", "network", "staff"):
        response = client.post(
            "/api/municipalities", json=DELFT, headers=auth(make_user(role))
        )
        assert response.status_code == 403


def test_csv_import_is_all_or_nothing(client, make_user, auth):
    admin = auth(make_user("admin"))
    good = (
        b"municipality;municipality_name;district;district_name;aliases\n"
        b"delft;Delft;tanthof;Tanthof;Tanthof-Oost|Tanthof-West\n"
        b"delft;Delft;voorhof;Voorhof;\n"
        b"gouda;Gouda;goverwelle;Goverwelle;\n"
    )
    response = client.post(
        "/api/municipalities/import",
        files={"file": ("steden.csv", good, "text/csv")},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    assert [m["slug"] for m in response.json()] == ["delft", "gouda"]
    bad = (
        b"municipality;municipality_name;district;district_name\n"
        b"zeist;Zeist;centrum;Centrum\n"
        b"Bad Slug;X;a;A\n"
    )
    response = client.post(
        "/api/municipalities/import",
        files={"file": ("steden.csv", bad, "text/csv")},
        headers=admin,
    )
    assert response.status_code == 422
    assert client.get("/api/municipalities/zeist/districts").status_code == 404


def test_csv_import_skips_blank_lines_above_the_header_and_counts_them(
    client, make_user, auth
):
    # A spreadsheet saves empty rows as separators only; the error names row 4,
    # the row the spreadsheet shows, not the third line of what follows them.
    admin = auth(make_user("admin"))
    header = b"municipality;municipality_name;district;district_name\n"
    good = b";;;\n\n" + header + b"delft;Delft;tanthof;Tanthof\n"
    response = client.post(
        "/api/municipalities/import",
        files={"file": ("steden.csv", good, "text/csv")},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    bad = b"\n" + header + b"zeist;Zeist;centrum;Centrum\nBad Slug;X;a;A\n"
    response = client.post(
        "/api/municipalities/import",
        files={"file": ("steden.csv", bad, "text/csv")},
        headers=admin,
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["row 4"]


def test_broker_cannot_change_served_cities(client, make_user, auth, session):
    broker = auth(make_user("broker"))
    created = client.post(
        "/api/offers",
        json={
            "kind": "course",
            "title": "Vak over de stad",
            "description": "Over de stad.",
            "capacity": 1,
            "institution": "Hogeschool Leiden",
        },
        headers=broker,
    )
    assert created.status_code == 201, created.text
    assert created.json()["municipalities"] == ["leiden"]
    changed = client.patch(
        f"/api/offers/{created.json()['id']}",
        json={"municipalities": ["leiden"]},
        headers=broker,
    )
    assert changed.status_code == 422
    assert "municipalities" in changed.json()["fields"]


_ = User


def test_municipality_commands_on_a_fresh_database(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from app.cli import cli
    from app.config import get_settings

    monkeypatch.setenv("KENNISBRUG_DATABASE_URL", f"sqlite:///{tmp_path / 'm.db'}")
    get_settings.cache_clear()
    runner = CliRunner()
    csv_file = tmp_path / "steden.csv"
    csv_file.write_text(
        "municipality,municipality_name,district,district_name,aliases\n"
        "gouda,Gouda,goverwelle,Goverwelle,Achterwillens\n",
        encoding="utf-8",
    )
    try:
        assert runner.invoke(cli, ["migrate"]).exit_code == 0
        added = runner.invoke(
            cli,
            [
                "municipality",
                "add",
                "--slug",
                "delft",
                "--name",
                "Delft",
                "--district",
                "tanthof=Tanthof|Tanthof-Oost",
                "--district",
                "voorhof=Voorhof",
            ],
        )
        assert added.exit_code == 0, added.output
        assert "2 district(s)" in added.output
        again = runner.invoke(
            cli, ["municipality", "add", "--slug", "delft", "--name", "Delft"]
        )
        assert again.exit_code == 1
        imported = runner.invoke(cli, ["municipality", "import", str(csv_file)])
        assert imported.exit_code == 0, imported.output
        assert "gouda" in imported.output
    finally:
        get_settings.cache_clear()


def test_network_page_compares_cities_for_the_programme_office(client, make_user):
    import re

    from tests.app.conftest import TEST_PASSWORD as PASSWORD

    office = make_user("network")
    page = client.get("/inloggen")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    client.post(
        "/inloggen",
        data={
            "csrf_token": token.group(1),
            "email": office.email,
            "password": PASSWORD,
        },
    )
    response = client.get("/rapportage/netwerk")
    assert response.status_code == 200
    assert "Landelijk netwerk" in response.text
    assert "Leiden" in response.text
    assert "Totaal" in response.text


def _login_page(client: TestClient, user: User) -> str:
    import re

    page = client.get("/inloggen")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    client.post(
        "/inloggen",
        data={
            "csrf_token": token.group(1),
            "email": user.email,
            "password": TEST_PASSWORD,
        },
    )
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    assert found
    return found.group(1)


def test_admin_page_adds_a_city_with_districts(client, make_user):
    csrf = _login_page(client, make_user("admin"))
    added = client.post(
        "/beheer/gemeenten",
        data={
            "csrf_token": csrf,
            "name": "Delft",
            "districts": "Tanthof: Tanthof-Oost, Tanthof-West\nVoorhof: Poptahof\n",
        },
    )
    assert added.status_code == 200
    assert "Delft is toegevoegd met 2 wijk(en)." in added.text
    districts = client.get("/api/municipalities/delft/districts").json()
    assert [(d["slug"], d["aliases"]) for d in districts] == [
        ("tanthof", ["Tanthof-Oost", "Tanthof-West"]),
        ("voorhof", ["Poptahof"]),
    ]
    again = client.post(
        "/beheer/gemeenten",
        data={"csrf_token": csrf, "name": "Delft", "districts": ""},
    )
    assert again.status_code == 422
    assert "Deze gemeente bestaat al." in again.text
    clash = client.post(
        "/beheer/gemeenten",
        data={"csrf_token": csrf, "name": "Gouda", "districts": "Oost\nWest: Oost"},
    )
    assert clash.status_code == 422
    assert "staat bij meer dan één wijk" in clash.text


def _candidates(
    client: TestClient, broker: dict[str, str], **question: Any
) -> dict[str, dict[str, Any]]:
    """The broker's candidates for a new question, by offer id."""
    made = client.post("/api/questions", json=question, headers=broker)
    assert made.status_code == 201, made.text
    listed = client.get(
        f"/api/questions/{made.json()['id']}/candidates", headers=broker
    )
    assert listed.status_code == 200, listed.text
    body = listed.json()
    return {
        **{c["offer"]["id"]: c for c in body["candidates"]},
        **{e["offer"]["id"]: {"excluded": e} for e in body["excluded"]},
    }


def test_a_joined_city_s_buurt_names_reach_the_ranking(
    client, make_user, auth, session
):
    """Delft joined without SQL: an offer that names Poptahof (a buurt of Voorhof)
    is near a Voorhof question, with the reason shown to the broker."""
    admin = auth(make_user("admin"))
    _onboard_delft(client, admin)
    delft = municipality_repository.get_by_slug(session, "delft")
    broker = auth(make_user("broker", municipality=delft))
    provider = auth(make_user("provider", institution="Universiteit Leiden"))
    offers = {
        key: helpers.offer(
            client,
            provider,
            title=f"Scripties over hittestress ({key})",
            description=f"Masterstudenten meten hittestress {where}.",
            themes=["duurzaamheid-biodiversiteit"],
            municipalities=["leiden", "delft"],
        )["id"]
        for key, where in (("poptahof", "in de Poptahof"), ("elsewhere", "in de stad"))
    }
    found = _candidates(
        client,
        broker,
        title="Hittestress in Voorhof",
        description="Hoe verminderen we hittestress in de wijk?",
        themes=["duurzaamheid-biodiversiteit"],
        neighbourhood="voorhof",
    )
    assert found[offers["poptahof"]]["components"]["place"] == 0.5
    assert "noemt de wijk" in found[offers["poptahof"]]["explanation"]
    assert found[offers["elsewhere"]]["components"]["place"] == 0.0


def test_a_district_of_the_same_slug_in_another_city_is_another_place(
    client, make_user, auth, session
):
    """Two joined cities both have a "centrum": an offer tied to Zoetermeer's centre
    that also serves Rijswijk is not in Rijswijk's centre."""
    admin = auth(make_user("admin"))
    for slug, name in (("zoetermeer", "Zoetermeer"), ("rijswijk", "Rijswijk")):
        city = {
            "slug": slug,
            "name": name,
            "districts": [{"slug": "centrum", "name": "Centrum", "aliases": []}],
        }
        made = client.post("/api/municipalities", json=city, headers=admin)
        assert made.status_code == 201, made.text
    rijswijk = municipality_repository.get_by_slug(session, "rijswijk")
    broker = auth(make_user("broker", municipality=rijswijk))
    provider = auth(make_user("provider", institution="De Haagse Hogeschool"))
    offers = {
        home: helpers.offer(
            client,
            provider,
            title=f"Winkelstraten in het centrum ({home})",
            description="Studenten onderzoeken leegstand in winkelstraten.",
            themes=["economie-werk"],
            municipality=home,
            municipalities=["zoetermeer", "rijswijk"],
            neighbourhoods=["centrum"],
        )["id"]
        for home in ("zoetermeer", "rijswijk")
    }
    found = _candidates(
        client,
        broker,
        title="Leegstand in het centrum",
        description="Waarom staan winkels in het centrum leeg?",
        themes=["economie-werk"],
        neighbourhood="centrum",
    )
    assert found[offers["rijswijk"]]["components"]["place"] == 1.0
    assert found[offers["zoetermeer"]]["excluded"]["rule"] == "place"
