"""Edge inputs the fuzz tests do not reach: far dates on report pages, over-long
texts, a CSV row wider than its header, nulls in required fields, a period's
intake deadline, and error texts free of Python reprs. Each is a 4xx naming the
field (a Dutch page on the site), never a 500, never stored or dropped silently.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.app.helpers import OFFER, QUESTION, offer, open_question, propose, step
from tests.app.web.support import csrf, login


def _page_client(app) -> TestClient:
    """A client that shows a server error as the 500 page instead of raising it."""
    return TestClient(app, raise_server_exceptions=False)


# --- report pages: a date outside what the API allows ------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/rapportage?from=0001-01-01",
        "/rapportage?until=9999-12-31",
        "/rapportage/kpi.csv?from=0001-01-01",
        "/rapportage/koppelingen.csv?until=9999-12-31",
        "/rapportage/capaciteit?from=9999-12-31",
    ],
)
def test_report_pages_answer_a_far_date_without_a_server_error(app, broker, path):
    """The pages read dates leniently but within the API's 1900-2999: 0001-01-01
    and 9999-12-31 would overflow a day's midnight in Amsterdam."""
    c = _page_client(app)
    login(c, broker)
    response = c.get(path)
    assert response.status_code < 500, response.status_code


# --- staff: withdrawing with a very long reason ------------------------------------


def test_staff_withdraw_with_a_too_long_reason_is_a_message_not_a_500(
    app, client, staff, auth
):
    """The reason is validated inside `attempt`: over 2,000 characters is a
    message."""
    draft = client.post("/api/questions", json=QUESTION, headers=auth(staff)).json()
    c = _page_client(app)
    login(c, staff)
    page = f"/vragen/{draft['id']}"
    response = c.post(
        f"{page}/status",
        data={"csrf_token": csrf(c, page), "to": "withdrawn", "note": "x" * 2_001},
        follow_redirects=False,
    )
    assert response.status_code < 500, response.status_code


# --- offers: clearing a required field ---------------------------------------------


def test_patch_offer_recurrence_null_is_422_naming_the_field(client, provider, auth):
    """Like kind, level and language: null is refused by name, not as a 409 from
    the NOT NULL column ("conflicts with data saved at the same moment")."""
    created = offer(client, auth(provider))
    response = client.patch(
        f"/api/offers/{created['id']}",
        json={"recurrence": None},
        headers=auth(provider),
    )
    assert response.status_code == 422, response.text
    assert "recurrence" in response.json()["fields"]


# --- CSV import: cells beyond the header -------------------------------------------


def test_import_refuses_a_row_with_more_cells_than_the_header(client, provider, auth):
    """An unquoted comma in a comma-separated file splits the description: the
    cells past the last column would be dropped and a truncated offer created."""
    csv = (
        "kind,title,capacity,description\n"
        "course,Minor Data Science,2,Studenten analyseren data, maken een dashboard "
        "en presenteren aan de wethouder\n"
    )
    response = client.post(
        "/api/offers/import",
        files={"file": ("aanbod.csv", csv.encode(), "text/csv")},
        headers=auth(provider),
    )
    assert response.status_code == 422, response.json()["offers"][0]["description"]
    assert any(key.startswith("row 2") for key in response.json()["fields"])


# --- periods: an intake deadline after the period starts ---------------------------------


def test_a_period_s_intake_deadline_after_its_start_is_refused(client, provider, auth):
    """Every offer that picks the period would otherwise be refused with
    'intake_deadline is after available_from', a field its provider never typed."""
    period = {
        "name": "blok 3",
        "kind": "semester",
        "starts_on": "2027-02-01",
        "ends_on": "2027-06-30",
        "intake_deadline": "2028-01-01",
    }
    response = client.post("/api/periods", json=period, headers=auth(provider))
    assert response.status_code == 422, response.text
    assert "intake_deadline" in response.json()["fields"]


# --- error texts: Python enum reprs ------------------------------------------------


def test_unknown_offer_status_message_names_the_values_not_python_reprs(
    client, provider, auth
):
    response = client.post(
        "/api/offers", json={**OFFER, "status": "archived"}, headers=auth(provider)
    )
    assert response.status_code == 422
    assert "<OfferStatus" not in response.json()["fields"]["status"]


# --- completion: a result link longer than its column -------------------------------


def test_result_url_longer_than_its_column_is_422(
    client, staff, broker, provider, auth
):
    """The column is VARCHAR(500): PostgreSQL would refuse a longer link with a
    500 (SQLite stores it)."""
    q = open_question(client, auth(staff), auth(broker))
    o = offer(client, auth(provider))
    m = propose(client, auth(broker), q["id"], o["id"])
    assert step(client, auth(broker), m["id"], "confirm").status_code == 200
    assert step(client, auth(broker), m["id"], "start").status_code == 200
    c = TestClient(client.app, raise_server_exceptions=False)
    response = c.post(
        f"/api/matches/{m['id']}/complete",
        json={
            "outcome_summary": "Het advies is opgeleverd en besproken.",
            "result_url": "https://gemeente.example/rapport/" + "a" * 600,
        },
        headers=auth(broker),
    )
    assert response.status_code == 422, (response.status_code, response.text[:200])
    assert "result_url" in response.json()["fields"]


def test_completion_page_refuses_a_too_long_result_link_on_its_field(
    app, client, staff, broker, provider, auth
):
    """The broker's completion form shows the same refusal at the link field."""
    q = open_question(client, auth(staff), auth(broker))
    o = offer(client, auth(provider))
    m = propose(client, auth(broker), q["id"], o["id"])
    assert step(client, auth(broker), m["id"], "confirm").status_code == 200
    assert step(client, auth(broker), m["id"], "start").status_code == 200
    c = _page_client(app)
    login(c, broker)
    page = f"/makelaar/vragen/{q['id']}"
    response = c.post(
        f"/makelaar/koppelingen/{m['id']}/afronden",
        data={
            "csrf_token": csrf(c, page),
            "outcome_summary": "Het advies is opgeleverd en besproken.",
            "result_url": "https://gemeente.example/rapport/" + "a" * 600,
        },
        follow_redirects=False,
    )
    assert response.status_code == 422, response.status_code
    assert 'id="f-result_url-error"' in response.text


def test_match_step_conflict_names_statuses_not_python_reprs(
    client, staff, broker, provider, auth
):
    q = open_question(client, auth(staff), auth(broker))
    o = offer(client, auth(provider))
    m = propose(client, auth(broker), q["id"], o["id"])
    assert step(client, auth(broker), m["id"], "confirm").status_code == 200
    again = step(client, auth(broker), m["id"], "confirm")
    assert again.status_code == 409
    assert "<MatchStatus" not in again.json()["detail"], again.json()["detail"]
