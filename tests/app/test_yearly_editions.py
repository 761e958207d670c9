"""Supply that follows the academic year (reference date 2027-01-15):
what readers show of a yearly offer whose row lags behind its current edition, or
whose old edition's matches outlive a roll-over; periods picked on an edit."""

from __future__ import annotations

from datetime import date

from app.models import Match, Offer
from app.offers.editions import current_edition
from app.offers.tasks import roll_over_editions
from tests.app.helpers import (
    fresh_row,
    job_context,
    offer,
    open_question,
    propose,
    step,
)
from tests.app.test_academic_year import YEARLY_2026
from tests.app.web.support import csrf, login

# A yearly offer whose first edition runs at the reference date (2027-01-15).
YEARLY_RUNNING = {
    **YEARLY_2026,
    "available_from": "2026-09-01",
    "available_until": "2027-01-31",
    "intake_deadline": None,
    "capacity": 1,
}


def _confirmed_in_first_edition(client, session, auth, staff, broker, provider):
    """A yearly offer running now (edition 0) with its one place taken."""
    o = offer(client, auth(provider), **YEARLY_RUNNING)
    q = open_question(
        client, auth(staff), auth(broker), wanted_from="2027-01-16", is_public=True
    )
    m = propose(client, auth(broker), q["id"], o["id"])
    assert step(client, auth(broker), m["id"], "confirm").status_code == 200
    assert fresh_row(session, Match, m["id"]).edition == 0
    return o, q, m


class TestLaggingRowReaders:
    """A yearly offer whose stored window ended (the job has not run yet, or the
    offer was registered with last year's dates) is shown as its current edition
    everywhere; these readers still read the stored row."""

    def test_available_on_finds_a_yearly_offer_by_its_current_edition(
        self, client, auth, provider
    ):
        o = offer(client, auth(provider), **YEARLY_2026)
        shown = client.get(f"/api/offers/{o['id']}", headers=auth(provider)).json()
        assert (shown["available_from"], shown["available_until"]) == (
            "2027-02-01",
            "2027-07-01",
        )
        listed = client.get(
            "/api/offers", params={"available_on": "2027-03-01"}, headers=auth(provider)
        ).json()
        assert o["id"] in [i["id"] for i in listed["items"]]
        # ... and not on a day of the edition that is over, whose dates it no
        # longer shows (2027-02-01 .. 2027-07-01 does not cover 2026-03-01).
        stale = client.get(
            "/api/offers", params={"available_on": "2026-03-01"}, headers=auth(provider)
        ).json()
        assert o["id"] not in [i["id"] for i in stale["items"]]

    def test_the_provider_offer_list_shows_the_current_editions_free_places(
        self, client, session, auth, provider
    ):
        o = offer(client, auth(provider), **YEARLY_2026)
        row = fresh_row(session, Offer, o["id"])
        row.places_taken = 2  # the 2026 edition was full
        session.commit()
        shown = client.get(f"/api/offers/{o['id']}", headers=auth(provider)).json()
        assert shown["remaining_capacity"] == 2
        login(client, provider)
        page = client.get("/aanbod")
        assert page.status_code == 200
        assert "2 van 2" in page.text, "the list shows the 2026 edition: 0 van 2"


class TestOldEditionAfterTheRollOver:
    """The job moved the offer on; a match of the edition that ended lives on."""

    def test_the_portal_shows_a_placement_with_the_dates_of_its_own_edition(
        self, client, session, auth, staff, broker, provider, settings
    ):
        _, q, _ = _confirmed_in_first_edition(
            client, session, auth, staff, broker, provider
        )
        before = client.get(f"/api/portal/assignments/{q['id']}").json()
        [placement] = before["placements"]
        assert placement["available_from"] == "2026-09-01"

        assert (
            roll_over_editions(job_context(session, settings, date(2027, 2, 15))) == 1
        )
        after = client.get(f"/api/portal/assignments/{q['id']}").json()
        [placement] = after["placements"]
        # The student runs in the 2026-2027 edition, not in next year's.
        assert (placement["available_from"], placement["available_until"]) == (
            "2026-09-01",
            "2027-01-31",
        )

    def test_the_summary_keeps_last_editions_capacity_and_places(
        self, client, session, auth, staff, broker, provider, settings
    ):
        _confirmed_in_first_edition(client, session, auth, staff, broker, provider)
        params = {"from": "2026-08-01", "until": "2027-01-31"}

        def semesters() -> dict[str, tuple[int, int]]:
            summary = client.get(
                "/api/reports/summary", params=params, headers=auth(broker)
            )
            assert summary.status_code == 200, summary.text
            return {
                r["key"]: (r["offered"], r["used"])
                for r in summary.json()["capacity_by_semester"]
            }

        assert semesters() == {"2026-2027 S1": (1, 1)}
        assert (
            roll_over_editions(job_context(session, settings, date(2027, 2, 15))) == 1
        )
        # Same period, same match: the 2026-2027 place does not vanish from the
        # steering group's report because the offer came back for 2027-2028.
        assert semesters() == {"2026-2027 S1": (1, 1)}


