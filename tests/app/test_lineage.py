"""Split questions and follow-ups: lineage on the pages and in the reports (issue 17)."""

from __future__ import annotations

import re

from tests.app.conftest import TEST_PASSWORD
from tests.app.helpers import offer, open_question, propose


def _split(client, headers, question_id, levels):
    return client.post(
        f"/api/questions/{question_id}/split", json={"levels": levels}, headers=headers
    )


def test_split_makes_one_open_sub_question_per_level(client, staff, broker, auth):
    sh, bh = auth(staff), auth(broker)
    q = open_question(client, sh, bh)
    response = _split(client, bh, q["id"], ["wo", "hbo"])
    assert response.status_code == 201, response.text
    parts = response.json()
    assert sorted(p["levels"][0] for p in parts) == ["hbo", "wo"]
    assert {p["parent_id"] for p in parts} == {q["id"]}
    assert all(p["status"] == "open" for p in parts)
    assert all(p["themes"] == q["themes"] for p in parts)
    # Each part is matched on its own: it has its own candidate list.
    for p in parts:
        got = client.get(f"/api/questions/{p['id']}/candidates", headers=bh)
        assert got.status_code == 200
    again = _split(client, bh, q["id"], ["wo", "mbo"])
    assert again.status_code == 409
    part = _split(client, bh, parts[0]["id"], ["wo", "hbo"])
    assert part.status_code == 409


def _split_in_hbo_and_wo(client, staff_headers, broker_headers):
    """An open question and its hbo and wo parts."""
    q = open_question(client, staff_headers, broker_headers)
    parts = _split(client, broker_headers, q["id"], ["hbo", "wo"]).json()
    hbo, wo = sorted(parts, key=lambda p: p["levels"][0])
    return q, hbo, wo


def test_the_parts_of_a_withdrawn_split_question_leave_the_portal_with_it(
    client, staff, broker, provider, auth
):
    sh, bh = auth(staff), auth(broker)
    q, hbo, wo = _split_in_hbo_and_wo(client, sh, bh)
    waiting = propose(client, bh, hbo["id"], offer(client, auth(provider))["id"])
    withdrawn = client.post(
        f"/api/questions/{q['id']}/transition", json={"to": "withdrawn"}, headers=sh
    )
    assert withdrawn.status_code == 200, withdrawn.text
    for part in (hbo, wo):
        got = client.get(f"/api/questions/{part['id']}", headers=bh).json()
        assert got["status"] == "withdrawn"
    listed = client.get("/api/portal/assignments").json()["items"]
    assert [a for a in listed if q["title"] in a["title"]] == []
    # The part's proposal no longer waits for the provider.
    match = client.get(f"/api/matches/{waiting['id']}", headers=bh).json()
    assert match["status"] == "cancelled"


def test_a_part_with_matched_work_keeps_it_when_the_split_question_is_parked(
    client, staff, broker, provider, auth
):
    sh, bh = auth(staff), auth(broker)
    q, hbo, wo = _split_in_hbo_and_wo(client, sh, bh)
    m = propose(client, bh, hbo["id"], offer(client, auth(provider))["id"])
    assert client.post(f"/api/matches/{m['id']}/confirm", headers=bh).status_code == 200
    parked = client.post(
        f"/api/questions/{q['id']}/transition",
        json={"to": "parked", "until": "2027-03-01"},
        headers=bh,
    )
    assert parked.status_code == 200, parked.text
    statuses = {
        p["id"]: client.get(f"/api/questions/{p['id']}", headers=bh).json()["status"]
        for p in (hbo, wo)
    }
    assert statuses == {hbo["id"]: "matched", wo["id"]: "parked"}


def test_a_split_question_is_matched_through_its_parts_only(
    client, staff, broker, provider, auth
):
    sh, bh = auth(staff), auth(broker)
    offer(client, auth(provider), level="wo")
    q = open_question(client, sh, bh, levels=["hbo", "wo"])
    parts = _split(client, bh, q["id"], ["hbo", "wo"]).json()
    offer_id = client.get(f"/api/questions/{parts[1]['id']}/candidates", headers=bh)
    wo_offer = offer_id.json()["candidates"][0]["offer"]["id"]
    refused = client.post(
        "/api/matches",
        json={"question_id": q["id"], "offer_id": wo_offer},
        headers=bh,
    )
    assert refused.status_code == 409
    assert "split" in refused.json()["detail"]
    assert propose(client, bh, parts[1]["id"], wo_offer)["status"] == "proposed"
    # The allocation and the student portal see the parts, not the parent.
    allocation = client.post("/api/allocation", json={}, headers=bh).json()
    assert q["id"] not in {p["question_id"] for p in allocation["pairs"]}
    listed = {a["id"] for a in client.get("/api/portal/assignments").json()["items"]}
    assert q["id"] not in listed
    assert {p["id"] for p in parts} <= listed
    assert client.get(f"/api/portal/assignments/{q['id']}").status_code == 404


def test_a_question_with_a_proposal_cannot_be_split(
    client, staff, broker, provider, auth
):
    sh, bh = auth(staff), auth(broker)
    o = offer(client, auth(provider))
    q = open_question(client, sh, bh)
    propose(client, bh, q["id"], o["id"])
    refused = _split(client, bh, q["id"], ["hbo", "wo"])
    assert refused.status_code == 409
    assert "proposal" in refused.json()["detail"]
    assert (
        client.get(f"/api/questions/{q['id']}", headers=bh).json()["status"] == "open"
    )


