"""The human-readable sentences of records and receipts, in English and French.

Records and receipts are documents handed to people and organisations, not interface
strings, so their few sentences live here beside the code that writes them (as the
taxonomy's labels do) rather than in the gettext catalogues. Other languages fall back to
English, and the document then says ``en``.
"""

from __future__ import annotations

from typing import Final

from holoptic.rules.model import Aggregation

_EN: Final[dict[str, str]] = {
    "agg.raw": "as recorded, without aggregation",
    "agg.pseudonymised": "pseudonymised",
    "agg.aggregate": "aggregated over a group of members",
    "agg.dp": "aggregated with differential privacy",
    "given.rule": "Usage rule {rules} written by the member in Holoptic, applied by the "
    "gate of {community}",
    "given.member": "Confirmed by the member in Holoptic",
    "withdrawn.member": "Withdrawn by the member in Holoptic",
    "withdrawn.rule": "Usage rule {rule} changed or removed by the member",
    "revoked": "Ended by {community}",
    "expired": "Validity period ended",
    "until_withdrawn": "Until the member withdraws it",
    "storage": "Only while this consent is in force: until it is withdrawn or expires",
    "notice.rule": "The usage rule as the member wrote and read it in Holoptic",
    "notice.member": "The request as shown to the member in Holoptic",
    "control": "The member withdraws this consent in Holoptic; withdrawal takes effect at once",
    "right.withdraw": "Right to withdraw consent",
    "intermediary": "Data intermediary running the Holoptic gate for its members",
    "service": "{purpose}, for {consumer}",
    "purpose": "{purpose}: data {aggregation}",
    "termination": "Ends when the member withdraws it in Holoptic (effective at once)",
    "termination.expiry": ", or on {date} at the latest",
    "termination.open": "; no expiry date",
    "ended.withdrawn": " Withdrawn on {date}.",
    "ended.expired": " Expired on {date}.",
    "ended.revoked": " Ended by the community on {date}.",
}

_FR: Final[dict[str, str]] = {
    "agg.raw": "telles qu'enregistrées, sans agrégation",
    "agg.pseudonymised": "pseudonymisées",
    "agg.aggregate": "agrégées sur un groupe de membres",
    "agg.dp": "agrégées avec confidentialité différentielle",
    "given.rule": "Règle d'usage {rules} écrite par le membre dans Holoptic, appliquée par "
    "la passerelle de {community}",
    "given.member": "Confirmé par le membre dans Holoptic",
    "withdrawn.member": "Retiré par le membre dans Holoptic",
    "withdrawn.rule": "Règle d'usage {rule} modifiée ou supprimée par le membre",
    "revoked": "Arrêté par {community}",
    "expired": "Période de validité terminée",
    "until_withdrawn": "Jusqu'à ce que le membre le retire",
    "storage": "Seulement tant que ce consentement est en vigueur : jusqu'à son retrait "
    "ou son expiration",
    "notice.rule": "La règle d'usage telle que le membre l'a écrite et lue dans Holoptic",
    "notice.member": "La demande telle que le membre l'a vue dans Holoptic",
    "control": "Le membre retire ce consentement dans Holoptic ; le retrait prend effet "
    "immédiatement",
    "right.withdraw": "Droit de retirer son consentement",
    "intermediary": "Intermédiaire de données qui fait fonctionner la passerelle Holoptic "
    "pour ses membres",
    "service": "{purpose}, pour {consumer}",
    "purpose": "{purpose} : données {aggregation}",
    "termination": "Prend fin quand le membre le retire dans Holoptic (effet immédiat)",
    "termination.expiry": ", ou le {date} au plus tard",
    "termination.open": " ; pas de date d'expiration",
    "ended.withdrawn": " Retiré le {date}.",
    "ended.expired": " Expiré le {date}.",
    "ended.revoked": " Arrêté par la communauté le {date}.",
}

_TEXTS: Final = {"en": _EN, "fr": _FR}


def language(lang: str) -> str:
    """The language a document is actually written in: ``lang`` if we have it, else en."""
    base = lang.strip().lower().replace("_", "-").split("-")[0]
    return base if base in _TEXTS else "en"


def text(lang: str, key: str, **values: str) -> str:
    return _TEXTS[language(lang)][key].format(**values)


def aggregation(lang: str, level: Aggregation) -> str:
    return text(lang, f"agg.{level.value}")
