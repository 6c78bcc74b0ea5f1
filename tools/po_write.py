"""Write a domain's ja/en catalogs from one table (key, ja, en): `python tools/po_write.py DOMAIN FILE.tsv`.

The .po files under src/ennoshita/i18n/ are the source of truth; this only saves typing two files for
every key. Each TSV line: key<TAB>日本語<TAB>English. Lines starting with # are ignored.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "src" / "ennoshita" / "i18n"


def main(domain: str, table: str) -> None:
    rows = []
    for line in Path(table).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, ja, en = line.split("\t")
        rows.append((key, ja, en))
    for index, lang in ((1, "ja"), (2, "en")):
        path = ROOT / lang / f"{domain}.po"
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
        else:
            catalog = Catalog(locale=lang, project="ennoshita", charset="utf-8")
        for row in rows:
            catalog.add(row[0], row[index])
        with path.open("wb") as fh:
            write_po(fh, catalog, omit_header=False, sort_output=True, width=0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
