"""The hash chain of the audit trail, as pure functions.

Each record stores ``hash = SHA-256(prev_hash || canonical_json(fields))``. Changing any stored
field of any record, or removing one, breaks every later link, which :func:`first_broken` finds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

CHAINED_FIELDS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_name",
    "via",
    "entity_type",
    "entity_id",
    "action",
    "before",
    "after",
)


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept (NFC text is the caller's job)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    payload = {name: fields.get(name) for name in CHAINED_FIELDS}
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(canonical_json(payload).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainRow:
    fields: Mapping[str, Any]
    prev_hash: str
    hash: str


def first_broken(rows: Iterable[ChainRow]) -> tuple[int, Any | None, str | None]:
    """Walk the chain in order: (records checked, id of the first broken record or None, reason)."""
    expected_prev = GENESIS
    count = 0
    for row in rows:
        rid = row.fields.get("id")
        if row.prev_hash != expected_prev:
            return count, rid, "prev_hash"
        if chain_hash(row.prev_hash, row.fields) != row.hash:
            return count, rid, "hash"
        expected_prev = row.hash
        count += 1
    return count, None, None
