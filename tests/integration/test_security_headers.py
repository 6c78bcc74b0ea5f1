"""Item 19 of issue 14: every page carries a Content-Security-Policy without inline script, nosniff,
frame-ancestors and a referrer policy; no template needs inline script (no <script> body, no on* handler).
Before the fix there was no CSP, and five templates held inline scripts and a dozen inline handlers."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import login

TEMPLATES = Path(__file__).parents[2] / "src" / "ennoshita" / "web" / "templates"


def test_pages_carry_the_security_headers(client: TestClient) -> None:
    for path in ("/login", "/", "/ledger/input", "/sales/quotes/new"):
        if path != "/login":
            login(client, "admin@demo.ennoshita.jp")
        r = client.get(path, follow_redirects=False)
        csp = r.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0], path
        assert "frame-ancestors 'none'" in csp, path
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"], path


def test_no_template_needs_inline_script() -> None:
    inline = re.compile(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>")
    handler = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
    found = [f"{p.relative_to(TEMPLATES)}" for p in TEMPLATES.rglob("*.html")
             if inline.search(p.read_text(encoding="utf-8")) or handler.search(p.read_text(encoding="utf-8"))]
    assert not found, found
