"""The portal's search filters and the choice lists and words every portal page shows.

A page never answers a bad query string with an error page: an empty date field is
simply no filter, a district the chosen city does not have is dropped (it was chosen
for the city before), and another unknown value is shown as a message above the list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from app.errors import UnprocessableError, WindowReversed
from app.models import Municipality, Neighbourhood
from app.portal.errors import DayAndPeriodGiven
from app.portal.service import PortalQuery
from app.vocab import repository as vocab_repository
from app.vocab import service as vocab
from app.vocab.errors import UnknownMunicipality
from app.web.core.error_pages import PageNotFoundError
from app.web.portal.translations import KINDS, LEVELS, OUTPUTS, TEXTS, PortalLang


@dataclass
class Filters:
    """The visitor's filters as typed (to re-show them) and the service query."""

    values: dict[str, str]
    query: PortalQuery
    error: str = ""
    params: dict[str, str] = field(default_factory=dict)

    def links(self, lang: PortalLang) -> dict[str, str]:
        """Query strings for the pager (this language) and the language switch."""
        other = "nl" if lang == "en" else "en"
        return {
            "query": urlencode({**self.params, "lang": lang}),
            "switch_query": urlencode({**self.params, "lang": other}),
        }


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def portal_city(session: Session, slug: str | None, default: str) -> Municipality:
    """The city whose assignments a page shows, default the default city. An
    unknown slug is a page that does not exist (404), not a filter message: the
    address names no city, so there is no list to show a message above."""
    try:
        return vocab.resolve_municipality(session, (slug or "").strip() or default)
    except UnknownMunicipality as exc:
        raise PageNotFoundError(
            f"De gemeente '{exc.slug}' doet niet mee aan Kennisbrug. Kies op het "
            "studentenportaal een gemeente uit de lijst."
        ) from exc


def city_param(city: str, default: str) -> dict[str, str]:
    """The city as a query parameter for links; none for the default city, so
    its addresses stay as they were."""
    return {} if city == default else {"municipality": city}


def read_filters(
    raw: dict[str, str | None],
    *,
    municipality: str,
    districts: Iterable[Neighbourhood],
    default_municipality: str,
    lang: PortalLang,
) -> Filters:
    """Clean the query string; bad dates or levels become a message, not a 400.
    A district not of the city's `districts` is dropped: the filter form sends the
    one chosen for the previous city along when the visitor switches city. The
    links (pager, language switch) keep the city."""
    values = {k: (v or "").strip()[:200] for k, v in raw.items()}
    hood = values.get("neighbourhood")
    if hood and vocab.match_neighbourhood(districts, hood) is None:
        values["neighbourhood"] = ""
    texts = TEXTS[lang]
    error = ""
    try:
        start, end = _date(values.get("from", "")), _date(values.get("until", ""))
    except ValueError:
        start = end = None
        error = texts["err_period"]
    level = values.get("level") or None
    if level not in (None, *LEVELS):
        level, error = None, texts["err_filter"]
    query = PortalQuery(
        municipality=municipality,
        level=level,
        theme=values.get("theme") or None,
        neighbourhood=values.get("neighbourhood") or None,
        period_from=start,
        period_until=end,
        q=values.get("q") or None,
        lang=lang,
    )
    params = city_param(municipality, default_municipality)
    params |= {k: v for k, v in values.items() if v}
    return Filters(values=values, query=query, error=error, params=params)


def page_context(
    session: Session, city: Municipality, default: str, lang: PortalLang
) -> dict[str, object]:
    """What every portal page shows: words, choice lists (the cities, the chosen
    city's districts) and the language switch."""
    themes = vocab_repository.list_themes(session)
    param = city_param(city.slug, default)
    cities = vocab_repository.list_municipalities(session)
    return {
        "city": city.slug,
        "city_query": f"&{urlencode(param)}" if param else "",  # for fixed links
        "cities": [
            (m.slug, m.name) for m in sorted(cities, key=lambda m: m.name.casefold())
        ],
        "t": TEXTS[lang],
        "lang": lang,
        "other_lang": "nl" if lang == "en" else "en",
        "outputs": OUTPUTS[lang],
        "kinds": KINDS[lang],
        "level_options": [(lv, lv) for lv in LEVELS],
        "themes": [
            (t.slug, t.label_en if lang == "en" else t.label_nl) for t in themes
        ],
        "hoods": [
            (h.slug, h.name)
            for h in vocab_repository.list_neighbourhoods(session, city.id)
        ],
    }


def filter_error(exc: UnprocessableError, lang: PortalLang) -> str:
    """The portal's own words (Dutch or English) for a refused filter."""
    if isinstance(exc, WindowReversed | DayAndPeriodGiven):
        return TEXTS[lang]["err_period"]
    return TEXTS[lang]["err_filter"]
