"""Errors of the usage log, each with a stable code.

Verification failures are typed (``ProofRejected`` and its subclasses) so that a verifier
can tell a malformed proof from a proof that is well formed but does not lead to the
signed root, which is what tampering looks like.
"""

from __future__ import annotations

from holoptic.errors import ConfigurationError, Conflict, HolopticError, InvalidInput, NotFound


class ProofRejected(HolopticError):
    """A proof, checkpoint or key did not verify."""

    code = "log.proof_rejected"
    status = 400


class MalformedProof(ProofRejected):
    """A proof with hashes of the wrong length, or too few or too many of them."""

    code = "log.malformed_proof"


class RootMismatch(ProofRejected):
    """A well-formed proof that does not lead to the expected root: the log differs."""

    code = "log.root_mismatch"


class BadRange(ProofRejected):
    """Sizes or indexes that cannot go together (index ≥ size, old size > new size)."""

    code = "log.bad_range"


class EmptyTreeProof(BadRange):
    """A consistency proof from the empty tree: it would prove nothing, so none exists."""

    code = "log.empty_tree"


class MalformedCheckpoint(ProofRejected):
    """Text that is not a C2SP checkpoint in a signed note."""

    code = "log.malformed_checkpoint"


class BadSignature(ProofRejected):
    """No valid signature by the log's key (or one by that key that does not verify)."""

    code = "log.bad_signature"


class MalformedKey(ProofRejected):
    """A verifier or signer key that is not in the signed-note text form."""

    code = "log.malformed_key"


class InvalidLeaf(InvalidInput):
    """A leaf that cannot be canonicalised (RFC 8785) or is too large."""

    code = "log.invalid_leaf"


class DuplicateUse(Conflict):
    """A use id the gate already recorded: each use is logged once (``uses.id``)."""

    code = "log.duplicate_use"


class BeyondLog(NotFound):
    """An index or tree size the log has not reached."""

    code = "log.beyond_size"


class UseNotLogged(NotFound):
    """No leaf of the log carries this use id."""

    code = "log.use_not_found"


class InconsistentHead(HolopticError):
    """The stored tree does not extend the last published checkpoint: refused to sign."""

    code = "log.inconsistent_head"
    status = 500


class LogKeyMissing(ConfigurationError):
    """Neither ``HOLOPTIC_LOG_KEY`` nor ``$HOLOPTIC_HOME/keys/log.key`` holds a key."""

    code = "log.key_missing"


class LogCorrupted(HolopticError):
    """Stored rows the tree needs are missing: the database was damaged or edited."""

    code = "log.corrupted"
    status = 500
