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
