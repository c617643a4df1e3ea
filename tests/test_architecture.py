"""The one-way import rule between the apps (docs/architecture.md)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

FORBIDDEN = {
    # the program knows nothing of attendees, the API or the project
    "agenda": {"registration", "api", "gotc"},
    # registration tells the API what happens through its signals (registration.signals)
    "registration": {"api", "gotc"},
    # the API builds on both apps; gotc mounts its URLs
    "api": {"gotc"},
}
# The project's app-neutral infrastructure, which both apps may use: the page cache and its
# version counters (each app names its own versions).
ALLOWED = {"gotc.pagecache"}


def imported_modules(path: Path) -> set[str]:
    """Modules a module imports (absolute imports only); ``from package import name`` counts
    as ``package.name``, which is the module when ``name`` is one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def forbidden_imports(path: Path, app: str) -> list[str]:
    return sorted(
        module
        for module in imported_modules(path)
        if module.split(".")[0] in FORBIDDEN[app]
        and not any(module == allowed or module.startswith(f"{allowed}.") for allowed in ALLOWED)
    )


@pytest.mark.parametrize("app", sorted(FORBIDDEN), ids=sorted(FORBIDDEN))
def test_app_imports_run_one_way(app):
    root = Path(settings.BASE_DIR) / app

    offenders = {
        str(path.relative_to(root.parent)): forbidden_imports(path, app)
        for path in sorted(root.rglob("*.py"))
        if forbidden_imports(path, app)
    }

    assert offenders == {}


def test_page_cache_knows_neither_app():
    path = Path(settings.BASE_DIR) / "gotc" / "pagecache.py"

    assert {module.split(".")[0] for module in imported_modules(path)} & set(FORBIDDEN) == set()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from gotc import pagecache", []),
        ("from gotc.pagecache import opt_in", []),
        ("import gotc.pagecache", []),
        ("from gotc import views", ["gotc.views"]),
        ("from gotc.settings import DEBUG", ["gotc.settings.DEBUG"]),
        ("import gotc", ["gotc"]),
        ("from gotc import pagecache, views", ["gotc.views"]),
    ],
    ids=[
        "pagecache",
        "pagecache-name",
        "pagecache-import",
        "other-module",
        "other-module-name",
        "package",
        "pagecache-and-other",
    ],
)
def test_only_the_page_cache_of_the_project_is_open_to_apps(tmp_path, source, expected):
    module = tmp_path / "module.py"
    module.write_text(source + "\n", encoding="utf-8")

    assert forbidden_imports(module, "registration") == expected


PRODUCTION = ["agenda", "registration", "api", "gotc", "bench"]


@pytest.mark.parametrize("package", PRODUCTION, ids=PRODUCTION)
def test_production_code_never_imports_the_test_tree(package):
    """Demo and load generators build their own data: nothing outside tests/ needs its
    factories (which are dev extras, absent from a production install)."""
    root = Path(settings.BASE_DIR) / package

    offenders = {
        str(path.relative_to(root.parent)): sorted(
            module for module in imported_modules(path) if module.split(".")[0] == "tests"
        )
        for path in sorted(root.rglob("*.py"))
        if any(module.split(".")[0] == "tests" for module in imported_modules(path))
    }

    assert offenders == {}


def test_test_tree_check_sees_an_import_inside_a_function(tmp_path):
    """generate_demo_load imported tests.factories inside handle(): such imports count too."""
    module = tmp_path / "command.py"
    module.write_text("def handle():\n    from tests import factories\n", encoding="utf-8")

    assert imported_modules(module) == {"tests.factories"}
