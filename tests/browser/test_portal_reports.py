"""The student portal, the results showcase and the broker's report in Chromium.

An anonymous student filters and searches the public assignments (accents ignored),
reads them in English, and signs up for one: first with a bad e-mail address (the
Dutch message sits next to the field and nothing typed is lost), then correctly. No
name or e-mail address of the city's or the institutions' people appears on the way.
The broker opens the report: every chart is an SVG image with a name and a table,
the period filter narrows the figures and the CSV links answer with CSV. axe-core
audits every page state; the CSP stays enforced (the `page` fixture fails on a
violation in the console, and a `securitypolicyviolation` listener double-checks).
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from seeds.loader import read_data
from tests.browser.support import audit, flash, login, screenshot

pytestmark = pytest.mark.browser

BROKER = "makelaar@leiden.example"
STAFF = "gemeente@leiden.example"

SOCIAL = "Armoede, participatie en inclusie"  # theme sociaal-domein, in Dutch
SOCIAL_EN = "Poverty, participation and inclusion"
# Public demo assignments for mbo (or any level) in that theme.
SOCIAL_MBO = (
    "Laaggeletterdheid herkennen aan het loket en bij werkzoekenden",
    "Meedenken over de Mors: hoe bereiken we bewoners die nooit naar een "
    "inspraakavond komen?",
    "Ouderen in Leiden-Noord: van eenzaam naar meedoen",
    "Taalmaatjes voor statushouders: opzet samen met studenten",
)
# Its description says "repaircafés"; the student types it without the accent.
HUB = "Businesscase voor een circulaire reparatie- en hergebruikhub"
HUB_OWNER = ("Tom Lagerwerf", "economie@leiden.example")
COMPLETED = "Werken rookvrije zones bij sportparken en schoolpleinen echt?"

# Every chart the report draws (app.reports.figures), in page order.
CHARTS = (
    "Vragen per status",
    "Vragen per thema",
    "Vragen per wijk",
    "Ingediende vragen per maand",
    "Koppelingen per instelling",
    "Koppelingen per niveau",
    "Koppelingen per soort aanbod",
    "Capaciteit per instelling: aangeboden en gebruikt",
    "Capaciteit per semester: aangeboden en gebruikt",
)

QUESTIONS_KPI = ".kb-kpi:has(> dt:text-is('Vragen')) > dd"

# Registered in every document before its own scripts; init scripts run through
# the DevTools protocol, so the page's CSP does not block the listener itself.
_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@cache
def staff_identities() -> tuple[str, ...]:
    """Names and e-mail addresses of every demo account and question contact."""
    demo = read_data("demo.json")
    found = {u["name"] for u in demo["users"]} | {u["email"] for u in demo["users"]}
    for q in demo["questions"]:
        found |= {q.get("contact_name") or "", q.get("contact_email") or ""}
        found.add(q["owner"])
    return tuple(sorted(x for x in found if x))


def assert_no_staff_data(page: Page, label: str) -> None:
    """Neither the visible text nor the HTML names a person of the city."""
    text, html = page.locator("body").inner_text(), page.content()
    leaked = [x for x in staff_identities() if x in text or x in html]
    assert not leaked, f"{label}: personal data of staff on a public page: {leaked}"


def assert_no_csp_violations(page: Page, label: str) -> None:
    violations = page.evaluate("window.__cspViolations")
    assert violations is not None, f"{label}: the CSP listener is not installed"
    assert not violations, f"{label}: CSP violations: {violations}"


def card_titles(page: Page) -> list[str]:
    return [t.strip() for t in page.locator(".kb-assignment__title").all_inner_texts()]


@pytest.fixture
def csp_page(page: Page, context: BrowserContext) -> Page:
    context.add_init_script(_CSP_LISTENER)
    return page


def test_student_finds_an_assignment_and_signs_up(csp_page: Page) -> None:
    page = csp_page

    # --- The list: public assignments, nobody's personal data ---------------------
    page.goto("/portaal")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Studentenportaal: opdrachten van de gemeente"
    )
    expect(page.locator(".kb-count")).to_have_text(
        re.compile(r"^\d+ opdrachten gevonden$")
    )
    assert len(card_titles(page)) >= 10, card_titles(page)
    assert HUB in card_titles(page)
    expect(page.locator(".kb-assignment").first).to_contain_text("Zoekt studenten")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    expect(menu.get_by_role("link", name="Studentenportaal")).to_have_attribute(
        "aria-current", "page"
    )
    assert_no_staff_data(page, "portaal")
    audit(page, "student: portaal")

    # --- Filters through the form controls ----------------------------------------
    page.get_by_label("Niveau", exact=True).select_option("mbo")
    page.get_by_label("Thema", exact=True).select_option(label=SOCIAL)
    page.get_by_role("button", name="Zoeken").click()
    expect(page).to_have_url(re.compile(r"level=mbo.*theme=sociaal-domein"))
    expect(page.locator(".kb-count")).to_have_text(
        f"{len(SOCIAL_MBO)} opdrachten gevonden"
    )
    assert sorted(card_titles(page)) == sorted(SOCIAL_MBO)
    for card in page.locator(".kb-assignment").all():
        expect(card.locator(".kb-tag", has_text=SOCIAL)).to_have_count(1)
        levels = card.locator("dt:text-is('Voor') + dd")
        expect(levels).to_have_text(re.compile(r"mbo|alle niveaus"))
    # The chosen values stay in the form.
    expect(page.get_by_label("Niveau", exact=True)).to_have_value("mbo")
    expect(page.get_by_label("Thema", exact=True)).to_have_value("sociaal-domein")
    assert_no_staff_data(page, "portaal gefilterd")
    audit(page, "student: portaal gefilterd")
    screenshot(page, "portaal", max_height=1700)

    # --- Search without the accent: "repaircafes" finds "repaircafés" -------------
    page.get_by_role("link", name="Alles wissen").click()
    expect(page.get_by_label("Niveau", exact=True)).to_have_value("")
    page.get_by_role("searchbox", name="Zoeken").fill("repaircafes")
    page.get_by_role("button", name="Zoeken").click()
    expect(page).to_have_url(re.compile(r"q=repaircafes"))
    expect(page.locator(".kb-count")).to_have_text("1 opdracht gevonden")
    assert card_titles(page) == [HUB]
    expect(page.get_by_role("searchbox", name="Zoeken")).to_have_value("repaircafes")
    audit(page, "student: zoeken zonder accent")

    # A word that is nowhere gives a friendly message, not an error page.
    page.get_by_role("searchbox", name="Zoeken").fill("zeppelinhaven")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.locator(".kb-count")).to_have_text("0 opdrachten gevonden")
    expect(page.get_by_text("Geen opdrachten gevonden.")).to_be_visible()
    audit(page, "student: niets gevonden")

    # --- English: same search, English words -------------------------------------
    page.get_by_role("searchbox", name="Zoeken").fill("repaircafes")
    page.get_by_role("button", name="Zoeken").click()
    switch = page.get_by_role("link", name="English")
    expect(switch).to_have_attribute("lang", "en")
    switch.click()
    expect(page).to_have_url(re.compile(r"lang=en"))
    expect(page).to_have_url(re.compile(r"q=repaircafes"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Student portal: assignments from the municipality"
    )
    expect(page.locator("main [lang=en]").first).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("repaircafes")
    for label in ("Level", "Theme", "Neighbourhood"):
        expect(page.get_by_role("combobox", name=label, exact=True)).to_be_visible()
    expect(page.get_by_label("Period from")).to_be_visible()
    expect(page.get_by_role("button", name="Search")).to_be_visible()
    expect(page.get_by_role("combobox", name="Level")).to_contain_text("All levels")
    expect(page.locator(".kb-count")).to_have_text("1 assignment found")
    hub = page.locator(".kb-assignment", has_text=HUB)
    expect(hub).to_contain_text("Looking for students")
    expect(hub.locator("dt", has_text="Expected result")).to_be_visible()
    expect(hub.locator(".kb-tag").first).to_have_text(
        "Sustainability, climate, energy and biodiversity"
    )
    expect(hub).to_contain_text("Whole city")
    expect(page.get_by_role("link", name="Nederlands")).to_be_visible()
    assert_no_staff_data(page, "portal (en)")
    audit(page, "student: portal in English")

    # An English theme filter keeps the language and shows English theme names.
    page.get_by_role("link", name="Clear all").click()
    page.get_by_role("combobox", name="Theme").select_option(label=SOCIAL_EN)
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"lang=en"))
    expect(page.locator(".kb-count")).to_have_text(
        re.compile(r"^\d+ assignments found$")
    )
    expect(page.locator(".kb-tag", has_text=SOCIAL_EN)).to_have_count(
        page.locator(".kb-assignment").count()
    )
    expect(page.locator(".kb-tag", has_text=SOCIAL)).to_have_count(0)
    audit(page, "student: portal in English, filtered")

    # --- One assignment, read in English, then in Dutch ---------------------------
    page.goto("/portaal?lang=en&q=repaircafes")
    # The card's second link names the assignment too (visually hidden text).
    expect(
        page.get_by_role(
            "link",
            name=re.compile(rf"^View assignment and sign up ?: {re.escape(HUB)}$"),
        )
    ).to_be_visible()
    page.get_by_role("link", name=HUB, exact=True).click()
    expect(page).to_have_url(re.compile(r"/portaal/[0-9a-f-]{36}\?lang=en$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(HUB)
    expect(page.get_by_role("heading", name="I am interested")).to_be_visible()
    expect(page.get_by_label("E-mail address (required)")).to_be_visible()
    assert_no_staff_data(page, "assignment (en)")
    audit(page, "student: assignment in English")

    page.get_by_role("link", name="Nederlands").click()
    expect(page).to_have_url(re.compile(r"\?lang=nl$"))
    expect(page.get_by_role("heading", name="Ik heb interesse")).to_be_visible()
    expect(page.get_by_text("repaircafés")).to_be_visible()
    expect(page.locator(".kb-meta")).to_contain_text("Economie en Internationaal")
    expect(page.get_by_role("link", name="Terug naar alle opdrachten")).to_be_visible()
    assert_no_staff_data(page, "opdracht")
    for private in HUB_OWNER:
        expect(page.get_by_text(private)).to_have_count(0)
    audit(page, "student: opdracht")

    # --- Interest, first with a bad e-mail address --------------------------------
    name, institution = "Sanne de Vries", "Hogeschool Leiden"
    motivation = "Ik studeer bedrijfskunde en maak graag de businesscase voor de hub."
    page.get_by_label("Naam (verplicht)").fill(name)
    page.get_by_label("E-mailadres (verplicht)").fill("sanne-at-student.example.nl")
    page.get_by_label("Onderwijsinstelling (verplicht)").fill(institution)
    page.get_by_label("Je niveau (verplicht)").select_option("hbo")
    page.get_by_label("Motivatie (verplicht)").fill(motivation)
    page.get_by_role("button", name="Verstuur").click()

    email = page.get_by_label("E-mailadres (verplicht)")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", "f-email-error")
    error = page.locator("#f-email-error")
    expect(error).to_contain_text("Vul een geldig e-mailadres in")
    # The message sits in the e-mail field's own block, right above the input.
    field = page.locator(".utrecht-form-field", has=page.locator("#f-email"))
    expect(field.locator(".utrecht-form-field-error-message")).to_have_count(1)
    expect(field).to_have_class(re.compile(r"utrecht-form-field--invalid"))
    expect(page.locator(".utrecht-form-field-error-message")).to_have_count(1)
    summary = page.locator(".kb-error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#f-email")
    expect(summary).to_contain_text("Controleer je invoer")
    # Everything typed is still there.
    expect(email).to_have_value("sanne-at-student.example.nl")
    expect(page.get_by_label("Naam (verplicht)")).to_have_value(name)
    expect(page.get_by_label("Onderwijsinstelling (verplicht)")).to_have_value(
        institution
    )
    expect(page.get_by_label("Je niveau (verplicht)")).to_have_value("hbo")
    expect(page.get_by_label("Motivatie (verplicht)")).to_have_value(motivation)
    expect(page.get_by_label("Naam (verplicht)")).not_to_have_attribute(
        "aria-invalid", "true"
    )
    assert_no_staff_data(page, "opdracht met fout")
    audit(page, "student: aanmelding met fout")

    # --- ...then correctly --------------------------------------------------------
    email.fill("sanne.devries@student.hsleiden.nl")
    page.get_by_role("button", name="Verstuur").click()
    expect(page).to_have_url(re.compile(r"/portaal/[0-9a-f-]{36}\?lang=nl$"))
    # Double opt-in: nothing reaches the broker before the student confirms by mail.
    assert "Bevestig je belangstelling met de link" in flash(page)
    expect(page.locator("main > .utrecht-alert")).to_have_attribute("role", "status")
    expect(page.locator(".kb-error-summary")).to_have_count(0)
    # Nothing the student sent is echoed back, and the form is empty again.
    expect(page.get_by_label("Naam (verplicht)")).to_have_value("")
    expect(page.get_by_label("E-mailadres (verplicht)")).to_have_value("")
    assert "sanne.devries@student.hsleiden.nl" not in page.content()
    assert_no_staff_data(page, "opdracht na aanmelding")
    audit(page, "student: aanmelding verstuurd")
    assert_no_csp_violations(page, "portaal")


def test_results_show_completed_work(csp_page: Page) -> None:
    page = csp_page
    page.goto("/portaal")
    page.get_by_role("link", name="Bekijk wat studenten eerder opleverden").click()
    expect(page).to_have_url(re.compile(r"/resultaten\?lang=nl$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Resultaten: wat studenten opleverden"
    )
    count = page.locator(".kb-count")
    expect(count).to_have_text(re.compile(r"^[1-9]\d* resultaten$"))
    done = page.locator(".kb-assignment", has_text=COMPLETED)
    expect(done).to_be_visible()
    expect(done.locator(".kb-outcome")).not_to_have_count(0)
    expect(done.locator(".kb-outcome").first).to_contain_text("wo")
    expect(done).to_contain_text("Waardering door de gemeente: 5,0 van 5")
    result_link = done.get_by_role("link", name=re.compile(r"^Bekijk het resultaat"))
    expect(result_link).to_have_attribute("href", re.compile(r"^https?://"))
    expect(result_link).to_have_attribute("rel", re.compile(r"noopener"))
    # Only completed questions: none of the open assignments is listed.
    expect(page.get_by_text(HUB)).to_have_count(0)
    assert_no_staff_data(page, "resultaten")
    audit(page, "student: resultaten")

    # A theme facet narrows the list and marks itself as current.
    health = "Gezondheid, leefstijl en welzijn"
    facet_item = page.get_by_role("navigation", name="Thema").locator(
        "li", has_text=health
    )
    facet = facet_item.get_by_role("link", name=health)
    counted = re.search(r"\((\d+)\)", facet_item.inner_text())
    assert counted, "the facet shows no count"
    n = int(counted.group(1))
    facet.click()
    expect(page.locator(".kb-count")).to_have_text(f"{n} resultaten")
    expect(facet).to_have_attribute("aria-current", "true")
    expect(page.locator(".kb-assignment")).to_have_count(n)
    audit(page, "student: resultaten per thema")

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Results: what students delivered"
    )
    expect(page.locator(".kb-count")).to_have_text(re.compile(r"^\d+ results$"))
    assert_no_staff_data(page, "results (en)")
    audit(page, "student: results in English")
    assert_no_csp_violations(page, "resultaten")


def test_broker_report_charts_period_and_csv(csp_page: Page) -> None:
    page = csp_page
    login(page, BROKER)
    page.get_by_role("link", name="Rapportage").click()
    expect(page).to_have_url(re.compile(r"/rapportage$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportage")
    expect(page.locator(".utrecht-paragraph--lead")).to_contain_text("alle vragen")

    # KPI tiles
    kpis = page.locator(".kb-kpi")
    expect(kpis).to_have_count(5)
    for term in ("Vragen", "Aandeel gekoppeld", "Koppelingen met een plek"):
        expect(page.locator(".kb-kpi dt", has_text=term).first).to_be_visible()
    total_all = int(page.locator(QUESTIONS_KPI).inner_text())
    assert total_all > 0

    check_charts(page)
    audit(page, "broker: rapportage")
    screenshot(page, "rapportage", max_height=1500)

    # --- Period filter through the form --------------------------------------------
    page.get_by_label("Ingediend vanaf").fill("2026-09-01")
    page.get_by_label("Tot en met").fill("2026-12-31")
    page.get_by_role("button", name="Toon periode").click()
    expect(page).to_have_url(re.compile(r"from=2026-09-01&until=2026-12-31"))
    expect(page.locator(".utrecht-paragraph--lead")).to_contain_text(
        "vragen ingediend vanaf 1 september 2026 tot en met 31 december 2026"
    )
    expect(page.get_by_label("Ingediend vanaf")).to_have_value("2026-09-01")
    total_period = int(page.locator(QUESTIONS_KPI).inner_text())
    assert 0 < total_period < total_all
    months = page.locator("section", has=page.get_by_role("img", name=CHARTS[3]))
    for month in months.locator("tbody th").all_inner_texts():
        assert "2026-09" <= month <= "2026-12", month
    check_charts(page)
    audit(page, "broker: rapportage met periode")

    # --- CSV downloads follow the period -------------------------------------------
    kpi_link = page.get_by_role("link", name="Kerncijfers downloaden (CSV)")
    matches_link = page.get_by_role("link", name="Alle koppelingen downloaden (CSV)")
    for link in (kpi_link, matches_link):
        href = link.get_attribute("href") or ""
        assert "from=2026-09-01" in href, href
        assert "until=2026-12-31" in href, href
        answer = page.request.get(href)
        assert answer.status == 200, (href, answer.status)
        assert answer.headers["content-type"].startswith("text/csv"), answer.headers
        assert "attachment" in answer.headers.get("content-disposition", "")
        assert answer.text().strip(), f"{href} is empty"
    with page.expect_download() as download:
        kpi_link.click()
    assert download.value.suggested_filename == "kennisbrug-kpi.csv"

    # A reversed period is a message, not an error page, and the filter is ignored.
    page.get_by_label("Ingediend vanaf").fill("2026-12-31")
    page.get_by_label("Tot en met").fill("2026-09-01")
    page.get_by_role("button", name="Toon periode").click()
    expect(page.get_by_role("status").filter(has_text="einddatum")).to_be_visible()
    expect(page.locator(".utrecht-paragraph--lead")).to_contain_text("alle vragen")
    audit(page, "broker: rapportage met omgekeerde periode")
    assert_no_csp_violations(page, "rapportage")

    # Logged out, the CSV link sends the visitor to the login page instead.
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("U bent uitgelogd.")).to_be_visible()
    answer = page.request.get("/rapportage/kpi.csv", max_redirects=0)
    assert answer.status in (302, 303, 307), answer.status
    assert answer.headers["location"].startswith("/inloggen"), answer.headers
    page.goto("/rapportage")
    expect(page).to_have_url(re.compile(r"/inloggen"))

    # Staff of the city see figures nowhere but in their own questions.
    login(page, STAFF)
    page.goto("/rapportage")
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang")
    expect(page.get_by_role("link", name="Rapportage")).to_have_count(0)
    assert page.request.get("/rapportage/kpi.csv").status == 403


def check_charts(page: Page) -> None:
    """Every chart: an SVG image with a name and a description, then its table."""
    expect(page.locator("svg[role=img]")).to_have_count(len(CHARTS))
    sections = page.locator("section.kb-report-section:has(svg[role=img])")
    expect(sections).to_have_count(len(CHARTS))
    for i, name in enumerate(CHARTS):
        section = sections.nth(i)
        chart = section.locator("svg[role=img]")
        expect(chart).to_have_count(1)
        expect(chart).to_have_attribute("aria-label", name)
        expect(page.get_by_role("img", name=name, exact=True)).to_be_visible()
        expect(chart.locator("title").first).to_have_text(name)
        desc_id = chart.get_attribute("aria-describedby")
        desc = chart.locator(f"desc[id='{desc_id}']").text_content() or ""
        assert desc.strip(), f"{name}: no description"
        expect(section.get_by_role("heading", level=2)).to_have_text(name)
        table = section.locator("table")
        expect(table).to_have_count(1)
        expect(table).to_be_visible()
        expect(table.locator("caption")).to_have_text(f"{name} (tabel)")
        # The table comes right after the chart in reading order.
        follows = chart.evaluate(
            "(svg, table) => !!(svg.compareDocumentPosition(table)"
            " & Node.DOCUMENT_POSITION_FOLLOWING)",
            table.element_handle(),
        )
        assert follows, f"{name}: the table does not follow the chart"
        labels = table.locator("tbody th[scope=row]").all_inner_texts()
        assert labels, f"{name}: empty table"
        # The chart says in words what its table lists.
        for label in labels:
            assert f"{label.strip()}:" in desc, (name, label, desc)
