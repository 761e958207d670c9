"""Reports: figures checked against a tiny world computed by hand; access; CSV."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from tests.app.helpers import offer, open_question, propose, step
from tests.app.portal_world import add_match, add_offer, add_question, seed_demo

CET = timezone(timedelta(hours=1))
SUMMARY = "/api/reports/summary"


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, tzinfo=CET)


@pytest.fixture
def world(session, staff, provider, make_user, leiden, other_city):
    """Leiden: seven questions, three offers, seven matches; one distractor city.

    Q1 2026-01-10 completed  gezondheid          leiden-noord  M1 O1 completed (+10d, 4*)
                                                               M6 O2 rejected
    Q2 2026-02-01 00:30 (Amsterdam; 2026-01-31 23:30 UTC) in_progress
                  gezondheid + sociaal-domein    citywide      M2 O1 in_progress (+4d)
                                                               M3 O2 confirmed (+30d)
    Q8 2026-02-15 completed  erfgoed-cultuur     binnenstad-noord M7 O3 completed (+20d, 5*)
    Q3 2026-03-05 open       veiligheid          merenwijk     M4 O2 proposed
                                                               M5 O3 cancelled (+6d)
    Q4 2026-03-20 withdrawn  veiligheid          stevenshof
    Q6 2026-04-02 open       digitalisering      citywide
    Q5 draft (never submitted) onderwijs-talent  citywide
    O1 UL thesis wo  cap 3 taken 2, 2026-09-01..2027-01-31  (2026-2027 S1)
    O2 HL course hbo cap 2 taken 1, 2026-02-01..2026-06-30  (2025-2026 S2)
    O3 mboRijnland course mbo cap 4 taken 1, no window      (onbekend)
    """
    o1 = add_offer(session, provider, title="Scriptiekring Zorg", kind="thesis",
                   level="wo", institution_name="Universiteit Leiden", capacity=3,
                   places_taken=2, available_from=date(2026, 9, 1),
                   available_until=date(2027, 1, 31), municipality=leiden)  # fmt: skip
    o2 = add_offer(session, provider, title="Minor Café & Buurt", level="hbo",
                   institution_name="Hogeschool Leiden", capacity=2, places_taken=1,
                   available_from=date(2026, 2, 1), available_until=date(2026, 6, 30),
                   municipality=leiden)  # fmt: skip
    o3 = add_offer(session, provider, title="Praktijkopdracht mbo", level="mbo",
                   institution_name="mboRijnland", capacity=4, places_taken=1,
                   municipality=leiden)  # fmt: skip
    q1 = add_question(session, staff, title="Zoë's café: één aanpak voor Noord",
                      status="completed", submitted_at=at(2026, 1, 10),
                      themes=["gezondheid-welzijn"], neighbourhood="leiden-noord")  # fmt: skip
    q2 = add_question(session, staff, title="Q2", status="in_progress",
                      submitted_at=datetime(2026, 1, 31, 23, 30, tzinfo=UTC),
                      themes=["gezondheid-welzijn", "sociaal-domein"])  # fmt: skip
    q8 = add_question(session, staff, title="Q8", status="completed",
                      submitted_at=at(2026, 2, 15), themes=["erfgoed-cultuur"],
                      neighbourhood="binnenstad-noord")  # fmt: skip
    q3 = add_question(session, staff, title="Q3", status="open",
                      submitted_at=at(2026, 3, 5), themes=["veiligheid"],
                      neighbourhood="merenwijk")  # fmt: skip
    add_question(session, staff, title="Q4", status="withdrawn",
                 submitted_at=at(2026, 3, 20), themes=["veiligheid"],
                 neighbourhood="stevenshof")  # fmt: skip
    add_question(session, staff, title="Q6", status="open",
                 submitted_at=at(2026, 4, 2), themes=["digitalisering"])  # fmt: skip
    add_question(
        session, staff, title="Q5", status="draft", themes=["onderwijs-talent"]
    )
    add_match(session, q1, o1, status="completed", confirmed_at=at(2026, 1, 20),
              completed_at=at(2026, 6, 1), rating=4, score=0.81234,
              outcome_summary="Enquête onder 120 bewoners; advies: één loket.")  # fmt: skip
    add_match(session, q1, o2, status="rejected", reason="past niet")
    add_match(session, q2, o1, status="in_progress",
              confirmed_at=q2.submitted_at + timedelta(days=4))  # fmt: skip
    add_match(session, q2, o2, status="confirmed",
              confirmed_at=q2.submitted_at + timedelta(days=30))  # fmt: skip
    add_match(session, q8, o3, status="completed", confirmed_at=at(2026, 3, 7),
              completed_at=at(2026, 6, 20), rating=5, outcome_summary="Klaar.")  # fmt: skip
    add_match(session, q3, o2, status="proposed")
    add_match(session, q3, o3, status="cancelled", confirmed_at=at(2026, 3, 11))
    # A distractor in another city: must never be counted for Leiden.
    elsewhere = make_user("staff", municipality=other_city)
    other_offer = add_offer(session, provider, title="Elders", institution_name="Hogeschool Leiden",
                            capacity=9, places_taken=1, municipality=other_city)  # fmt: skip
    q7 = add_question(session, elsewhere, title="Q7", status="completed",
                      submitted_at=at(2026, 2, 2), themes=["veiligheid"])  # fmt: skip
    add_match(session, q7, other_offer, status="completed", confirmed_at=at(2026, 2, 3),
              rating=1)  # fmt: skip
    session.commit()


def counts(rows) -> dict[str, int]:
    return {r["key"]: r["count"] for r in rows}


def nonzero(rows) -> dict[str, int]:
    return {k: v for k, v in counts(rows).items() if v}


def capacity(rows) -> dict[str, tuple[int, int]]:
    return {r["key"]: (r["offered"], r["used"]) for r in rows}


class TestSummaryFigures:
    def test_whole_history(self, client, auth, broker, world):
        response = client.get(SUMMARY, headers=auth(broker))
        assert response.status_code == 200, response.text
        s = response.json()
        assert s["municipality"] == "leiden"
        assert s["questions_total"] == 7
        assert nonzero(s["questions_by_status"]) == {
            "completed": 2, "in_progress": 1, "open": 2, "withdrawn": 1, "draft": 1
        }  # fmt: skip
        assert len(s["questions_by_status"]) == 9  # every status, parked included
        assert nonzero(s["questions_by_theme"]) == {
            "gezondheid-welzijn": 2, "veiligheid": 2, "sociaal-domein": 1,
            "erfgoed-cultuur": 1, "digitalisering": 1, "onderwijs-talent": 1,
        }  # fmt: skip
        assert s["questions_by_theme"][0]["count"] == 2
        assert nonzero(s["questions_by_neighbourhood"]) == {
            "leiden-noord": 1, "merenwijk": 1, "stevenshof": 1,
            "binnenstad-noord": 1, "stadsbreed": 3,
        }  # fmt: skip
        assert counts(s["questions_by_month"]) == {
            "2026-01": 1, "2026-02": 2, "2026-03": 2, "2026-04": 1
        }  # fmt: skip
        assert s["matches_total"] == 4
        assert counts(s["matches_by_institution"]) == {
            "Universiteit Leiden": 2, "Hogeschool Leiden": 1, "mboRijnland": 1
        }  # fmt: skip
        assert counts(s["matches_by_level"]) == {"mbo": 1, "hbo": 1, "wo": 2}
        assert counts(s["matches_by_kind"]) == {"course": 2, "thesis": 2, "research": 0}
        assert s["matched_share"] == {"matched": 3, "eligible": 5, "share": 0.6}
        # First confirmations: Q1 10, Q2 4, Q3 6 (later cancelled), Q8 20 days.
        assert s["days_to_first_match"] == {"median_days": 8.0, "count": 4}
        assert capacity(s["capacity_by_institution"]) == {
            "Universiteit Leiden": (3, 2), "Hogeschool Leiden": (2, 1),
            "mboRijnland": (4, 1),
        }  # fmt: skip
        assert capacity(s["capacity_by_semester"]) == {
            "2026-2027 S1": (3, 2), "2025-2026 S2": (2, 1), "onbekend": (4, 1)
        }  # fmt: skip
        assert s["feedback"] == {"average_rating": 4.5, "count": 2}

    def test_period_uses_amsterdam_dates(self, client, auth, broker, world):
        s = client.get(
            SUMMARY,
            params={"from": "2026-02-01", "until": "2026-03-31"},
            headers=auth(broker),
        ).json()
        # Q2 was submitted 2026-01-31 23:30 UTC: 1 February in Leiden, so it counts.
        assert s["period_from"] == "2026-02-01"
        assert s["questions_total"] == 4
        assert counts(s["questions_by_month"]) == {"2026-02": 2, "2026-03": 2}
        assert s["matches_total"] == 3
        assert s["matched_share"] == {"matched": 2, "eligible": 3, "share": 0.6667}
        assert s["days_to_first_match"] == {"median_days": 6.0, "count": 3}
        # Offers whose window overlaps February-March 2026 (or that have none).
        assert capacity(s["capacity_by_institution"]) == {
            "Hogeschool Leiden": (2, 1), "mboRijnland": (4, 1)
        }  # fmt: skip
        assert s["feedback"] == {"average_rating": 5.0, "count": 1}

    def test_period_boundary_until(self, client, auth, broker, world):
        s = client.get(
            SUMMARY, params={"until": "2026-01-31"}, headers=auth(broker)
        ).json()
        # Q1 and the never-submitted draft has no submission date, so only Q1.
        assert s["questions_total"] == 1
        assert s["days_to_first_match"] == {"median_days": 10.0, "count": 1}

    def test_empty_period_has_no_ratios(self, client, auth, broker, world):
        s = client.get(
            SUMMARY, params={"from": "2030-01-01"}, headers=auth(broker)
        ).json()
        assert s["questions_total"] == 0
        assert s["questions_by_month"] == []
        assert s["matched_share"] == {"matched": 0, "eligible": 0, "share": None}
        assert s["days_to_first_match"] == {"median_days": None, "count": 0}
        assert s["feedback"] == {"average_rating": None, "count": 0}

    def test_until_before_from_is_422(self, client, auth, broker):
        response = client.get(
            SUMMARY,
            params={"from": "2026-05-01", "until": "2026-01-01"},
            headers=auth(broker),
        )
        assert response.status_code == 422
        assert "until" in response.json()["fields"]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            # A 500: 0001-01-01 at midnight in Amsterdam is before datetime.min in UTC.
            ({"from": "0001-01-01"}, "from"),
            ({"until": "9999-12-31"}, "until"),
            # Taken as a Unix timestamp, i.e. 1970-01-01.
            ({"until": "0"}, "until"),
        ],
    )
    @pytest.mark.parametrize(
        "url", [SUMMARY, "/api/reports/summary.csv", "/api/reports/matches.csv"]
    )
    def test_odd_period_dates_are_422(self, client, auth, broker, url, params, field):
        response = client.get(url, params=params, headers=auth(broker))
        assert response.status_code == 422, response.text
        assert field in response.json()["fields"]

    def test_other_city_broker_sees_only_their_city(
        self, client, auth, make_user, other_city, world
    ):
        elsewhere = make_user("broker", municipality=other_city)
        s = client.get(SUMMARY, headers=auth(elsewhere)).json()
        assert s["municipality"] == "zoeterwoude"
        assert s["questions_total"] == 1
        assert s["feedback"] == {"average_rating": 1.0, "count": 1}

    def test_demo_world_summary_is_consistent(self, client, auth, session, settings):
        seed_demo(session, settings)
        from app.models import User

        broker = session.query(User).filter_by(email="makelaar@leiden.example").one()
        s = client.get(SUMMARY, headers=auth(broker)).json()
        assert s["questions_total"] == sum(r["count"] for r in s["questions_by_status"])
        assert s["matches_total"] == sum(r["count"] for r in s["matches_by_level"])
        assert 0 < s["matched_share"]["share"] <= 1
        assert all(r["used"] <= r["offered"] for r in s["capacity_by_institution"])


class TestSharedOfferCapacity:
    """A Leiden offer that also serves Zoeterwoude: each city's report counts it in
    full, with the places every city took (they are shared); its matches count
    once, in the city of their question."""

    @pytest.fixture
    def shared(self, client, auth, provider, other_city):
        return offer(
            client, auth(provider), capacity=3, municipalities=["leiden", "zoeterwoude"]
        )

    def test_the_capacity_report_of_a_served_city_counts_the_offer(
        self, client, auth, make_user, other_city, shared
    ):
        elsewhere = make_user("broker", municipality=other_city)
        report = client.get(
            "/api/reports/capacity",
            params={"from": "2027-02-01", "until": "2027-06-30"},
            headers=auth(elsewhere),
        )
        assert report.status_code == 200, report.text
        assert [(g["capacity"], g["free"]) for g in report.json()["groups"]] == [(3, 3)]

    def test_each_city_counts_the_places_every_city_took_and_matches_once(
        self, client, auth, make_user, broker, admin, other_city, shared
    ):
        staff_zw = auth(make_user("staff", municipality=other_city))
        broker_zw = auth(make_user("broker", municipality=other_city))
        q = open_question(client, staff_zw, broker_zw, neighbourhood="dorp")
        m = propose(client, broker_zw, q["id"], shared["id"])
        assert step(client, broker_zw, m["id"], "confirm").status_code == 200
        for headers, matches in ((broker_zw, 1), (auth(broker), 0)):
            s = client.get(SUMMARY, headers=headers).json()
            assert s["matches_total"] == matches
            assert capacity(s["capacity_by_institution"]) == {
                "Hogeschool Leiden": (3, 1)
            }
            assert capacity(s["capacity_by_semester"]) == {"2026-2027 S2": (3, 1)}
        network = client.get("/api/reports/network", headers=auth(admin)).json()
        assert network["totals"]["matches_total"] == 1
        admin_view = client.get(
            "/api/reports/capacity",
            params={"from": "2027-02-01", "until": "2027-06-30"},
            headers=auth(admin),
        ).json()
        assert [g["capacity"] for g in admin_view["groups"]] == [3]  # once, not twice


@pytest.mark.parametrize(
    "path",
    [SUMMARY, "/api/reports/summary.csv", "/api/reports/matches.csv",
     "/api/reports/charts/status.svg"],
)  # fmt: skip
def test_only_brokers_may_read_reports(client, auth, staff, provider, admin, path):
    assert client.get(path).status_code == 401
    for user in (staff, provider, admin):
        response = client.get(path, headers=auth(user))
        assert response.status_code == 403
        assert response.json()["error"] == "PermissionDeniedError"


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


class TestExports:
    def test_matches_csv_has_one_row_per_match(self, client, auth, broker, world):
        rows = read_csv(client.get("/api/reports/matches.csv", headers=auth(broker)))
        header, body = rows[0], rows[1:]
        assert header == [
            "Koppeling (id)", "Vraag", "Status", "Aanbod", "Instelling", "Niveau",
            "Soort aanbod", "Score", "Bevestigd op", "Afgerond op", "Resultaat",
            "Beoordeling", "Reden van afwijzing of annulering",
        ]  # fmt: skip
        assert len(body) == 7
        first = next(r for r in body if r[2] == "Afgerond" and r[11] == "4")
        assert first[1] == "Zoë's café: één aanpak voor Noord"
        assert first[3:7] == [
            "Scriptiekring Zorg",
            "Universiteit Leiden",
            "wo (universiteit)",
            "Afstudeerplaatsen",
        ]
        assert first[7] == "0.8123"
        assert first[8:10] == ["2026-01-20", "2026-06-01"]
        assert first[10] == "Enquête onder 120 bewoners; advies: één loket."
        assert {r[3] for r in body} >= {"Minor Café & Buurt"}
        assert "Elders" not in {r[3] for r in body}
        rejected = [r for r in body if r[2] == "Afgewezen"]
        assert [r[12] for r in rejected] == ["past niet"]  # the reason given
        assert {r[12] for r in body if r[2] == "Afgerond"} == {""}

    def test_matches_csv_period_filter(self, client, auth, broker, world):
        rows = read_csv(
            client.get(
                "/api/reports/matches.csv",
                params={"from": "2026-03-01"},
                headers=auth(broker),
            )
        )
        assert len(rows) - 1 == 2  # Q3's proposed and cancelled matches

    def test_summary_csv_has_sections(self, client, auth, broker, world):
        rows = read_csv(client.get("/api/reports/summary.csv", headers=auth(broker)))
        assert rows[0] == ["Sectie", "Sleutel", "Omschrijving", "Waarde"]
        table = {(r[0], r[1]): r[3] for r in rows[1:]}
        assert table[("questions_total", "")] == "7"
        assert table[("matched_share", "share")] == "0.6"
        assert table[("questions_by_status", "withdrawn")] == "1"
        assert table[("capacity_by_institution.offered", "mboRijnland")] == "4"
        assert table[("capacity_by_institution.used", "mboRijnland")] == "1"
        assert table[("feedback", "average_rating")] == "4.5"
        labels = {r[2] for r in rows[1:]}
        assert "Gezondheid, leefstijl en welzijn" in labels

    @pytest.mark.parametrize(
        "name",
        ["status", "themes", "neighbourhoods", "months", "institutions", "levels",
         "kinds", "capacity-institutions", "capacity-semesters"],
    )  # fmt: skip
    def test_every_chart_is_valid_svg(self, client, auth, broker, world, name):
        response = client.get(f"/api/reports/charts/{name}.svg", headers=auth(broker))
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        root = ET.fromstring(response.content)
        assert root.get("role") == "img"

    def test_unknown_chart_is_422(self, client, auth, broker):
        response = client.get("/api/reports/charts/taart.svg", headers=auth(broker))
        assert response.status_code == 422
        assert "name" in response.json()["fields"]
