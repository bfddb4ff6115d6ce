"""Use cases on communities and members: the vault's front door.

Profile fields are sealed with the member's own key, so deleting the member (and with
them their wrapped key) leaves nothing readable behind, not even their name.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from holoptic.clock import Clock
from holoptic.vault.crypto import MemberCipher
from holoptic.vault.errors import (
    CommunityNotFound,
    DuplicateCommunity,
    DuplicateEmail,
    MemberKeyDestroyed,
    MemberNotFound,
)
from holoptic.vault.errors import InvalidRecords as _InvalidRecords
from holoptic.vault.keystore import Keyring
from holoptic.vault.model import Community, Member, Membership, Role, WrappedKey
from holoptic.vault.ports import SealedMember, VaultRepository, VaultUnitOfWork

DEFAULT_COMMUNITY = "default"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class InvalidProfile(_InvalidRecords):
    code = "vault.invalid_profile"


def new_id() -> str:
    return str(uuid.uuid4())


class VaultService:
    """Communities and members, with their keys."""

    def __init__(self, uow: Callable[[], VaultUnitOfWork], keyring: Keyring, clock: Clock) -> None:
        self._uow = uow
        self._keyring = keyring
        self._clock = clock

    def cipher(self, repo: VaultRepository, member_id: str) -> MemberCipher:
        """The member's cipher; raises when the member (and so their key) is gone."""
        wrapped = repo.get_wrapped_key(member_id)
        if wrapped is None:
            if repo.get_member(member_id) is None:
                raise MemberNotFound(f"no member {member_id}", member_id=member_id)
            raise MemberKeyDestroyed(f"the key of member {member_id} was destroyed")
        return self.open_key(wrapped)

    def open_key(self, wrapped: WrappedKey) -> MemberCipher:
        """The cipher of a wrapped key already read (the gate reads it with the blobs)."""
        master = self._keyring.get(wrapped.master_key_id)
        return MemberCipher(master.unwrap(wrapped.member_id, wrapped.wrapped))

    def create_community(self, slug: str, name: str) -> Community:
        if not _SLUG.match(slug):
            raise InvalidProfile(f"community slug {slug!r} must be lower-case letters, digits, -")
        with self._uow() as uow:
            if uow.vault.get_community_by_slug(slug) is not None:
                raise DuplicateCommunity(f"a community {slug!r} already exists")
            community = Community(new_id(), slug, name, self._clock.now())
            uow.vault.add_community(community)
        return community

    def ensure_community(self, slug: str, name: str) -> Community:
        with self._uow() as uow:
            existing = uow.vault.get_community_by_slug(slug)
        return existing or self.create_community(slug, name)

    def community(self, slug: str) -> Community:
        with self._uow() as uow:
            found = uow.vault.get_community_by_slug(slug)
        if found is None:
            raise CommunityNotFound(f"no community {slug!r}", slug=slug)
        return found

    def communities(self) -> list[Community]:
        with self._uow() as uow:
            return uow.vault.list_communities()

    def add_member(
        self,
        name: str,
        email: str | None = None,
        community: str = DEFAULT_COMMUNITY,
        role: Role = Role.MEMBER,
        lang: str = "fr",
    ) -> Member:
        """Create a member with a fresh data key and join them to a community."""
        with self._uow() as uow:
            return self.add_member_in(uow.vault, name, email, community, role, lang)

    def add_member_in(
        self,
        repo: VaultRepository,
        name: str,
        email: str | None = None,
        community: str = DEFAULT_COMMUNITY,
        role: Role = Role.MEMBER,
        lang: str = "fr",
    ) -> Member:
        """Same, inside the caller's transaction (sign-up adds an account with it)."""
        name, email = _check_profile(name, email)
        member_id = new_id()
        data_key = MemberCipher.new_key()
        cipher = MemberCipher(data_key)
        master = self._keyring.current
        now = self._clock.now()
        index = master.email_index(email) if email else None
        target = repo.get_community_by_slug(community)
        if target is None:
            raise CommunityNotFound(f"no community {community!r}", slug=community)
        if email and self._email_taken(repo, email):
            raise DuplicateEmail("a member with this e-mail address already exists")
        repo.add_member(
            SealedMember(
                id=member_id,
                name_blob=cipher.seal_text("name", name),
                email_blob=cipher.seal_text("email", email) if email else None,
                email_index=index,
                lang=lang,
                created_at=now,
            )
        )
        repo.put_wrapped_key(WrappedKey(member_id, master.key_id, master.wrap(member_id, data_key)))
        repo.add_membership(Membership(target.id, member_id, role, now))
        return Member(member_id, name, email, now, lang)

    def _email_taken(self, repo: VaultRepository, email: str) -> bool:
        return self._find_id(repo, email) is not None

    def _find_id(self, repo: VaultRepository, email: str) -> str | None:
        for key in self._keyring.keys:  # a rotation may be half-way: try each key
            member_id = repo.find_member_by_email_index(key.email_index(email))
            if member_id is not None:
                return member_id
        return None

    def join(self, member_id: str, community: str, role: Role = Role.MEMBER) -> Membership:
        with self._uow() as uow:
            target = uow.vault.get_community_by_slug(community)
            if target is None:
                raise CommunityNotFound(f"no community {community!r}", slug=community)
            if uow.vault.get_member(member_id) is None:
                raise MemberNotFound(f"no member {member_id}", member_id=member_id)
            membership = Membership(target.id, member_id, role, self._clock.now())
            uow.vault.add_membership(membership)
        return membership

    def member(self, member_id: str) -> Member:
        with self._uow() as uow:
            sealed = uow.vault.get_member(member_id)
            if sealed is None:
                raise MemberNotFound(f"no member {member_id}", member_id=member_id)
            return self._open(uow.vault, sealed)

    def members(self, community: str | None = None) -> list[Member]:
        with self._uow() as uow:
            community_id = None
            if community is not None:
                target = uow.vault.get_community_by_slug(community)
                if target is None:
                    raise CommunityNotFound(f"no community {community!r}", slug=community)
                community_id = target.id
            rows = uow.vault.list_members(community_id)
            return [self._open(uow.vault, row) for row in rows]

    def memberships(self, member_id: str) -> list[Membership]:
        with self._uow() as uow:
            return uow.vault.memberships_of(member_id)

    def stewarded(self, member_id: str) -> list[Community]:
        """The communities this member is a steward of (empty for plain members)."""
        with self._uow() as uow:
            ids = {
                m.community_id
                for m in uow.vault.memberships_of(member_id)
                if m.role is Role.STEWARD
            }
            found = [uow.vault.get_community(community_id) for community_id in sorted(ids)]
        return sorted((c for c in found if c is not None), key=lambda c: c.slug)

    def find_by_email(self, email: str) -> Member | None:
        with self._uow() as uow:
            member_id = self._find_id(uow.vault, email)
            sealed = uow.vault.get_member(member_id) if member_id else None
            return self._open(uow.vault, sealed) if sealed else None

    def delete_member(self, member_id: str) -> None:
        """Crypto-shred: the wrapped key goes with the member, so every blob is dead."""
        with self._uow() as uow:
            if uow.vault.get_member(member_id) is None:
                raise MemberNotFound(f"no member {member_id}", member_id=member_id)
            uow.vault.delete_member(member_id)

    def _open(self, repo: VaultRepository, sealed: SealedMember) -> Member:
        cipher = self.cipher(repo, sealed.id)
        email = cipher.open_text("email", sealed.email_blob) if sealed.email_blob else None
        return Member(
            sealed.id,
            cipher.open_text("name", sealed.name_blob),
            email,
            sealed.created_at,
            sealed.lang,
        )


def _check_profile(name: str, email: str | None) -> tuple[str, str | None]:
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidProfile("a member's name must be 1 to 200 characters")
    if email is not None:
        email = email.strip()
        if not _EMAIL.match(email) or len(email) > 320:
            raise InvalidProfile(f"{email!r} is not an e-mail address")
    return name, email
