"""Rows of currencies, ledger accounts, transfers, pendings and daily flows.

A batch is persisted as ``Changes``: transfers inserted in order, each touched balance
updated once with compare-and-set against its value before the batch (a batch computed
on a stale book fails with ``StaleBook`` and is retried by the service), pendings upserted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from holoptic.db import schema as t
from holoptic.db.repos.bulk import Bulk
from holoptic.db.repos.ledger_flows import LedgerFlows
from holoptic.db.repos.ledger_reads import LedgerReads, transfer_from_row
from holoptic.db.repos.raw import driver_rows, marks, stored_time
from holoptic.db.repos.vault import must_utc, utc
from holoptic.ledger.model import (
    Account,
    AccountKind,
    Balance,
    Pending,
    PendingStatus,
    Transfer,
    TransferState,
)
from holoptic.ledger.ports import CurrencyRow, StaleBook
from holoptic.ledger.state import BookState, Changes

CHUNK = 400
A, T, P = t.ledger_accounts.c, t.ledger_transfers.c, t.ledger_pendings.c
_KINDS = {kind.value: kind for kind in AccountKind}
_ACCOUNTS = (
    "SELECT id, currency, kind, owner, lower, soft, upper, posted, debits_pending, "
    "credits_pending, created_at, lon, lat FROM ledger_accounts "
)
_ACCOUNTS_BY_ID = _ACCOUNTS + "WHERE id IN ({ids}) ORDER BY id"
_ACCOUNTS_OF_CURRENCY = _ACCOUNTS + "WHERE currency = ? ORDER BY id"
_EXISTING_TRANSFERS = "SELECT id FROM ledger_transfers WHERE id IN ({ids})"


def _account(row: Mapping[Any, Any]) -> Account:
    return Account(
        row["id"],
        row["currency"],
        AccountKind(row["kind"]),
        row["owner"],
        row["lower"],
        row["soft"],
        row["upper"],
        utc(row["created_at"]),
    )


def _pending(row: Mapping[Any, Any]) -> Pending:
    return Pending(
        row["transfer_id"],
        utc(row["expires_at"]),
        PendingStatus(row["status"]),
        row["resolved_by"],
        utc(row["resolved_at"]),
    )


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


class SqlLedgerRepository(LedgerReads, LedgerFlows):
    """Implements ``holoptic.ledger.ports.LedgerRepository`` (its reports and the reads
    of daily flows, keys and reputation come from ``LedgerReads``, the set-based posting
    of daily flows from ``LedgerFlows``)."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # --- currencies ------------------------------------------------------------------------

    def add_currency(self, row: CurrencyRow, spec: str, effective_from: date) -> None:
        self._c.execute(insert(t.currencies).values(**asdict(row)))
        self.add_spec(row.code, row.version, effective_from, spec, row.created_at)

    def add_spec(
        self, code: str, version: int, effective_from: date, spec: str, at: datetime
    ) -> None:
        values = {"code": code, "version": version, "effective_from": effective_from}
        self._c.execute(insert(t.currency_specs).values(**values, spec=spec, created_at=at))
        self._c.execute(
            update(t.currencies).where(t.currencies.c.code == code).values(version=version)
        )

    def currency(self, code: str) -> CurrencyRow | None:
        row = (
            self._c.execute(select(t.currencies).where(t.currencies.c.code == code))
            .mappings()
            .first()
        )
        return _currency(row) if row else None

    def currencies(self) -> list[CurrencyRow]:
        rows = self._c.execute(select(t.currencies).order_by(t.currencies.c.code)).mappings()
        return [_currency(row) for row in rows]

    def spec(self, code: str, version: int | None = None) -> tuple[int, str] | None:
        c = t.currency_specs.c
        query = select(c.version, c.spec).where(c.code == code)
        query = query.where(c.version == version) if version else query.order_by(c.version.desc())
        row = self._c.execute(query.limit(1)).first()
        return (int(row[0]), str(row[1])) if row else None

    # --- accounts and state ------------------------------------------------------------------

    def open_accounts(self, accounts: Iterable[Account]) -> None:
        """Insert accounts not stored yet (by id)."""
        wanted = {a.id: a for a in accounts}
        if not wanted:
            return
        present: set[str] = set()  # many at once (a dividend day): ``open_holders``
        for ids in _chunks(wanted):
            present.update(self._c.execute(select(A.id).where(A.id.in_(ids))).scalars())
        rows = [_account_row(a) for i, a in wanted.items() if i not in present]
        if rows:  # another process may open the same account meanwhile: that is fine
            dialect = postgresql if self._c.dialect.name == "postgresql" else sqlite
            statement = dialect.insert(t.ledger_accounts).on_conflict_do_nothing()
            self._c.execute(statement, rows)

    def accounts(self, currency: str) -> list[Account]:
        rows = self._c.execute(
            select(t.ledger_accounts).where(A.currency == currency).order_by(A.id)
        )
        return [_account(row) for row in rows.mappings()]

    def account_of(self, currency: str, kind: AccountKind, owner: str | None) -> Account | None:
        query = select(t.ledger_accounts).where(A.currency == currency, A.kind == kind.value)
        query = query.where(A.owner == owner if owner is not None else A.owner.is_(None))
        row = self._c.execute(query).mappings().first()
        return _account(row) if row else None

    def set_location(self, account_id: str, lon: float, lat: float) -> None:
        self._c.execute(
            update(t.ledger_accounts).where(A.id == account_id).values(lon=lon, lat=lat)
        )

    def state(self, account_ids: Collection[str], transfer_ids: Collection[str]) -> BookState:
        """The part of the book a batch needs: its accounts and the transfers (and their
        pendings) whose ids it uses or resolves."""
        located: dict[str, tuple[float, float]] = {}
        accounts, balances = self._accounts_and_balances(account_ids, located=located)
        transfers: list[Transfer] = []
        for ids in _chunks(transfer_ids):
            # Mostly new ids: ask which exist at the driver, read only those in full.
            sql = _EXISTING_TRANSFERS.format(ids=marks(len(ids)))
            existing = [row[0] for row in driver_rows(self._c, sql, ids)]
            if existing:
                rows = self._c.execute(select(t.ledger_transfers).where(T.id.in_(existing)))
                transfers.extend(transfer_from_row(row) for row in rows.mappings())
        # a pending row exists only with its transfer: ids not found need no query
        pendings = self._pendings({x.id for x in transfers})
        return BookState(tuple(accounts), balances, tuple(transfers), tuple(pendings), located)

    def full_state(self, currency: str) -> BookState:
        accounts, balances = self._accounts_and_balances(None, currency)
        rows = self._c.execute(
            select(t.ledger_transfers).where(T.currency == currency).order_by(T.seq)
        ).mappings()
        transfers = tuple(transfer_from_row(row) for row in rows)
        pendings = self._pendings({x.id for x in transfers if x.state is TransferState.PENDING})
        return BookState(tuple(accounts), balances, transfers, tuple(pendings))

    def _accounts_and_balances(
        self,
        account_ids: Collection[str] | None,
        currency: str | None = None,
        located: dict[str, tuple[float, float]] | None = None,
    ) -> tuple[list[Account], dict[str, Balance]]:
        # On the DB-API cursor: SQLAlchemy's per-row result processing cost a batch of
        # 1,000 transfers more than SQLite's own reading (``raw``).
        queries: list[tuple[str, list[Any]]]
        if account_ids is None:
            queries = [(_ACCOUNTS_OF_CURRENCY, [currency])]
        else:
            # FOR UPDATE (PostgreSQL), in id order: writers of the same accounts queue
            # instead of computing on a balance that is about to move; SQLite's
            # BEGIN IMMEDIATE already serialises writers.
            locking = " FOR UPDATE" if self._c.dialect.name == "postgresql" else ""
            queries = [
                (_ACCOUNTS_BY_ID.format(ids=marks(len(ids))) + locking, list(ids))
                for ids in _chunks(account_ids)
            ]
        accounts, balances = [], {}
        for sql, params in queries:
            for row in driver_rows(self._c, sql, params):
                (id_, currency, kind, owner, lower, soft, upper, posted, debits, credits) = row[:10]
                created = stored_time(row[10])
                assert created is not None
                accounts.append(
                    Account(id_, currency, _KINDS[kind], owner, lower, soft, upper, created)
                )
                balances[id_] = Balance(int(posted), int(debits), int(credits))
                if located is not None and row[11] is not None and row[12] is not None:
                    located[id_] = (float(row[11]), float(row[12]))
        return accounts, balances

    def _pendings(self, transfer_ids: Collection[str]) -> list[Pending]:
        found: list[Pending] = []
        for ids in _chunks(transfer_ids):
            rows = self._c.execute(select(t.ledger_pendings).where(P.transfer_id.in_(ids)))
            found.extend(_pending(row) for row in rows.mappings())
        return found

    def open_pendings(self, currency: str) -> BookState:
        """Accounts, pending transfers and pendings of the currency's open reservations."""
        rows = self._c.execute(
            select(t.ledger_transfers)
            .join(t.ledger_pendings, P.transfer_id == T.id)
            .where(T.currency == currency, P.status == PendingStatus.OPEN.value)
        ).mappings()
        transfers = [transfer_from_row(row) for row in rows]
        accounts = {x.debit for x in transfers} | {x.credit for x in transfers}
        return self.state(accounts, [x.id for x in transfers])

    def save(self, changes: Changes, signatures: Mapping[str, bytes] | None = None) -> None:
        """Write a batch's changes; ``StaleBook`` when a balance moved since it was read.

        All balances go in one prepared UPDATE executed for many rows (compare-and-set on
        the three columns); the summed row count tells whether every one still held its
        value before the batch."""
        if changes.transfers:
            rows = [_transfer_row(x, (signatures or {}).get(x.id)) for x in changes.transfers]
            _TRANSFER_INSERT.run(self._c, rows)
        if changes.balances:
            self._update_balances(changes)
        if changes.pendings:
            ids = [p.transfer_id for p in changes.pendings]
            for chunk in _chunks(ids):
                self._c.execute(delete(t.ledger_pendings).where(P.transfer_id.in_(chunk)))
            self._c.execute(insert(t.ledger_pendings), [_pending_row(p) for p in changes.pendings])

    def _update_balances(self, changes: Changes) -> None:
        zero = Balance()
        params = [
            {
                "b_id": account_id,
                "b_posted": before.posted,
                "b_debits": before.debits_pending,
                "b_credits": before.credits_pending,
                "n_posted": balance.posted,
                "n_debits": balance.debits_pending,
                "n_credits": balance.credits_pending,
            }
            for account_id, balance in changes.balances.items()
            for before in (changes.before.get(account_id, zero),)
        ]
        done = _BALANCE_UPDATE.run(self._c, params)
        if done != len(params):
            stale = len(params) - done
            raise StaleBook(f"{stale} account(s) changed while the batch was computed")


