"""`kennisbrug privacy export|erase|purge`: the AVG commands for operators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from sqlalchemy.orm import Session

from app.config import get_settings

privacy_cli = typer.Typer(
    help="A person's data (export, erase) and the retention of interests.",
    no_args_is_help=True,
)

EmailOption = Annotated[
    str, typer.Option("--email", help="The person's e-mail address.")
]


T = TypeVar("T")


def _run(work: Callable[[Session], T]) -> T:
    """Run one use case in a session on the configured database."""
    from app.db import make_engine, make_session_factory

    engine = make_engine(get_settings().database_url)
    try:
        with make_session_factory(engine)() as session:
            return work(session)
    finally:
        engine.dispose()


@privacy_cli.command("export")
def export_command(email: EmailOption) -> None:
    """Print everything stored about one person as JSON."""
    from app.privacy import service

    report = _run(lambda s: service.export_person(s, email))
    typer.echo(report.model_dump_json(indent=2))


@privacy_cli.command("erase")
def erase_command(
    email: EmailOption,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask to confirm.")] = False,
) -> None:
    """Delete a person's interests, anonymise their account and contact fields and
    scrub them from the audit log (questions, offers and matches stay)."""
    from app.errors import AppError
    from app.privacy import service

    if not yes:
        typer.confirm(
            f"Erase every trace of {email}? This cannot be undone", abort=True
        )
    try:
        report = _run(lambda s: service.erase_person(s, email, actor=None))
    except AppError as exc:  # refused (the last active admin): nothing changed
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    typer.echo(report.model_dump_json(indent=2))


@privacy_cli.command("purge")
def purge_command() -> None:
    """Delete students' interests older than KENNISBRUG_INTEREST_RETENTION_DAYS."""
    from app.privacy import service

    days = get_settings().interest_retention_days
    report = _run(lambda s: service.purge_interests(s, retention_days=days))
    typer.echo(
        f"deleted {report.interests_deleted} interest(s) older than {days} days "
        f"(before {report.older_than:%Y-%m-%d})"
    )
