"""Dutch names of the domain's codes (statuses, kinds, levels), for reports and pages."""

from __future__ import annotations

QUESTION_STATUS = {
    "draft": "Concept",
    "submitted": "Ingediend",
    "open": "Open",
    "matched": "Gekoppeld",
    "in_progress": "In uitvoering",
    "completed": "Afgerond",
    "withdrawn": "Ingetrokken",
    "not_matched": "Niet gekoppeld",
}
MATCH_STATUS = {
    "proposed": "Voorgesteld",
    "confirmed": "Bevestigd",
    "in_progress": "In uitvoering",
    "completed": "Afgerond",
    "rejected": "Afgewezen",
    "cancelled": "Geannuleerd",
}
OFFER_STATUS = {"active": "Actief", "paused": "Gepauzeerd", "archived": "Gearchiveerd"}
OFFER_KIND = {
    "course": "Cursus of minor",
    "thesis": "Afstudeerplaatsen",
    "research": "Onderzoeksexpertise",
}
LEVEL = {"mbo": "mbo", "hbo": "hbo", "wo": "wo (universiteit)"}
LANGUAGE = {"nl": "Nederlands", "en": "Engels"}
EXPECTED_OUTPUT = {
    "advies": "Advies",
    "onderzoek": "Onderzoek",
    "ontwerp": "Ontwerp",
    "praktijkhulp": "Praktijkhulp",
    "evaluatie": "Evaluatie",
}
