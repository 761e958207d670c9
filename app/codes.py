"""Every code list of the domain, once: a `StrEnum` each, with its Dutch label.

Models build their CHECK constraints from these, schemas use them as types, pages
and exports take their Dutch words from `label()`, and the matching adapter maps
them onto the engine's own enums. A `StrEnum` member is its string value, so
stored rows, JSON and query strings keep the plain codes ("hbo", "in_progress").
"""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    MBO = "mbo"
    HBO = "hbo"
    WO = "wo"


class OfferKind(StrEnum):
    COURSE = "course"
    THESIS = "thesis"
    RESEARCH = "research"


class OfferStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


class Language(StrEnum):
    NL = "nl"
    EN = "en"


class ExpectedOutput(StrEnum):
    ADVIES = "advies"
    ONDERZOEK = "onderzoek"
    ONTWERP = "ontwerp"
    PRAKTIJKHULP = "praktijkhulp"
    EVALUATIE = "evaluatie"


class QuestionStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    OPEN = "open"
    MATCHED = "matched"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    NOT_MATCHED = "not_matched"
    PARKED = "parked"


class Recurrence(StrEnum):
    """Whether an offer comes back: once, or every year in the same weeks."""

    NONE = "none"
    YEARLY = "yearly"


class PeriodKind(StrEnum):
    """The kinds of academic periods institutions plan in."""

    SEMESTER = "semester"
    BLOK = "blok"
    KWARTIEL = "kwartiel"
    BPV = "bpv"
    OTHER = "other"


class MatchStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REJECTED = "rejected"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class Role(StrEnum):
    STAFF = "staff"
    PROVIDER = "provider"
    BROKER = "broker"
    ADMIN = "admin"
    NETWORK = "network"  # the national programme office: the network report only


class MailStatus(StrEnum):
    """An outbox mail: waiting, being sent by a worker, sent, or given up."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class DecisionOutcome(StrEnum):
    """What happened to a proposed pair: a label the ranker learns from."""

    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    DECLINED = "declined"


class RejectReason(StrEnum):
    """Why a broker (or provider) turned a pair down."""

    TOPIC = "topic"
    LEVEL = "level"
    TIMING = "timing"
    CAPACITY = "capacity"
    FIT = "fit"
    OTHER = "other"


# Matches in these states hold one place of their offer.
HOLDING_STATUSES: tuple[MatchStatus, ...] = (
    MatchStatus.CONFIRMED,
    MatchStatus.IN_PROGRESS,
    MatchStatus.COMPLETED,
)

# The Dutch label of every code, one table per list (a StrEnum member equals its
# value, so "in_progress" of questions and of matches must not share one dict).
DUTCH: dict[type[StrEnum], dict[str, str]] = {
    Level: {
        Level.MBO: "mbo",
        Level.HBO: "hbo",
        Level.WO: "wo (universiteit)",
    },
    OfferKind: {
        OfferKind.COURSE: "Cursus of minor",
        OfferKind.THESIS: "Afstudeerplaatsen",
        OfferKind.RESEARCH: "Onderzoeksexpertise",
    },
    OfferStatus: {
        OfferStatus.ACTIVE: "Actief",
        OfferStatus.PAUSED: "Gepauzeerd",
        OfferStatus.ARCHIVED: "Gearchiveerd",
    },
    Language: {
        Language.NL: "Nederlands",
        Language.EN: "Engels",
    },
    ExpectedOutput: {
        ExpectedOutput.ADVIES: "Advies",
        ExpectedOutput.ONDERZOEK: "Onderzoek",
        ExpectedOutput.ONTWERP: "Ontwerp",
        ExpectedOutput.PRAKTIJKHULP: "Praktijkhulp",
        ExpectedOutput.EVALUATIE: "Evaluatie",
    },
    QuestionStatus: {
        QuestionStatus.DRAFT: "Concept",
        QuestionStatus.SUBMITTED: "Ingediend",
        QuestionStatus.OPEN: "Open",
        QuestionStatus.MATCHED: "Gekoppeld",
        QuestionStatus.IN_PROGRESS: "In uitvoering",
        QuestionStatus.COMPLETED: "Afgerond",
        QuestionStatus.WITHDRAWN: "Ingetrokken",
        QuestionStatus.NOT_MATCHED: "Niet gekoppeld",
        QuestionStatus.PARKED: "Geparkeerd",
    },
    Recurrence: {
        Recurrence.NONE: "Eenmalig",
        Recurrence.YEARLY: "Elk jaar",
    },
    PeriodKind: {
        PeriodKind.SEMESTER: "Semester",
        PeriodKind.BLOK: "Blok",
        PeriodKind.KWARTIEL: "Kwartiel",
        PeriodKind.BPV: "BPV-periode (mbo)",
        PeriodKind.OTHER: "Andere periode",
    },
    MatchStatus: {
        MatchStatus.PROPOSED: "Voorgesteld",
        MatchStatus.CONFIRMED: "Bevestigd",
        MatchStatus.IN_PROGRESS: "In uitvoering",
        MatchStatus.COMPLETED: "Afgerond",
        MatchStatus.REJECTED: "Afgewezen",
        MatchStatus.DECLINED: "Afgeslagen door de aanbieder",
        MatchStatus.EXPIRED: "Verlopen zonder antwoord",
        MatchStatus.CANCELLED: "Geannuleerd",
    },
    MailStatus: {
        MailStatus.PENDING: "Wacht op verzending",
        MailStatus.SENDING: "Wordt verzonden",
        MailStatus.SENT: "Verzonden",
        MailStatus.FAILED: "Niet bezorgd",
    },
    DecisionOutcome: {
        DecisionOutcome.CONFIRMED: "Bevestigd",
        DecisionOutcome.REJECTED: "Afgewezen door de makelaar",
        DecisionOutcome.DECLINED: "Afgeslagen door de aanbieder",
    },
    RejectReason: {
        RejectReason.TOPIC: "Onderwerp past niet",
        RejectReason.LEVEL: "Niveau past niet",
        RejectReason.TIMING: "Periode past niet",
        RejectReason.CAPACITY: "Geen plaats of tijd",
        RejectReason.FIT: "Past minder goed dan een ander aanbod",
        RejectReason.OTHER: "Andere reden",
    },
    Role: {
        Role.STAFF: "Beleidsmedewerker",
        Role.PROVIDER: "Aanbieder",
        Role.BROKER: "Kennismakelaar",
        Role.ADMIN: "Beheerder",
        Role.NETWORK: "Programmabureau (landelijk netwerk)",
    },
}


def labels(codes: type[StrEnum]) -> dict[str, str]:
    """Code value -> Dutch label for one list, in declaration order."""
    return {str(code): text for code, text in DUTCH[codes].items()}


def label(codes: type[StrEnum], code: str | None) -> str:
    """The Dutch label of `code` in the list `codes`; the code itself if unknown."""
    if code is None:
        return ""
    return DUTCH[codes].get(code, code)


def values(codes: type[StrEnum]) -> tuple[str, ...]:
    return tuple(str(member) for member in codes)


def check_in(column: str, codes: type[StrEnum]) -> str:
    """The SQL of a CHECK constraint: `column` holds one of the codes."""
    return f"{column} IN ({', '.join(repr(str(m)) for m in codes)})"


def _check_complete() -> None:
    for codes, table in DUTCH.items():
        missing = set(codes) - set(table)
        if missing:  # pragma: no cover - a programming error caught at import
            raise RuntimeError(f"no Dutch label for {sorted(missing)} in {codes}")


_check_complete()
