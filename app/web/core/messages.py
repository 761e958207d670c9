"""The Dutch sentence for every refusal and every validation error, by type.

Services raise typed errors (their facts are attributes) and the API shows their
English detail; a page looks the class up here. Validation errors are looked up
by their pydantic error type. Nothing here reads the English text, so rewording an
English message can never change a Dutch page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from app import codes
from app.auth.errors import (
    InvalidResetLink,
    InvalidToken,
    NoToken,
    WrongCredentials,
    WrongRole,
)
from app.errors import (
    AppError,
    ConcurrentChange,
    DatabaseUnavailable,
    EditedMeanwhile,
    FieldRequired,
    InvalidFields,
    NotFoundError,
    TooManyRequestsError,
    WindowReversed,
)
from app.interests.errors import (
    InterestAlreadyHandled,
    InterestNotFound,
    InvalidConfirmation,
    LevelNotAccepted,
)
from app.matches.errors import (
    BrokerOrOwnerOnly,
    HardRuleBroken,
    MatchStepNotAllowed,
    NotAllocatable,
    OfferFull,
    PairAlreadyMatched,
    QuestionIsSplit,
    QuestionNotTakingMatches,
)
from app.municipalities.city_import import RowInvalid
from app.municipalities.errors import DuplicateDistrictName, MunicipalityExists
from app.offers.errors import (
    BadHeader,
    CapacityBelowTaken,
    CellsBeyondHeader,
    EmptyFile,
    FileProblem,
    FileTooLarge,
    HasNulCharacters,
    HeaderTooLong,
    HomeCityOnly,
    ImportRejected,
    InstitutionRequired,
    IntakeAfterStart,
    NoInstitution,
    NoPlaces,
    NoRows,
    NotCsv,
    NotUtf8,
    OfferExists,
    OtherCity,
    OtherInstitution,
    RepeatedRow,
    ServedCitiesByProvider,
    TooManyRows,
    WindowEnded,
)
from app.periods.errors import (
    NotYourInstitution,
    PeriodNameTaken,
    PeriodNotFound,
    PeriodOrDates,
)
from app.portal.errors import DayAndPeriodGiven
from app.questions.errors import (
    FollowsUnknown,
    NoMunicipality,
    NotSplittable,
    ParkUntilRequired,
    QuestionMovedMeanwhile,
    QuestionNotEditable,
    SplitAfterMatching,
    SplitLevelsInvalid,
    StatusFollowsMatches,
    TransitionNotAllowed,
    TransitionNotYours,
)
from app.ratelimit import RateLimitStorageDown
from app.users.errors import (
    AffiliationRequired,
    EmailTaken,
    LastAdmin,
    OwnAccess,
    WrongCurrentPassword,
)
from app.vocab.errors import (
    UnknownInstitution,
    UnknownMunicipality,
    UnknownNeighbourhood,
    UnknownTheme,
)
from app.web.core.display import date_nl


def _question(status: str) -> str:
    return codes.label(codes.QuestionStatus, status).lower()


def _match(status: str) -> str:
    return codes.label(codes.MatchStatus, status).lower()


def _either(words: Iterable[str]) -> str:
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " of " + items[-1]


def _bad_header(e: BadHeader) -> str:
    parts = [f"onbekende kolom '{c}'" for c in e.unknown[:10]]
    parts += [f"kolom '{c}' ontbreekt" for c in e.missing]
    parts += [f"kolom '{c}' staat er meer dan eens" for c in e.repeated]
    return "De kopregel klopt niet: " + "; ".join(parts) + "."


_REFUSALS: dict[type[AppError], Callable[[Any], str]] = {
    WrongCredentials: lambda e: "Het e-mailadres of het wachtwoord klopt niet.",
    NoToken: lambda e: "U bent niet ingelogd.",
    InvalidToken: lambda e: "Uw sessie is verlopen of beëindigd. Log opnieuw in.",
    InvalidResetLink: lambda e: (
        "Deze link is ongeldig, verlopen of al gebruikt. Vraag een nieuwe link aan."
    ),
    WrongRole: lambda e: "U heeft met uw rol geen toegang tot dit onderdeel.",
    NotFoundError: lambda e: "Niet gevonden of niet zichtbaar voor u.",
    FieldRequired: lambda e: "Vul dit veld in.",
    WindowReversed: lambda e: "De einddatum ligt vóór de begindatum.",
    InvalidFields: lambda e: " ".join(dutch(part) for part in e.errors),
    DatabaseUnavailable: lambda e: (
        "Kennisbrug kan de gegevens nu niet bereiken. "
        "Probeer het over enkele seconden opnieuw."
    ),
    ConcurrentChange: lambda e: (
        "Iemand anders heeft op hetzelfde moment iets gewijzigd. "
        "Laad de pagina opnieuw en probeer het nog eens."
    ),
    TooManyRequestsError: lambda e: (
        f"Te veel pogingen. Probeer het over {e.retry_after} seconden opnieuw."
    ),
    RateLimitStorageDown: lambda e: "Deze functie is tijdelijk niet beschikbaar.",
    UnknownTheme: lambda e: f"Onbekend thema '{e.slug}'. Kies een thema uit de lijst.",
    UnknownNeighbourhood: lambda e: (
        f"Onbekende wijk of buurt '{e.name}'. Kies een wijk "
        f"({_either(e.known)}) of een buurt daarin."
    ),
    UnknownInstitution: lambda e: (
        f"Onbekende instelling '{e.name}'. Kies een instelling uit de lijst."
    ),
    UnknownMunicipality: lambda e: f"Onbekende gemeente '{e.slug}'.",
    NoMunicipality: lambda e: "Uw account is niet aan een gemeente gekoppeld.",
    NoInstitution: lambda e: "Uw account is niet aan een instelling gekoppeld.",
    QuestionNotEditable: lambda e: (
        f"Een vraag met status '{_question(e.status)}' kan niet meer worden gewijzigd."
    ),
    StatusFollowsMatches: lambda e: (
        "Deze status volgt uit de koppelingen: bevestig, start of rond een "
        "koppeling af."
    ),
    TransitionNotAllowed: lambda e: (
        f"Deze vraag kan niet van '{_question(e.current)}' naar '{_question(e.to)}'."
    ),
    TransitionNotYours: lambda e: "U mag deze stap voor deze vraag niet zetten.",
    FollowsUnknown: lambda e: "Kies als eerdere vraag een vraag van uw gemeente.",
    SplitAfterMatching: lambda e: (
        "Deze vraag heeft al een voorstel of koppeling en kan niet meer worden "
        "gesplitst."
    ),
    NotSplittable: lambda e: (
        f"Een vraag met status '{_question(e.status)}' kan niet worden gesplitst, "
        "of ze is al gesplitst."
    ),
    SplitLevelsInvalid: lambda e: (
        "Kies minstens twee verschillende niveaus die bij deze vraag passen."
    ),
    QuestionMovedMeanwhile: lambda e: (
        f"De vraag heeft intussen de status '{_question(e.current)}'; "
        "deze stap kan nu niet meer."
    ),
    OtherInstitution: lambda e: (
        "U kunt alleen aanbod van uw eigen instelling registreren."
    ),
    OtherCity: lambda e: "U kunt alleen aanbod voor uw eigen gemeente registreren.",
    OfferExists: lambda e: (
        f"'{e.title}' staat al in Kennisbrug voor deze instelling, met dezelfde "
        "soort en periode. Haal de rij weg, of wijzig het bestaande aanbod."
    ),
    RepeatedRow: lambda e: (
        f"Deze rij beschrijft hetzelfde aanbod als rij {e.first_row}; "
        "laat er één staan."
    ),
    CellsBeyondHeader: lambda e: (
        f"Deze rij heeft {e.cells} cellen, de kopregel maar {e.columns} kolommen. "
        "Zet tekst met een komma of puntkomma tussen dubbele aanhalingstekens."
    ),
    EditedMeanwhile: lambda e: (
        "Iemand anders heeft dit intussen gewijzigd en opgeslagen. Open de pagina "
        "opnieuw om de nieuwste gegevens te zien en breng uw wijziging daarna "
        "opnieuw aan."
    ),
    HomeCityOnly: lambda e: (
        f"Dit aanbod komt uit {e.home_city}; uw gemeente gebruikt het mee, maar "
        f"alleen de aanbieder of de makelaar van {e.home_city} kan het wijzigen."
    ),
    InstitutionRequired: lambda e: "Kies een instelling.",
    IntakeAfterStart: lambda e: (
        "De uiterste aanmelddatum ligt na de begindatum; "
        "kies een dag vóór of op de begindatum."
    ),
    NoPlaces: lambda e: "Vul een aantal van minstens 1 in.",
    WindowEnded: lambda e: (
        "Die periode is al voorbij. Dit jaarlijkse aanbod loopt nu "
        + (f"van {date_nl(e.current_from)} " if e.current_from else "")
        + f"tot {date_nl(e.current_until)}: open de pagina opnieuw en pas die "
        "data aan."
    ),
    CapacityBelowTaken: lambda e: (
        f"De capaciteit kan niet lager dan de {e.taken} plaats(en) die al bezet zijn."
    ),
    FileTooLarge: lambda e: (
        f"Het bestand is groter dan {e.max_megabytes} MB. "
        "Splits het in kleinere bestanden."
    ),
    FileProblem: lambda e: "Het bestand kon niet worden gelezen.",
    NotUtf8: lambda e: "Het bestand is geen UTF-8-tekst. Sla het op als 'CSV UTF-8'.",
    HasNulCharacters: lambda e: (
        "Het bestand bevat NUL-tekens en is dus geen CSV-tekst. "
        "Sla het op als 'CSV UTF-8'."
    ),
    EmptyFile: lambda e: "Het bestand is leeg.",
    NotCsv: lambda e: "Het bestand is geen geldige CSV.",
    NoRows: lambda e: "Het bestand bevat geen aanbod onder de kopregel.",
    TooManyRows: lambda e: (
        f"Het bestand bevat {e.rows} regels aanbod; per import kunnen er "
        f"hoogstens {e.max_rows}."
    ),
    HeaderTooLong: lambda e: (
        f"De eerste regel met tekst is langer dan {e.max_chars} tekens; daar horen "
        "alleen de kolomnamen."
    ),
    BadHeader: _bad_header,
    ImportRejected: lambda e: (
        f"{len({r.row for r in e.row_errors})} regel(s) bevatten fouten; "
        "er is niets geïmporteerd."
    ),
    BrokerOrOwnerOnly: lambda e: (
        "Alleen de kennismakelaar of de eigenaar van de vraag mag dit."
    ),
    QuestionNotTakingMatches: lambda e: (
        f"Deze vraag staat niet open (status: {_question(e.status)}); "
        "open de vraag eerst."
    ),
    QuestionIsSplit: lambda e: (
        "Deze vraag is gesplitst per niveau; koppel aanbod aan de deelvragen."
    ),
    PairAlreadyMatched: lambda e: (
        f"Deze vraag en dit aanbod zijn al gekoppeld (status: {_match(e.status)})."
    ),
    HardRuleBroken: lambda e: (
        f"Het aanbod '{e.offer_title}' kan niet aan deze vraag worden gekoppeld"
        + (f": {', '.join(e.labels)}." if e.labels else ".")
    ),
    OfferFull: lambda e: (
        f"Het aanbod '{e.offer_title}' is vol: alle {e.capacity} plaatsen zijn bezet."
    ),
    MatchStepNotAllowed: lambda e: (
        f"Deze koppeling kan niet van '{_match(e.current)}' naar '{_match(e.to)}'."
    ),
    NotAllocatable: lambda e: (
        f"Een gekozen vraag staat niet open (status: {_question(e.status)})."
    ),
    InvalidConfirmation: lambda e: (
        "Deze bevestigingslink is ongeldig of verlopen. Meld je opnieuw aan."
    ),
    LevelNotAccepted: lambda e: f"Deze opdracht is voor {_either(e.levels)}.",
    InterestNotFound: lambda e: "Deze aanmelding bestaat niet (meer) bij deze vraag.",
    InterestAlreadyHandled: lambda e: (
        "Deze aanmelding was al als behandeld gemarkeerd."
    ),
    DayAndPeriodGiven: lambda e: "Kies één dag of een periode, niet allebei.",
    EmailTaken: lambda e: "Dit e-mailadres is al in gebruik.",
    WrongCurrentPassword: lambda e: "Uw huidige wachtwoord klopt niet.",
    OwnAccess: lambda e: {
        "is_active": "U kunt uw eigen account niet uitschakelen.",
        "password": "Uw eigen wachtwoord wijzigt u via Account, Wachtwoord; daar is "
        "uw huidige wachtwoord nodig.",
    }.get(
        e.change,
        "U kunt uw eigen rol niet wijzigen; vraag dat aan een andere beheerder.",
    ),
    LastAdmin: lambda e: (
        "Dit is het laatste actieve beheerdersaccount. Maak eerst een ander account "
        "beheerder, anders kan niemand de accounts nog beheren."
    ),
    AffiliationRequired: lambda e: (
        "Kies een gemeente." if e.field == "municipality" else "Kies een instelling."
    ),
    ParkUntilRequired: lambda e: (
        f"Kies de dag waarop de vraag weer opengaat: na {date_nl(e.today)}."
    ),
    ServedCitiesByProvider: lambda e: (
        "Alleen de aanbieder bepaalt voor welke gemeenten het aanbod geldt."
    ),
    PeriodNotFound: lambda e: "Kies een periode van de instelling van dit aanbod.",
    PeriodOrDates: lambda e: "Kies een periode of vul data in, niet allebei.",
    PeriodNameTaken: lambda e: (
        "Deze instelling heeft al een periode met deze naam; kies een andere naam."
    ),
    NotYourInstitution: lambda e: (
        "U kunt alleen perioden van uw eigen instelling vastleggen."
    ),
    MunicipalityExists: lambda e: "Deze gemeente bestaat al in Kennisbrug.",
    DuplicateDistrictName: lambda e: (
        f"De naam '{e.name}' hoort bij meer dan één wijk; elke wijk- en buurtnaam "
        "mag maar bij één wijk horen."
    ),
    RowInvalid: lambda e: f"Regel {e.row} van het bestand klopt niet.",
}
_GENERIC = {
    401: "U bent niet ingelogd.",
    403: "U mag dit niet doen.",
    404: "Niet gevonden of niet zichtbaar voor u.",
    409: "Dit kan niet in de huidige toestand.",
    413: "Het bestand is te groot.",
    422: "De invoer is niet geldig.",
    429: "Te veel verzoeken; probeer het over een minuut opnieuw.",
    503: "Deze functie is tijdelijk niet beschikbaar.",
}


def dutch(exc: AppError) -> str:
    """The Dutch sentence for a refusal: its own class, else its nearest base."""
    if getattr(exc, "dutch", False):  # page errors are written in Dutch already
        return exc.detail
    for cls in type(exc).__mro__:
        text = _REFUSALS.get(cls)
        if text is not None:
            return text(exc)
    return _GENERIC.get(exc.status_code, "Dit is niet gelukt.")


def field_errors(exc: AppError, fields: Iterable[str]) -> dict[str, str]:
    """Dutch messages per form field; what belongs to no field of the form goes to
    "form" (the summary above it)."""
    names = set(fields)
    out: dict[str, str] = {}
    for part in exc.errors if isinstance(exc, InvalidFields) else [exc]:
        name = getattr(part, "field", None)
        if name in names:
            out.setdefault(name, dutch(part))
        else:
            out["form"] = (out.get("form", "") + " " + dutch(part)).strip()
    return out


def _ctx(error: Mapping[str, Any], key: str) -> str:
    return str((error.get("ctx") or {}).get(key, ""))


_VALIDATION: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda e: "Vul dit veld in.",
    "string_too_short": lambda e: (
        "Vul dit veld in."
        if _ctx(e, "min_length") == "1"
        else f"Gebruik minstens {_ctx(e, 'min_length')} tekens."
    ),
    "string_too_long": lambda e: f"Gebruik hoogstens {_ctx(e, 'max_length')} tekens.",
    "too_long": lambda e: f"Kies hoogstens {_ctx(e, 'max_length')}.",
    "date_format": lambda e: "Vul een geldige datum in (dag-maand-jaar).",
    "date_range": lambda e: "Vul een geldige datum in, tussen 1900 en 2999.",
    "int_parsing": lambda e: "Vul een heel getal in.",
    "int_type": lambda e: "Vul een heel getal in.",
    "int_from_float": lambda e: "Vul een heel getal in.",
    "greater_than_equal": lambda e: f"Vul een getal van minstens {_ctx(e, 'ge')} in.",
    "less_than_equal": lambda e: f"Vul een getal van hoogstens {_ctx(e, 'le')} in.",
    "literal_error": lambda e: "Kies een van de mogelijkheden.",
    "enum": lambda e: "Kies een van de mogelijkheden.",
    "email": lambda e: "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.",
    "url_parsing": lambda e: "Vul een geldig webadres in, beginnend met https://.",
    "url_scheme": lambda e: "Vul een geldig webadres in, beginnend met https://.",
    "url_type": lambda e: "Vul een geldig webadres in, beginnend met https://.",
    "window_reversed": lambda e: "De einddatum ligt vóór de begindatum.",
    "intake_after_start": lambda e: "De inschrijfdeadline ligt na de begindatum.",
    "invisible_text": lambda e: "Gebruik zichtbare tekens, niet alleen spaties.",
}


def dutch_validation(error: Mapping[str, Any]) -> str:
    """One pydantic error in Dutch, by its type (the English text is never read)."""
    kind = str(error.get("type", ""))
    if kind.startswith(("date", "datetime")) and kind not in _VALIDATION:
        return "Vul een geldige datum in (dag-maand-jaar)."
    text = _VALIDATION.get(kind)
    return text(error) if text else "Deze waarde is ongeldig."


_CHOICE_ERRORS = frozenset({"enum", "literal_error", "missing"})


def choose(labels: Iterable[str]) -> str:
    """The allowed values of a choice by their Dutch labels: "Kies a, b of c."."""
    return f"Kies {_either(labels)}."


def validation_errors(
    exc: ValidationError, choices: Mapping[str, Iterable[str]] | None = None
) -> dict[str, str]:
    """Field name -> Dutch message; the first error per field wins. A model-level
    error names its field in its context (window_reversed: the end field).

    `choices` gives a choice field's allowed values by their Dutch labels, so a
    wrong value names them (instead of the codes the schema knows).
    """
    errors: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        name = loc[0] if loc else _ctx(err, "end") or "form"
        if choices and name in choices and err.get("type") in _CHOICE_ERRORS:
            errors.setdefault(name, choose(choices[name]))
        errors.setdefault(name, dutch_validation(err))
    return errors
