"""A member's grants: list, withdraw (effective at once), and export the consent record
(ISO/IEC TS 27560 as DPV describes it) and the Kantara Consent Receipt v1.1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from holoptic.clock import Clock
from holoptic.consent.ids import subject_pseudonym
from holoptic.consent.model import MEMBER, Grant, Party
from holoptic.gate.errors import GrantNotFound
from holoptic.gate.ports import GateUnitOfWorkFactory
from holoptic.rules.taxonomy import Taxonomy


class ConsentService:
    def __init__(
        self,
        uow: GateUnitOfWorkFactory,
        taxonomy: Taxonomy,
        clock: Clock,
        intermediary: Callable[[], Party],
        subject_key: Callable[[], bytes],
        jurisdiction: str = "FR",
        policy_url: str = "https://holoptic.example/policy",
    ) -> None:
        self._uow = uow
        self._taxonomy = taxonomy
        self._clock = clock
        self._intermediary = intermediary
        self._subject_key = subject_key
        self._jurisdiction = jurisdiction
        self._policy_url = policy_url

    def grants(self, member_id: str) -> list[Grant]:
        with self._uow() as uow:
            return uow.grants.for_member(member_id)

    def grant(self, member_id: str, grant_id: str) -> Grant:
        with self._uow() as uow:
            grant = uow.grants.get(grant_id)
        if grant is None or grant.member_id != member_id:
            raise GrantNotFound(f"no grant {grant_id} for this member", grant_id=grant_id)
        return grant

    def withdraw(self, member_id: str, grant_id: str) -> Grant:
        """Withdraw now: the next request under this grant, in any process, is refused."""
        with self._uow(write=True) as uow:
            grant = uow.grants.get(grant_id)
            if grant is None or grant.member_id != member_id:
                raise GrantNotFound(f"no grant {grant_id} for this member", grant_id=grant_id)
            withdrawn = grant.withdraw(self._clock.now(), MEMBER)
            uow.grants.save(withdrawn)
        return withdrawn

    def record(self, member_id: str, grant_id: str) -> dict[str, Any]:
        from holoptic.consent.record import consent_record

        grant = self.grant(member_id, grant_id).settle(self._clock.now())
        return consent_record(grant, self._intermediary(), self._subject(grant))

    def receipt(self, member_id: str, grant_id: str) -> dict[str, Any]:
        from holoptic.consent.receipt import kantara_receipt

        grant = self.grant(member_id, grant_id).settle(self._clock.now())
        return kantara_receipt(
            grant,
            self._intermediary(),
            self._subject(grant),
            self._jurisdiction,
            self._policy_url,
            lambda iri: self._taxonomy.label(iri, "en"),
        )

    def _subject(self, grant: Grant) -> str:
        """The member as this consumer's records name them: a keyed pseudonym per
        consumer, so two consumers cannot join their records on it."""
        return subject_pseudonym(self._subject_key(), grant.member_id, grant.consumer_id)
