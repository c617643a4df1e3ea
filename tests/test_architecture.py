"""The one-way import rule between the apps (docs/architecture.md)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

FORBIDDEN = {
    "agenda": {"registration", "gotc"},  # the program knows nothing of attendees or the project
    "registration": {"gotc"},
}


def imported_packages(path: Path) -> set[str]:
    """Top-level packages a module imports (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("app", sorted(FORBIDDEN), ids=sorted(FORBIDDEN))
def test_app_imports_run_one_way(app):
    root = Path(settings.BASE_DIR) / app

    offenders = {
        str(path.relative_to(root.parent)): sorted(imported_packages(path) & FORBIDDEN[app])
        for path in sorted(root.rglob("*.py"))
        if imported_packages(path) & FORBIDDEN[app]
    }

    assert offenders == {}
