"""Supply that follows the academic year, with the reference date pinned to
2027-01-15: yearly editions, the intake deadline, parking and the capacity view."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from sqlalchemy import select

from app.env import Env
from app.models import Match, Offer, OutboxMail, Question
from app.offers.tasks import roll_over_editions
from app.questions import parking
from tests.app.helpers import (
    fresh_row,
    job_context,
    offer,
    open_question,
    propose,
    step,
)
from tests.app.web.support import csrf, login

YEARLY_2026 = {
    "title": "Minor Wijkgerichte Zorg: eenzaamheid en sociale isolatie bij ouderen",
    "available_from": "2026-02-01",
    "available_until": "2026-07-01",
    "intake_deadline": "2026-01-20",
    "recurrence": "yearly",
    "capacity": 2,
}


class TestYearlyEditions:
    def test_a_2026_window_shows_its_2027_edition_with_fresh_places(
        self, client, session, auth, staff, broker, provider
    ):
        o = offer(client, auth(provider), **YEARLY_2026)
        row = fresh_row(session, Offer, o["id"])
        row.places_taken = 2  # the 2026 edition was full
        session.commit()
        shown = client.get(f"/api/offers/{o['id']}", headers=auth(provider)).json()
        assert shown["edition"] == 1
        assert shown["available_from"] == "2027-02-01"
        assert shown["available_until"] == "2027-07-01"
        assert shown["intake_deadline"] == "2027-01-20"
        assert shown["remaining_capacity"] == 2

        q = open_question(client, auth(staff), auth(broker))
        ranked = client.get(
            f"/api/questions/{q['id']}/candidates", headers=auth(broker)
        ).json()
        [candidate] = [c for c in ranked["candidates"] if c["offer"]["id"] == o["id"]]
        assert candidate["offer"]["edition"] == 1
        assert candidate["offer"]["remaining_capacity"] == 2

        # Confirming takes a place of the 2027 edition: the row moves on.
        m = propose(client, auth(broker), q["id"], o["id"])
        assert step(client, auth(broker), m["id"], "confirm").status_code == 200
        row = fresh_row(session, Offer, o["id"])
        assert (row.edition, row.places_taken) == (1, 1)
        assert row.available_from == date(2027, 2, 1)
        assert fresh_row(session, Match, m["id"]).edition == 1

    def test_an_edit_of_the_shown_edition_is_no_stale_read(
        self, client, session, auth, provider
    ):
        # The roll-over to this year's edition happens inside the save: it is not
        # someone else's edit, so the version read before it still holds.
        o = offer(client, auth(provider), **YEARLY_2026)
        shown = client.get(f"/api/offers/{o['id']}", headers=auth(provider)).json()
        assert (shown["edition"], shown["version"]) == (1, 1)
        saved = client.patch(
            f"/api/offers/{o['id']}",
            json={"capacity": 4, "version": shown["version"]},
            headers=auth(provider),
        )
        assert saved.status_code == 200, saved.text
        assert (saved.json()["edition"], saved.json()["version"]) == (1, 2)
        assert fresh_row(session, Offer, o["id"]).edition == 1

    def test_the_job_rolls_over_once_and_an_old_match_frees_nothing(
        self, client, session, auth, staff, broker, provider, settings
    ):
        o = offer(
            client,
            auth(provider),
            **{
                **YEARLY_2026,
                "available_from": "2026-09-01",
                "available_until": "2027-01-31",
                "intake_deadline": None,
                "capacity": 1,
            },
        )
        q = open_question(client, auth(staff), auth(broker), wanted_from="2027-01-16")
        old = propose(client, auth(broker), q["id"], o["id"])
        assert step(client, auth(broker), old["id"], "confirm").status_code == 200
        assert fresh_row(session, Match, old["id"]).edition == 0

        ctx = job_context(session, settings, date(2027, 2, 15))
        assert roll_over_editions(ctx) == 1
        assert roll_over_editions(ctx) == 0  # idempotent
        row = fresh_row(session, Offer, o["id"])
        assert (row.edition, row.places_taken) == (1, 0)
        assert row.available_from == date(2027, 9, 1)

        # The old edition's match is cancelled: the new edition keeps its places.
        q2 = open_question(
            client,
            auth(staff),
            auth(broker),
            wanted_from="2027-09-01",
            wanted_until="2028-01-31",
        )
        new = propose(client, auth(broker), q2["id"], o["id"])
        assert step(client, auth(broker), new["id"], "confirm").status_code == 200
        assert fresh_row(session, Offer, o["id"]).places_taken == 1
        cancelled = step(client, auth(broker), old["id"], "cancel", reason="stopt")
        assert cancelled.status_code == 200, cancelled.text
        assert fresh_row(session, Offer, o["id"]).places_taken == 1

    def test_the_provider_ends_the_series(self, client, auth, provider):
        o = offer(client, auth(provider), **YEARLY_2026)
        ended = client.patch(
            f"/api/offers/{o['id']}",
            json={"recurrence": "none"},
            headers=auth(provider),
        )
        assert ended.status_code == 200, ended.text
        # Edited as its current (2027) edition, which is now the last.
        assert ended.json()["recurrence"] == "none"
        assert ended.json()["available_from"] == "2027-02-01"


class TestIntakeDeadline:
    def test_a_closed_intake_is_a_named_near_miss_and_never_proposed(
        self, client, auth, staff, broker, provider
    ):
        o = offer(client, auth(provider), intake_deadline="2027-01-10")
        q = open_question(client, auth(staff), auth(broker))
        ranked = client.get(
            f"/api/questions/{q['id']}/candidates", headers=auth(broker)
        ).json()
        assert o["id"] not in [c["offer"]["id"] for c in ranked["candidates"]]
        [miss] = [e for e in ranked["excluded"] if e["offer"]["id"] == o["id"]]
        assert miss["rule"] == "intake"
        assert miss["label"] == "aanmelding gesloten op 10 januari"
        refused = client.post(
            "/api/matches",
            json={"question_id": q["id"], "offer_id": o["id"]},
            headers=auth(broker),
        )
        assert refused.status_code == 409
        assert refused.json()["fields"]["offer_id"] == "intake"


class TestParking:
    def test_a_question_parks_lists_and_reopens_on_its_date_with_a_mail(
        self, client, session, auth, staff, broker, settings
    ):
        q = open_question(client, auth(staff), auth(broker))
        url = f"/api/questions/{q['id']}/transition"
        parked = client.post(
            url,
            json={"to": "parked", "until": "2027-09-01", "note": "wacht op blok 1"},
            headers=auth(broker),
        )
        assert parked.status_code == 200, parked.text
        assert parked.json()["status"] == "parked"
        assert parked.json()["parked_until"] == "2027-09-01"
        listed = client.get(
            "/api/questions", params={"status": "parked"}, headers=auth(broker)
        ).json()
        assert [i["id"] for i in listed["items"]] == [q["id"]]

        early = Env(settings=settings, encoder=None, today=date(2027, 8, 31))
        assert parking.reopen_parked(session, early) == 0
        due = Env(settings=settings, encoder=None, today=date(2027, 9, 1))
        assert parking.reopen_parked(session, due) == 1
        assert parking.reopen_parked(session, due) == 0  # idempotent
        row = fresh_row(session, Question, q["id"])
        assert (row.status, row.parked_until) == ("open", None)
        owner_mail = select(OutboxMail).where(
            OutboxMail.kind == "question_reopened",
            OutboxMail.to_address == staff.email,
        )
        assert len(list(session.scalars(owner_mail))) == 1

    def test_parking_needs_a_date_after_today_and_the_broker(
        self, client, auth, staff, broker
    ):
        q = open_question(client, auth(staff), auth(broker))
        url = f"/api/questions/{q['id']}/transition"
        for body in ({"to": "parked"}, {"to": "parked", "until": "2027-01-15"}):
            refused = client.post(url, json=body, headers=auth(broker))
            assert refused.status_code == 422
            assert "until" in refused.json()["fields"]
        by_owner = client.post(
            url, json={"to": "parked", "until": "2027-09-01"}, headers=auth(staff)
        )
        assert by_owner.status_code == 403


class TestCapacity:
    def test_free_places_per_institution_level_and_theme(
        self, client, auth, staff, broker, provider
    ):
        a = offer(client, auth(provider), capacity=2)
        offer(
            client, auth(provider), capacity=3, title="Praktijkopdracht Zorg in de wijk"
        )
        offer(
            client,
            auth(provider),
            capacity=4,
            available_from="2028-02-01",
            available_until="2028-06-30",
            title="Minor later dan de periode",
        )
        q = open_question(client, auth(staff), auth(broker))
        m = propose(client, auth(broker), q["id"], a["id"])
        assert step(client, auth(broker), m["id"], "confirm").status_code == 200
        report = client.get(
            "/api/reports/capacity",
            params={"from": "2027-01-01", "until": "2027-12-31"},
            headers=auth(broker),
        )
        assert report.status_code == 200, report.text
        [group] = [
            g
            for g in report.json()["groups"]
            if g["institution"] == "Hogeschool Leiden"
            and g["theme"] == "gezondheid-welzijn"
        ]
        assert (group["capacity"], group["places_taken"], group["free"]) == (5, 1, 4)
        assert group["level"] == "hbo"

    def test_a_yearly_offer_counts_each_edition_in_the_period(
        self, client, auth, broker, provider
    ):
        offer(client, auth(provider), **YEARLY_2026)
        report = client.get(
            "/api/reports/capacity",
            params={"from": "2026-01-01", "until": "2028-12-31"},
            headers=auth(broker),
        ).json()
        [group] = report["groups"]
        assert (group["capacity"], group["free"]) == (6, 6)  # 2026, 2027, 2028

    def test_a_reversed_period_is_422(self, client, auth, broker):
        reversed_ = client.get(
            "/api/reports/capacity",
            params={"from": "2027-06-01", "until": "2027-01-01"},
            headers=auth(broker),
        )
        assert reversed_.status_code == 422
        assert "until" in reversed_.json()["fields"]


class TestPeriods:
    BODY: ClassVar[dict[str, str]] = {
        "name": "blok 3",
        "kind": "blok",
        "starts_on": "2027-02-08",
        "ends_on": "2027-04-16",
        "intake_deadline": "2027-01-10",
    }

    def test_providers_declare_for_their_institution_once_per_name(
        self, client, auth, provider, staff
    ):
        made = client.post("/api/periods", json=self.BODY, headers=auth(provider))
        assert made.status_code == 201, made.text
        assert made.json()["institution"] == "Hogeschool Leiden"
        again = client.post("/api/periods", json=self.BODY, headers=auth(provider))
        assert again.status_code == 409
        reversed_ = client.post(
            "/api/periods",
            json={**self.BODY, "name": "blok 4", "ends_on": "2027-01-01"},
            headers=auth(provider),
        )
        assert reversed_.status_code == 422
        other = client.post(
            "/api/periods",
            json={**self.BODY, "institution": "Universiteit Leiden"},
            headers=auth(provider),
        )
        assert other.status_code == 403
        assert (
            client.post("/api/periods", json=self.BODY, headers=auth(staff)).status_code
            == 403
        )
        listed = client.get("/api/periods", headers=auth(provider)).json()
        assert [p["name"] for p in listed] == ["blok 3"]

    def test_a_city_sees_the_periods_of_institutions_serving_it(
        self, client, auth, provider, make_user, other_city
    ):
        made = client.post("/api/periods", json=self.BODY, headers=auth(provider))
        assert made.status_code == 201, made.text
        staff_zw = auth(make_user("staff", municipality=other_city))
        assert client.get("/api/periods", headers=staff_zw).json() == []
        offer(client, auth(provider), municipalities=["leiden", "zoeterwoude"])
        listed = client.get("/api/periods", headers=staff_zw)
        assert listed.status_code == 200, listed.text
        assert [p["name"] for p in listed.json()] == ["blok 3"]

    def test_admins_name_the_institution(self, client, auth, admin):
        missing = client.post("/api/periods", json=self.BODY, headers=auth(admin))
        assert missing.status_code == 422
        made = client.post(
            "/api/periods",
            json={**self.BODY, "institution": "Universiteit Leiden"},
            headers=auth(admin),
        )
        assert made.status_code == 201, made.text

    def test_an_offer_takes_its_dates_from_a_period(
        self, client, auth, provider, admin
    ):
        period = client.post(
            "/api/periods", json=self.BODY, headers=auth(provider)
        ).json()
        body = {
            "period_id": period["id"],
            "available_from": None,
            "available_until": None,
        }
        o = offer(client, auth(provider), **body)
        assert (o["available_from"], o["available_until"], o["intake_deadline"]) == (
            "2027-02-08",
            "2027-04-16",
            "2027-01-10",
        )
        both = client.post(
            "/api/offers",
            json={
                "kind": "course",
                "title": "Cursus",
                "description": "x",
                "capacity": 1,
                "period_id": period["id"],
                "available_from": "2027-02-01",
            },
            headers=auth(provider),
        )
        assert both.status_code == 422
        assert "period_id" in both.json()["fields"]
        foreign = client.post(
            "/api/periods",
            json={**self.BODY, "institution": "Universiteit Leiden"},
            headers=auth(admin),
        ).json()
        wrong = client.post(
            "/api/offers",
            json={
                "kind": "course",
                "title": "Cursus",
                "description": "x",
                "capacity": 1,
                "period_id": foreign["id"],
            },
            headers=auth(provider),
        )
        assert wrong.status_code == 422
        assert "period_id" in wrong.json()["fields"]


class TestLeadTime:
    def test_a_late_question_is_flagged_with_the_next_chance(
        self, client, auth, staff, broker, provider
    ):
        def period(name: str, starts: str, ends: str, intake: str) -> dict[str, str]:
            made = client.post(
                "/api/periods",
                json={
                    "name": name,
                    "kind": "blok",
                    "starts_on": starts,
                    "ends_on": ends,
                    "intake_deadline": intake,
                },
                headers=auth(provider),
            )
            assert made.status_code == 201, made.text
            return made.json()

        blok3 = period("blok 3", "2027-02-08", "2027-04-16", "2027-01-10")
        period("blok 4", "2027-04-19", "2027-06-30", "2027-03-15")
        offer(
            client,
            auth(provider),
            period_id=blok3["id"],
            available_from=None,
            available_until=None,
        )
        q = open_question(client, auth(staff), auth(broker))
        ranked = client.get(
            f"/api/questions/{q['id']}/candidates", headers=auth(broker)
        ).json()
        assert ranked["lead_time"] == (
            "te laat voor blok 3 (aanmelding gesloten op 10 januari); "
            "eerstvolgende kans blok 4 (vanaf 19 april)"
        )
        login(client, broker)
        page = client.get(f"/makelaar/vragen/{q['id']}")
        assert page.status_code == 200
        assert "eerstvolgende kans blok 4 (vanaf 19 april)" in page.text

    def test_no_flag_when_the_intake_is_open(
        self, client, auth, staff, broker, provider
    ):
        offer(client, auth(provider), intake_deadline="2027-01-20")
        q = open_question(client, auth(staff), auth(broker))
        ranked = client.get(
            f"/api/questions/{q['id']}/candidates", headers=auth(broker)
        ).json()
        assert ranked["lead_time"] is None


class TestParkingPages:
    def test_the_broker_parks_with_the_form_and_both_pages_show_the_date(
        self, client, session, auth, staff, broker
    ):
        q = open_question(client, auth(staff), auth(broker))
        login(client, broker)
        page = client.get(f"/makelaar/vragen/{q['id']}")
        assert "Vraag parkeren" in page.text
        token = csrf(client, f"/makelaar/vragen/{q['id']}")
        sent = client.post(
            f"/makelaar/vragen/{q['id']}/status",
            data={
                "to": "parked",
                "until": "2027-09-01",
                "note": "",
                "csrf_token": token,
            },
        )
        assert sent.status_code in (200, 303)
        assert fresh_row(session, Question, q["id"]).status == "parked"
        page = client.get(f"/makelaar/vragen/{q['id']}")
        assert "Geparkeerd tot 1 september 2027" in page.text
        client.cookies.clear()
        login(client, staff)
        assert (
            "Geparkeerd tot 1 september 2027" in client.get(f"/vragen/{q['id']}").text
        )


def test_the_capacity_page_shows_free_places_in_a_captioned_table(
    client, auth, broker, provider
):
    offer(client, auth(provider), capacity=3)
    login(client, broker)
    page = client.get("/rapportage/capaciteit", params={"from": "2027-01-01"})
    assert page.status_code == 200
    assert "<caption>Capaciteit, bezette en vrije plaatsen" in page.text
    assert "Hogeschool Leiden" in page.text
    assert "Gezondheid" in page.text or "gezondheid" in page.text


def test_the_offer_form_takes_a_period_and_a_recurrence(
    client, session, auth, provider
):
    period = client.post(
        "/api/periods", json=TestPeriods.BODY, headers=auth(provider)
    ).json()
    login(client, provider)
    page = client.get("/aanbod/nieuw")
    assert "Onderwijsperiode" in page.text
    assert "Elk jaar" in page.text
    token = csrf(client, "/aanbod/nieuw")
    sent = client.post(
        "/aanbod/nieuw",
        data={
            "csrf_token": token,
            "kind": "course",
            "title": "Cursus in blok 3",
            "description": "Studenten werken een blok aan een vraag.",
            "capacity": "2",
            "language": "nl",
            "recurrence": "yearly",
            "period_id": period["id"],
        },
    )
    assert sent.status_code in (200, 303), sent.text
    row = session.scalar(select(Offer).where(Offer.title == "Cursus in blok 3"))
    assert row is not None
    assert (row.available_from, row.intake_deadline) == (
        date(2027, 2, 8),
        date(2027, 1, 10),
    )
    assert row.recurrence == "yearly"
