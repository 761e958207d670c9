"""Issue 15 in Chromium: the broker follows every stage from the board, sees a
student's interest, reviews an unticked allocation; the intake shows every error
in one round. axe-core audits each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import audit, flash, login, logout, screenshot

pytestmark = pytest.mark.browser

STAFF = "gemeente@leiden.example"
BROKER = "makelaar@leiden.example"
RUNNING = "Waarom voelen bewoners van de Slaaghwijk zich onveilig?"
MATCHED = "Toekomst van de Leidse hofjes: wonen, zorg en erfgoed"
WITH_INTEREST = "Ouderen in Leiden-Noord: van eenzaam naar meedoen"


def test_broker_reaches_every_stage_and_sees_interest(page: Page):
    login(page, BROKER)
    expect(page).to_have_url(re.compile(r"/makelaar$"))
    tabs = page.get_by_role("navigation", name="Stadia")
    for stage in (
        "Ingediend",
        "Open",
        "Gekoppeld",
        "In uitvoering",
        "Afgerond",
        "Niet gekoppeld",
    ):
        expect(
            tabs.get_by_role("link", name=re.compile(rf"^{stage} \(\d+\)$"))
        ).to_be_visible()
    audit(page, "broker: vragenbord (alle stadia)")
    tabs.get_by_role("link", name=re.compile(r"^Open")).click()
    expect(page.locator(".kb-wait").first).to_contain_text("onbeantwoord")
    screenshot(page, "makelaar-vragenbord-stadia", max_height=1400)

    tabs.get_by_role("link", name=re.compile(r"^In uitvoering")).click()
    expect(page.get_by_role("link", name=RUNNING)).to_be_visible()
    expect(page.get_by_role("link", name=MATCHED)).to_have_count(0)
    tabs.get_by_role("link", name=re.compile(r"^Gekoppeld")).click()
    expect(page.get_by_role("link", name=MATCHED)).to_be_visible()

    page.get_by_label("Zoeken in titel en beschrijving").fill("hofjes")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_role("link", name=MATCHED).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MATCHED)
    audit(page, "broker: gekoppelde vraag")

    page.goto("/makelaar?status=open")
    page.get_by_role("link", name=WITH_INTEREST).click()
    interests = page.locator("section", has=page.locator("#belangstelling"))
    expect(interests).to_contain_text("Sara Bakker")
    expect(interests).to_contain_text("Hogeschool Leiden")
    expect(interests).to_contain_text("Social Work")
    expect(interests).not_to_contain_text("Niet Bevestigd")
    audit(page, "broker: belangstelling")
    interests.get_by_role("button", name=re.compile("Sara Bakker")).click()
    assert "gemarkeerd als behandeld" in flash(page)
    expect(
        page.locator("section", has=page.locator("#belangstelling"))
    ).to_contain_text("Behandeld")

    page.goto("/makelaar/verdeling")
    boxes = page.locator('input[name="pair"]')
    expect(boxes.first).to_be_visible()
    for i in range(boxes.count()):
        expect(boxes.nth(i)).not_to_be_checked()
    audit(page, "broker: verdeling (niets aangevinkt)")
    screenshot(page, "makelaar-verdeling", max_height=1400)
    logout(page)


def test_intake_shows_every_error_in_one_round(page: Page):
    login(page, STAFF)
    page.goto("/vragen/nieuw")
    page.get_by_label(re.compile(r"^Uw vraag")).fill(
        "Hoe bereiken we eenzame ouderen in de wijk en wat helpt hen echt?"
    )
    page.get_by_label("Wijk of buurt").fill("Atlantis")
    page.get_by_label("Gewenst vanaf").fill("2027-06-30")
    page.get_by_label("Gewenst tot en met").fill("2027-02-01")
    # Let the server judge: the browser's own required-check would stop the post.
    page.locator("form.utrecht-form, main form").last.evaluate(
        "f => f.setAttribute('novalidate', '')"
    )
    page.get_by_role("button", name="Indienen bij de kennismakelaar").click()
    expect(page).to_have_title(re.compile(r"^Fout: "))
    expect(page.locator("#f-title-error")).to_contain_text("Vul dit veld in")
    expect(page.locator("#f-neighbourhood-error")).to_contain_text(
        "Onbekende wijk of buurt 'Atlantis'"
    )
    expect(page.locator("#f-wanted_until-error")).to_contain_text("vóór de begindatum")
    expect(page.get_by_label("Wijk of buurt")).to_have_value("Atlantis")
    for text in page.locator(
        ".utrecht-form-field-error-message, [id$='-error']"
    ).all_inner_texts():
        assert "allowed" not in text
        assert "unknown" not in text
    audit(page, "staff: intake met drie fouten")
    screenshot(page, "intake-fouten", max_height=1600)


def test_provider_sees_which_questions_hold_an_offer(page: Page):
    login(page, "docent@hsleiden.example")
    page.get_by_role("link", name="Leren met de Stad | Op Locatie Leiden-Noord").click()
    bookings = page.locator("section", has=page.locator("#boekingen"))
    row = bookings.locator("tr", has_text=WITH_INTEREST)
    expect(row).to_contain_text("Voorgesteld")
    expect(row.get_by_role("link", name="Voorstel beantwoorden")).to_be_visible()
    audit(page, "provider: boekingen van een aanbod")
    screenshot(page, "aanbieder-boekingen", max_height=1200)


def test_admin_creates_an_account_on_a_page(page: Page):
    login(page, "admin@kennisbrug.example")
    page.goto("/beheer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accounts")
    audit(page, "admin: accounts")
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page).to_have_title(re.compile(r"^Fout: "))
    expect(page.locator("#f-email-error")).to_be_visible()
    expect(page.locator("#f-name-error")).to_be_visible()
    audit(page, "admin: account met fouten")
    page.locator("#f-email").fill("nieuw@leiden.example")
    page.locator("#f-name").fill("Nieuwe Collega")
    page.locator("#f-role").select_option(label="Beleidsmedewerker")
    page.locator("#f-municipality").select_option(label="Leiden")
    page.locator("#f-password").fill("een-lang-wachtwoord")
    page.get_by_role("button", name="Account aanmaken").click()
    assert "Het account voor Nieuwe Collega" in flash(page)
    expect(page.locator("tr", has_text="nieuw@leiden.example")).to_contain_text(
        "Actief"
    )
    screenshot(page, "beheer-accounts", max_height=1400)
    logout(page)
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill("nieuw@leiden.example")
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def test_offer_form_shows_every_error_in_one_round(page: Page):
    """A failed submit writes nothing, so the demo counts other tests read stay."""
    login(page, "docent@hsleiden.example")
    page.goto("/aanbod/nieuw")
    description = page.locator("#f-description")
    # Untouched required fields do not look like errors on first display.
    expect(page.locator("[aria-invalid]")).to_have_count(0)
    look = "e => ['borderTopColor', 'backgroundColor'].map(p => getComputedStyle(e)[p])"
    assert description.evaluate(look) == page.locator("#f-title").evaluate(look)
    description.fill("Studenten onderzoeken samen met bewoners een vraag uit de wijk.")
    page.get_by_label(re.compile(r"^Capaciteit")).fill("0")
    page.get_by_label("Beschikbaar vanaf").fill("2027-06-30")
    page.get_by_label("Beschikbaar tot en met").fill("2027-02-01")
    page.get_by_role("button", name="Aanbod registreren").click()
    expect(page).to_have_title(re.compile(r"^Fout: "))
    expect(page.locator("#f-title-error")).to_have_text("Fout: Vul dit veld in.")
    expect(page.locator("#f-capacity-error")).to_have_text(
        "Fout: Vul een aantal van minstens 1 in."
    )
    expect(page.locator("#f-available_until-error")).to_have_text(
        "Fout: De einddatum ligt vóór de begindatum."
    )
    summary = page.get_by_role("alert").filter(has_text="Controleer uw invoer")
    expect(summary.locator("li")).to_have_count(3)
    expect(page.get_by_label("Beschikbaar vanaf")).to_have_value("2027-06-30")
    expect(description).to_have_value(re.compile("^Studenten onderzoeken"))
    for text in page.locator("[id$='-error']").all_inner_texts():
        assert "allowed" not in text
        assert "must" not in text
    assert audit(page, "provider: aanbod met drie fouten") == []
