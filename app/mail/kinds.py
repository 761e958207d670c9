"""The mails Kennisbrug sends: one frozen dataclass per kind with what its templates
show, so a caller cannot forget a field (mypy, and the constructor at run time).

Each class names its templates (`KIND`: templates/<KIND>.txt and .html) and whether
the mail is essential (`ESSENTIAL`: sent even to users who switched mail off).
Paths (`*_path`) are site-relative ("/vragen/…"); the renderer puts
`KENNISBRUG_BASE_URL` in front. Free text from users (titles, notes, names) is
escaped in the HTML part.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar


@dataclass(frozen=True, slots=True, kw_only=True)
class MailContext:
    """Base of every kind; not a mail itself."""

    KIND: ClassVar[str] = ""
    ESSENTIAL: ClassVar[bool] = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ProposalToProvider(MailContext):
    """The broker proposes a question to the provider of an offer."""

    KIND: ClassVar[str] = "proposal_to_provider"

    provider_name: str
    broker_name: str
    municipality_name: str
    question_title: str
    question_summary: str
    offer_title: str
    respond_path: str
    respond_before: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProposalAccepted(MailContext):
    """The provider accepted a proposal (to the broker)."""

    KIND: ClassVar[str] = "proposal_accepted"

    broker_name: str
    provider_name: str
    institution_name: str
    question_title: str
    offer_title: str
    question_path: str
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProposalDeclined(MailContext):
    """The provider declined a proposal (to the broker)."""

    KIND: ClassVar[str] = "proposal_declined"

    broker_name: str
    provider_name: str
    institution_name: str
    question_title: str
    offer_title: str
    question_path: str
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProposalExpired(MailContext):
    """A proposal got no answer in time (to the broker)."""

    KIND: ClassVar[str] = "proposal_expired"

    broker_name: str
    provider_name: str
    institution_name: str
    question_title: str
    offer_title: str
    expired_on: date
    question_path: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ProposalCancelled(MailContext):
    """The question of an unanswered proposal stopped taking matches (to the
    provider who was asked), so they need not answer it any more."""

    KIND: ClassVar[str] = "proposal_cancelled"

    provider_name: str
    municipality_name: str
    question_title: str
    offer_title: str
    reason: str
    proposals_path: str
    parked_until: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchConfirmed(MailContext):
    """A match for their question is confirmed (to the question's owner)."""

    KIND: ClassVar[str] = "match_confirmed"

    owner_name: str
    question_title: str
    offer_title: str
    institution_name: str
    contact_name: str
    contact_email: str
    question_path: str


@dataclass(frozen=True, slots=True, kw_only=True)
class InterestConfirmation(MailContext):
    """A student confirms their interest (double opt-in); asked for, so essential."""

    KIND: ClassVar[str] = "interest_confirmation"
    ESSENTIAL: ClassVar[bool] = True

    student_name: str
    question_title: str
    confirm_path: str
    valid_hours: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestItem:
    """One line of the digest: what waits, since when, where to act."""

    title: str
    path: str
    detail: str = ""
    since: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestSection:
    heading: str
    items: tuple[DigestItem, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BrokerDigest(MailContext):
    """The broker's weekly overview of what waits for them."""

    KIND: ClassVar[str] = "broker_digest"

    broker_name: str
    municipality_name: str
    week_of: date
    sections: tuple[DigestSection, ...]
    board_path: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PasswordReset(MailContext):
    """A link to choose a new password; asked for, so essential."""

    KIND: ClassVar[str] = "password_reset"
    ESSENTIAL: ClassVar[bool] = True

    name: str
    reset_path: str
    valid_minutes: int


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionReopened(MailContext):
    """A parked question is open again (to the question's owner)."""

    KIND: ClassVar[str] = "question_reopened"

    owner_name: str
    question_title: str
    question_path: str
    reason: str = ""


MAIL_KINDS: tuple[type[MailContext], ...] = (
    ProposalToProvider,
    ProposalAccepted,
    ProposalDeclined,
    ProposalExpired,
    ProposalCancelled,
    MatchConfirmed,
    InterestConfirmation,
    BrokerDigest,
    PasswordReset,
    QuestionReopened,
)
