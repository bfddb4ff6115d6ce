"""The ledger's reads for reports, daily flows, signing keys, reserves and reputation:
the half of ``SqlLedgerRepository`` that never writes a balance."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from holoptic.db import schema as t
from holoptic.db.repos.vault import utc
from holoptic.ledger.model import Transfer, TransferState
from holoptic.vault.model import Role

A, T = t.ledger_accounts.c, t.ledger_transfers.c


def transfer_from_row(row: Mapping[Any, Any]) -> Transfer:
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


class LedgerReads:
    """Needs ``self._c``, the unit of work's connection."""

    _c: Connection

    def transfers(self, currency: str) -> list[Transfer]:
        query = select(t.ledger_transfers).where(T.currency == currency).order_by(T.seq)
        return [transfer_from_row(row) for row in self._c.execute(query).mappings()]

    def transfers_of(self, account_id: str, limit: int) -> list[Transfer]:
        query = (
            select(t.ledger_transfers)
            .where((T.debit == account_id) | (T.credit == account_id))
            .order_by(T.seq.desc())
            .limit(limit)
        )
        return [transfer_from_row(row) for row in self._c.execute(query).mappings()]

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

    def public_keys(self, member_ids: Collection[str]) -> dict[str, bytes]:
        """The signing keys of those members that have one, in one query."""
        c = t.member_signing_keys.c
        query = select(c.member_id, c.public_key).where(c.member_id.in_(sorted(member_ids)))
        return {member: bytes(key) for member, key in self._c.execute(query)}

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
        return [transfer_from_row(row) for row in self._c.execute(query).mappings()]
