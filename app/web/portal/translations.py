"""The student portal's own words in Dutch and English (many Leiden students are
international). Theme labels come from the vocabulary; everything else is here."""

from __future__ import annotations

from app.codes import ExpectedOutput, Level, OfferKind, labels, values
from app.portal.schemas import Lang

PortalLang = Lang  # the portal's languages, defined with its API

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "html_lang": "nl",
        "title": "Studentenportaal: opdrachten van de gemeente",
        "intro": "Werk aan een echte vraag van de gemeente, in een vak, project of "
        "afstudeeronderzoek. Kies een opdracht en laat de kennismakelaar weten dat je "
        "interesse hebt; je hoeft niet in te loggen.",
        "results_link": "Bekijk wat studenten eerder opleverden",
        "switch": "English",
        "search": "Zoeken",
        "search_hint": "Woorden in titel, beschrijving of thema",
        "city": "Gemeente",
        "level": "Niveau",
        "any_level": "Alle niveaus",
        "theme": "Thema",
        "any_theme": "Alle thema's",
        "neighbourhood": "Wijk",
        "any_neighbourhood": "Hele stad en alle wijken",
        "from": "Periode vanaf",
        "until": "Periode tot en met",
        "filter": "Zoeken",
        "reset": "Alles wissen",
        "found_one": "1 opdracht gevonden",
        "found_many": "{n} opdrachten gevonden",
        "none": "Geen opdrachten gevonden. Probeer minder of andere zoekwoorden.",
        "past_end": "Deze pagina ligt voorbij het einde van de lijst.",
        "citywide": "Hele stad",
        "period": "Periode",
        "open_end": "in overleg",
        "levels": "Voor",
        "all_levels": "alle niveaus",
        "output": "Gevraagd resultaat",
        "department": "Afdeling",
        "runs_in": "Loopt al in",
        "status_open": "Zoekt studenten",
        "status_running": "Loopt al; aansluiten kan",
        "more": "Bekijk opdracht en meld je aan",
        "previous": "Vorige pagina",
        "next": "Volgende pagina",
        "page": "Pagina {page} van {pages}",
        "back": "Terug naar alle opdrachten",
        "sign_up_again": "Meld je opnieuw aan voor deze opdracht",
        "context": "Achtergrond",
        "form_title": "Ik heb interesse",
        "form_intro": "De kennismakelaar van de gemeente neemt contact met je op. Je "
        "gegevens zijn alleen voor de kennismakelaar en worden nooit op deze site getoond.",
        "name": "Naam",
        "email": "E-mailadres",
        "institution": "Onderwijsinstelling",
        "your_level": "Je niveau",
        "choose": "Kies je niveau",
        "motivation": "Motivatie",
        "motivation_hint": "Waarom deze opdracht, in een paar zinnen (10 tot 1000 tekens).",
        "send": "Verstuur",
        "required": "verplicht",
        "privacy_note": "Wat we bewaren: je naam, e-mailadres, instelling, niveau en "
        "motivatie. Alleen de kennismakelaar van de gemeente ziet ze, om contact met je "
        "op te nemen over deze opdracht. We verwijderen ze na {days} dagen, of eerder "
        "als je de kennismakelaar daarom vraagt.",
        "check_mail": "Bijna klaar: we hebben je een e-mail gestuurd. Bevestig je "
        "belangstelling met de link daarin; pas dan geven we die door aan de "
        "kennismakelaar.",
        "confirm_title": "Bevestig je belangstelling",
        "confirm_intro": "Klik op de knop om te bevestigen dat dit jouw e-mailadres "
        "is. Daarna ziet de kennismakelaar je belangstelling.",
        "confirm_button": "Ja, ik bevestig mijn belangstelling",
        "confirmed": "Dank je! Je belangstelling is bevestigd; de kennismakelaar "
        "neemt contact met je op.",
        "confirm_invalid": "Deze bevestigingslink is ongeldig of verlopen. Meld je "
        "opnieuw aan via de opdracht.",
        "confirm_closed": "Deze opdracht staat niet meer open voor aanmeldingen. "
        "Bekijk de andere opdrachten.",
        "error_summary": "Controleer je invoer",
        "err_name": "Vul je naam in (2 tot 120 tekens, op één regel).",
        "err_email": "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.",
        "err_institution": "Vul je onderwijsinstelling in (2 tot 120 tekens).",
        "err_level": "Kies je niveau: mbo, hbo of wo.",
        "err_level_not_accepted": "Deze opdracht is voor {levels}.",
        "err_motivation": "Schrijf 10 tot 1000 tekens.",
        "err_rate": "Je hebt te vaak achter elkaar een aanmelding verstuurd. "
        "Probeer het over een paar minuten opnieuw.",
        "err_period": "Vul geldige datums in; de einddatum mag niet vóór de begindatum liggen.",
        "err_filter": "Dit filter ken ik niet; kies een waarde uit de lijst.",
    },
    "en": {
        "html_lang": "en",
        "title": "Student portal: assignments from the municipality",
        "intro": "Work on a real question from the municipality, in a course, project or "
        "thesis. Choose an assignment and let the knowledge broker know you are "
        "interested; no login needed.",
        "results_link": "See what students delivered before",
        "switch": "Nederlands",
        "search": "Search",
        "search_hint": "Words in title, description or theme",
        "city": "Municipality",
        "level": "Level",
        "any_level": "All levels",
        "theme": "Theme",
        "any_theme": "All themes",
        "neighbourhood": "Neighbourhood",
        "any_neighbourhood": "Whole city and all neighbourhoods",
        "from": "Period from",
        "until": "Period until",
        "filter": "Search",
        "reset": "Clear all",
        "found_one": "1 assignment found",
        "found_many": "{n} assignments found",
        "none": "No assignments found. Try fewer or other search words.",
        "past_end": "This page is past the end of the list.",
        "citywide": "Whole city",
        "period": "Period",
        "open_end": "to be agreed",
        "levels": "For",
        "all_levels": "all levels",
        "output": "Expected result",
        "department": "Department",
        "runs_in": "Already runs in",
        "status_open": "Looking for students",
        "status_running": "Running; you can join",
        "more": "View assignment and sign up",
        "previous": "Previous page",
        "next": "Next page",
        "page": "Page {page} of {pages}",
        "back": "Back to all assignments",
        "sign_up_again": "Sign up again for this assignment",
        "context": "Background",
        "form_title": "I am interested",
        "form_intro": "The municipality's knowledge broker will contact you. Your details "
        "are for the knowledge broker only and are never shown on this site.",
        "name": "Name",
        "email": "E-mail address",
        "institution": "School or university",
        "your_level": "Your level",
        "choose": "Choose your level",
        "motivation": "Motivation",
        "motivation_hint": "Why this assignment, in a few sentences (10 to 1000 characters).",
        "send": "Send",
        "required": "required",
        "privacy_note": "What we keep: your name, e-mail address, institution, level "
        "and motivation. Only the city's knowledge broker sees them, to contact you "
        "about this assignment. We delete them after {days} days, or sooner if you "
        "ask the broker.",
        "check_mail": "Almost done: we sent you an e-mail. Confirm your interest "
        "with its link; only then do we pass it on to the knowledge broker.",
        "confirm_title": "Confirm your interest",
        "confirm_intro": "Press the button to confirm that this is your e-mail "
        "address. The knowledge broker then sees your interest.",
        "confirm_button": "Yes, I confirm my interest",
        "confirmed": "Thank you! Your interest is confirmed; the knowledge broker "
        "will contact you.",
        "confirm_invalid": "This confirmation link is invalid or has expired. Sign "
        "up again on the assignment's page.",
        "confirm_closed": "This assignment is no longer open for sign-ups. Have a "
        "look at the other assignments.",
        "error_summary": "Please check your input",
        "err_name": "Enter your name (2 to 120 characters, on one line).",
        "err_email": "Enter a valid e-mail address, like name@example.com.",
        "err_institution": "Enter your school or university (2 to 120 characters).",
        "err_level": "Choose your level: mbo, hbo or wo.",
        "err_level_not_accepted": "This assignment is for {levels}.",
        "err_motivation": "Write 10 to 1000 characters.",
        "err_rate": "You sent too many sign-ups in a row. Please try again in a few minutes.",
        "err_period": "Enter valid dates; the end must not be before the start.",
        "err_filter": "Unknown filter value; choose one from the list.",
    },
}

# Dutch words come from the domain's one table (app.codes); English ones are here.
OUTPUTS: dict[str, dict[str, str]] = {
    "nl": labels(ExpectedOutput),
    "en": {
        ExpectedOutput.ADVIES: "Advice",
        ExpectedOutput.ONDERZOEK: "Research",
        ExpectedOutput.ONTWERP: "Design",
        ExpectedOutput.PRAKTIJKHULP: "Hands-on help",
        ExpectedOutput.EVALUATIE: "Evaluation",
    },
}
KINDS: dict[str, dict[str, str]] = {
    "nl": labels(OfferKind),
    "en": {
        OfferKind.COURSE: "Course or minor",
        OfferKind.THESIS: "Thesis",
        OfferKind.RESEARCH: "Research",
    },
}
LEVELS: tuple[str, ...] = values(Level)


def pick(lang: str | None) -> PortalLang:
    return "en" if lang == "en" else "nl"
