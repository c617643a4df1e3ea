"""Every user-visible string of the project has a Chinese translation, none fuzzy."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = ["agenda", "registration", "gotc", "templates"]


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
