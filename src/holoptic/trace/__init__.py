"""The information tracer's usage log: an append-only RFC 9162 Merkle tree of uses.

``merkle`` (hashing and proofs), ``canonical`` (RFC 8785 leaves), ``checkpoint`` (C2SP
signed tree heads) and ``verify`` (the offline verifier) are pure: an auditor needs
nothing else. ``log`` is the service that stores the tree through the ``ports``.
"""