BLOK_4 = {
    "name": "blok 4",
    "kind": "blok",
    "starts_on": "2027-04-19",
    "ends_on": "2027-06-30",
    "intake_deadline": "2027-03-15",
}


class TestPeriodPickedOnAnEdit:
    def test_the_edit_form_takes_the_periods_intake_deadline(
        self, client, session, auth, provider
    ):
        o = offer(client, auth(provider), intake_deadline="2027-01-20")
        period = client.post("/api/periods", json=BLOK_4, headers=auth(provider))
        assert period.status_code == 201, period.text
        login(client, provider)
        page = f"/aanbod/{o['id']}"
        assert 'value="2027-01-20"' in client.get(page).text  # prefilled
        # The form as the browser sends it: every field as shown, blok 4 picked
        # ("de data en de aanmelddatum worden daaruit overgenomen").
        sent = client.post(
            page,
            data={
                "csrf_token": csrf(client, page),
                "version": str(o["version"]),
                "kind": o["kind"],
                "title": o["title"],
                "description": o["description"],
                "level": o["level"],
                "capacity": str(o["capacity"]),
                "language": o["language"],
                "recurrence": o["recurrence"],
                "themes": o["themes"],
                "municipalities": o["municipalities"],
                "available_from": o["available_from"],
                "available_until": o["available_until"],
                "intake_deadline": o["intake_deadline"],
                "contact_name": "",
                "contact_email": "",
                "period_id": period.json()["id"],
            },
            follow_redirects=False,
        )
        assert sent.status_code == 303, sent.text
        row = fresh_row(session, Offer, o["id"])
        assert (row.available_from, row.available_until) == (
            date(2027, 4, 19),
            date(2027, 6, 30),
        )
        # Not the deadline of the block it left: from 21 January the offer would
        # be refused as "aanmelding gesloten op 20 januari" for a block that
        # takes questions until 15 March.
        assert row.intake_deadline == date(2027, 3, 15)

    def test_a_patch_with_a_period_and_empty_dates_keeps_the_periods_window(
        self, client, auth, provider
    ):
        o = offer(client, auth(provider))
        period = client.post("/api/periods", json=BLOK_4, headers=auth(provider))
        assert period.status_code == 201, period.text
        # The same body that POST /api/offers accepts (tests/app/test_academic_year).
        body = {
            "period_id": period.json()["id"],
            "available_from": None,
            "available_until": None,
        }
        saved = client.patch(
            f"/api/offers/{o['id']}", json=body, headers=auth(provider)
        )
        assert saved.status_code == 200, saved.text
        assert (saved.json()["available_from"], saved.json()["available_until"]) == (
            "2027-04-19",
            "2027-06-30",
        )


class TestLeapDay:
    def test_the_edition_on_a_day_does_not_depend_on_the_job_having_run(
        self, client, session, auth, provider, settings
    ):
        # A February block ending on 29 February 2028, every year.
        o = offer(
            client,
            auth(provider),
            **{
                **YEARLY_2026,
                "available_from": "2028-02-01",
                "available_until": "2028-02-29",
                "intake_deadline": "2028-01-15",
            },
        )
        never_rolled = Offer(
            recurrence="yearly",
            edition=0,
            available_from=date(2028, 2, 1),
            available_until=date(2028, 2, 29),
            intake_deadline=date(2028, 1, 15),
            places_taken=0,
            capacity=2,
        )
        for year in (2028, 2029, 2030, 2031):  # the nightly job, once a year
            assert (
                roll_over_editions(job_context(session, settings, date(year, 3, 1)))
                == 1
            )
        rolled = fresh_row(session, Offer, o["id"])
        assert rolled.edition == 4  # the 2032 edition
        for day in (date(2032, 2, 28), date(2032, 2, 29), date(2032, 3, 1)):
            assert current_edition(rolled, day) == current_edition(never_rolled, day), (
                day
            )


