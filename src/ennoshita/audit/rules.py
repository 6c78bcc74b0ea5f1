"""The hash chain of the audit trail, as pure functions.

Version 1 records (written before the keyed chain) store ``hash = SHA-256(prev_hash || canonical_json(fields))``.
Changing any stored field of any record, or removing one, breaks every later link, which :func:`first_broken`
finds -- but anyone who can write the table can recompute every later hash.

Version 2 records (issue 14 item 16) store ``hash = HMAC-SHA256(key, "ennoshita-audit-v2" || prev_hash ||
canonical_json(fields + version))`` with a key kept outside the database (:mod:`ennoshita.audit.keys`). One
marker record (``audit_chain`` / ``keyed``, naming the key's fingerprint) starts the keyed part; :func:`walk`
refuses a chain without it, a second one, or a version 1 record after it.
"""

from __future__ import annotations

import hashlib
import hmac
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


MARKER_ENTITY = "audit_chain"
MARKER_ACTION = "keyed"
_V2_PREFIX = b"ennoshita-audit-v2\x00"


def chain_mac(key: bytes, prev_hash: str, fields: Mapping[str, Any]) -> str:
    """The version 2 link: HMAC-SHA256 under the audit key over the previous link and the fields."""
    payload = {name: fields.get(name) for name in CHAINED_FIELDS}
    payload["version"] = 2
    msg = _V2_PREFIX + prev_hash.encode("ascii") + canonical_json(payload).encode("utf-8")
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainRow:
    fields: Mapping[str, Any]
    prev_hash: str
    hash: str
    version: int = 1


@dataclass(frozen=True)
class Walk:
    count: int  # records verified before the first broken one (all of them when intact)
    broken_id: Any | None
    reason: str | None
    marker_id: Any | None
    head: tuple[Any, str] | None  # (id, hash) of the last intact record
    links: dict[Any, tuple[str, int]]  # (hash, records up to it) of the records asked for (checkpoints)


def _is_marker(fields: Mapping[str, Any]) -> bool:
    return fields.get("entity_type") == MARKER_ENTITY and fields.get("action") == MARKER_ACTION


def marker_key_id(fields: Mapping[str, Any]) -> str | None:
    try:
        data = json.loads(fields.get("after") or "{}")
    except ValueError:
        return None
    return data.get("key_id") if isinstance(data, dict) else None


def walk(rows: Iterable[ChainRow], key: bytes, key_id: str, want: frozenset[Any] = frozenset()) -> Walk:
    """Walk a chain of version 1 records, one marker, then version 2 records keyed with ``key``."""
    expected_prev = GENESIS
    count = 0
    marker: Any | None = None
    head: tuple[Any, str] | None = None
    links: dict[Any, tuple[str, int]] = {}

    def broken(rid: Any, reason: str) -> Walk:
        return Walk(count, rid, reason, marker, head, links)

    for row in rows:
        fields = row.fields
        rid = fields.get("id")
        if row.prev_hash != expected_prev:
            return broken(rid, "prev_hash")
        if row.version == 1:
            if marker is not None:
                return broken(rid, "v1_after_marker")
            if chain_hash(row.prev_hash, fields) != row.hash:
                return broken(rid, "hash")
        elif row.version == 2:
            if _is_marker(fields):
                if marker is not None:
                    return broken(rid, "second_marker")
                if marker_key_id(fields) != key_id:
                    return broken(rid, "wrong_key")
            elif marker is None:
                return broken(rid, "marker_missing")
            if not hmac.compare_digest(chain_mac(key, row.prev_hash, fields), row.hash):
                return broken(rid, "mac")
            if marker is None:
                marker = rid
        else:
            return broken(rid, "version")
        expected_prev = row.hash
        head = (rid, row.hash)
        count += 1
        if rid in want:
            links[rid] = (row.hash, count)
    if marker is None:
        return Walk(count, None, "marker_missing", None, head, links)
    return Walk(count, None, None, marker, head, links)


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
