"""Daily flows posted set-based: a batch of legs is a handful of statements, not rows.

A demurrage or dividend batch moves money between thousands of holders and one system
account. Reading those balances into Python, computing each row and writing it back cost
about 9 s for 100,000 accounts; here the legs travel as one JSON parameter that the
database expands (``json_each`` in SQLite, ``json_each_text`` in PostgreSQL), and the
database checks limits, inserts the transfers and moves the balances itself. The rules
are ``holoptic.ledger.flows.apply_flow``'s, which stays the reference: a property test
holds both equal on both databases.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from holoptic.db.repos.raw import bound_time, driver_count, driver_rows
from holoptic.ledger.accounts import holder_prefix
from holoptic.ledger.flows import FlowBatch, FlowKind, FlowPosted, within
from holoptic.ledger.model import Account, AccountKind, Balance
from holoptic.ledger.ports import StaleBook

_LEGS = {
    "sqlite": "SELECT key AS account, value AS amount FROM json_each(?)",
    "postgresql": "SELECT key AS account, value::bigint AS amount FROM json_each_text(?::json)",
}
# a leg whose account is missing, or whose holder's limits refuse it
_REFUSED = """
SELECT l.account FROM ({legs}) AS l LEFT JOIN ledger_accounts AS a ON a.id = l.account
WHERE a.id IS NULL OR ({breach}) ORDER BY l.account"""
_BREACH = {
    FlowKind.DEMURRAGE: "a.lower IS NOT NULL AND a.posted - a.debits_pending - l.amount < a.lower",
    FlowKind.DIVIDEND: "a.upper IS NOT NULL AND a.posted + a.credits_pending + l.amount > a.upper",
}
# PostgreSQL: lock the legs' accounts in id order (writers of these accounts queue), and
# say in the same pass which legs the holders' limits refuse. The system account is
# locked last, by its own update: batches of one day's flow then run side by side.
_LOCK_REFUSED = """
SELECT a.id, {breach} FROM ledger_accounts AS a JOIN ({legs}) AS l ON l.account = a.id
ORDER BY a.id FOR UPDATE OF a"""
_SYSTEM = """
SELECT currency, kind, owner, lower, soft, upper, posted, debits_pending, credits_pending
FROM ledger_accounts WHERE id = ?"""
_INSERT = """
INSERT INTO ledger_transfers (id, currency, debit, credit, amount, category, state, linked, at)
SELECT CAST(? AS TEXT) || l.account, ?, {debit}, {credit}, l.amount, ?, 'posted', ?, ?
FROM ({legs}) AS l ORDER BY l.account"""
# the moved accounts, each saying whether it is outside its limits afterwards
_MOVE = """
UPDATE ledger_accounts SET posted = posted {sign} l.amount
FROM ({legs}) AS l WHERE ledger_accounts.id = l.account
RETURNING ledger_accounts.id,
  (ledger_accounts.lower IS NOT NULL
   AND ledger_accounts.posted - ledger_accounts.debits_pending < ledger_accounts.lower)
  OR (ledger_accounts.upper IS NOT NULL
   AND ledger_accounts.posted + ledger_accounts.credits_pending > ledger_accounts.upper)"""
_OWNERS = {
    "sqlite": "SELECT value AS owner FROM json_each(?)",
    "postgresql": "SELECT value AS owner FROM json_array_elements_text(?::json)",
}
# ``WHERE true`` lets SQLite read the upsert clause after a SELECT
_OPEN = """
INSERT INTO ledger_accounts (id, currency, kind, owner, lower, soft, upper, created_at)
SELECT CAST(? AS TEXT) || o.owner, ?, ?, o.owner, CAST(? AS BIGINT), CAST(? AS BIGINT),
       CAST(? AS BIGINT), ?
