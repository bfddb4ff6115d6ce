"""A blob's records as the vault stores them (JSON lines), parsed only when read.

The gate releases records it has decrypted and authenticated, and the API writes them to
the consumer. Parsing them into dicts, only for the response to write them back out, was
a fifth of a decision's CPU (96 points: 20 µs to parse, as much again to write).
``StoredRecords`` keeps the plaintext: Python code that reads it gets the records
(``decode_lines``, on first use), and a JSON writer takes ``json_array()``, the same
records as one JSON array, without parsing them. The lines are the vault's own canonical
JSON (``records.canonical``), and AES-GCM has vouched that the blob is the one written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

from holoptic.vault.records import decode_lines


class StoredRecords(Sequence[dict[str, Any]]):
    """A read-only sequence of records over their stored JSON lines."""

    __slots__ = ("_decoded", "_payload")

    def __init__(self, payload: bytes) -> None:
        self._payload = payload
        self._decoded: list[dict[str, Any]] | None = None

    def json_array(self) -> bytes:
        """The records as one JSON array, as stored (nothing parsed)."""
        lines = [line for line in self._payload.split(b"\n") if line]
        return b"[" + b",".join(lines) + b"]"

    def _records(self) -> list[dict[str, Any]]:
        if self._decoded is None:
            self._decoded = decode_lines(self._payload)
        return self._decoded

    def __len__(self) -> int:
        return len(self._records())

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        return self._records()[index]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._records())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StoredRecords):
            return self._payload == other._payload or self._records() == other._records()
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return self._records() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking, like a list

    def __repr__(self) -> str:
        return f"StoredRecords({self._records()!r})"
