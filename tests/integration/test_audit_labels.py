"""The audit trail speaks both languages for every entity and action it records, its 対象 filter lists them all,
and an auditor verifies the chain on screen (issue 13 item 8)."""

from __future__ import annotations

import ast
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from ennoshita.audit.ddl import drop_triggers
from ennoshita.audit.queries import actions, entity_types
from ennoshita.db import Database
from ennoshita.i18n import catalog
from tests.conftest import AUDITOR, login

SRC = Path(__file__).resolve().parents[2] / "src" / "ennoshita"


def _recorded() -> tuple[set[str], set[str]]:
    """Every literal entity type and action of an ``audit.record(...)`` call, and ``status:<state>`` for every
    state of every TRANSITIONS table (documents move through ennoshita.transitions.move)."""
    entities: set[str] = set()
    acts: set[str] = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "record" \
                    and len(node.args) >= 5:
                if isinstance(node.args[2], ast.Constant):
                    entities.add(node.args[2].value)
                if isinstance(node.args[4], ast.Constant):
                    acts.add(node.args[4].value)
            if isinstance(node, ast.AnnAssign | ast.Assign):
                target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
                if isinstance(target, ast.Name) and target.id.endswith("TRANSITIONS") and isinstance(node.value,
                                                                                                     ast.Dict):
                    for key in node.value.keys:
                        if isinstance(key, ast.Constant):
                            acts.add(f"status:{key.value}")
                    for value in ast.walk(node.value):
                        if isinstance(value, ast.Constant) and isinstance(value.value, str):
                            acts.add(f"status:{value.value}")
    return entities, acts


def test_every_recorded_entity_and_action_has_a_label_in_both_languages() -> None:
    entities, acts = _recorded()
    assert {"desk_request", "payment_run", "thanks", "approval"} <= entities
    assert {"submit", "paid", "status:done"} <= acts
    for lang in ("ja", "en"):
        messages = catalog(lang)
        assert sorted(e for e in entities if f"entity.{e}" not in messages) == [], lang
        assert sorted(a for a in acts if f"action.{a}" not in messages) == [], lang
    assert entities <= set(entity_types())  # the 対象 filter lists them all
    assert acts <= set(actions())


def test_the_audit_page_shows_labels_and_verifies_the_chain(client: TestClient, demo_db: Database) -> None:
    login(client, AUDITOR)
    page = client.get("/audit", params={"entity_type": "desk_request"})
    assert page.status_code == 200 and "entity.desk_request" not in page.text and "action." not in page.text
    verified = client.get("/audit/verify")
    assert verified.status_code == 200 and 'data-testid="audit-verified"' in verified.text
    assert "改ざんされていません" in verified.text
    with demo_db.engine.begin() as conn:  # tamper with record 4 behind the application's back
        drop_triggers(conn)
        conn.execute(text("UPDATE audit_records SET after = '{\"name\":\"改ざん\"}' WHERE id = 4"))
    broken = client.get("/audit/verify")
    assert 'data-testid="audit-broken"' in broken.text and "#4" in broken.text


def test_the_local_operator_is_named_in_the_users_language(client: TestClient, demo_db: Database) -> None:
    """The first walk: 監査ログ named the first-run page's and the CLI's records' 操作者 ``system``, an English
    word on a Japanese page (the chain stores ``system``; the screen names it)."""
    with demo_db.engine.begin() as conn:
        system_rows = conn.execute(text("SELECT count(*) FROM audit_records WHERE actor_name = 'system'")).scalar()
    assert system_rows
    login(client, AUDITOR)
    page = client.get("/audit", params={"user": "", "entity_type": "audit_chain"})
    assert page.status_code == 200
    cells = [c.strip() for c in page.text.split("<td>")[1:]]
    assert any(c.startswith("システム</td>") for c in cells)
    assert not any(c.startswith("system</td>") for c in cells)


def _csv(body: bytes) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_the_audit_csv_speaks_the_users_language_and_keeps_the_chained_values(client: TestClient,
                                                                                demo_db: Database) -> None:
    """The 監査ログ CSV had machine headers (id, occurred_at, actor_id ...) and codes (partner, create) even for
    a Japanese auditor, unlike every other list export. Its headers are now the screen's column titles in the
    reader's language, with the named 対象 and 操作 beside the codes the chain's MAC is computed over."""
    with demo_db.engine.begin() as conn:
        rec = conn.execute(text("SELECT id, entity_type, action, hash FROM audit_records "
                                "WHERE entity_type = 'partner' AND action = 'create' ORDER BY id LIMIT 1")).one()
    csrf = login(client, AUDITOR)
    rows = _csv(client.get("/audit.csv").content)
    assert rows[0] == ["番号", "日時", "操作者ID", "操作者", "経路", "対象", "対象コード", "対象ID", "操作",
                       "操作コード", "変更前", "変更後", "ハッシュ値"]
    line = next(r for r in rows[1:] if r[0] == str(rec.id))
    assert (line[5], line[6], line[8], line[9], line[12]) == ("取引先", "partner", "登録", "create", rec.hash)
    client.post("/language", data={"language": "en", "next": "/", "csrf_token": csrf})
    rows = _csv(client.get("/audit.csv").content)
    assert rows[0] == ["No.", "When", "User ID", "User", "Via", "Entity", "Entity code", "Entity ID", "Action",
                       "Action code", "Before", "After", "Hash"]
    line = next(r for r in rows[1:] if r[0] == str(rec.id))
    assert (line[5], line[6], line[8], line[9]) == ("Partner", "partner", "Create", "create")
