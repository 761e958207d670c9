"""The broker's report page /rapportage: charts with tables, the period filter and
the CSV downloads."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest

from tests.app.portal_world import add_question
from tests.app.web.support import login

# The production limits in memory, counted from zero, whatever the environment sets.
pytestmark = pytest.mark.usefixtures("limiter")


class TestReportPage:
    def test_broker_sees_charts_with_tables_and_downloads(
        self, client, url, broker, session, staff
    ):
        add_question(session, staff, title="Café-vraag", status="open",
                     themes=["erfgoed-cultuur"])  # fmt: skip
        session.commit()
        login(client, broker)
        page = client.get(url("report_page"), params={"from": "", "until": ""})
        assert page.status_code == 200
        assert page.text.count('role="img"') == 9
        assert page.text.count("<table") == 10  # nine charts and the lineage lines
        assert "Cultureel erfgoed en collecties" in page.text
        svg = re.search(r"<svg .*?</svg>", page.text, re.S).group(0)
        ET.fromstring(svg)
        assert url("report_summary_csv") in page.text
        download = client.get(url("report_matches_csv"))
        assert download.status_code == 200
        assert download.content.startswith(b"\xef\xbb\xbf")
        rows = list(
            csv.reader(
                io.StringIO(
                    client.get(url("report_summary_csv")).content.decode("utf-8-sig")
                ),
                delimiter=";",
            )
        )
        assert rows[0] == ["Sectie", "Sleutel", "Omschrijving", "Waarde"]

    def test_bad_period_is_a_message(self, client, url, broker):
        login(client, broker)
        page = client.get(
            url("report_page"), params={"from": "2026-05-01", "until": "2026-01-01"}
        )
        assert page.status_code == 200
        assert "De einddatum ligt vóór de begindatum" in page.text

    def test_only_brokers(self, client, url, staff):
        anonymous = client.get(url("report_page"), follow_redirects=False)
        assert anonymous.status_code == 303
        assert anonymous.headers["location"].startswith("/inloggen")
        assert (
            client.get(url("report_summary_csv"), follow_redirects=False).status_code
            == 303
        )
        login(client, staff)
        assert client.get(url("report_page")).status_code == 403
        assert client.get(url("report_matches_csv")).status_code == 403
