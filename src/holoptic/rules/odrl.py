"""A member's rules as ODRL 2.2 JSON-LD, in and out (see docs/rules.md for the mapping).

``rules_from_odrl`` reads a Set or an Offer (``odrl_in``, with ``odrl_constraints`` and
``odrl_duties`` over the small JSON-LD reader in ``jsonld``); ``rules_to_odrl`` writes a
Set (``odrl_out``). A file written by one reads back as the same rules.
"""

from __future__ import annotations

from holoptic.rules.odrl_in import rules_from_odrl
from holoptic.rules.odrl_out import rules_to_odrl

__all__ = ["rules_from_odrl", "rules_to_odrl"]
