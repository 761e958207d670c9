"""Steps shared by the browser tests: log in and out, and the accessibility audit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "docs" / "screenshots"
DEMO_PASSWORD = "kennisbrug-demo"

# WCAG 2.1 A and AA plus axe's best practices; serious and critical ones fail.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = ("serious", "critical")
REPORT = REPO / "test-artifacts" / "axe.json"

_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""
_findings: dict[str, list[dict[str, Any]]] = {}


def audit(page: Page, label: str) -> list[dict[str, Any]]:
    """Run axe-core on the page as the user sees it; fail on serious or critical.

    axe is evaluated through the DevTools protocol, which the page's CSP does not
    govern, so the audit sees the exact page (after a post, with its messages)
    while the CSP stays enforced for everything else.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = page.evaluate(_AXE_RUN, AXE_TAGS)
    _findings[f"{label} ({page.url})"] = violations
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(_findings, indent=2, ensure_ascii=False))
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"axe on {label}: " + json.dumps(failing, indent=2)
    return violations


def screenshot(page: Page, name: str, *, max_height: int | None = None) -> Path:
    """Save docs/screenshots/<name>.png: the whole page, or its top `max_height` px."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if max_height is None:
        page.screenshot(path=str(path), full_page=True)
    else:
        width = page.viewport_size["width"] if page.viewport_size else 1280
        clip = {"x": 0, "y": 0, "width": width, "height": max_height}
        page.screenshot(path=str(path), full_page=True, clip=clip)
    return path


def login(page: Page, email: str) -> None:
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def logout(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("U bent uitgelogd.")).to_be_visible()


def flash(page: Page) -> str:
    """The text of the message(s) shown above the page content."""
    return " ".join(page.locator("main > .utrecht-alert").all_inner_texts())
