"""Released records stay as stored until read: the sequence view and the JSON writer."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from holoptic.gate.release import release_json
from holoptic.vault.records import canonical, decode_lines
from holoptic.vault.stored_records import StoredRecords

RECORDS = [
    {"time": "2025-06-02T08:00:00Z", "lat": 45.18, "lon": 5.72},
    {"note": "a line\u2028separator and an é", "n": 12345678901234567890},  # 20 digits
    {"nested": {"b": [1, None, True], "a": -0.5}},
]
PAYLOAD = "".join(canonical(record) + "\n" for record in RECORDS).encode()


def test_it_reads_as_the_records() -> None:
    stored = StoredRecords(PAYLOAD)
    assert len(stored) == 3 and stored[1] == RECORDS[1] and stored[-1] == RECORDS[2]
    assert stored[:2] == RECORDS[:2] and list(stored) == RECORDS
    assert stored == RECORDS and stored == StoredRecords(PAYLOAD) and stored != RECORDS[:2]
    assert stored != "not records"
    with pytest.raises(TypeError):
        hash(stored)


def test_its_json_is_the_stored_lines_unparsed() -> None:
    """The 20-digit integer survives exactly: nothing was read as a float."""
    assert json.loads(StoredRecords(PAYLOAD).json_array()) == RECORDS
    with_blank_lines = b"\n" + PAYLOAD.replace(b"\n", b"\n\n")
    assert json.loads(StoredRecords(with_blank_lines).json_array()) == RECORDS
    assert StoredRecords(with_blank_lines) == decode_lines(with_blank_lines) == RECORDS
    assert StoredRecords(b"").json_array() == b"[]" and len(StoredRecords(b"")) == 0


def test_a_release_writes_its_records_as_stored() -> None:
    document = {"released": {"members": [{"items": [{"records": StoredRecords(PAYLOAD)}]}]}}
    written = json.loads(release_json(document))
    assert written["released"]["members"][0]["items"][0]["records"] == RECORDS
    with pytest.raises(TypeError):
        release_json({"amount": Decimal("1.5")})
