"""The public student pages: /portaal, one assignment with the interest form, and
/resultaten."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.interests.service import confirmation_token
from app.models import Interest
from tests.app.portal_world import (
    add_match,
    add_offer,
    add_question,
    leaks,
    personal_strings,
    seed_demo,
)
from tests.app.web.support import csrf, text_of

# The production limits in memory, counted from zero: the interest limit is tested.
pytestmark = pytest.mark.usefixtures("limiter")


@pytest.fixture
def assignment(session, staff):
    q = add_question(
        session,
        staff,
        title="Éénzaamheid in de Kooi",
        description="Welke ouderen bereikt het buurthuis niet?",
        themes=["gezondheid-welzijn"],
        neighbourhood="leiden-noord",
        levels=["hbo", "wo"],
        contact_name="Sanne Wijnands",
        contact_email="s.wijnands@leiden.example",
    )
    add_question(session, staff, title="Geheime interne vraag", is_public=False)
    session.commit()
    return q


def interest_form(token: str, **overrides: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "lang": "nl",
        "name": "Zoë de Vries",
        "email": "zoe@student.example",
        "institution": "Hogeschool Leiden",
        "level": "hbo",
        "motivation": "Ik woon in Noord en studeer Social Work.",
    }
    data.update(overrides)
    return data


class TestPortalPage:
    def test_lists_and_searches_without_login(self, client, url, assignment):
        page = client.get(url("assignments_page"))
        assert page.status_code == 200
        assert "Éénzaamheid in de Kooi" in page.text
        assert "Geheime interne vraag" not in page.text
        assert "Sanne" not in page.text
        assert "wijnands" not in page.text.casefold()
        found = client.get(
            url("assignments_page"),
            params={"q": "eenzaamheid", "level": "", "from": ""},
        )
        assert "1 opdracht gevonden" in found.text
        none = client.get(url("assignments_page"), params={"q": "parkeren"})
        assert "Geen opdrachten gevonden" in none.text

    def test_english_version(self, client, url, assignment):
        page = client.get(
            url("assignments_page"), params={"lang": "en", "q": "wellbeing"}
        )
        assert page.status_code == 200
        assert '<div lang="en">' in page.text
        assert "1 assignment found" in page.text
        assert "Health, lifestyle and wellbeing" in page.text
        assert 'hreflang="nl"' in page.text

    def test_bad_filters_give_a_message_not_an_error_page(
        self, client, url, assignment
    ):
        page = client.get(
            url("assignments_page"), params={"from": "gisteren", "theme": "x"}
        )
        assert page.status_code == 200
        assert "Vul geldige datums in" in page.text
        page = client.get(url("assignments_page"), params={"theme": "ruimtevaart"})
        assert page.status_code == 200
        assert "kies een waarde uit de lijst" in page.text

    def test_hidden_assignment_page_is_404(self, client, url, session, staff):
        q = add_question(session, staff, title="Niet publiek", is_public=False)
        session.commit()
        assert client.get(url("assignment_page", question_id=q.id)).status_code == 404


class TestPortalOfAnotherCity:
    """`?municipality=` chooses the city; its assignments, its districts, and every
    link keeps it."""

    @pytest.fixture
    def elsewhere(self, session, make_user, other_city):
        return make_user("staff", municipality=other_city)

    def test_a_chosen_city_shows_its_assignments_and_districts(
        self, client, url, session, elsewhere, assignment
    ):
        q = add_question(session, elsewhere, title="Dorpshuis zoekt studenten",
                         neighbourhood="dorp")  # fmt: skip
        session.commit()
        page = client.get(
            url("assignments_page"), params={"municipality": "zoeterwoude"}
        )
        assert page.status_code == 200
        shown = text_of(page.text)
        assert "Dorpshuis zoekt studenten" in shown
        assert "Éénzaamheid in de Kooi" not in shown  # Leiden's
        assert (
            '<label class="utrecht-form-label" for="zoek-city">Gemeente</label>'
            in page.text
        )
        assert '<option value="zoeterwoude" selected>Zoeterwoude</option>' in page.text
        assert 'value="dorp"' in page.text
        assert 'value="leiden-noord"' not in page.text
        assert "/resultaten?lang=nl&amp;municipality=zoeterwoude" in page.text
        assert "municipality=zoeterwoude&amp;lang=en" in page.text  # language switch
        detail = client.get(url("assignment_page", question_id=q.id))
        assert "/portaal?lang=nl&amp;municipality=zoeterwoude" in detail.text  # back
        default = client.get(url("assignments_page"))
        assert "Dorpshuis zoekt studenten" not in text_of(default.text)
        assert '<option value="leiden" selected>Leiden</option>' in default.text

    def test_paging_keeps_the_city(self, client, url, session, elsewhere):
        for n in range(11):
            add_question(session, elsewhere, title=f"Opdracht {n:02d} in het dorp")
        session.commit()
        page = client.get(
            url("assignments_page"), params={"municipality": "zoeterwoude"}
        )
        assert "11 opdrachten gevonden" in page.text
        assert "?municipality=zoeterwoude&amp;lang=nl&amp;page=2" in page.text

    def test_results_of_a_chosen_city(
        self, client, url, session, elsewhere, provider, other_city
    ):
        q = add_question(session, elsewhere, title="Dorpsplein opnieuw ingericht",
                         status="completed", neighbourhood="dorp")  # fmt: skip
        o = add_offer(session, provider, title="Minor Ontwerp", places_taken=1,
                      institution_name="Hogeschool Leiden", municipality=other_city)  # fmt: skip
        add_match(session, q, o, status="completed", outcome_summary="Een nieuw plein.")
        session.commit()
        page = client.get(url("results_page"), params={"municipality": "zoeterwoude"})
        assert page.status_code == 200
        assert "Een nieuw plein." in page.text
        assert (
            "/resultaten?lang=nl&amp;municipality=zoeterwoude&amp;neighbourhood=dorp"
            in page.text
        )
        assert "Een nieuw plein." not in client.get(url("results_page")).text

    @pytest.mark.parametrize("route", ["assignments_page", "results_page"])
    def test_switching_city_drops_the_district_of_the_city_before(
        self, client, url, session, elsewhere, route
    ):
        add_question(session, elsewhere, title="Dorpshuis zoekt studenten")
        session.commit()
        # The form sends the district still chosen for Leiden with the new city.
        params = {"municipality": "zoeterwoude", "neighbourhood": "leiden-noord"}
        page = client.get(url(route), params=params)
        assert page.status_code == 200
        assert "kies een waarde" not in page.text
        assert "neighbourhood=leiden-noord" not in page.text  # nor in its links
        assert '<option value="">Hele stad en alle wijken</option>' in page.text
        if route == "assignments_page":
            assert "Dorpshuis zoekt studenten" in text_of(page.text)
        chosen = client.get(url(route), params={**params, "neighbourhood": "dorp"})
        assert '<option value="dorp" selected>Dorp</option>' in chosen.text

    def test_the_pages_after_signing_up_lead_back_to_the_assignment_s_city(
        self, client, url, session, elsewhere, settings
    ):
        q = add_question(session, elsewhere, title="Dorpshuis zoekt studenten")
        session.commit()
        back = "/portaal?lang=nl&amp;municipality=zoeterwoude"
        path = url("assignment_page", question_id=q.id)
        sent = client.post(
            url("portal_express_interest", question_id=q.id),
            data=interest_form(csrf(client, path)),
        )
        assert "Bevestig je belangstelling met de link" in sent.text
        assert back in sent.text
        interest = session.scalars(select(Interest)).one()
        token = confirmation_token(settings, interest)
        confirm = f"/portaal/bevestigen?token={token}"
        confirmed = client.post(
            "/portaal/bevestigen",
            data={"csrf_token": csrf(client, confirm), "token": token, "lang": "nl"},
        )
        assert "Je belangstelling is bevestigd" in confirmed.text
        assert back in confirmed.text

    @pytest.mark.parametrize("route", ["assignments_page", "results_page"])
    def test_an_unknown_city_is_a_dutch_404_page(self, client, url, route):
        page = client.get(url(route), params={"municipality": "atlantis"})
        assert page.status_code == 404
        assert "De gemeente 'atlantis' doet niet mee aan Kennisbrug" in text_of(
            page.text
        )


class TestInterestForm:
    def test_sign_up_then_check_your_mail(self, client, url, session, assignment):
        path = url("assignment_page", question_id=assignment.id)
        response = client.post(
            url("portal_express_interest", question_id=assignment.id),
            data=interest_form(csrf(client, path)),
        )
        assert response.status_code == 200  # after the redirect
        assert "Bevestig je belangstelling met de link" in response.text
        stored = session.scalars(select(Interest)).one()
        assert stored.name == "Zoë de Vries"
        assert "zoe@student.example" not in response.text

    def test_without_csrf_token_nothing_is_stored(
        self, client, url, session, assignment
    ):
        response = client.post(
            url("portal_express_interest", question_id=assignment.id),
            data=interest_form("forged"),
        )
        assert response.status_code == 403
        assert session.scalar(select(func.count()).select_from(Interest)) == 0

    def test_errors_are_shown_per_field_and_input_kept(
        self, client, url, session, assignment
    ):
        path = url("assignment_page", question_id=assignment.id)
        send = url("portal_express_interest", question_id=assignment.id)
        response = client.post(
            send,
            data=interest_form(csrf(client, path), email="geen-adres", level="mbo"),
        )
        assert response.status_code == 422
        assert "Vul een geldig e-mailadres in" in response.text
        assert 'value="Zoë de Vries"' in response.text
        assert 'aria-invalid="true"' in response.text
        response = client.post(
            send, data=interest_form(csrf(client, path), level="mbo")
        )
        assert response.status_code == 422
        assert "Deze opdracht is voor hbo / wo." in response.text
        assert session.scalar(select(func.count()).select_from(Interest)) == 0

    def test_english_errors(self, client, url, assignment):
        path = url("assignment_page", question_id=assignment.id) + "?lang=en"
        response = client.post(
            url("portal_express_interest", question_id=assignment.id),
            data=interest_form(csrf(client, path), lang="en", motivation="short"),
        )
        assert response.status_code == 422
        assert "Write 10 to 1000 characters." in response.text

    def test_rate_limit_shows_a_message(self, client, url, assignment):
        token = csrf(client, url("assignment_page", question_id=assignment.id))
        send = url("portal_express_interest", question_id=assignment.id)
        codes = [
            client.post(send, data=interest_form(token, email=f"s{n}@student.example"),
                        follow_redirects=False).status_code
            for n in range(6)
        ]  # fmt: skip
        assert codes == [303] * 5 + [429]
        page = client.post(send, data=interest_form(token))
        assert "te vaak achter elkaar" in page.text


class TestResultsPage:
    def test_results_without_remarks(
        self, client, url, session, staff, provider, leiden
    ):
        q = add_question(session, staff, title="Rookvrije sportparken", status="completed",
                         themes=["gezondheid-welzijn"], neighbourhood="merenwijk")  # fmt: skip
        o = add_offer(session, provider, title="Minor Preventie", places_taken=1,
                      institution_name="Hogeschool Leiden", municipality=leiden)  # fmt: skip
        add_match(session, q, o, status="completed", rating=4, remarks="Privé opmerking",
                  outcome_summary="Minder roken langs de velden.",
                  result_url="javascript:alert(1)")  # fmt: skip
        session.commit()
        page = client.get(url("results_page"))
        assert page.status_code == 200
        assert "Minder roken langs de velden." in page.text
        assert "Privé opmerking" not in page.text
        assert "javascript:" not in page.text
        assert "4,0 van 5" in page.text
        assert "Merenwijk</a> (1)" in page.text


def test_demo_pages_leak_nothing(client, url, session, settings):
    seed_demo(session, settings)
    personal = personal_strings(session)
    pages = [client.get(url(route), params={"lang": lang})
             for route in ("assignments_page", "results_page")
             for lang in ("nl", "en")]  # fmt: skip
    links = set(re.findall(r'href="(/portaal/[0-9a-f-]{36})', pages[0].text))
    assert links
    pages += [client.get(link) for link in links]
    for page in pages:
        assert page.status_code == 200
        body = page.text.replace("&#39;", "'").replace("&amp;", "&")
        assert leaks(body, personal) == []


def test_page_past_the_end_offers_a_way_back(client, url, session, settings):
    from seeds.loader import load_demo, read_data

    load_demo(
        session, read_data("demo.json"), password="kennisbrug-demo", settings=settings
    )
    page = client.get(url("assignments_page") + "?page=99")
    assert page.status_code == 200
    assert "voorbij het einde" in page.text
    assert f'href="{url("assignments_page")}?' in page.text


def test_english_form_errors_are_announced_in_english(client, url, session, settings):
    from seeds.loader import load_demo, read_data

    load_demo(
        session, read_data("demo.json"), password="kennisbrug-demo", settings=settings
    )
    listing = client.get("/api/portal/assignments").json()
    assignment_id = listing["items"][0]["id"]
    page = client.get(url("assignment_page", question_id=assignment_id) + "?lang=en")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post(
        url("portal_express_interest", question_id=assignment_id) + "?lang=en",
        data={"csrf_token": token, "lang": "en"},
    )
    assert "Error: " in answer.text
    assert ">Fout: <" not in answer.text
