"""RevealService: a member's holders, the reference data, and a member's match choices.

A report is computed from the member's sealed items each time it is asked for: the items
of the kinds that name holders are decrypted for their owner, read by ``extract``, summed
by ``holders``, and matched to the active directory version. Nothing about which holders
a member has is stored; only a member's own confirmations of matches are, sealed as
member documents (kind ``reveal.match``). A later directory sync therefore shows in the
very next report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from holoptic.clock import Clock
from holoptic.reveal.directory import TIMEOUT
from holoptic.reveal.errors import DirectoryRecordNotFound, HolderNotFound
from holoptic.reveal.extract import KINDS, Observation, extract
from holoptic.reveal.holders import Draft, Source, aggregate
from holoptic.reveal.model import (
    ATTRIBUTION,
    DATENANFRAGEN,
    WHOTRACKSME,
    HolderView,
    Match,
    ReferenceVersion,
    RevealReport,
)
from holoptic.reveal.ports import RevealUnitOfWork
from holoptic.reveal.reference import Directory, ReferenceStore
from holoptic.reveal.trackers import TrackerIndex
from holoptic.vault.documents import MemberDocuments
from holoptic.vault.store import ItemStore

MATCH_DOCUMENT = "reveal.match"
# Directory categories that make a matched holder a data broker.
BROKER_CATEGORIES = frozenset({"addresses", "credit agency", "collection agency"})


class RevealService:
    def __init__(
        self,
        uow: Callable[[], RevealUnitOfWork],
        items: ItemStore,
        documents: MemberDocuments,
        clock: Clock,
        timeout: float = TIMEOUT,
    ) -> None:
        self._items, self._documents = items, documents
        self._reference = ReferenceStore(uow, clock, timeout)

    # --- reference data ------------------------------------------------------------------

    def trackers(self) -> ReferenceVersion:
        """The active tracker list (WhoTracks.me), loaded from the package if needed."""
        return self._reference.ensure_trackers()

    def reference_versions(self) -> dict[str, ReferenceVersion | None]:
        self._reference.ensure_trackers()
        return self._reference.active()

    def sync_directory(self, path_or_url: str) -> ReferenceVersion:
        """Load the Datenanfragen directory; ``reveal.sync_failed`` leaves the old one."""
        return self._reference.sync_directory(path_or_url)

    def directory_record(self, slug: str) -> dict[str, Any] | None:
        """The active directory version's raw record for a slug."""
        return self._reference.record(slug)

    def template(self, lang: str, name: str) -> str | None:
        """The active directory version's letter template (e.g. ``fr``, ``access-default``)."""
        return self._reference.template(lang, name)

    # --- a member's holders --------------------------------------------------------------

    def report(self, member_id: str) -> RevealReport:
        trackers = self._reference.ensure_trackers()
        directory = self._reference.directory(self._reference.active()[DATENANFRAGEN])
        index = self._reference.tracker_index(trackers)
        drafts = aggregate(self._observations(member_id, index))
        confirmed = self.confirmed_matches(member_id)
        holders = [self._view(draft, directory, confirmed) for draft in drafts]
        holders.sort(key=lambda h: (-h.count, h.name.lower(), h.slug))
        reference: dict[str, str | None] = {
            WHOTRACKSME: trackers.version,
            DATENANFRAGEN: directory.version.version if directory else None,
            "attribution": ATTRIBUTION,
        }
        return RevealReport(reference, tuple(holders))

    def holder(self, member_id: str, slug: str) -> HolderView:
        for view in self.report(member_id).holders:
            if view.slug == slug:
                return view
        raise HolderNotFound(f"the member's data shows no holder {slug!r}", slug=slug)

    def confirm_match(self, member_id: str, holder_slug: str, directory_slug: str | None) -> None:
        """Record the member's choice of directory record for a holder (None: no record)."""
        self.holder(member_id, holder_slug)  # the holder must be one of theirs
        if directory_slug is not None and self.directory_record(directory_slug) is None:
            raise DirectoryRecordNotFound(
                f"the company directory has no record {directory_slug!r}", slug=directory_slug
            )
        body = {"holder": holder_slug, "directory": directory_slug}
        mine = [
            d
            for d in self._documents.list(member_id, MATCH_DOCUMENT)
            if d.body.get("holder") == holder_slug
        ]
        self._documents.save(member_id, MATCH_DOCUMENT, body, mine[0].id if mine else None)
        for extra in mine[1:]:
            self._documents.delete(member_id, extra.id)

    def confirmed_matches(self, member_id: str) -> dict[str, str | None]:
        """holder slug → the directory slug the member chose (None: "no match")."""
        chosen: dict[str, str | None] = {}
        for document in self._documents.list(member_id, MATCH_DOCUMENT):
            holder, record = document.body.get("holder"), document.body.get("directory")
            if isinstance(holder, str) and (record is None or isinstance(record, str)):
                chosen[holder] = record
        return chosen

    def _observations(
        self, member_id: str, index: TrackerIndex
    ) -> Iterator[tuple[Source, Observation]]:
        files = {batch.id: batch.file_name for batch in self._items.batches(member_id)}
        for item, records in self._items.each_record_set(member_id, KINDS):
            if not isinstance(records, list):
                continue  # an unreadable item shows nothing; `data list` names it
            file_name = files.get(item.batch_id) if item.batch_id else None
            source = Source(item.id, item.kind, file_name)
            for seen in extract(item.kind, records, index):
                yield source, seen

    def _view(
        self, draft: Draft, directory: Directory | None, confirmed: dict[str, str | None]
    ) -> HolderView:
        slug = draft.party.slug
        if slug in confirmed:
            chosen = confirmed[slug]
            match = Match(chosen, 1.0, "confirmed") if chosen is not None else None
        elif directory is not None:
            match = directory.matcher.match(draft.party.name, tuple(draft.domains))
        else:
            match = None
        contact = directory.contacts.get(match.directory_slug) if match and directory else None
        kind = None
        if contact is not None and directory is not None and draft.kind != "platform":
            categories = directory.records[contact.directory_slug].get("categories")
            if isinstance(categories, list) and BROKER_CATEGORIES & set(map(str, categories)):
                kind = "data_broker"
        return draft.view(match, contact, kind)
