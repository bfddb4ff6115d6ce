"""Many rows through one prepared statement, at the driver's speed.

SQLAlchemy's Core ``execute(statement, [rows…])`` rebuilds each row's parameters in Python
(about 7 µs a row); for the ledger's batches and daily flows that was most of the write
time. ``Bulk`` compiles the statement once per dialect, keeps the columns' own bind
processors (so a datetime or a boolean is stored exactly as the Core path stores it) and
hands the driver plain tuples through ``exec_driver_sql``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.types import TypeEngine

_UNSEEN = object()


class Bulk:
    """One DML statement with named bind parameters; ``types`` gives the type of each
    name whose values need a bind processor (the others pass through as they are)."""

    def __init__(
        self, statement: UpdateBase, types: Mapping[str, TypeEngine[Any]] | None = None
    ) -> None:
        self._statement = statement
        self._types = dict(types or {})
        self._compiled: dict[str, _Compiled] = {}

    def run(self, connection: Connection, rows: Iterable[Mapping[str, Any]]) -> int:
        """Execute for every row (a mapping of bind name to value); the rows affected."""
        c = self._for(connection)
        params: list[Any] = []
        # The last value each processor saw, and what it made of it: a batch's rows mostly
        # share one time, whose processing was a tenth of a transfer batch's Python.
        last: list[tuple[Any, Any]] = [(_UNSEEN, None)] * len(c.processors)
        for row in rows:
            values = list(c.getter(row))  # bind names in the driver's order
            for k, (i, process) in enumerate(c.processors):
                seen, made = last[k]
                if values[i] is not seen:
                    seen, made = values[i], process(values[i])
                    last[k] = (seen, made)
                values[i] = made
            if c.positional:
                params.append(tuple(values))
            else:
                params.append(dict(zip(c.names, values, strict=True)))
        if not params:
            return 0
        return int(connection.exec_driver_sql(c.sql, params).rowcount)

    def _for(self, connection: Connection) -> _Compiled:
        dialect = connection.dialect
        if dialect.name not in self._compiled:
            compiled = self._statement.compile(dialect=dialect)
            names = tuple(compiled.positiontup or compiled.bind_names.values())
            processors = tuple(
                (i, process)
                for i, name in enumerate(names)
                if name in self._types
                and (process := self._types[name].dialect_impl(dialect).bind_processor(dialect))
            )
            getter = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
            self._compiled[dialect.name] = _Compiled(
                compiled.string, names, getter, processors, compiled.positional
            )
        return self._compiled[dialect.name]


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the bind names, in the driver's parameter order
    getter: Callable[[Mapping[str, Any]], Any]  # a row's values in that order
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]  # by position, where needed
    positional: bool
