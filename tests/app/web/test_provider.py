"""Provider pages: register, edit, pause and resume offers; the CSV import (page and
API)."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from app import csvimport
from app.models import Offer
from app.offers import importer
from tests.app.helpers import OFFER, offer
from tests.app.web.support import (
    csrf,
    errors_on,
    login,
    offer_count,
    reloaded,
    text_of,
)


class TestProviderPages:
    def test_register_edit_pause_and_resume(self, client, url, provider, session):
        login(client, provider)
        token = csrf(client, url("new_offer_page"))
        created = client.post(
            url("provider_create_offer"),
            data={
                "csrf_token": token,
                "kind": "thesis",
                "title": "Afstudeerplaatsen Wijkzorg",
                "description": "Studenten onderzoeken zorg in de wijk.",
                "capacity": "2",
                "available_from": "2027-02-01",
                "available_until": "2027-07-01",
                "themes": ["gezondheid-welzijn"],
                "neighbourhoods": ["leiden-noord"],
                "language": "nl",
            },
            follow_redirects=False,
        )
        assert created.status_code == 303, created.text
        path = created.headers["location"]
        offer_id = uuid.UUID(path.rsplit("/", 1)[1])
        assert path == url("offer_page", offer_id=offer_id)
        offer_row = session.get(Offer, offer_id)
        assert offer_row.level == "hbo"  # the institution's level by default
        assert [n.slug for n in offer_row.neighbourhoods] == ["leiden-noord"]
        assert "2 van 2 vrij" in re.sub(r"<[^>]+>", "", client.get(path).text)
        edited = client.post(
            url("provider_update_offer", offer_id=offer_id),
            data={
                "csrf_token": token,
                "kind": "thesis",
                "title": "Afstudeerplaatsen Wijkzorg",
                "description": "Studenten onderzoeken zorg in de wijk.",
                "capacity": "3",
                "language": "nl",
            },
        )
        assert edited.status_code == 200
        session.refresh(offer_row)
        assert offer_row.capacity == 3
        assert offer_row.available_from is None  # cleared fields are cleared
        status = url("provider_change_status", offer_id=offer_id)
        client.post(status, data={"csrf_token": token, "to": "paused"})
        session.refresh(offer_row)
        assert offer_row.status == "paused"
        page = client.post(status, data={"csrf_token": token, "to": "active"})
        assert "weer actief" in page.text
        assert "Mijn aanbod" in client.get(url("offers_page")).text

    def test_a_save_after_someone_elses_is_refused_in_dutch(
        self, client, url, provider, broker, auth, session
    ):
        made = offer(client, auth(provider))
        login(client, provider)
        page = url("offer_page", offer_id=made["id"])
        assert '<input type="hidden" name="version" value="1">' in client.get(page).text
        token = csrf(client, page)
        # The broker resizes the offer while the provider has the form open.
        resized = client.patch(
            f"/api/offers/{made['id']}", json={"capacity": 7}, headers=auth(broker)
        )
        assert resized.status_code == 200
        stale = client.post(
            url("provider_update_offer", offer_id=made["id"]),
            data={
                "csrf_token": token,
                "kind": made["kind"],
                "title": made["title"],
                "description": made["description"],
                "capacity": "2",
                "language": "nl",
                "version": "1",
            },
        )
        assert stale.status_code == 422
        assert "Iemand anders heeft dit intussen gewijzigd" in text_of(stale.text)
        assert reloaded(session, Offer, made["id"]).capacity == 7

    def test_invalid_offer_keeps_values(self, client, url, provider, session):
        login(client, provider)
        before = offer_count(session)
        response = client.post(
            url("provider_create_offer"),
            data={
                "csrf_token": csrf(client, url("new_offer_page")),
                "kind": "course",
                "title": "Een cursus",
                "description": "Tekst die blijft",
                "capacity": "veel",
            },
        )
        assert response.status_code == 422
        assert errors_on(response.text)["capacity"] == "Vul een heel getal in."
        assert "Tekst die blijft" in response.text
        assert offer_count(session) == before

    def test_another_institution_offer_is_404(
        self, client, url, provider, make_user, auth
    ):
        other = make_user("provider", institution="Universiteit Leiden")
        created = offer(client, auth(other))
        login(client, provider)
        page = client.get(url("offer_page", offer_id=created["id"]))
        assert page.status_code == 404


_LAST_YEAR = {
    "recurrence": "yearly",
    "capacity": 2,
    "available_from": "2026-02-01",
    "available_until": "2026-07-01",
    "intake_deadline": "2026-01-20",
}


class TestAYearlyOfferOnThePage:
    """A yearly offer whose window ended shows and edits its current edition, as
    the API does: last year's places are not this year's."""

    @pytest.fixture
    def last_year_full(self, client, auth, provider, session):
        o = offer(client, auth(provider), **_LAST_YEAR)
        row = session.get(Offer, uuid.UUID(o["id"]))
        row.places_taken = 2  # the 2026 edition was full
        session.commit()
        return o

    def _save(self, client, url, o, **fields):
        path = url("offer_page", offer_id=o["id"])
        data = {
            "csrf_token": csrf(client, path),
            "kind": "course",
            "title": o["title"],
            "description": o["description"],
            "capacity": "2",
            "language": "nl",
            "recurrence": "yearly",
            "themes": "gezondheid-welzijn",
            "available_from": "2027-02-01",
            "available_until": "2027-07-01",
            "intake_deadline": "2027-01-20",
            **fields,
        }
        return client.post(
            url("provider_update_offer", offer_id=o["id"]),
            data=data,
            follow_redirects=False,
        )

    def test_the_page_shows_this_years_dates_and_free_places(
        self, client, url, provider, last_year_full
    ):
        login(client, provider)
        page = client.get(url("offer_page", offer_id=last_year_full["id"])).text
        assert "2 van 2 vrij (0 bezet)" in re.sub(r"<[^>]+>", "", page)
        assert 'value="2027-02-01"' in page
        assert 'value="2026-02-01"' not in page

    def test_saving_the_form_keeps_this_years_places_free(
        self, client, url, auth, provider, last_year_full
    ):
        login(client, provider)
        saved = self._save(client, url, last_year_full)
        assert saved.status_code == 303, saved.text
        got = client.get(f"/api/offers/{last_year_full['id']}", headers=auth(provider))
        assert got.json()["remaining_capacity"] == 2

    def test_lowering_capacity_counts_only_this_years_places(
        self, client, url, auth, provider, last_year_full
    ):
        login(client, provider)
        saved = self._save(client, url, last_year_full, capacity="1")
        assert saved.status_code == 303, saved.text
        got = client.get(f"/api/offers/{last_year_full['id']}", headers=auth(provider))
        assert (got.json()["capacity"], got.json()["remaining_capacity"]) == (1, 1)


class TestCsvImport:
    HEADER = "kind;title;description;capacity;themes;available_from"

    def rows(self, n: int, bad: dict[int, str] | None = None) -> bytes:
        lines = [self.HEADER]
        for i in range(1, n + 1):
            capacity = (bad or {}).get(i, "2")
            lines.append(
                f"course;Cursus {i};Studenten werken aan een vraag.;{capacity};"
                "sociaal-domein|veiligheid;1-2-2027"
            )
        return ("\n".join(lines) + "\n").encode()

    def upload(self, client, data: bytes, name: str = "aanbod.csv", token=None):
        page = client.app.url_path_for("import_page")
        return client.post(
            client.app.url_path_for("import_file"),
            data={"csrf_token": token or csrf(client, page)},
            files={"file": (name, data, "text/csv")},
        )

    def test_page_imports_all_rows(self, client, provider, session):
        login(client, provider)
        before = offer_count(session)
        response = self.upload(client, self.rows(3))
        assert "Het aanbod is geïmporteerd: 3 rij(en)." in response.text
        assert offer_count(session) == before + 3

    def test_a_bad_row_leaves_nothing_written(self, client, provider, session):
        login(client, provider)
        before = offer_count(session)
        response = self.upload(client, self.rows(100, bad={50: "veel"}))
        assert response.status_code == 422
        assert "Er is niets geïmporteerd" in response.text
        text = text_of(response.text)
        assert "51 Capaciteit (capacity) Vul een heel getal in." in text
        assert offer_count(session) == before

    def test_service_errors_per_row(self, client, provider, session):
        login(client, provider)
        data = (
            b"kind,title,description,capacity,themes,neighbourhoods\n"
            b"course,Goed,Tekst,1,veiligheid,\n"
            b"course,Slecht,Tekst,1,onbestaand,Atlantis\n"
        )
        response = self.upload(client, data)
        text = text_of(response.text)
        assert "Onbekend thema 'onbestaand'" in text
        assert "Er is niets geïmporteerd: 1 rij(en)" in text

    def test_every_error_of_a_row_names_its_column_and_what_is_allowed(
        self, client, provider, session
    ):
        login(client, provider)
        before = offer_count(session)
        data = (
            b"kind;title;description;capacity;themes;available_from;"
            b"available_until;intake_deadline;status\n"
            b"course;Goed;Tekst;1;veiligheid;;;;\n"
            b"workshop;;Tekst;veel;onbestaand;30-6-2027;1-2-2027;1-7-2027;weg\n"
        )
        response = self.upload(client, data)
        assert response.status_code == 422
        rows = [
            [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]
            for cells in (
                re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)
                for tr in re.findall(r"<tr>(.*?)</tr>", response.text, flags=re.S)
            )
            if len(cells) == 4
        ]
        found = {(row, column): message for row, column, message, _ in rows}
        assert found == {
            ("3", "Soort aanbod (kind)"): (
                "Kies course (cursus of minor), thesis (afstudeerplaatsen) of "
                "research (onderzoeksexpertise)."
            ),
            ("3", "Titel (title)"): "Vul dit veld in.",
            ("3", "Capaciteit (capacity)"): "Vul een heel getal in.",
            ("3", "Status (status)"): "Kies active (actief) of paused (gepauzeerd).",
            ("3", "Thema&#39;s (themes)"): (
                "Onbekend thema &#39;onbestaand&#39;. Kies een thema uit de lijst."
            ),
            ("3", "Beschikbaar tot en met (available_until)"): (
                "De einddatum ligt vóór de begindatum."
            ),
            ("3", "Uiterste aanmelddatum (intake_deadline)"): (
                "De uiterste aanmelddatum ligt na de begindatum; "
                "kies een dag vóór of op de begindatum."
            ),
        }
        allowed = {column: text for _, column, _, text in rows}
        assert "0 tot 1000" in allowed["Capaciteit (capacity)"]
        assert "veiligheid (Veiligheid" in allowed["Thema&#39;s (themes)"]
        for _, _, message, _ in rows:
            assert "allowed" not in message
            assert "Input should" not in message
        assert "Er is niets geïmporteerd: 1 rij(en)" in text_of(response.text)
        assert offer_count(session) == before  # the good row is not imported either

    def test_bom_and_comma_delimiter(self, client, provider, session):
        login(client, provider)
        before = offer_count(session)
        data = '\ufeffkind,title,description,capacity\nthesis,"Plaats, met komma",Tekst,2\n'
        response = self.upload(client, data.encode())
        assert "Het aanbod is geïmporteerd: 1 rij(en)." in response.text
        assert offer_count(session) == before + 1
        titles = session.scalars(select(Offer.title)).all()
        assert "Plaats, met komma" in titles

    @pytest.mark.parametrize(
        "above", [b"\n\n", b";;;;\r\n  \t\r\n", b",,,\n;\n \n"], ids=repr
    )
    def test_blank_lines_above_the_header_are_skipped(
        self, client, provider, session, above
    ):
        login(client, provider)
        before = offer_count(session)
        response = self.upload(client, above + self.rows(2))
        assert "Het aanbod is geïmporteerd: 2 rij(en)." in response.text
        assert offer_count(session) == before + 2

    def test_rows_below_blank_lines_keep_the_numbers_the_spreadsheet_shows(
        self, client, provider, auth, session
    ):
        data = b";;;\n\n" + self.rows(3, bad={2: "veel"})  # the header on row 3
        response = client.post(
            "/api/offers/import",
            files={"file": ("a.csv", data, "text/csv")},
            headers=auth(provider),
        )
        assert response.status_code == 422
        assert set(response.json()["fields"]) == {"row 5.capacity"}
        login(client, provider)
        page = text_of(self.upload(client, data).text)
        assert "5 Capaciteit (capacity) Vul een heel getal in." in page

    def test_a_file_of_blank_lines_is_empty(self, client, provider):
        login(client, provider)
        response = self.upload(client, b";;;\n \n,,")
        assert "Het bestand is leeg." in text_of(response.text)

    def test_caps_on_bytes_and_rows(self, client, url, provider, monkeypatch):
        login(client, provider)
        token = csrf(client, url("import_page"))
        big = b"kind;title;description;capacity\n" + b"x" * (csvimport.MAX_BYTES + 10)
        response = self.upload(client, big, token=token)
        assert response.status_code == 413
        assert "groter dan 1 MB" in response.text
        monkeypatch.setattr(importer, "MAX_ROWS", 5)
        response = self.upload(client, self.rows(6), token=token)
        assert response.status_code == 422
        assert "hoogstens 5" in response.text

    def test_bad_header_and_encoding(self, client, url, provider):
        login(client, provider)
        token = csrf(client, url("import_page"))
        response = self.upload(client, b"soort;title\ncourse;x\n", token=token)
        assert "onbekende kolom 'soort'" in text_of(response.text)
        assert "kolom 'description' ontbreekt" in text_of(response.text)
        response = self.upload(client, "kind;title\nü".encode("latin-1"), token=token)
        assert "geen UTF-8" in response.text
        response = client.post(
            url("import_file"), data={"csrf_token": token}, files={"file": ("", b"")}
        )
        assert "Kies een CSV-bestand" in response.text

    def test_nul_characters_are_refused(self, client, provider, auth, session):
        # Python's csv reads NUL since 3.11; PostgreSQL then failed with a 500.
        before = offer_count(session)
        data = self.rows(1).replace(b"Cursus 1", b"Cursus\x001")
        response = client.post(
            "/api/offers/import",
            files={"file": ("a.csv", data, "text/csv")},
            headers=auth(provider),
        )
        assert response.status_code == 422
        assert response.json()["fields"] == {"file": "contains NUL characters"}
        login(client, provider)
        assert "NUL-tekens" in self.upload(client, data).text
        assert offer_count(session) == before

    def test_template_download_imports_cleanly(self, client, url, provider, session):
        login(client, provider)
        template = client.get(url("template_file"))
        assert template.headers["content-type"].startswith("text/csv")
        assert "attachment" in template.headers["content-disposition"]
        response = self.upload(client, template.content)
        assert "Het aanbod is geïmporteerd: 2 rij(en)." in response.text

    def test_api_import_reports_errors_by_row(self, client, provider, auth, session):
        before = offer_count(session)
        data = self.rows(4, bad={2: "-1"})
        response = client.post(
            "/api/offers/import",
            files={"file": ("a.csv", data, "text/csv")},
            headers=auth(provider),
        )
        assert response.status_code == 422
        body = response.json()
        assert body["error"] == "ImportRejectedError"
        assert set(body["fields"]) == {"row 3.capacity"}
        assert offer_count(session) == before

    def test_api_import_creates_all(self, client, broker, auth, session):
        data = (
            b"kind;title;description;capacity;institution\n"
            b"research;Onderzoek A;Tekst;1;Universiteit Leiden\n"
            b"research;Onderzoek B;Tekst;1;Hogeschool Leiden\n"
        )
        response = client.post(
            "/api/offers/import",
            files={"file": ("a.csv", data, "text/csv")},
            headers=auth(broker),
        )
        assert response.status_code == 201, response.text
        assert response.json()["created"] == 2
        institutions = {o["institution"] for o in response.json()["offers"]}
        assert institutions == {"Universiteit Leiden", "Hogeschool Leiden"}

    def test_a_file_uploaded_again_adds_nothing_and_says_why(
        self, client, provider, session
    ):
        login(client, provider)
        assert "geïmporteerd: 2 rij(en)" in self.upload(client, self.rows(2)).text
        before = offer_count(session)
        again = self.upload(client, self.rows(3))
        assert again.status_code == 422
        text = text_of(again.text)
        assert "'Cursus 1' staat al in Kennisbrug voor deze instelling" in text
        assert "'Cursus 2' staat al in Kennisbrug" in text
        assert "Cursus 3" not in text  # the new row is fine
        assert offer_count(session) == before

    def test_api_names_rows_that_repeat_an_offer(self, client, provider, auth):
        def post(data: bytes):
            return client.post(
                "/api/offers/import",
                files={"file": ("a.csv", data, "text/csv")},
                headers=auth(provider),
            )

        assert post(self.rows(1)).status_code == 201
        header = "kind;title;description;capacity;available_from"
        data = "\n".join(
            [
                header,
                "course;  cursus   1 ;Zelfde titel, andere schrijfwijze.;2;1-2-2027",
                "course;Cursus 1;Zelfde cursus, volgend jaar.;2;1-2-2028",
                "thesis;Cursus 1;Andere soort aanbod.;2;1-2-2027",
                "course;Cursus 9;Nieuw.;2;1-2-2027",
                "course;Cursus 9;Nog eens dezelfde.;1;2027-02-01",
            ]
        ).encode()
        response = post(data)
        assert response.status_code == 422
        assert response.json()["fields"] == {
            "row 2.title": "already registered (same institution, kind, title and period)",
            "row 6.title": "the same offer as row 5",
        }
        # Another period or kind is another offer.
        assert (
            post(
                data.rsplit(b"\n", 1)[0].replace(b"  cursus   1 ", b"Cursus 8")
            ).status_code
            == 201
        )

    def test_api_import_limits_and_access(self, client, provider, staff, auth):
        big = b"kind;title\n" + b"x" * csvimport.MAX_BYTES
        response = client.post(
            "/api/offers/import",
            files={"file": ("a.csv", big, "text/csv")},
            headers=auth(provider),
        )
        assert response.status_code == 413
        forbidden = client.post(
            "/api/offers/import",
            files={"file": ("a.csv", self.rows(1), "text/csv")},
            headers=auth(staff),
        )
        assert forbidden.status_code == 403

    def test_provider_cannot_import_for_another_institution(
        self, client, provider, auth
    ):
        data = b"kind;title;description;capacity;institution\n" + (
            b"course;Cursus;Tekst;1;Universiteit Leiden\n"
        )
        response = client.post(
            "/api/offers/import",
            files={"file": ("a.csv", data, "text/csv")},
            headers=auth(provider),
        )
        assert response.status_code == 422
        assert (
            "row 2.institution" in response.json()["fields"]
            or "row 2" in response.json()["fields"]
        )


def test_offer_fixture_matches_the_api_helper():
    # The import tests rely on the helper's offer passing the same validation.
    assert OFFER["kind"] == "course"


def test_provider_form_sets_the_served_cities(
    client, url, provider, session, other_city
):
    login(client, provider)
    token = csrf(client, url("new_offer_page"))
    form = client.get(url("new_offer_page")).text
    assert "Steden die het aanbod bedient" in form
    assert "Zoeterwoude" in form
    created = client.post(
        url("provider_create_offer"),
        data={
            "csrf_token": token,
            "kind": "course",
            "title": "Vak voor twee steden",
            "description": "Studenten werken voor Leiden en Zoeterwoude.",
            "capacity": "1",
            "municipalities": ["leiden", "zoeterwoude"],
            "language": "nl",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    offer_id = uuid.UUID(created.headers["location"].rsplit("/", 1)[1])
    row = session.get(Offer, offer_id)
    session.refresh(row)
    assert [m.slug for m in row.served] == ["leiden", "zoeterwoude"]
    client.post(
        url("provider_update_offer", offer_id=offer_id),
        data={
            "csrf_token": token,
            "kind": "course",
            "title": "Vak voor twee steden",
            "description": "Studenten werken voor Leiden.",
            "capacity": "1",
            "language": "nl",
        },
    )
    session.refresh(row)
    assert [m.slug for m in row.served] == ["leiden"]  # none ticked: the home city


class TestHomeCityOnThePage:
    """The page homes a new offer as the API does (`offer_service.home_city`):
    a provider ticking only Zoeterwoude registers a Zoeterwoude offer, tied to
    Zoeterwoude's districts."""

    def form(self, token: str, **fields: str | list[str]) -> dict[str, object]:
        return {
            "csrf_token": token,
            "kind": "thesis",
            "title": "Afstuderen op het dorpsplein",
            "description": "Studenten onderzoeken het plein in het dorp.",
            "capacity": "2",
            "language": "nl",
            "municipalities": ["zoeterwoude"],
            **fields,
        }

    def test_ticking_only_another_city_homes_the_offer_there(
        self, client, url, provider, session, auth, other_city
    ):
        login(client, provider)
        token = csrf(client, url("new_offer_page"))
        saved = client.post(
            url("provider_create_offer"),
            data=self.form(token, neighbourhoods=["dorp"]),
            follow_redirects=False,
        )
        assert saved.status_code == 303, text_of(saved.text)[:2000]
        offer_id = saved.headers["location"].rsplit("/", 1)[1]
        row = reloaded(session, Offer, offer_id)
        assert row.municipality.slug == "zoeterwoude"
        assert [m.slug for m in row.served] == ["zoeterwoude"]
        assert [n.slug for n in row.neighbourhoods] == ["dorp"]
        api = offer(client, auth(provider), municipalities=["zoeterwoude"])
        assert (api["municipality"], api["municipalities"]) == (
            "zoeterwoude",
            ["zoeterwoude"],
        )  # the same rule

    def test_the_new_page_names_each_district_with_its_city(
        self, client, url, provider, other_city
    ):
        login(client, provider)
        page = text_of(client.get(url("new_offer_page")).text)
        assert "Dorp (Zoeterwoude)" in page
        assert "Leiden-Noord (Leiden)" in page
        assert "De eerste stad die u aanvinkt wordt de thuisstad" in page

    def test_a_reshown_form_offers_only_the_home_city_s_districts(
        self, client, url, provider, other_city
    ):
        login(client, provider)
        token = csrf(client, url("new_offer_page"))
        page = client.post(
            url("provider_create_offer"),
            data=self.form(token, title="", neighbourhoods=["leiden-noord"]),
        )
        assert page.status_code == 422
        assert 'value="dorp"' in page.text
        assert 'value="leiden-noord"' not in page.text
        assert "Kies een wijk (Dorp)" in errors_on(page.text)["neighbourhoods"]


