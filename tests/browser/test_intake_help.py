"""The intake help in Chromium: "Controleer mijn vraag" on the demo world (issue 17)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import audit, login

pytestmark = pytest.mark.browser

STAFF = "gemeente@leiden.example"
DRAFT = (
    "In de Slaaghwijk wonen veel ouderen alleen. Het wijkcentrum ziet steeds "
    "dezelfde mensen; de meest eenzame ouderen komen niet. Wie missen we en welke "
    "aanpak helpt hen over de drempel?"
)


def test_intake_help_beside_the_form(page: Page):
    login(page, STAFF)
    page.goto("/vragen/nieuw")
    page.get_by_label("Korte titel van uw vraag").fill(
        "Eenzame ouderen in de Slaaghwijk"
    )
    page.get_by_label(re.compile(r"^Uw vraag")).fill(DRAFT)
    page.get_by_role("button", name="Controleer mijn vraag").click()
    help_ = page.get_by_role("complementary", name="Hulp bij uw vraag")
    expect(help_).to_be_visible()
    expect(help_).to_contain_text("Merenwijk")
    expect(help_).to_contain_text("Eerder gevraagd?")
    expect(help_).to_contain_text("Noem het besluit")
    # Nothing typed is lost.
    expect(page.get_by_label(re.compile(r"^Uw vraag"))).to_have_value(DRAFT)
    audit(page, "staff: intake met hulp")


BROKER = "makelaar@leiden.example"
# Not public: splitting it leaves the student portal, which other tests count, as it was.
SPLIT = "Wijkdashboard: welke data helpen wijkregisseurs echt?"


def test_broker_splits_a_question_and_sees_its_lineage(page: Page):
    login(page, BROKER)
    page.goto("/makelaar")
    page.get_by_role("link", name=SPLIT).first.click()
    expect(page.get_by_role("heading", name="Splitsen per niveau")).to_be_visible()
    audit(page, "broker: vraag met splitsen")
    page.get_by_label("hbo", exact=True).check()
    page.get_by_label("wo (universiteit)", exact=True).check()
    page.get_by_role("button", name="Splitsen in deelvragen").click()
    lineage = page.locator(
        "section", has=page.get_by_role("heading", name="Samenhang met andere vragen")
    )
    expect(lineage).to_contain_text(f"{SPLIT} (hbo)")
    expect(lineage).to_contain_text(f"{SPLIT} (wo)")
    audit(page, "broker: gesplitste vraag")
    page.goto("/rapportage")
    expect(page.get_by_role("heading", name=re.compile("Samenhang"))).to_be_visible()
    expect(
        page.get_by_role("table", name="Lijnen van vragen die bij elkaar horen")
    ).to_contain_text(SPLIT)
    audit(page, "broker: rapportage met samenhang")
