"""`kennisbrug municipality add|import`: onboard cities on the server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from app.errors import AppError
from app.privacy.commands import _run

municipality_cli = typer.Typer(
    help="Cities of the network: add one, or import many from a CSV.",
    no_args_is_help=True,
)


def _district(text: str) -> dict[str, object]:
    """`slug=Name|alias|alias` -> a district."""
    slug, _, rest = text.partition("=")
    name, *aliases = (rest or slug).split("|")
    return {"slug": slug.strip(), "name": name.strip(), "aliases": aliases}


@municipality_cli.command("add")
def add_command(
    slug: Annotated[str, typer.Option(help="Slug, e.g. delft.")],
    name: Annotated[str, typer.Option(help="Name, e.g. Delft.")],
    district: Annotated[
        list[str] | None,
        typer.Option(help="A district as slug=Name|buurt|buurt; repeat the option."),
    ] = None,
) -> None:
    """Add a city with its districts and buurt aliases."""
    from app.municipalities import service
    from app.municipalities.schemas import MunicipalityCreate

    try:
        data = MunicipalityCreate.model_validate(
            {
                "slug": slug,
                "name": name,
                "districts": [_district(d) for d in district or []],
            }
        )
        city = _run(lambda s: service.create_municipality(s, data, actor=None))
    except ValidationError as exc:
        for err in exc.errors():
            typer.echo(f"{'.'.join(map(str, err['loc']))}: {err['msg']}", err=True)
        raise typer.Exit(2) from None
    except AppError as exc:
        typer.echo(f"error: {exc.detail} {exc.fields or ''}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"added {city.slug} with {len(district or [])} district(s)")


@municipality_cli.command("import")
def import_command(
    path: Annotated[
        Path,
        typer.Argument(
            help="CSV: municipality, municipality_name, district, district_name, aliases."
        ),
    ],
) -> None:
    """Add every city in a CSV file (one row per district), or none."""
    from app.municipalities import city_import

    try:
        cities = _run(
            lambda s: city_import.import_municipalities(
                s, path.read_bytes(), actor=None
            )
        )
    except AppError as exc:
        typer.echo(f"error: {exc.detail} {exc.fields or ''}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"added {', '.join(c.slug for c in cities)}")
