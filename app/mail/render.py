"""Render a mail kind into its subject, plain text and HTML (Jinja2, Dutch).

Templates live in templates/<kind>.txt and <kind>.html. The text template sets the
subject (`{% set subject = … %}`) and is rendered without escaping; the HTML one
extends _layout.html and is autoescaped, so user text cannot add markup. Undefined
variables are errors (StrictUndefined), never an empty string in a sent mail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from app.mail.kinds import MailContext
from app.web.core.display import date_nl

# Where a user switches off mail that is not essential (the link in every footer).
PREFERENCES_PATH = "/account/e-mail"
MAX_SUBJECT = 255


@dataclass(frozen=True, slots=True)
class RenderedMail:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("app.mail", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date_nl"] = date_nl
    return env


def absolute_url(base_url: str, path: str) -> str:
    """`base_url` + a site path; refuses anything but a path, so links stay ours."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"a mail link must be a site path, got {path!r}")
    return base_url.rstrip("/") + path


def _one_line(text: str) -> str:
    """A header-safe subject: no line breaks, collapsed spaces, at most 255 long."""
    line = re.sub(r"\s+", " ", text).strip()
    return line if len(line) <= MAX_SUBJECT else line[: MAX_SUBJECT - 1] + "…"


def render_mail(context: MailContext, *, base_url: str) -> RenderedMail:
    """Render `context` with its kind's templates; links start with `base_url`."""
    if not context.KIND:
        raise TypeError(f"{type(context).__name__} is not a mail kind")
    env = _environment()
    values: dict[str, Any] = {f.name: getattr(context, f.name) for f in fields(context)}
    values |= {
        "essential": context.ESSENTIAL,
        "url": lambda path: absolute_url(base_url, path),
        "preferences_url": absolute_url(base_url, PREFERENCES_PATH),
        "site_url": absolute_url(base_url, "/"),
    }
    text_module = env.get_template(f"{context.KIND}.txt").make_module(values)
    if "subject" not in vars(text_module):
        raise LookupError(f"{context.KIND}.txt sets no subject")
    subject = _one_line(str(vars(text_module)["subject"]))
    html = env.get_template(f"{context.KIND}.html").render(values, subject=subject)
    return RenderedMail(subject=subject, text=str(text_module), html=html)
