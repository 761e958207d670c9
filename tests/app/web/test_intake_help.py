"""The intake page's "Controleer mijn vraag": help beside the form, nothing lost."""

from __future__ import annotations

import re

from tests.app.helpers import offer


def _login(client, user, password) -> str:
    page = client.get("/inloggen")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post(
        "/inloggen",
        data={"csrf_token": token, "email": user.email, "password": password},
    )
    page = client.get("/vragen/nieuw")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_check_shows_help_and_keeps_what_was_typed(client, make_user, auth):
    from tests.app.conftest import TEST_PASSWORD

    staff = make_user("staff")
    offer(client, auth(make_user("provider", institution="Hogeschool Leiden")))
    csrf = _login(client, staff, TEST_PASSWORD)
    assert "Controleer mijn vraag" in client.get("/vragen/nieuw").text
    response = client.post(
        "/vragen/nieuw/controleren",
        data={
            "csrf_token": csrf,
            "title": "Iets met duurzaamheid in de stad",
            "description": "",
            "wanted_until": "geen datum",
            "levels": ["hbo"],
        },
    )
    assert response.status_code == 200
    page = response.text
    assert "Hulp bij uw vraag" in page
    assert "Noem het besluit" in page
    assert 'value="Iets met duurzaamheid in de stad"' in page
    assert 'value="geen datum"' in page
    assert re.search(r'value="hbo"[^>]*checked', page)
    # Nothing was saved.
    assert "Thema: Duurzaamheid" in page or "duurzaamheid" in page
    assert "/vragen/nieuw/controleren" in page
