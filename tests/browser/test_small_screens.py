"""The portal and the work pages on a 375 px phone, and the pages axe had not seen.

On a phone nothing may scroll sideways at page level: a wide table scrolls inside its
own named, focusable box instead, and the broker's board shows each question as a
card. Each page state is measured at 375 px
(`document.documentElement.scrollWidth`) and audited by axe-core with no violation
at all, not just no serious one. The admin's city list and the programme office's
network report (its own demo login) are audited too. Only pages are read here, no
form is sent: the other browser tests count the same seeded data.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import audit, login

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
BROKER = "makelaar@leiden.example"
PROVIDER = "docent@hsleiden.example"
ADMIN = "admin@kennisbrug.example"
NETWORK = "netwerk@kennisbrug.example"

# What sticks out past the right edge: boxes outside any box that scrolls them,
# absolutely positioned ones (they escape a scroll box that is not their containing
# block), and text wider than its own box. Named in the failure message, so a
# regression says where to look.
_OVERFLOWING = """(width) => {
  const scrolled = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(p).overflowX))
        return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className
      ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const found = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const escapes = style.position === "absolute" || style.position === "fixed";
    if (box.right > width + 0.5 && (escapes || !scrolled(el))) {
      found.push(name(el) + " right=" + Math.round(box.right));
    } else if (style.overflowX === "visible" && !scrolled(el)
               && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      found.push(name(el) + " content=" + el.scrollWidth + ">" + el.clientWidth);
    }
  }
  return found.slice(-10);
}"""


def fits_and_passes(page: Page, label: str) -> None:
    """The page is no wider than the phone and axe finds nothing at all."""
    width = PHONE["width"]
    scroll_width: int = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, (
        f"{label} is {scroll_width} px wide on a {width} px screen: "
        f"{page.evaluate(_OVERFLOWING, width)}"
    )
    assert audit(page, f"{label} (375 px)") == []


def assert_tables_scroll_in_named_regions(page: Page) -> None:
    """Every table sits in a box a keyboard can reach and a screen reader names."""
    tables = page.locator("main table")
    for i in range(tables.count()):
        box = tables.nth(i).locator("xpath=..")
        expect(box).to_have_class(re.compile(r"\bkb-table-wrap\b"))
        expect(box).to_have_attribute("role", "region")
        expect(box).to_have_attribute("tabindex", "0")
        expect(box).to_have_attribute("aria-label", re.compile(r"\w"))


def test_portal_fits_a_phone(page: Page):
    page.set_viewport_size(PHONE)
    page.goto("/portaal")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    fits_and_passes(page, "student: portaal")
    page.locator(".kb-assignment__title a").first.click()
    expect(page).to_have_url(re.compile(r"/portaal/[0-9a-f-]{36}"))
    # The detail page carries the interest form.
    expect(page.get_by_role("button", name="Verstuur")).to_be_visible()
    fits_and_passes(page, "student: opdracht met interesseformulier")
    page.goto("/resultaten")
    fits_and_passes(page, "student: resultaten")


def test_broker_pages_fit_a_phone(page: Page):
    page.set_viewport_size(PHONE)
    login(page, BROKER)
    page.goto("/makelaar")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vragenbord")
    # On a phone each question is a card: nothing scrolls, each value is named by
    # its column, and the table keeps its header row for screen readers.
    board = page.get_by_role("region", name="Vragenbord")
    assert board.evaluate("el => el.scrollWidth <= el.clientWidth")
    first = board.get_by_role("row").nth(1)
    wait = first.get_by_role("cell").nth(2)
    assert wait.evaluate("td => getComputedStyle(td, '::before').content") == (
        '"Wacht op"'
    )
    expect(board.get_by_role("columnheader", name="Wacht op")).to_have_count(1)
    assert_tables_scroll_in_named_regions(page)
    fits_and_passes(page, "broker: vragenbord")

    page.goto("/makelaar?status=open")
    page.locator("main table a[href^='/makelaar/vragen/']").first.click()
    expect(page.locator(".kb-candidate").first).to_be_visible()
    assert_tables_scroll_in_named_regions(page)
    fits_and_passes(page, "broker: vraag met kandidaten")

    page.goto("/makelaar/verdeling")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_tables_scroll_in_named_regions(page)
    fits_and_passes(page, "broker: verdeling")

    for path in ("/rapportage", "/rapportage/capaciteit"):
        page.goto(path)
        expect(page.locator("main table").first).to_be_visible()
        assert_tables_scroll_in_named_regions(page)
        fits_and_passes(page, f"broker: {path}")


def test_provider_pages_fit_a_phone(page: Page):
    page.set_viewport_size(PHONE)
    login(page, PROVIDER)
    page.goto("/aanbod")
    expect(page.get_by_role("region", name="Aanbod")).to_be_visible()
    assert_tables_scroll_in_named_regions(page)
    fits_and_passes(page, "provider: aanbod")
    page.get_by_role("link", name="Leren met de Stad | Op Locatie Leiden-Noord").click()
    expect(page.get_by_role("region", name="Vragen bij dit aanbod")).to_be_visible()
    assert_tables_scroll_in_named_regions(page)
    fits_and_passes(page, "provider: aanbod met boekingen")


def test_admin_sees_the_cities_page_without_violations(page: Page):
    login(page, ADMIN)
    page.goto("/beheer/gemeenten")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Gemeenten in het netwerk"
    )
    expect(page.get_by_role("button", name="Gemeente toevoegen")).to_be_visible()
    assert audit(page, "admin: gemeenten") == []
    page.set_viewport_size(PHONE)
    fits_and_passes(page, "admin: gemeenten")


def test_programme_office_logs_in_and_reads_the_network_report(page: Page):
    login(page, NETWORK)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Landelijk netwerk"
    ).click()
    expect(page).to_have_url(re.compile(r"/rapportage/netwerk$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Landelijk netwerk")
    expect(
        page.get_by_role("region", name="Vragen en koppelingen per stad")
    ).to_contain_text("Leiden")
    assert audit(page, "netwerk: landelijk netwerk") == []
    # The programme office reads the network figures, not a city's work.
    assert page.goto("/makelaar").status == 403
    page.goto("/rapportage/netwerk")
    page.set_viewport_size(PHONE)
    assert_tables_scroll_in_named_regions(page)
    fits_and_passes(page, "netwerk: landelijk netwerk")
