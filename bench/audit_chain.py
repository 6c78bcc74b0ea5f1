"""The cost of the keyed audit chain (issue 14 item 16): HMAC-SHA256 per record against the former SHA-256, the
import's line digest per line, and ``audit verify`` over a chain of records on SQLite. CPU times (process_time):
the bench machine is shared.

`python -m bench audit_chain`
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from ennoshita.actor import Actor
from ennoshita.audit import keys
from ennoshita.audit.rules import GENESIS, canonical_json, chain_hash, chain_mac
from ennoshita.ledger.integrity import line_text

N_RECORDS = 20_000
N_LINES = 500_000
N_CHAIN = 20_000


def _post_fields(i: int) -> dict[str, object]:
    lines = [[1101, None, None, None, 110_000 + i, 0, "A社 4月分"], [4101, None, None, "課税売上10%", 0, 100_000, ""],
             [2191, None, None, None, 0, 10_000 + i, ""]]
    return {"id": i, "occurred_at": "2026-11-24T10:00:00.000000", "actor_id": 2, "actor_name": "経理 花子",
            "via": "web", "entity_type": "journal_entry", "entity_id": str(i), "action": "post", "before": None,
            "after": canonical_json({"number": f"JE-2026-{i:06d}", "lines": lines})}


def _best(fn: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.process_time()  # CPU time: the 2-core bench machine is shared, wall time is not the code's
        fn()  # type: ignore[operator]
        times.append(time.process_time() - t0)
    return min(times)


def run() -> None:
    key = bytes(range(32))
    fields = [_post_fields(i) for i in range(N_RECORDS)]

    def sha() -> None:
        prev = GENESIS
        for f in fields:
            prev = chain_hash(prev, f)

    def mac() -> None:
        prev = GENESIS
        for f in fields:
            prev = chain_mac(key, prev, f)

    t_sha, t_mac = _best(sha), _best(mac)
    print(f"link per record: SHA-256 {t_sha / N_RECORDS * 1e6:.1f} us, HMAC-SHA256 {t_mac / N_RECORDS * 1e6:.1f} us "
          f"(+{(t_mac - t_sha) / N_RECORDS * 1e6:.1f} us per audit record)")

    rows = [(i % 5000, 1 + i % 3, "2026-04-01", 1101 + i % 40, None, None, "課税売上10%" if i % 3 else None,
             1000 + i, 0, "摘要テキスト") for i in range(N_LINES)]

    def digest() -> None:
        import hashlib

        h = hashlib.sha256()
        for start in range(0, N_LINES, 5000):
            batch = rows[start:start + 5000]
            h.update("".join([repr((r[1], *r[3:10])) for r in batch]).encode("utf-8"))

    t_dig = _best(digest)
    assert line_text(1, (1, None, None, None, 1, 0, "")) == repr((1, 1, None, None, None, 1, 0, ""))
    print(f"import line digest: {N_LINES / t_dig:,.0f} lines/s ({t_dig / N_LINES * 1e6:.2f} us per line)")

    with tempfile.TemporaryDirectory() as tmp:
        from ennoshita import audit
        from ennoshita.db import Database
        from ennoshita.migrations import upgrade

        with keys.key_file(Path(tmp) / "audit_key"):
            db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
            upgrade(db.engine)
            actor = Actor.system()
            t0 = time.process_time()
            with db.uow() as uow:
                for i in range(N_CHAIN):
                    audit.record(uow.session, actor, "journal_entry", i, "post", after=fields[i]["after"])
                uow.commit()
            t_rec = time.process_time() - t0
            t_ver = _best(lambda: _verify(db), repeat=1)
            db.dispose()
    print(f"audit.record on SQLite (one transaction): {t_rec / N_CHAIN * 1e3:.3f} ms CPU per record; "
          f"audit verify: {N_CHAIN / t_ver:,.0f} records/s (CPU)")


def _verify(db: object) -> None:
    from ennoshita import audit

    with db.uow() as uow:  # type: ignore[attr-defined]
        assert audit.verify(uow.session).ok
