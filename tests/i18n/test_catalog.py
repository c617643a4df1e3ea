"""Every user-visible string of the project has a Chinese translation, none fuzzy.

``makemessages`` extracts only string literals written inside a gettext call: a message passed
in a variable is never extracted (and ``--no-obsolete`` drops a hand-written entry for it), so
it stays English on Chinese pages. The last two tests read the Python source itself: they need
no GNU gettext, and they name the file and line of each message that would be missed.
"""

import ast
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = ["agenda", "registration", "gotc", "templates"]
PACKAGES = ["agenda", "registration", "gotc"]

# The positional arguments of each gettext function that are messages (what makemessages
# extracts); any argument after them (the number) may be anything.
MESSAGE_ARGUMENTS = {
    "gettext": ("msgid",),
    "gettext_lazy": ("msgid",),
    "gettext_noop": ("msgid",),
    "ngettext": ("msgid", "msgid_plural"),
    "ngettext_lazy": ("msgid", "msgid_plural"),
    "pgettext": ("msgctxt", "msgid"),
    "pgettext_lazy": ("msgctxt", "msgid"),
    "npgettext": ("msgctxt", "msgid", "msgid_plural"),
    "npgettext_lazy": ("msgctxt", "msgid", "msgid_plural"),
}


@dataclass(frozen=True)
class GettextCall:
    where: str  # path:line
    function: str
    message: dict[str, str] | None  # msgctxt/msgid/msgid_plural; None unless all are literals


def _translation_names(tree: ast.Module) -> tuple[dict[str, str], set[str]]:
    """The module's local names for gettext functions ({"_": "gettext_lazy"}) and for the
    ``django.utils.translation`` module itself."""
    functions: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            functions.update(
                (alias.asname or alias.name, alias.name)
                for alias in node.names
                if alias.name in MESSAGE_ARGUMENTS
            )
        elif isinstance(node, ast.ImportFrom) and node.module == "django.utils":
            modules.update(
                alias.asname or alias.name for alias in node.names if alias.name == "translation"
            )
    return functions, modules


def gettext_calls(path: Path) -> Iterator[GettextCall]:
    """Every call of a gettext function in the module at ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions, modules = _translation_names(tree)
    where = path.relative_to(settings.BASE_DIR)
    calls = sorted(
        (node for node in ast.walk(tree) if isinstance(node, ast.Call)),
        key=lambda node: (node.lineno, node.col_offset),
    )
    for node in calls:
        if isinstance(node.func, ast.Name) and node.func.id in functions:
            function = functions[node.func.id]
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in MESSAGE_ARGUMENTS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in modules
        ):
            function = node.func.attr
        else:
            continue
        fields = MESSAGE_ARGUMENTS[function]
        arguments = node.args[: len(fields)]
        literal = len(arguments) == len(fields) and all(
            isinstance(argument, ast.Constant) and isinstance(argument.value, str)
            for argument in arguments
        )
        message = dict(zip(fields, (a.value for a in arguments), strict=True)) if literal else None
        yield GettextCall(f"{where}:{node.lineno}", function, message)


def production_gettext_calls() -> list[GettextCall]:
    return [
        call
        for package in PACKAGES
        for path in sorted((Path(settings.BASE_DIR) / package).rglob("*.py"))
        for call in gettext_calls(path)
    ]


def _entries(path: Path) -> dict[tuple[str | None, str], polib.POEntry]:
    return {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path)) if not e.obsolete}


def test_catalog_every_entry_translated_and_not_fuzzy():
    catalog = polib.pofile(str(CATALOG))

    untranslated = [e.msgid for e in catalog.untranslated_entries()]
    fuzzy = [e.msgid for e in catalog.fuzzy_entries()]

    assert untranslated == []
    assert fuzzy == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) not installed")
def test_catalog_covers_every_msgid_in_the_source(tmp_path, monkeypatch, settings):
    # Extract the project's msgids afresh (as `make messages` does) into a scratch copy.
    for name in SOURCES:
        shutil.copytree(Path(settings.BASE_DIR) / name, tmp_path / name)
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]  # never write into the real catalog
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_obsolete=True)
    fresh = _entries(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    committed = _entries(CATALOG)

    missing = sorted(msgid for key, msgid in ((k, k[1]) for k in fresh) if key not in committed)

    assert missing == []


def test_gettext_messages_in_the_source_are_string_literals():
    offenders = [
        f"{call.where}: {call.function}() with a message that is not a string literal"
        for call in production_gettext_calls()
        if call.message is None
    ]

    assert offenders == []


def test_catalog_translates_every_message_literal_in_the_source():
    catalog = _entries(CATALOG)

    missing = []
    for call in production_gettext_calls():
        if call.message is None:
            continue  # test_gettext_messages_in_the_source_are_string_literals names it
        entry = catalog.get((call.message.get("msgctxt"), call.message["msgid"]))
        if (
            entry is None
            or not entry.translated()
            or entry.msgid_plural != call.message.get("msgid_plural", "")
        ):
            missing.append(f"{call.where}: {call.message['msgid']!r}")

    assert missing == []