FROM ({owners}) AS o WHERE true ON CONFLICT DO NOTHING"""
# relative, and only while the system account stays within its limits (``within``)
_MOVE_SYSTEM = "UPDATE ledger_accounts SET posted = posted + ? WHERE id = ? AND ({limit})"
_SYSTEM_LIMIT = {
    True: "lower IS NULL OR posted - debits_pending + ? >= lower",  # it gives
    False: "upper IS NULL OR posted + credits_pending + ? <= upper",  # it receives
}


class LedgerFlows:
    """Needs ``self._c``, the unit of work's connection (in a write transaction)."""

    _c: Connection

    def post_flow(self, batch: FlowBatch, at: datetime) -> FlowPosted:
        """Post ``batch`` as ``apply_flow`` would: every leg the holder's limits allow,
        and the system leg for their sum, unless the system account refuses it, which
        refuses all. Transfer ids are unique: a leg posted before fails the batch."""
        dialect = self._c.dialect.name
        legs_sql = _LEGS[dialect]
        payload = _payload(batch.legs)
        refused = self._refused(batch, legs_sql, payload)
        left_out = frozenset(refused)
        kept = {a: n for a, n in batch.legs.items() if a not in left_out}
        total = sum(kept.values())
        system = self._system(batch.system)
        sign = -1 if batch.kind is FlowKind.DEMURRAGE else 1  # for the holder
        if not kept or system is None or not within(system[0], system[1], -sign * total):
            return FlowPosted(0, 0, tuple(batch.legs))
        if refused:
            payload = _payload(kept)
        inserted = self._insert(batch, legs_sql, payload, at)
        moved = self._rows(_MOVE.format(sign="-" if sign < 0 else "+", legs=legs_sql), (payload,))
        outside = tuple(sorted(str(account) for account, out in moved if out))
        delta = -sign * total
        limit = _SYSTEM_LIMIT[delta < 0]
        moved_system = self._write(_MOVE_SYSTEM.format(limit=limit), (delta, batch.system, delta))
        if moved_system != 1:  # another batch moved it to its limit meanwhile: redo this one
            raise StaleBook(f"the system account {batch.system} moved during the batch")
        posted = (len(kept), total, tuple(refused), inserted, len(moved), moved_system)
        return FlowPosted(*posted, outside)

    def open_holders(self, like: Account, owners: Sequence[str]) -> int:
        """Open, for each owner without one, an account like ``like`` (its currency,
        kind, limits and opening time): one statement however many, as a dividend day
        needs. Returns how many were opened; another process opening some meanwhile is
        fine."""
        if like.created_at is None:
            raise ValueError("open_holders needs the opening time in like.created_at")
        if not owners:
            return 0
        sql = _OPEN.format(owners=_OWNERS[self._c.dialect.name])
        prefix = holder_prefix(like.currency, like.kind)
        params = (prefix, like.currency, like.kind.value, like.lower, like.soft, like.upper)
        created = bound_time(self._c, like.created_at)
        return self._write(sql, (*params, created, json.dumps(list(owners))))

    def _refused(self, batch: FlowBatch, legs_sql: str, payload: str) -> list[str]:
        """The legs refused: their account is missing, or its limits refuse them."""
        breach = _BREACH[batch.kind]
        if self._c.dialect.name != "postgresql":  # BEGIN IMMEDIATE: nothing else writes
            sql = _REFUSED.format(legs=legs_sql, breach=breach)
            return [str(row[0]) for row in self._rows(sql, (payload,))]
        sql = _LOCK_REFUSED.format(legs=legs_sql, breach=breach)
        rows = self._rows(sql, (payload,))
        found = {str(account) for account, _ in rows}
        missing = [account for account in batch.legs if account not in found]
        return sorted(missing + [str(account) for account, out in rows if out])

    def _system(self, account_id: str) -> tuple[Account, Balance] | None:
        rows = self._rows(_SYSTEM, (account_id,))
        if not rows:
            return None
        currency, kind, owner, lower, soft, upper, posted, debits, credits = rows[0]
        account = Account(account_id, currency, AccountKind(kind), owner, lower, soft, upper)
        return account, Balance(int(posted), int(debits), int(credits))

    def _insert(self, batch: FlowBatch, legs_sql: str, payload: str, at: datetime) -> int:
        holder, system = "l.account", "?"
        debit, credit = (holder, system) if batch.kind is FlowKind.DEMURRAGE else (system, holder)
        sql = _INSERT.format(debit=debit, credit=credit, legs=legs_sql)
        params: list[object] = [batch.transfer_id(""), batch.currency, batch.system]
        params += [batch.kind.value, False, bound_time(self._c, at), payload]
        return self._write(sql, tuple(params))

    def _rows(self, sql: str, params: tuple[object, ...]) -> list[Any]:
        return driver_rows(self._c, sql, params)

    def _write(self, sql: str, params: tuple[object, ...]) -> int:
        return driver_count(self._c, sql, params)


def _payload(legs: Mapping[str, int]) -> str:
    return json.dumps(dict(legs), separators=(",", ":"))
