"""Every screen a demo user can reach by following links answers, in both languages, without a server error and
without a message key left unrendered.

The walk starts at / as each role of the demo company and follows every same-site GET link of every page it
reaches (downloads and exports only by their status), one page of each URL shape (``/sales/invoices/N``)
so that it covers every kind of screen rather than every document. The oracle is the catalogs themselves: a
text node holding a key of the Japanese catalog (``sales.status.draft``) is a message nobody rendered."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from ennoshita.db import Database
from ennoshita.demo import DEMO_USERS
from tests.conftest import login

I18N = Path(__file__).resolve().parents[2] / "src" / "ennoshita" / "i18n" / "ja"
KEYS = frozenset(key for po in I18N.glob("*.po")
                 for key in re.findall(r'^msgid "([a-z][a-z0-9_]*\.[a-z0-9_.:]+)"', po.read_text("utf-8"), re.M))
HREF = re.compile(r'href="(/[^"#]*)"')
MARKUP = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)
KEY_LIKE = re.compile(r"\b[a-z][a-z0-9_]*\.[a-z0-9_.:]+\b")
FILES = re.compile(r"/(export|download)|\.(pdf|csv|txt|xml|zip|png|ico)\b")
# one user per role: the first demo user holding it
ROLES = {roles[0]: email for email, _name, roles, _dept in reversed(DEMO_USERS)}
PER_SHAPE = 1
MAX_PAGES = 80


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?", 1)[0])


def _walk(client: TestClient) -> tuple[int, list[str]]:
    problems: list[str] = []
    shapes: Counter[str] = Counter()
    seen: set[str] = set()
    queue = ["/"]
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or "logout" in url or url.startswith("/static"):
            continue
        seen.add(url)
        shape = _shape(url)
        if shapes[shape] >= PER_SHAPE:
            continue
        shapes[shape] += 1
        pages += 1
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: HTTP {response.status_code}")
            continue
        if "text/html" not in response.headers.get("content-type", "") or FILES.search(url):
            continue
        body = MARKUP.sub(" ", response.text)
        problems += [f"{url}: raw key {key}" for key in sorted(set(KEY_LIKE.findall(body)) & KEYS)]
        queue += [h.replace("&amp;", "&") for h in HREF.findall(response.text)]
    return pages, problems


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_linked_screen_answers_without_error_or_raw_key(client: TestClient, demo_db: Database,
                                                              language: str) -> None:
    if language == "en":
        with demo_db.engine.begin() as conn:
            conn.execute(text("UPDATE users SET language = 'en'"))
    problems: list[str] = []
    walked = 0
    for role, email in sorted(ROLES.items()):
        client.cookies.clear()
        login(client, email)
        pages, found = _walk(client)
        walked += pages
        problems += [f"{role} {p}" for p in found]
    assert walked > 250, walked  # the walk reached the screens, not only a login page
    assert problems == []
