"""Each user's main path in Chromium against a live server with the demo world.

Staff submit a question through the intake form, a provider registers an offer with
one place, the broker opens the question, finds the offer among the candidates,
confirms it (the place is taken) and a second confirm on the now full offer is
refused. axe-core audits every page on the way.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import audit, flash, login, logout, screenshot

pytestmark = pytest.mark.browser

STAFF = "gemeente@leiden.example"
PROVIDER = "docent@hsleiden.example"
BROKER = "makelaar@leiden.example"

QUESTION_A = "Zwerfafval in de Singelparken verminderen met nudging"
QUESTION_B = "Zwerfafval bij schoolpleinen en Singelparken aanpakken"
OFFER = "Minor Gedragsverandering: zwerfafval en nudging in de openbare ruimte"
TOPIC = (
    "Rond de Singelparken ligt veel zwerfafval: blikjes, verpakkingen en sigaretten"
    "peuken. Welke nudging werkt om bezoekers hun afval in afvalbakken te laten gooien,"
    " en waar moeten extra afvalbakken komen?"
)


def submit_question(
    page: Page, title: str, *, screenshot_name: str | None = None
) -> None:
    page.goto("/vragen/nieuw")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe vraag")
    expect(page.get_by_text("geen persoonsgegevens van inwoners")).to_be_visible()
    page.get_by_label("Korte titel van uw vraag").fill(title)
    page.get_by_label(re.compile(r"^Uw vraag")).fill(TOPIC)
    page.get_by_label("Aanleiding en wat u al weet").fill(
        "Bewoners klagen; de reiniging ruimt elke week meer op."
    )
    page.get_by_label("Welk besluit hangt ervan af?").fill(
        "Of we de proef met slimme afvalbakken uitbreiden."
    )
    page.get_by_label("Advies", exact=True).check()
    page.get_by_label("Gewenst vanaf").fill("2027-02-01")
    page.get_by_label("Gewenst tot en met").fill("2027-06-30")
    page.get_by_label("Wijk of buurt").fill("Pancras-West")  # a buurt, not a district
    page.get_by_label("hbo", exact=True).check()
    page.get_by_label("wo (universiteit)").check()
    page.get_by_label(re.compile(r"^Duurzaamheid, klimaat")).check()
    page.get_by_label("Studenten mogen deze vraag zien").check()
    if screenshot_name:
        screenshot(page, screenshot_name)
    page.get_by_role("button", name="Indienen bij de kennismakelaar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert "ingediend bij de kennismakelaar" in flash(page)


def test_staff_provider_broker_main_paths(page: Page, context: BrowserContext):
    # --- Staff: the intake, first with a mistake, then submitted -----------------
    login(page, STAFF)
    expect(page).to_have_url(re.compile(r"/vragen$"))
    audit(page, "staff: vragen")
    page.goto("/vragen/nieuw")
    audit(page, "staff: intake (leeg)")
    page.get_by_label("Korte titel van uw vraag").fill("Ab")
    page.get_by_label(re.compile(r"^Uw vraag")).fill("Wat typ ik hier?")
    page.get_by_role("button", name="Opslaan als concept").click()
    title_field = page.get_by_label("Korte titel van uw vraag")
    expect(title_field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-title-error")).to_contain_text("minstens 3 tekens")
    expect(page.get_by_label(re.compile(r"^Uw vraag"))).to_have_value(
        "Wat typ ik hier?"
    )
    audit(page, "staff: intake met fouten")

    submit_question(page, QUESTION_A, screenshot_name="intake-formulier")
    expect(page.get_by_text("Merenwijk")).to_have_count(0)
    expect(page.locator("dd", has_text="Binnenstad-Noord")).to_be_visible()
    audit(page, "staff: vraag na indienen")
    submit_question(page, QUESTION_B)
    expect(page.get_by_role("heading", name="Lijkt op eerdere vragen")).to_be_visible()
    expect(page.locator(".kb-similar")).to_contain_text(QUESTION_A)
    # ...and, still submitted, the question can be sharpened.
    page.get_by_role("link", name="Vraag wijzigen").click()
    expect(page.get_by_label("Korte titel van uw vraag")).to_have_value(QUESTION_B)
    audit(page, "staff: vraag wijzigen")
    page.get_by_label("Aanleiding en wat u al weet").fill("Uit de wijkschouw van mei.")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    assert "De wijzigingen zijn opgeslagen" in flash(page)
    expect(page.locator("dd", has_text="Uit de wijkschouw van mei.")).to_be_visible()
    logout(page)

    # --- Provider: an offer with one place ---------------------------------------
    login(page, PROVIDER)
    expect(page).to_have_url(re.compile(r"/aanbod$"))
    audit(page, "provider: aanbod")
    page.get_by_role("link", name="Nieuw aanbod registreren").click()
    audit(page, "provider: nieuw aanbod")
    page.get_by_label("Cursus of minor").check()
    page.get_by_label("Titel").fill(OFFER)
    page.get_by_label("Beschrijving").fill(
        "Hbo-studenten onderzoeken zwerfafval in parken en op pleinen: gedrag van "
        "bezoekers, nudging, plaatsing van afvalbakken en het effect van campagnes."
    )
    page.get_by_label("Capaciteit").fill("1")
    page.get_by_label("Beschikbaar vanaf").fill("2027-02-01")
    page.get_by_label("Beschikbaar tot en met").fill("2027-07-02")
    page.get_by_label(re.compile(r"^Duurzaamheid, klimaat")).check()
    page.get_by_role("button", name="Aanbod registreren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(OFFER)
    expect(page.locator(".kb-meta")).to_contain_text("1 van 1 vrij")
    audit(page, "provider: aanbod bewerken")
    logout(page)

    # --- Broker: board, candidates, confirm, capacity, refusal -------------------
    login(page, BROKER)
    expect(page).to_have_url(re.compile(r"/makelaar$"))
    expect(page.get_by_role("link", name=QUESTION_A)).to_be_visible()
    audit(page, "broker: vragenbord")
    screenshot(page, "makelaar-vragenbord")

    other = context.new_page()  # a second tab on question B, loaded before the confirm
    for tab, title in ((other, QUESTION_B), (page, QUESTION_A)):
        tab.goto("/makelaar")
        tab.get_by_role("link", name=title).click()
        tab.get_by_role("button", name="Vraag openen voor koppelingen").click()
        assert "status 'Open'" in flash(tab)

    candidate = page.locator("li.kb-candidate", has_text=OFFER).first
    expect(candidate).to_be_visible()
    expect(candidate.locator(".kb-places")).to_have_text("1 plaats vrij")
    expect(candidate.locator(".kb-candidate__explanation")).not_to_be_empty()
    audit(page, "broker: kandidaten")
    screenshot(page, "makelaar-kandidaten", max_height=1800)

    candidate.get_by_role("button", name="Bevestigen").click()
    assert "De koppeling is bevestigd" in flash(page)
    confirmed = page.locator("#koppelingen ~ ul li.kb-candidate", has_text=OFFER)
    expect(confirmed).to_contain_text("Bevestigd")
    expect(confirmed).to_contain_text("0 van 1 plaatsen vrij")
    audit(page, "broker: na bevestigen")

    # The stale tab still offers the button; the server refuses: the offer is full.
    stale = other.locator("li.kb-candidate", has_text=OFFER).first
    expect(stale.locator(".kb-places")).to_have_text("1 plaats vrij")
    stale.get_by_role("button", name="Bevestigen").click()
    refusal = other.locator("main > .utrecht-alert--error")
    expect(refusal).to_contain_text("capaciteit vol")
    expect(refusal).to_have_attribute("role", "alert")
    near_miss = other.locator("table tr", has_text=OFFER)
    expect(near_miss).to_contain_text("capaciteit vol")
    audit(other, "broker: geweigerd (vol)")
    other.close()


def test_other_pages_are_accessible(page: Page):
    page.goto("/")
    expect(page.get_by_role("link", name="Studentenportaal").first).to_be_visible()
    audit(page, "start (uitgelogd)")
    page.goto("/bestaat-niet")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    audit(page, "404")
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(STAFF)
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator("#f-password-error")).to_contain_text("klopt niet")
    audit(page, "inloggen met fout")

    login(page, STAFF)
    page.goto("/makelaar")
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang")
    audit(page, "403")
    page.goto("/")
    audit(page, "start (ingelogd)")
    logout(page)

    login(page, PROVIDER)
    page.goto("/aanbod/import")
    audit(page, "provider: import")
    page.get_by_label("CSV-bestand").set_input_files(
        files=[
            {
                "name": "aanbod.csv",
                "mimeType": "text/csv",
                "buffer": b"kind;title;description;capacity\ncourse;Goed;Tekst;2\n"
                b"course;Fout;Tekst;veel\n",
            }
        ]
    )
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_role("alert")).to_contain_text("Er is niets geïmporteerd")
    expect(page.locator("table", has_text="Fouten per rij")).to_contain_text("3")
    audit(page, "provider: import met fouten")
    logout(page)

    login(page, BROKER)
    page.goto("/makelaar/verdeling")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verdeling")
    audit(page, "broker: verdeling")
    page.goto("/aanbod")
    audit(page, "broker: aanbod")
    page.get_by_role("link", name="Vragenbord").click()
    page.locator("tbody a").first.click()
    audit(page, "broker: vraag uit de demo")
