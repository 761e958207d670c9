"""Staff pages: the intake, one question with its steps, edits (staff and broker) and
the owner's completion of running work with feedback."""

from __future__ import annotations

import re
import uuid

from app.models import Match, Question
from tests.app.helpers import QUESTION, offer, open_question, propose, step
from tests.app.web.support import csrf, errors_on, login, reloaded, text_of


class TestStaffPages:
    def test_intake_submits_and_resolves_a_buurt_name(
        self, client, url, staff, session
    ):
        login(client, staff)
        response = client.post(
            url("staff_create_question"),
            data={
                "csrf_token": csrf(client, url("intake_page")),
                "title": "Meer groen in de Slaaghwijk",
                "description": "Hoe vergroenen we tuinen en pleinen?",
                "context": "Hittestress in de zomer.",
                "decision": "Welke pleinen we eerst aanpakken.",
                "expected_output": "advies",
                "neighbourhood": "Slaaghwijk",
                "levels": ["hbo", "wo"],
                "themes": ["duurzaamheid-biodiversiteit"],
                "wanted_from": "2027-02-01",
                "wanted_until": "2027-06-30",
                "is_public": "1",
                "action": "submit",
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        question_id = uuid.UUID(response.headers["location"].split("/")[2][:36])
        question = session.get(Question, question_id)
        assert question.status == "submitted"
        assert question.neighbourhood.slug == "merenwijk"
        assert question.is_public
        assert sorted(question.levels) == ["hbo", "wo"]
        page = client.get(response.headers["location"])
        assert "ingediend bij de kennismakelaar" in page.text
        assert "Ingediend" in page.text

    def test_errors_are_dutch_next_to_the_field_and_nothing_is_lost(
        self, client, url, staff
    ):
        login(client, staff)
        response = client.post(
            url("staff_create_question"),
            data={
                "csrf_token": csrf(client, url("intake_page")),
                "title": "Ab",
                "description": "Een beschrijving die blijft staan",
                "neighbourhood": "Atlantis",
                "themes": ["veiligheid"],
                "wanted_from": "2027-06-01",
                "wanted_until": "2027-01-01",
                "contact_email": "geen-adres",
                "action": "draft",
            },
        )
        assert response.status_code == 422
        errors = errors_on(response.text)
        assert errors["title"] == "Gebruik minstens 3 tekens."
        assert "e-mailadres" in errors["contact_email"]
        assert re.search(r'aria-describedby="[^"]*f-title-error"', response.text)
        assert "Een beschrijving die blijft staan" in response.text
        assert 'value="Atlantis"' in response.text
        assert 'value="veiligheid"\n        checked' in response.text or re.search(
            r'value="veiligheid"\s*checked', response.text
        )
        # Fix the schema errors: the service's own check (unknown neighbourhood) shows.
        response = client.post(
            url("staff_create_question"),
            data={
                "csrf_token": csrf(client, url("intake_page")),
                "title": "Een goede titel",
                "description": "Tekst",
                "neighbourhood": "Atlantis",
                "action": "draft",
            },
        )
        assert response.status_code == 422
        assert errors_on(response.text)["neighbourhood"].startswith(
            "Onbekende wijk of buurt"
        )

    def test_window_error_names_the_end_date(self, client, url, staff):
        login(client, staff)
        response = client.post(
            url("staff_create_question"),
            data={
                "csrf_token": csrf(client, url("intake_page")),
                "title": "Een goede titel",
                "description": "Tekst",
                "wanted_from": "2027-06-01",
                "wanted_until": "2027-01-01",
            },
        )
        assert errors_on(response.text)["wanted_until"].startswith("De einddatum")

    def test_owner_submits_and_withdraws_and_sees_similar(
        self, client, url, staff, broker, auth, session
    ):
        earlier = open_question(client, auth(staff), auth(broker))
        login(client, staff)
        token = csrf(client, url("intake_page"))
        created = client.post(
            url("staff_create_question"),
            data={
                "csrf_token": token,
                "title": QUESTION["title"],
                "description": QUESTION["description"],
                "action": "draft",
            },
            follow_redirects=False,
        )
        question_id = created.headers["location"].split("?")[0].rsplit("/", 1)[1]
        page = client.get(created.headers["location"]).text
        assert "Lijkt op eerdere vragen" in page
        assert earlier["title"] in page
        assert "Indienen" in page
        status = url("staff_change_status", question_id=question_id)
        page = client.post(status, data={"csrf_token": token, "to": "submitted"}).text
        assert "De vraag is ingediend." in page
        question_page = url("staff_question_page", question_id=question_id)
        page = client.get(question_page).text
        assert "Vraag intrekken…" in page  # asked first, on a confirm step
        assert f'<a class="utrecht-link" href="{question_page}">Nee, terug</a>' in page
        asked = client.post(status, data={"csrf_token": token, "to": "withdrawn"})
        assert "Geef een reden (minstens 3 tekens)" in asked.text
        assert reloaded(session, Question, question_id).status == "submitted"
        client.post(
            status,
            data={"csrf_token": token, "to": "withdrawn", "note": "Niet meer nodig"},
        )
        assert "Ingetrokken" in client.get(question_page).text
        assert reloaded(session, Question, question_id).status == "withdrawn"

    def test_other_staff_cannot_withdraw(
        self, client, url, staff, make_user, broker, auth
    ):
        question = open_question(client, auth(staff), auth(broker))
        login(client, make_user("staff"))
        path = url("staff_question_page", question_id=question["id"])
        page = client.get(path).text
        assert "Intrekken" not in page
        response = client.post(
            url("staff_change_status", question_id=question["id"]),
            data={"csrf_token": csrf(client, path), "to": "withdrawn"},
        )
        assert "U mag dit niet doen" in response.text or "alleen" in response.text


class TestStaffEditsAndFeedback:
    def _draft(self, client, url, staff) -> str:
        """A new draft question of `staff`, made through the intake; its id."""
        login(client, staff)
        created = client.post(
            url("staff_create_question"),
            data={
                "csrf_token": csrf(client, url("intake_page")),
                "title": "Hitte in de Slaaghwijk",
                "description": "Waar is het 's zomers het heetst?",
                "context": "Klachten van bewoners.",
                "neighbourhood": "Slaaghwijk",
                "themes": ["duurzaamheid-biodiversiteit"],
                "contact_email": "team@leiden.example",
                "is_public": "1",
                "action": "draft",
            },
            follow_redirects=False,
        )
        assert created.status_code == 303, created.text
        location = created.headers["location"].split("?")[0]
        question_id = location.rsplit("/", 1)[1]
        assert location == url("staff_question_page", question_id=question_id)
        return question_id

    def test_owner_edits_a_draft_and_can_clear_fields(
        self, client, url, staff, session
    ):
        question_id = self._draft(client, url, staff)
        path = url("staff_question_page", question_id=question_id)
        edit = url("edit_page", question_id=question_id)
        assert f'href="{edit}"' in client.get(path).text
        form = client.get(edit).text
        assert 'value="Hitte in de Slaaghwijk"' in form
        assert 'value="Merenwijk"' in form
        assert re.search(r'value="duurzaamheid-biodiversiteit"\s*checked', form)
        saved = client.post(
            url("staff_update_question", question_id=question_id),
            data={
                "csrf_token": csrf(client, edit),
                "title": "Hittestress in de Merenwijk",
                "description": "Waar is het 's zomers het heetst, en voor wie?",
                "levels": ["hbo"],
                "wanted_matches": "2",
            },
        )
        assert "De wijzigingen zijn opgeslagen." in saved.text
        question = reloaded(session, Question, question_id)
        assert question.title == "Hittestress in de Merenwijk"
        assert question.status == "draft"
        assert question.levels == ["hbo"]
        assert question.wanted_matches == 2
        # Emptied fields are cleared, an unticked box is false.
        assert question.neighbourhood is None
        assert question.themes == []
        assert question.context == ""
        assert question.contact_email is None
        assert not question.is_public

    def test_edit_errors_keep_input_and_save_nothing(self, client, url, staff, session):
        question_id = self._draft(client, url, staff)
        response = client.post(
            url("staff_update_question", question_id=question_id),
            data={
                "csrf_token": csrf(client, url("edit_page", question_id=question_id)),
                "title": "Ab",
                "description": "Nieuwe tekst die blijft staan",
                "neighbourhood": "Atlantis",
            },
        )
        assert response.status_code == 422
        assert errors_on(response.text)["title"] == "Gebruik minstens 3 tekens."
        assert "Nieuwe tekst die blijft staan" in response.text
        assert "Vraag wijzigen" in response.text
        question = reloaded(session, Question, question_id)
        assert question.title == "Hitte in de Slaaghwijk"

    def test_a_save_after_someone_elses_is_refused_in_dutch(
        self, client, url, staff, session
    ):
        question_id = self._draft(client, url, staff)
        edit = url("edit_page", question_id=question_id)
        form = client.get(edit).text
        assert '<input type="hidden" name="version" value="1">' in form
        token = csrf(client, edit)
        # Meanwhile a colleague saves from another tab (the same form, version 1).
        fields = {"csrf_token": token, "description": "Waar is het heet?"}
        update = url("staff_update_question", question_id=question_id)
        first = client.post(update, data={**fields, "title": "Eerste", "version": "1"})
        assert "De wijzigingen zijn opgeslagen." in first.text
        stale = client.post(update, data={**fields, "title": "Tweede", "version": "1"})
        assert stale.status_code == 422
        assert "Iemand anders heeft dit intussen gewijzigd" in text_of(stale.text)
        assert 'value="Tweede"' in stale.text  # what was typed stays on the form
        assert reloaded(session, Question, question_id).title == "Eerste"

    def test_a_question_in_progress_cannot_be_edited(
        self, client, url, staff, broker, provider, auth, session
    ):
        question = open_question(client, auth(staff), auth(broker))
        place = offer(client, auth(provider))
        match = propose(client, auth(broker), question["id"], place["id"])
        step(client, auth(broker), match["id"], "confirm")
        login(client, staff)
        path = url("staff_question_page", question_id=question["id"])
        assert "/bewerken" not in client.get(path).text  # no edit link at all
        page = client.get(url("edit_page", question_id=question["id"]))
        assert "kan niet meer worden gewijzigd" in page.text
        refused = client.post(
            url("staff_update_question", question_id=question["id"]),
            data={
                "csrf_token": csrf(client, path),
                "title": "Een andere titel",
                "description": "Andere tekst",
            },
        )
        assert refused.status_code == 422
        assert (
            "Een vraag met status 'gekoppeld' kan niet meer worden gewijzigd."
            in text_of(refused.text)
        )
        stored = reloaded(session, Question, question["id"])
        assert stored.title == question["title"]

    def test_broker_sharpens_themes_and_returns_to_the_board_page(
        self, client, url, staff, broker, auth, session
    ):
        question = open_question(client, auth(staff), auth(broker))
        login(client, broker)
        board_page = url("broker_question_page", question_id=question["id"])
        edit = url("edit_page", question_id=question["id"])
        assert f'href="{edit}"' in client.get(board_page).text
        form = client.get(edit).text
        assert f'href="{board_page}"' in form
        saved = client.post(
            url("staff_update_question", question_id=question["id"]),
            data={
                "csrf_token": csrf(client, edit),
                "title": question["title"],
                "description": question["description"],
                "themes": ["sociaal-domein"],
                "neighbourhood": "Leiden-Noord",
                "wanted_matches": "1",
                "is_public": "1",
            },
            follow_redirects=False,
        )
        assert saved.headers["location"] == board_page
        stored = reloaded(session, Question, question["id"])
        assert [t.slug for t in stored.themes] == ["sociaal-domein"]
        assert stored.neighbourhood.slug == "leiden-noord"
        assert stored.status == "open"

    def _running_match(self, client, staff, broker, provider, auth) -> tuple[str, str]:
        question = open_question(client, auth(staff), auth(broker))
        place = offer(client, auth(provider))
        match = propose(client, auth(broker), question["id"], place["id"])
        for action in ("confirm", "start"):
            assert step(client, auth(broker), match["id"], action).status_code == 200
        return question["id"], match["id"]

    def test_owner_completes_the_work_with_feedback(
        self, client, url, staff, broker, provider, auth, session
    ):
        question_id, match_id = self._running_match(
            client, staff, broker, provider, auth
        )
        login(client, staff)
        path = url("staff_question_page", question_id=question_id)
        page = client.get(path).text
        action = url("staff_complete_match", question_id=question_id, match_id=match_id)
        assert f'action="{action}"' in page
        short = client.post(
            action,
            data={
                "csrf_token": csrf(client, path),
                "outcome_summary": "kort",
                "result_url": "geen link",
                "remarks": "Mijn opmerking blijft staan.",
            },
        )
        assert short.status_code == 422
        assert "<title>Fout: " in short.text
        assert "Resultaat: Gebruik minstens 10 tekens." in short.text
        assert set(errors_on(short.text)) == {"outcome_summary", "result_url"}
        assert ">kort</textarea>" in short.text  # what was typed stays
        assert "Mijn opmerking blijft staan." in short.text
        assert f'action="{action}"' in short.text
        too_high = client.post(
            action,
            data={
                "csrf_token": csrf(client, path),
                "outcome_summary": "Een kaart van hete plekken.",
                "rating": "9",
            },
        )
        assert "Waardering: Vul een getal van hoogstens 5 in." in too_high.text
        assert reloaded(session, Match, match_id).status == "in_progress"
        done = client.post(
            action,
            data={
                "csrf_token": csrf(client, path),
                "outcome_summary": "Een kaart van hete plekken en drie maatregelen.",
                "result_url": "https://example.org/rapport",
                "rating": "4",
                "remarks": "Bruikbaar voor het hitteplan.",
            },
        )
        assert "uw beoordeling zijn vastgelegd" in done.text
        assert "Waardering van de vraageigenaar: 4 van 5" in done.text
        match = reloaded(session, Match, match_id)
        assert (match.status, match.rating) == ("completed", 4)
        assert match.remarks == "Bruikbaar voor het hitteplan."
        login(client, broker)
        broker_page = client.get(
            url("broker_question_page", question_id=question_id)
        ).text
        assert "Waardering van de vraageigenaar: 4 van 5" in broker_page
        assert "Bruikbaar voor het hitteplan." in broker_page
        assert reloaded(session, Question, question_id).status == "completed"

    def test_only_the_owner_gets_the_feedback_form(
        self, client, url, staff, make_user, broker, provider, auth, session
    ):
        question_id, match_id = self._running_match(
            client, staff, broker, provider, auth
        )
        colleague = make_user("staff")
        login(client, colleague)
        path = url("staff_question_page", question_id=question_id)
        assert "/afronden" not in client.get(path).text  # no completion form at all
        refused = client.post(
            url("staff_complete_match", question_id=question_id, match_id=match_id),
            data={
                "csrf_token": csrf(client, path),
                "outcome_summary": "Een resultaat van iemand anders.",
            },
        )
        assert refused.status_code == 403
        match = reloaded(session, Match, match_id)
        assert match.status == "in_progress"

    def test_match_of_another_question_is_404(
        self, client, url, staff, broker, provider, auth
    ):
        _, match_id = self._running_match(client, staff, broker, provider, auth)
        other = open_question(client, auth(staff), auth(broker), title="Andere vraag")
        login(client, staff)
        path = url("staff_question_page", question_id=other["id"])
        response = client.post(
            url("staff_complete_match", question_id=other["id"], match_id=match_id),
            data={
                "csrf_token": csrf(client, path),
                "outcome_summary": "Dit hoort bij een andere vraag.",
            },
        )
        assert response.status_code == 404
