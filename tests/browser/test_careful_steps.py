"""Issue 15 in Chromium: steps with no way back ask first and need a reason, and a
candidate card gives the broker what to act on. Every submit here is refused, so
nothing is written and the demo counts other tests read stay."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import audit, flash, login

pytestmark = pytest.mark.browser

BROKER = "makelaar@leiden.example"
OPEN_CITY_WIDE = "How can internationals feel at home in Leiden's neighbourhoods?"
OPEN = "Tegels eruit, groen erin: hoe krijgen we tuineigenaren mee?"
RUNNING = "Hoe houden we startende leerkrachten vast in het Leidse basisonderwijs?"
COMPLETED = "Wat kan het Pesthuis worden als ontmoetingsplek tussen campus en stad?"


def _open_question(page: Page, status: str, title: str) -> None:
    page.goto(f"/makelaar?status={status}")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def _submit_without_reason(page: Page, step: str) -> None:
    """Open the step, see the warning, and post it with the reason left empty."""
    page.locator("summary", has_text=step).first.click()
    form = page.locator("details[open] form").first
    expect(form).to_contain_text("Dit is niet terug te draaien.")
    reason = form.get_by_label(re.compile("^Reden"))
    expect(reason).to_have_attribute("required", "")
    expect(form.get_by_role("link", name="Nee, terug")).to_be_visible()
    # Let the server judge: the browser's own required-check would stop the post.
    form.evaluate("f => f.setAttribute('novalidate', '')")
    form.get_by_role("button", name=re.compile("^Ja, ")).click()
    expect(page).to_have_title(re.compile(r"^Fout: "))


def test_irreversible_steps_ask_for_a_reason_first(page: Page):
    login(page, BROKER)
    _open_question(page, "open", OPEN)
    for step in ("Intrekken", "Markeren als niet te koppelen"):
        _submit_without_reason(page, step)
        assert "Geef een reden" in flash(page)
        expect(page.locator("main")).to_contain_text("Status: Open")
    audit(page, "broker: intrekken zonder reden")

    _open_question(page, "in_progress", RUNNING)
    _submit_without_reason(page, "Koppeling annuleren")
    assert "annuleren is niet terug te draaien" in flash(page)
    expect(page.locator("main")).to_contain_text("Status: In uitvoering")
    audit(page, "broker: annuleren zonder reden")


def test_candidate_cards_give_what_the_broker_acts_on(page: Page):
    login(page, BROKER)
    _open_question(page, "open", OPEN_CITY_WIDE)
    card = page.locator("li.kb-candidate").first
    expect(card.locator(".kb-candidate__description")).not_to_be_empty()
    expect(card.locator(".kb-candidate__contact")).to_contain_text("Contact bij")
    expect(
        card.get_by_role("link", name=re.compile("^Aanbod bekijken"))
    ).to_have_attribute("href", re.compile(r"^/aanbod/"))
    # A city-wide question: the place is named, not scored as a 0% penalty.
    place = card.get_by_role("list", name="Onderdelen van de score").locator(
        "li", has_text="Wijk"
    )
    expect(place).to_contain_text("hele stad")
    expect(place).not_to_contain_text("%")
    expect(card.get_by_role("button", name="Bevestigen")).to_be_visible()
    audit(page, "broker: kandidaatkaart")

    _open_question(page, "completed", COMPLETED)
    expect(page.locator("main")).to_contain_text("Status: Afgerond")
    expect(page.get_by_role("button", name="Bevestigen")).to_have_count(0)
    expect(page.get_by_role("button", name="Afwijzen")).to_have_count(0)
    expect(page.locator("li.kb-candidate").first).to_contain_text(
        "Bevestigen kan pas als de vraag open is."
    )