_TRANSFER_COLUMNS = (
    *("id", "currency", "debit", "credit", "amount", "category", "state"),
    *("pending_id", "timeout_s", "linked", "memo", "signature", "at"),
)
_TRANSFER_INSERT = Bulk(
    insert(t.ledger_transfers).values({c: bindparam(f"p_{c}") for c in _TRANSFER_COLUMNS}),
    # The signature is not processed: both drivers store bytes as they are, and wrapping
    # each one (LargeBinary's processor) was a twentieth of a batch's Python.
    {f"p_{c}": T[c].type for c in ("linked", "at")},
)
_BALANCE_UPDATE = Bulk(
    update(t.ledger_accounts)
    .where(
        A.id == bindparam("b_id"),
        A.posted == bindparam("b_posted"),
        A.debits_pending == bindparam("b_debits"),
        A.credits_pending == bindparam("b_credits"),
    )
    .values(
        posted=bindparam("n_posted"),
        debits_pending=bindparam("n_debits"),
        credits_pending=bindparam("n_credits"),
    )
)


def _currency(row: Mapping[Any, Any]) -> CurrencyRow:
    return CurrencyRow(
        row["code"],
        row["community_id"],
        row["name"],
        int(row["decimals"]),
        int(row["version"]),
        must_utc(row["created_at"]),
    )


def _account_row(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "currency": account.currency,
        "kind": account.kind.value,
        "owner": account.owner,
        "lower": account.lower,
        "soft": account.soft,
        "upper": account.upper,
        "created_at": account.created_at,
    }


def _transfer_row(transfer: Transfer, signature: bytes | None) -> dict[str, Any]:
    return {
        "p_id": transfer.id,
        "p_currency": transfer.currency,
        "p_debit": transfer.debit,
        "p_credit": transfer.credit,
        "p_amount": transfer.amount,
        "p_category": transfer.category,
        "p_state": transfer.state.value,
        "p_pending_id": transfer.pending_id,
        "p_timeout_s": transfer.timeout_s,
        "p_linked": transfer.linked,
        "p_memo": transfer.memo,
        "p_signature": signature,
        "p_at": transfer.at,
    }


def _pending_row(pending: Pending) -> dict[str, Any]:
    return {
        "transfer_id": pending.transfer_id,
        "expires_at": pending.expires_at,
        "status": pending.status.value,
        "resolved_by": pending.resolved_by,
        "resolved_at": pending.resolved_at,
    }
