"""The admin edits an account on /beheer in Chromium: a refusal in Dutch first,
then the new name saved; axe-core audits each page.

The account is created here first, so no other browser test's account changes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import audit, flash, login

pytestmark = pytest.mark.browser

EMAIL = "te-hernoemen@leiden.example"


def test_admin_edits_an_account_name(page: Page):
    login(page, "admin@kennisbrug.example")
    page.goto("/beheer")
    page.locator("#f-email").fill(EMAIL)
    page.locator("#f-name").fill("Oude Naam")
    page.locator("#f-role").select_option(label="Beleidsmedewerker")
    page.locator("#f-municipality").select_option(label="Leiden")
    page.locator("#f-password").fill("een-lang-wachtwoord")
    page.get_by_role("button", name="Account aanmaken").click()
    assert "Het account voor Oude Naam" in flash(page)

    page.get_by_role("link", name=f"Bewerken ({EMAIL})").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Account bewerken: Oude Naam"
    )
    assert audit(page, "admin: account bewerken") == []  # no axe violation at all
    # A staff member without a municipality is refused, in Dutch, next to the field.
    page.locator("#f-municipality").select_option(label="Geen")
    page.locator("#f-name").fill("Nieuwe Naam")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page).to_have_title(re.compile(r"^Fout: "))
    expect(page.locator("#f-municipality-error")).to_contain_text("Kies een gemeente")
    expect(page.locator("#f-name")).to_have_value("Nieuwe Naam")  # nothing lost
    assert (
        audit(page, "admin: account bewerken met fout") == []
    )  # no axe violation at all

    page.locator("#f-municipality").select_option(label="Leiden")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    assert "De gegevens van Nieuwe Naam" in flash(page)
    row = page.locator("tr", has_text=EMAIL)
    expect(row).to_contain_text("Nieuwe Naam")
    expect(row).to_contain_text("Leiden")
    assert audit(page, "admin: accounts na bewerken") == []  # no axe violation at all