class TestOfferFormErrors:
    """The offer form names every error at once, in Dutch, and keeps what was typed."""

    def post(self, client, url, **fields):
        form = {
            "csrf_token": csrf(client, url("new_offer_page")),
            "kind": "course",
            "title": "",
            "description": "Tekst die blijft staan",
            "capacity": "0",
            "available_from": "2027-06-30",
            "available_until": "2027-02-01",
            "intake_deadline": "2027-07-15",
            "contact_name": "Docent Jansen",
            "themes": ["gezondheid-welzijn"],
            **fields,
        }
        return client.post(url("provider_create_offer"), data=form)

    def test_all_errors_in_one_round(self, client, url, provider, session):
        login(client, provider)
        before = offer_count(session)
        page = self.post(client, url)
        assert page.status_code == 422
        errors = errors_on(page.text)
        assert errors == {
            "title": "Vul dit veld in.",
            "capacity": "Vul een aantal van minstens 1 in.",
            "available_until": "De einddatum ligt vóór de begindatum.",
            "intake_deadline": (
                "De uiterste aanmelddatum ligt na de begindatum; "
                "kies een dag vóór of op de begindatum."
            ),
        }
        assert "<title>Fout: " in page.text
        for typed in ("Tekst die blijft staan", "Docent Jansen", "2027-07-15"):
            assert typed in page.text
        assert 'value="gezondheid-welzijn" checked' in page.text
        assert offer_count(session) == before

    def test_wrong_choices_are_named_by_their_dutch_labels(
        self, client, url, provider, session
    ):
        login(client, provider)
        page = self.post(client, url, kind="workshop", language="fr", capacity="2")
        errors = errors_on(page.text)
        assert errors["kind"] == (
            "Kies cursus of minor, afstudeerplaatsen of onderzoeksexpertise."
        )
        assert errors["language"] == "Kies Nederlands of Engels."
        for text in errors.values():
            assert "allowed" not in text
            assert "workshop" not in text

    def test_reversed_dates_alone_and_on_edit(
        self, client, url, provider, auth, session
    ):
        login(client, provider)
        page = self.post(client, url, title="Een goede titel", capacity="2")
        assert set(errors_on(page.text)) == {"available_until", "intake_deadline"}
        made = offer(client, auth(provider))
        edit = url("provider_update_offer", offer_id=made["id"])
        page = client.post(
            edit,
            data={
                "csrf_token": csrf(client, edit),
                "kind": "course",
                "title": "",
                "description": "Nieuwe tekst",
                "capacity": "2",
                "available_from": "2027-06-30",
                "available_until": "2027-02-01",
            },
        )
        assert page.status_code == 422
        assert set(errors_on(page.text)) == {"title", "available_until"}
        assert "Nieuwe tekst" in page.text
        row = reloaded(session, Offer, made["id"])
        assert row.description == made["description"]

    def test_first_display_shows_no_errors(self, client, url, provider):
        login(client, provider)
        page = client.get(url("new_offer_page"))
        assert errors_on(page.text) == {}
        assert "aria-invalid" not in page.text
        assert "<title>Fout: " not in page.text
