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

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from holoptic.db import schema as t
from holoptic.db.repos.bulk import Bulk
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
from holoptic.vault.model import Role

CHUNK = 400
A, T, P = t.ledger_accounts.c, t.ledger_transfers.c, t.ledger_pendings.c
_ACCOUNT_COLUMNS = (
    *(A.id, A.currency, A.kind, A.owner, A.lower, A.soft, A.upper),
    *(A.posted, A.debits_pending, A.credits_pending, A.created_at, A.lon, A.lat),
)
_KINDS = {kind.value: kind for kind in AccountKind}


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


def _transfer(row: Mapping[Any, Any]) -> Transfer:
    return Transfer(
        id=row["id"],
        currency=row["currency"],
        debit=row["debit"],
        credit=row["credit"],
        amount=int(row["amount"]),
        category=row["category"],
        state=TransferState(row["state"]),
        pending_id=row["pending_id"],
        timeout_s=row["timeout_s"],
        linked=bool(row["linked"]),
        memo=row["memo"],
        at=utc(row["at"]),
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


class SqlLedgerRepository:
    """Implements ``holoptic.ledger.ports.LedgerRepository``."""

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
        present: set[str] = set()
        if len(wanted) > 4 * CHUNK:  # many (a dividend day): one scan of their currencies
            currencies = sorted({a.currency for a in wanted.values()})
            query = select(A.id).where(A.currency.in_(currencies))
            present.update(self._c.execute(query).scalars())
        else:
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
            rows = self._c.execute(select(t.ledger_transfers).where(T.id.in_(ids)))
            transfers.extend(_transfer(row) for row in rows.mappings())
        # a pending row exists only with its transfer: ids not found need no query
        pendings = self._pendings({x.id for x in transfers})
        return BookState(tuple(accounts), balances, tuple(transfers), tuple(pendings), located)

    def full_state(self, currency: str) -> BookState:
        accounts, balances = self._accounts_and_balances(None, currency)
        rows = self._c.execute(
            select(t.ledger_transfers).where(T.currency == currency).order_by(T.seq)
        ).mappings()
        transfers = tuple(_transfer(row) for row in rows)
        pendings = self._pendings({x.id for x in transfers if x.state is TransferState.PENDING})
        return BookState(tuple(accounts), balances, transfers, tuple(pendings))

    def _accounts_and_balances(
        self,
        account_ids: Collection[str] | None,
        currency: str | None = None,
        located: dict[str, tuple[float, float]] | None = None,
    ) -> tuple[list[Account], dict[str, Balance]]:
        queries = (
            [select(*_ACCOUNT_COLUMNS).where(A.currency == currency)]
            if account_ids is None
            else [
                # FOR UPDATE (PostgreSQL), in id order: writers of the same accounts queue
                # instead of computing on a balance that is about to move; SQLite's
                # BEGIN IMMEDIATE already serialises writers, and ignores this clause.
                select(*_ACCOUNT_COLUMNS).where(A.id.in_(ids)).order_by(A.id).with_for_update()
                for ids in _chunks(account_ids)
            ]
        )
        accounts, balances = [], {}
        for query in queries:
            for row in self._c.execute(query):
                (id_, currency, kind, owner, lower, soft, upper, posted, debits, credits) = row[:10]
                accounts.append(
                    Account(id_, currency, _KINDS[kind], owner, lower, soft, upper, utc(row[10]))
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
        transfers = [_transfer(row) for row in rows]
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

    def transfers(self, currency: str) -> list[Transfer]:
        query = select(t.ledger_transfers).where(T.currency == currency).order_by(T.seq)
        return [_transfer(row) for row in self._c.execute(query).mappings()]

    def transfers_of(self, account_id: str, limit: int) -> list[Transfer]:
        query = (
            select(t.ledger_transfers)
            .where((T.debit == account_id) | (T.credit == account_id))
            .order_by(T.seq.desc())
            .limit(limit)
        )
        return [_transfer(row) for row in self._c.execute(query).mappings()]

    def holdings(self, currency: str) -> list[tuple[str, int]]:
        """Member and consumer accounts with a positive balance, for demurrage."""
        query = (
            select(A.id, A.posted)
            .where(A.currency == currency, A.kind.in_(["member", "consumer"]), A.posted > 0)
            .order_by(A.id)
        )
        return [(str(i), int(p)) for i, p in self._c.execute(query)]

    def received_between(self, currency: str, since: datetime, until: datetime) -> dict[str, int]:
        query = (
            select(T.credit, func.sum(T.amount))
            .where(T.currency == currency, T.at >= since, T.at < until, T.state == "posted")
            .group_by(T.credit)
        )
        return {str(c): int(n) for c, n in self._c.execute(query)}

    def flow_accounts(self, prefix: str) -> set[str]:
        """Accounts already in a day's flow: the ids of its transfers end with them."""
        query = select(T.id).where(T.id.startswith(prefix, autoescape=True))
        return {str(i)[len(prefix) :] for i in self._c.execute(query).scalars()}

    def sum_balances(self, currency: str) -> int:
        query = select(func.coalesce(func.sum(A.posted), 0)).where(A.currency == currency)
        return int(self._c.execute(query).scalar_one())

    # --- daily flows and keys ------------------------------------------------------------------

    def flow_done(self, currency: str, day: date, kind: str) -> Mapping[Any, Any] | None:
        c = t.ledger_flows.c
        query = select(t.ledger_flows).where(c.currency == currency, c.day == day, c.kind == kind)
        return self._c.execute(query).mappings().first()

    def last_flow(self, currency: str, kind: str, before: date) -> Mapping[Any, Any] | None:
        c = t.ledger_flows.c
        query = (
            select(t.ledger_flows)
            .where(c.currency == currency, c.kind == kind, c.day < before)
            .order_by(c.day.desc())
            .limit(1)
        )
        return self._c.execute(query).mappings().first()

    def add_flow(self, values: Mapping[Any, Any]) -> None:
        self._c.execute(insert(t.ledger_flows).values(**values))

    def public_key(self, member_id: str) -> bytes | None:
        c = t.member_signing_keys.c
        row = self._c.execute(select(c.public_key).where(c.member_id == member_id)).first()
        return bytes(row[0]) if row else None

    def add_public_key(self, member_id: str, key: bytes, at: datetime) -> None:
        values = {"member_id": member_id, "public_key": key, "created_at": at}
        self._c.execute(insert(t.member_signing_keys).values(**values))

    # --- euro-backed reserves and exchange links -------------------------------------------

    def redeemable(self, currency: str) -> int:
        """Σ positive balances of the currency's member and consumer accounts: what a
        euro-backed money's reserve must cover."""
        query = select(func.coalesce(func.sum(A.posted), 0)).where(
            A.currency == currency, A.kind.in_(["member", "consumer"]), A.posted > 0
        )
        return int(self._c.execute(query).scalar_one())

    def credited_between(self, account_id: str, since: datetime, until: datetime) -> int:
        """What posted transfers credited to an account in [since, until): what crossed an
        exchange link that day."""
        query = select(func.coalesce(func.sum(T.amount), 0)).where(
            T.credit == account_id, T.at >= since, T.at < until, T.state == "posted"
        )
        return int(self._c.execute(query).scalar_one())

    # --- reputation and statements -------------------------------------------------------------

    def community_roles(self, community_id: str) -> dict[str, Role]:
        """Each member of the community and their role: who EigenTrust pre-trusts."""
        c = t.memberships.c
        query = select(c.member_id, c.role).where(c.community_id == community_id)
        return {str(m): Role(r) for m, r in self._c.execute(query)}

    def account_transfers(self, account_id: str) -> list[Transfer]:
        """Every transfer of one account, in application order (for its statement)."""
        query = (
            select(t.ledger_transfers)
            .where((T.debit == account_id) | (T.credit == account_id))
            .order_by(T.seq)
        )
        return [_transfer(row) for row in self._c.execute(query).mappings()]


_TRANSFER_COLUMNS = (
    *("id", "currency", "debit", "credit", "amount", "category", "state"),
    *("pending_id", "timeout_s", "linked", "memo", "signature", "at"),
)
_TRANSFER_INSERT = Bulk(
    insert(t.ledger_transfers).values({c: bindparam(f"p_{c}") for c in _TRANSFER_COLUMNS}),
    {f"p_{c}": T[c].type for c in ("linked", "signature", "at")},
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
