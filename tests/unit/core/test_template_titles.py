"""Every screen's ``{% block title %}`` is plain text: the browser tab and the history show it verbatim, so markup
in it (a section pasted into the wrong block, as the 納付一覧's 納付済 table once was) shows as raw HTML."""

from __future__ import annotations

import re
from pathlib import Path

import ennoshita

TEMPLATES = Path(ennoshita.__file__).parent / "web" / "templates"
TITLE = re.compile(r"{%-?\s*block title\s*-?%}(.*?){%-?\s*endblock", re.S)


def test_every_page_title_is_plain_text() -> None:
    bad = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for body in TITLE.findall(path.read_text(encoding="utf-8")):
            if "<" in body or "\n" in body.strip():
                bad.append(f"{path.relative_to(TEMPLATES)}: {body.strip()[:80]!r}")
    assert not bad, "title blocks with markup:\n" + "\n".join(bad)
