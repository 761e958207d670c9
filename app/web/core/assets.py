"""Static files: our own under /static/web, the npm-installed NL Design System CSS
under /static/vendor.

Only the listed vendor files are served, never the rest of node_modules.
`npm ci` (run by `make setup`) installs them from the committed package-lock.json.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.staticfiles import StaticFiles

from app.config import get_settings
from app.web.core.error_pages import PageNotFoundError
from app.web.core.templating import STATIC_DIR

logger = logging.getLogger(__name__)

_REPO_ROOT = Path(__file__).resolve().parents[3]

VENDOR_FILES: dict[str, str] = {
    "nlds-components.css": "@utrecht/component-library-css/dist/index.css",
    "nlds-theme.css": "@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css",
}
_CACHE = "public, max-age=86400"


def node_modules() -> Path | None:
    """The installed node_modules: KENNISBRUG_NODE_MODULES, else next to the source
    tree, else the working directory."""
    configured = get_settings().node_modules
    candidates = [configured] if configured else []
    for candidate in (
        *candidates,
        _REPO_ROOT / "node_modules",
        Path.cwd() / "node_modules",
    ):
        if candidate.is_dir():
            return candidate
    return None


def vendor_path(name: str) -> Path | None:
    base = node_modules()
    relative = VENDOR_FILES.get(name)
    if base is None or relative is None:
        return None
    path = base / relative
    return path if path.is_file() else None


router = APIRouter(include_in_schema=False)


@router.get("/static/vendor/{name}", name="vendor_asset")
def vendor_asset(name: str) -> FileResponse:
    """One whitelisted file from node_modules."""
    path = vendor_path(name)
    if path is None:
        if name in VENDOR_FILES:
            logger.warning("vendor asset %s missing: run `npm ci` (make setup)", name)
        raise PageNotFoundError("Dit bestand bestaat niet.")
    return FileResponse(path, media_type="text/css", headers={"Cache-Control": _CACHE})


def own_static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC_DIR)
