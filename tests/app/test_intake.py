"""The intake workbench: help while a question is written (issue 17)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.helpers import QUESTION, offer, open_question, propose, step

SLAAGHWIJK = {
    "title": "Eenzame ouderen in de Slaaghwijk bereiken",
    "description": "In de Slaaghwijk wonen veel ouderen alleen. Het wijkcentrum ziet "
    "steeds dezelfde mensen; de meest eenzame ouderen komen niet. We willen "
    "onderzoeken wie we missen en waarom, samen met bewoners een aanpak ontwerpen "
    "die hen persoonlijk uitnodigt, en studenten die huisbezoeken afleggen en "
    "activiteiten helpen organiseren. Op basis daarvan besluiten we of we de "
    "aanpak uitbreiden naar andere wijken.",
    "wanted_from": "2027-02-01",
    "wanted_until": "2027-06-30",
}


@pytest.fixture
def city(client, make_user, auth) -> dict[str, Any]:
    """Offers at wo and hbo level about loneliness, and an earlier, completed
    question about lonely older people with its outcome."""
    staff, broker = make_user("staff"), make_user("broker")
    hbo = make_user("provider", institution="Hogeschool Leiden")
    wo = make_user("provider", institution="Universiteit Leiden")
    sh, bh = auth(staff), auth(broker)
    course = offer(client, auth(hbo))
    thesis = offer(
        client,
        auth(wo),
        kind="thesis",
        title="Masterscriptie Sociologie: eenzaamheid en sociale netwerken van ouderen",
        description="Masterstudenten sociologie onderzoeken met interviews waarom "
        "eenzame ouderen buiten beeld blijven en analyseren sociale netwerken in de wijk.",
        themes=["gezondheid-welzijn", "sociaal-domein"],
    )
    earlier = open_question(client, sh, bh, title="Eenzame ouderen in De Kooi")
    match = propose(client, bh, earlier["id"], course["id"])
    assert step(client, bh, match["id"], "confirm").status_code == 200
    assert step(client, bh, match["id"], "start").status_code == 200
    done = step(
        client,
        bh,
        match["id"],
        "complete",
        outcome_summary="Een kaart van wie het wijkcentrum mist, met tien aanbevelingen.",
        rating=4,
    )
    assert done.status_code == 200, done.text
    other = open_question(
        client, sh, bh, title="Ouderen in Leiden-Noord: van eenzaam naar meedoen"
    )
    return {
        "staff": sh,
        "broker": bh,
        "course": course,
        "thesis": thesis,
        "earlier": earlier,
        "other": other,
        "hbo_provider": auth(hbo),
    }


def _assist(client, headers, **draft: Any) -> dict[str, Any]:
    response = client.post("/api/questions/assist", json=draft, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_assist_reads_theme_district_similar_and_team(client, city):
    help_ = _assist(client, city["staff"], **SLAAGHWIJK)
    themes = {t["value"]: t for t in help_["themes"]}
    assert "gezondheid-welzijn" in themes
    assert "ouderen" in themes["gezondheid-welzijn"]["reason"]
    hood = help_["neighbourhood"]
    assert hood["value"] == "merenwijk"
    assert "Slaaghwijk" in hood["reason"]
    assert hood["chosen"] is False
    similar = {s["id"]: s for s in help_["similar"]}
    assert city["earlier"]["id"] in similar
    earlier = similar[city["earlier"]["id"]]
    assert earlier["status"] == "completed"
    assert earlier["outcomes"] == [
        "Een kaart van wie het wijkcentrum mist, met tien aanbevelingen."
    ]
    assert any("Hogeschool Leiden" in who for who in earlier["done_by"])
    assert similar[city["other"]["id"]]["status"] == "open"
    levels = {p["level"]: p for p in help_["packages"]}
    assert {"wo", "hbo"} <= set(levels)
    assert levels["wo"]["offers"][0]["offer"]["id"] == city["thesis"]["id"]
    assert levels["hbo"]["offers"][0]["offer"]["id"] == city["course"]["id"]
    assert all(p["why"] and p["offers"][0]["explanation"] for p in help_["packages"])
    suggested_levels = {s["value"] for s in help_["levels"]}
    assert {"wo", "hbo", "mbo"} <= suggested_levels
    # A complete draft like this needs no hint about decision, output or place.
    codes = {h["code"] for h in help_["hints"]}
    assert not codes & {"no_decision", "no_place_or_group"}


def test_assist_gives_concrete_hints_for_a_vague_draft(client, city):
    help_ = _assist(
        client, city["staff"], title="Iets met duurzaamheid in de stad", description=""
    )
    codes = [h["code"] for h in help_["hints"]]
    assert len(codes) >= 2
    assert {"no_decision", "no_output", "no_place_or_group", "too_broad"} <= set(codes)
    assert all(h["text"] and " " in h["text"] for h in help_["hints"])
    assert any("besluit" in h["text"] for h in help_["hints"])
    assert help_["similar"] == [] or all("status" in s for s in help_["similar"])


def test_assist_warns_when_no_offer_can_start_before_the_deadline(client, city):
    soon = _assist(
        client, city["staff"], **{**SLAAGHWIJK, "wanted_until": "2027-01-31"}
    )
    assert "deadline" in {h["code"] for h in soon["hints"]}
    # Every offer starts on 1 February 2027; a question wanted before then cannot
    # be met by any of them although it is more than six weeks away.
    early = _assist(
        client,
        city["staff"],
        **{**SLAAGHWIJK, "wanted_from": None, "wanted_until": None},
    )
    assert "deadline" not in {h["code"] for h in early["hints"]}


def test_assist_respects_the_levels_the_draft_allows(client, city):
    help_ = _assist(client, city["broker"], **SLAAGHWIJK, levels=["hbo"])
    assert [p["level"] for p in help_["packages"]] == ["hbo"]
    assert next(s for s in help_["levels"] if s["value"] == "hbo")["chosen"] is True


def test_assist_is_for_staff_and_broker_only(client, city):
    assert client.post("/api/questions/assist", json={}).status_code == 401
    refused = client.post(
        "/api/questions/assist", json=SLAAGHWIJK, headers=city["hbo_provider"]
    )
    assert refused.status_code == 403


def test_assist_refuses_bad_input_naming_the_field(client, city):
    response = client.post(
        "/api/questions/assist",
        json={**SLAAGHWIJK, "levels": ["phd"]},
        headers=city["staff"],
    )
    assert response.status_code == 422
    assert "levels" in response.text


_ = QUESTION


def test_assist_reads_a_yearly_offer_by_its_current_edition(client, make_user, auth):
    """The 2026 window of a yearly offer has ended on 2027-01-15, but its 2027
    edition starts on 1 February: a draft wanted by June can be met."""
    sh = auth(make_user("staff"))
    offer(
        client,
        auth(make_user("provider", institution="Hogeschool Leiden")),
        available_from="2026-02-01",
        available_until="2026-07-01",
        intake_deadline="2026-01-20",
        recurrence="yearly",
    )
    help_ = _assist(client, sh, **SLAAGHWIJK)
    assert "deadline" not in {h["code"] for h in help_["hints"]}