class TestEditReadBeforeTheRollOver:
    def test_an_edit_read_on_the_last_day_does_not_free_the_new_editions_place(
        self, app, client, session, auth, staff, broker, provider
    ):
        from app.deps import get_today

        today = [date(2027, 1, 31)]  # the last day of the 2026-2027 edition
        app.dependency_overrides[get_today] = lambda: today[0]
        o = offer(client, auth(provider), **YEARLY_RUNNING)
        read = client.get(f"/api/offers/{o['id']}", headers=auth(provider)).json()
        assert (read["edition"], read["available_until"]) == (0, "2027-01-31")

        today[0] = date(2027, 2, 1)  # the broker fills the 2027-2028 place
        q = open_question(
            client,
            auth(staff),
            auth(broker),
            wanted_from="2027-09-01",
            wanted_until="2028-01-31",
        )
        m = propose(client, auth(broker), q["id"], o["id"])
        assert step(client, auth(broker), m["id"], "confirm").status_code == 200
        assert fresh_row(session, Offer, o["id"]).edition == 1

        # The provider saves what she read yesterday (the form sends every field).
        saved = client.patch(
            f"/api/offers/{o['id']}",
            json={
                "description": read["description"] + " Nieuw: ook in het Engels.",
                "available_from": read["available_from"],
                "available_until": read["available_until"],
                "version": read["version"],
            },
            headers=auth(provider),
        )
        # Refused, naming the field and the current edition's window.
        assert saved.status_code == 422, saved.text
        assert set(saved.json()["fields"]) == {"available_until"}
        assert "2028-01-31" in saved.json()["detail"]
        shown = client.get(f"/api/offers/{o['id']}", headers=auth(provider)).json()
        # The only 2027-2028 place is held by the match just confirmed.
        assert (shown["edition"], shown["remaining_capacity"]) == (1, 0)
        q2 = open_question(
            client,
            auth(staff),
            auth(broker),
            wanted_from="2027-09-01",
            wanted_until="2028-01-31",
            title="Tweede vraag over eenzaamheid onder ouderen",
        )
        second = client.post(
            "/api/matches",
            json={"question_id": q2["id"], "offer_id": o["id"]},
            headers=auth(broker),
        )
        if second.status_code == 201:
            confirm = step(client, auth(broker), second.json()["id"], "confirm")
            assert confirm.status_code == 409, "two matches on one place"


class TestArchivedSeries:
    def test_an_archived_yearly_offer_does_not_come_round_again(
        self, client, session, auth, broker, provider, settings
    ):
        """Archiving ends the series: the job leaves it, readers keep its last
        window, and next year's report counts no places for it."""
        o = offer(client, auth(provider), **YEARLY_2026)
        archived = client.patch(
            f"/api/offers/{o['id']}",
            json={"status": "archived"},
            headers=auth(provider),
        )
        assert archived.status_code == 200, archived.text
        # Archived in its 2027 edition (a PATCH edits the current edition).
        assert archived.json()["available_until"] == "2027-07-01"
        assert roll_over_editions(job_context(session, settings, date(2028, 8, 1))) == 0
        summary = client.get(
            "/api/reports/summary",
            params={"from": "2028-01-01", "until": "2028-12-31"},
            headers=auth(broker),
        ).json()
        assert summary["capacity_by_institution"] == []
        # Brought back, it runs again in its current edition, its places free.
        back = client.patch(
            f"/api/offers/{o['id']}", json={"status": "active"}, headers=auth(provider)
        )
        assert back.status_code == 200, back.text
        assert (back.json()["available_from"], back.json()["remaining_capacity"]) == (
            "2027-02-01",
            2,
        )
