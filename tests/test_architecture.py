"""The structure the next engineer relies on, checked on the source itself."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
# Names a domain folder may have (STYLE.md: router, service, schemas, repository,
# errors; tasks for its background jobs, commands for its CLI, as Polar does);
# any other module name is unique in app/.
DOMAIN_FILES = {
    "__init__",
    "router",
    "service",
    "schemas",
    "repository",
    "errors",
    "tasks",
    "commands",
}


def modules(folder: Path) -> dict[str, Path]:
    found = {}
    for path in folder.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """The app modules a module imports at module level (not inside functions)."""
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in known}


def test_no_import_cycle_in_app():
    known = modules(APP)
    graph = {name: imports_of(path, known) for name, path in known.items()}
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for other in graph[name]:
            if state.get(other) == 1:
                cycle = [*trail[trail.index(other) :], other]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if other not in state:
                visit(other, [*trail, other])
        state[name] = 2

    for name in graph:
        if name not in state:
            visit(name, [name])


def test_queries_only_in_repositories():
    offenders = [
        str(path.relative_to(ROOT))
        for path in APP.rglob("*.py")
        if path.name != "repository.py" and "select(" in path.read_text()
    ]
    assert offenders == []


def test_pages_never_parse_message_text():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (APP / "web").rglob("*.py")
        if re.search(
            r"^import re$|re\.(compile|search|match|findall)\(", path.read_text(), re.M
        )
    ]
    assert offenders == []


def test_module_names_do_not_collide():
    names = Counter(
        path.stem for path in APP.rglob("*.py") if path.stem not in DOMAIN_FILES
    )
    assert [name for name, n in names.items() if n > 1] == []


def test_matching_is_a_pure_library():
    for path in (ROOT / "matching").rglob("*.py"):
        for name in imports_of(path, {}) | _top_imports(path):
            assert name.split(".")[0] not in {"app", "fastapi", "sqlalchemy"}, path


def _top_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found
