"""Reports as their readers see them: the city named as the city is called, and
figures on the network page in Dutch notation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.models import Municipality, Neighbourhood
from tests.app.portal_world import add_match, add_offer, add_question
from tests.app.web.conftest import limiter  # noqa: F401  (the page limiter)
from tests.app.web.support import login, text_of

pytestmark = pytest.mark.usefixtures("limiter")


@pytest.fixture
def den_haag(session) -> Municipality:
    """A city whose name is not its slug capitalised."""
    city = Municipality(slug="den-haag", name="Den Haag")
    session.add(city)
    session.flush()
    session.add(
        Neighbourhood(
            municipality_id=city.id, slug="centrum", name="Centrum", aliases=[]
        )
    )
    session.commit()
    return city


def test_report_page_names_the_city_by_its_name(client, make_user, den_haag):
    """A broker of Den Haag reads "Kerncijfers van Den Haag", not "Den-haag"."""
    login(client, make_user("broker", municipality=den_haag))
    page = text_of(client.get("/rapportage").text)
    assert "Kerncijfers van Den Haag" in page
    assert "Den-haag" not in page


def test_network_page_shows_median_days_with_a_decimal_comma(
    client, session, make_user, provider, staff, leiden
):
    """The summary page writes 4,5 dagen; the network page must not write 4.5."""
    o = add_offer(session, provider, title="Minor", institution_name="Hogeschool Leiden",
                  municipality=leiden)  # fmt: skip
    submitted = datetime(2026, 3, 2, 9, tzinfo=UTC)
    q = add_question(session, staff, title="Vraag", status="matched",
                     submitted_at=submitted)  # fmt: skip
    add_match(session, q, o, status="confirmed",
              confirmed_at=submitted + timedelta(days=4, hours=12))  # fmt: skip
    session.commit()
    login(client, make_user("network"))
    page = client.get("/rapportage/netwerk")
    assert page.status_code == 200
    leiden_row = re.search(r"<th scope=\"row\">Leiden</th>(.*?)</tr>", page.text, re.S)
    assert leiden_row
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", leiden_row.group(1))
    assert "4,5" in cells
    assert "4.5" not in cells


def test_dst_days_count_in_dutch_time(client, auth, broker, session, staff):
    """Checked, not a bug: the night of a DST switch falls on the Dutch day and
    month (00:30 on 29 March 2026 is 23:30 UTC the day before, with CET)."""
    add_question(session, staff, title="Nacht", status="open",
                 submitted_at=datetime(2026, 3, 28, 23, 30, tzinfo=UTC))  # fmt: skip
    add_question(session, staff, title="Herfst", status="open",
                 submitted_at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC))  # fmt: skip
    session.commit()

    def total(**params: str) -> int:
        s = client.get("/api/reports/summary", params=params, headers=auth(broker))
        assert s.status_code == 200, s.text
        return s.json()["questions_total"]

    assert total(until="2026-03-28") == 0
    assert total(**{"from": "2026-03-29", "until": "2026-03-29"}) == 1
    assert total(**{"from": "2026-11-01", "until": "2026-11-30"}) == 1
    months = client.get("/api/reports/summary", headers=auth(broker)).json()
    keys = [r["key"] for r in months["questions_by_month"] if r["count"]]
    assert keys == ["2026-03", "2026-11"]
