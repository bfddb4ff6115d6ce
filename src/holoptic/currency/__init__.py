"""Community currencies: the declarative spec of a currency and the arithmetic it implies.

``model`` holds the spec's values, ``toml`` reads and writes its TOML form, ``validate``
lists its problems, ``categories`` is the fixed taxonomy of goods and services a currency
may refuse, ``zones`` tests perimeters, ``flows`` computes demurrage and dividends.
Storage, the ledger and the entry points live elsewhere; see docs/currency.md.
(``validate`` is not re-exported: the name stays the module's.)
"""

from holoptic.currency.model import CurrencySpec, IssuanceKind
from holoptic.currency.toml import dump_spec, parse_spec
from holoptic.currency.validate import InvalidSpec, Problem, check_successor

__all__ = [
    "CurrencySpec",
    "InvalidSpec",
    "IssuanceKind",
    "Problem",
    "check_successor",
    "dump_spec",
    "parse_spec",
]
