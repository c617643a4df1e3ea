"""Compile the gettext catalogs (locale/*/LC_MESSAGES/*.po → .mo) with polib.

Part of the install step (`make run`, `make test`); needs no GNU gettext on the machine.
Usage: python -m gotc.compile_translations
"""

from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent


def main() -> None:
    for po_path in sorted(BASE_DIR.glob("locale/*/LC_MESSAGES/*.po")):
        catalog = polib.pofile(str(po_path))
        # Fuzzy entries are not translations yet: leave them out, as msgfmt does.
        for entry in catalog.fuzzy_entries():
            catalog.remove(entry)
        catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(
            f"compiled {po_path.relative_to(BASE_DIR)} ({catalog.percent_translated()}% translated)"
        )


if __name__ == "__main__":
    main()
