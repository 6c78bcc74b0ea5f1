"""The audit hash chain: each hash is SHA-256 over the previous hash and the record's canonical JSON."""

from __future__ import annotations

import hashlib

from ennoshita.audit.rules import GENESIS, ChainRow, chain_hash, first_broken


def record(i: int, action: str = "create", after: str | None = '{"name":"山田"}') -> dict[str, object]:
    return {"id": i, "occurred_at": f"2026-11-24T10:00:0{i}.000000", "actor_id": 1, "actor_name": "admin",
            "via": "web", "entity_type": "user", "entity_id": str(i), "action": action,
            "before": None, "after": after}


def test_hash_is_sha256_of_previous_hash_and_canonical_json_written_by_hand() -> None:
    # The canonical JSON spelled out by hand: keys sorted, no spaces, Japanese kept as UTF-8.
    expected_json = ('{"action":"create","actor_id":1,"actor_name":"admin","after":"{\\"name\\":\\"山田\\"}",'
                     '"before":null,"entity_id":"1","entity_type":"user","id":1,'
                     '"occurred_at":"2026-11-24T10:00:01.000000","via":"web"}')
    expected = hashlib.sha256((GENESIS + expected_json).encode("utf-8")).hexdigest()
    assert chain_hash(GENESIS, record(1)) == expected


def _chain(n: int) -> list[ChainRow]:
    rows, prev = [], GENESIS
    for i in range(1, n + 1):
        fields = record(i)
        h = chain_hash(prev, fields)
        rows.append(ChainRow(fields, prev, h))
        prev = h
    return rows


def test_an_intact_chain_verifies_every_record() -> None:
    assert first_broken(_chain(5)) == (5, None, None)


def test_an_altered_field_breaks_the_chain_at_that_record() -> None:
    rows = _chain(5)
    tampered = dict(rows[2].fields)
    tampered["action"] = "delete"
    rows[2] = ChainRow(tampered, rows[2].prev_hash, rows[2].hash)
    assert first_broken(rows) == (2, 3, "hash")


def test_a_removed_record_breaks_the_link_of_the_next_one() -> None:
    rows = _chain(5)
    del rows[1]
    assert first_broken(rows) == (1, 3, "prev_hash")


def test_a_recomputed_hash_still_breaks_the_next_link() -> None:
    rows = _chain(4)
    tampered = dict(rows[1].fields)
    tampered["after"] = '{"name":"佐藤"}'
    rows[1] = ChainRow(tampered, rows[1].prev_hash, chain_hash(rows[1].prev_hash, tampered))
    assert first_broken(rows) == (2, 3, "prev_hash")


def test_version_2_link_is_hmac_sha256_under_the_key_written_by_hand() -> None:
    import hmac

    from ennoshita.audit.rules import chain_mac

    key = bytes(range(32))
    expected_json = ('{"action":"create","actor_id":1,"actor_name":"admin","after":"{\\"name\\":\\"山田\\"}",'
                     '"before":null,"entity_id":"1","entity_type":"user","id":1,'
                     '"occurred_at":"2026-11-24T10:00:01.000000","version":2,"via":"web"}')
    msg = b"ennoshita-audit-v2\x00" + GENESIS.encode() + expected_json.encode("utf-8")
    assert chain_mac(key, GENESIS, record(1)) == hmac.new(key, msg, hashlib.sha256).hexdigest()
    assert chain_mac(bytes(32), GENESIS, record(1)) != chain_mac(key, GENESIS, record(1))


def _keyed(n: int, key: bytes) -> list[ChainRow]:
    from ennoshita.audit.keys import key_id
    from ennoshita.audit.rules import chain_mac

    marker = {**record(1), "entity_type": "audit_chain", "action": "keyed",
              "after": '{"key_id":"' + key_id(key) + '"}'}
    rows, prev = [], GENESIS
    for i, fields in enumerate([marker, *(record(i) for i in range(2, n + 1))], start=1):
        assert fields["id"] == i
        h = chain_mac(key, prev, fields)
        rows.append(ChainRow(fields, prev, h, 2))
        prev = h
    return rows


def test_walk_accepts_a_keyed_chain_and_refuses_what_an_owner_without_the_key_can_write() -> None:
    from ennoshita.audit.keys import key_id
    from ennoshita.audit.rules import walk

    key = bytes(range(32))
    kid = key_id(key)
    assert walk(_keyed(4, key), key, kid).reason is None
    assert walk(_chain(4), key, kid).reason == "marker_missing"  # all unkeyed: the marker was stripped
    rows = _keyed(4, key)
    tampered = dict(rows[2].fields, action="delete")
    rows[2] = ChainRow(tampered, rows[2].prev_hash, chain_hash(rows[2].prev_hash, tampered), 1)
    assert walk(rows, key, kid).reason == "v1_after_marker"
    assert walk(_keyed(4, key), bytes(32), key_id(bytes(32))).reason == "wrong_key"
