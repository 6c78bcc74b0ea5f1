"""Every kind of document that goes to 承認 has a name in both catalogs and a link on the approval screens.

The queue and "my requests" named the types through two hand-kept lists (purchasing's six and HR's ``hr_``
prefix), so a 給与計算 waiting for approval showed as ``payroll_run`` on the Japanese page, with no link, and the
CLI's queue printed every type's code. The registry of types (``approvals.services.READ_CAPABILITIES``, where a
domain adding a document type registers it) is now what the names and links are checked against."""

from __future__ import annotations

from pathlib import Path

from ennoshita.approvals.services import READ_CAPABILITIES
from ennoshita.i18n import catalog
from ennoshita.web.approvals import DOCUMENT_LINKS

TEMPLATES = Path(__file__).resolve().parents[3] / "src" / "ennoshita" / "web" / "templates" / "approvals"


def test_every_document_type_has_a_name_in_both_languages() -> None:
    ja, en = catalog("ja"), catalog("en")
    for kind in READ_CAPABILITIES:
        key = f"approvals.doctype.{kind}"
        assert key in ja and key in en, kind
        assert not any(c.isascii() and c.isalpha() for c in ja[key]), (kind, ja[key])
    assert ja["approvals.doctype.payroll_run"] == "給与計算"


def test_every_document_type_links_to_its_screen() -> None:
    assert set(DOCUMENT_LINKS) == set(READ_CAPABILITIES)
    assert DOCUMENT_LINKS["payroll_run"] == "/payroll/runs/{id}"


def test_the_screens_name_types_through_the_one_key() -> None:
    for page in ("queue.html", "mine.html"):
        html = (TEMPLATES / page).read_text(encoding="utf-8")
        assert "_('approvals.doctype.' ~ p.view.document_type)" in html
        assert "purchasing_ui.doctype" not in html and "hr_ui.doctype" not in html