def test_split_refuses_levels_the_question_does_not_accept(client, staff, broker, auth):
    sh, bh = auth(staff), auth(broker)
    q = open_question(client, sh, bh, levels=["hbo", "wo"])
    response = _split(client, bh, q["id"], ["mbo", "hbo"])
    assert response.status_code == 422
    assert "levels" in response.json()["fields"]
    one = _split(client, bh, q["id"], ["hbo"])
    assert one.status_code == 422
    assert _split(client, sh, q["id"], ["hbo", "wo"]).status_code == 403


def test_follow_up_links_to_an_earlier_question_of_the_city(
    client, staff, broker, auth, make_user, other_city
):
    sh, bh = auth(staff), auth(broker)
    first = open_question(client, sh, bh, title="Eenzame ouderen in De Kooi")
    follow = client.post(
        "/api/questions",
        json={
            "title": "Van eenzaam naar meedoen",
            "description": "Vervolg.",
            "follows_id": first["id"],
        },
        headers=sh,
    )
    assert follow.status_code == 201, follow.text
    assert follow.json()["follows_id"] == first["id"]
    outsider = auth(make_user("staff", municipality=other_city))
    refused = client.post(
        "/api/questions",
        json={"title": "Vreemd vervolg", "description": "x", "follows_id": first["id"]},
        headers=outsider,
    )
    assert refused.status_code == 422
    assert "follows_id" in refused.json()["fields"]


def _login(client, user) -> str:
    page = client.get("/inloggen")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post(
        "/inloggen",
        data={"csrf_token": token, "email": user.email, "password": TEST_PASSWORD},
    )
    return token


def test_lineage_shows_on_the_question_pages_and_in_the_report(
    client, staff, broker, auth
):
    sh, bh = auth(staff), auth(broker)
    q = open_question(client, sh, bh, title="Eenzame ouderen in De Kooi")
    follow = client.post(
        "/api/questions",
        json={
            "title": "Van eenzaam naar meedoen",
            "description": "Vervolg.",
            "follows_id": q["id"],
            "status": "submitted",
        },
        headers=sh,
    ).json()
    _login(client, broker)
    page = client.get(f"/makelaar/vragen/{q['id']}").text
    assert "Splitsen per niveau" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = client.post(
        f"/makelaar/vragen/{q['id']}/splitsen",
        data={"csrf_token": csrf, "levels": ["wo", "hbo"]},
    )
    assert done.status_code == 200
    page = client.get(f"/makelaar/vragen/{q['id']}").text
    assert "Samenhang met andere vragen" in page
    assert "Eenzame ouderen in De Kooi (wo)" in page
    assert "Vervolgvraag:" in page
    assert "Van eenzaam naar meedoen" in page
    assert "Splitsen per niveau" not in page
    summary = client.get("/api/reports/summary", headers=bh).json()["lineage"]
    assert summary["split_questions"] == 1
    assert summary["sub_questions"] == 2
    assert summary["follow_ups"] == 1
    [line] = summary["lines"]
    assert line["root_id"] == q["id"]
    assert line["questions"] == 4
    report = client.get("/rapportage").text
    assert "Samenhang: deelvragen en vervolgvragen" in report
    assert "Eenzame ouderen in De Kooi" in report
    client.post("/uitloggen", data={"csrf_token": csrf})
    _login(client, staff)
    staff_page = client.get(f"/vragen/{follow['id']}").text
    assert "Vervolg op:" in staff_page
    assert f"/vragen/{q['id']}" in staff_page


def test_opening_records_what_the_broker_changed_since_submission(
    client, staff, broker, auth
):
    sh, bh = auth(staff), auth(broker)
    created = client.post(
        "/api/questions",
        json={
            "title": "Eenzame ouderen",
            "description": "Wie missen we?",
            "status": "submitted",
        },
        headers=sh,
    ).json()
    edit = client.patch(
        f"/api/questions/{created['id']}",
        json={
            "neighbourhood": "Slaaghwijk",
            "themes": ["gezondheid-welzijn"],
            "title": "Eenzame ouderen in de Merenwijk",
        },
        headers=bh,
    )
    assert edit.status_code == 200, edit.text
    opened = client.post(
        f"/api/questions/{created['id']}/transition", json={"to": "open"}, headers=bh
    )
    assert opened.status_code == 200
    events = client.get(f"/api/questions/{created['id']}/events", headers=bh).json()
    step = next(e for e in events if e["action"] == "status_changed")
    changed = step["changes"]["articulation"]
    assert changed["neighbourhood"] == {"before": None, "after": "merenwijk"}
    assert changed["themes"] == {"before": [], "after": ["gezondheid-welzijn"]}
    assert changed["title"]["before"] == "Eenzame ouderen"
    assert "status" not in changed
    assert "description" not in changed
    _login(client, broker)
    page = client.get(f"/makelaar/vragen/{created['id']}").text
    assert "Aangescherpt bij het openen" in page
    assert "Eenzame ouderen in de Merenwijk" in page
    assert "aangescherpt: " in page


def test_import_inserts_parents_before_their_parts():
    import uuid

    from app.dataport.service import _parents_first
    from app.models import Question

    table = Question.__table__
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    rows = [
        {"id": c, "parent_id": None, "follows_id": b},
        {"id": b, "parent_id": a, "follows_id": None},
        {"id": a, "parent_id": None, "follows_id": None},
    ]
    assert [r["id"] for r in _parents_first(table, rows)] == [a, b, c]
