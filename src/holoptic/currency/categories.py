"""The fixed taxonomy of goods and services that a currency may refuse.

Shipped with Holoptic and versioned: a code, once published, keeps its meaning and is
never reused, so a spec written today still means the same thing after an upgrade.
The top level follows the 13 divisions of COICOP 2018 (the UN's Classification of
Individual Consumption According to Purpose); below them sit a few specifics chosen
because communities refuse them for their energy use or their harm (air travel, fossil
heating, crypto mining, gambling, weapons…). Refusing a division refuses its specifics.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

TAXONOMY_VERSION = 1


@dataclass(frozen=True, slots=True)
class Category:
    """One category: ``coicop`` is the COICOP 2018 division of a top-level category;
    a specific names its division in ``parent`` instead."""

    code: str
    label_en: str
    label_fr: str
    coicop: str | None = None
    parent: str | None = None

    def label(self, lang: str) -> str:
        return self.label_fr if lang.startswith("fr") else self.label_en


_DIVISIONS = (
    (
        "food",
        "01",
        "Food and non-alcoholic beverages",
        "Produits alimentaires et boissons non alcoolisées",
    ),
    (
        "alcohol_tobacco",
        "02",
        "Alcoholic beverages, tobacco and narcotics",
        "Boissons alcoolisées, tabac et stupéfiants",
    ),
    ("clothing", "03", "Clothing and footwear", "Articles d'habillement et chaussures"),
    (
        "housing_energy",
        "04",
        "Housing, water, electricity, gas and other fuels",
        "Logement, eau, électricité, gaz et autres combustibles",
    ),
    (
        "furnishings",
        "05",
        "Furnishings, household equipment and routine maintenance",
        "Meubles, équipement ménager et entretien courant",
    ),
    ("health", "06", "Health", "Santé"),
    ("transport", "07", "Transport", "Transports"),
    ("communication", "08", "Information and communication", "Information et communication"),
    ("recreation_culture", "09", "Recreation, sport and culture", "Loisirs, sports et culture"),
    ("education", "10", "Education services", "Enseignement"),
    (
        "restaurants_accommodation",
        "11",
        "Restaurants and accommodation services",
        "Restaurants et hébergement",
    ),
    (
        "insurance_finance",
        "12",
        "Insurance and financial services",
        "Assurances et services financiers",
    ),
    (
        "personal_misc",
        "13",
        "Personal care, social protection and miscellaneous goods and services",
        "Soins personnels, protection sociale et biens et services divers",
    ),
)

_SPECIFICS = (
    ("air_travel", "transport", "Air travel", "Transport aérien"),
    ("cruise_travel", "transport", "Cruises", "Croisières"),
    (
        "motor_fuel",
        "transport",
        "Motor fuel for private vehicles",
        "Carburant pour véhicules particuliers",
    ),
    (
        "fossil_fuel_heating",
        "housing_energy",
        "Heating with fossil fuels (oil, gas, coal)",
        "Chauffage aux énergies fossiles (fioul, gaz, charbon)",
    ),
    ("crypto_mining", "insurance_finance", "Cryptocurrency mining", "Minage de cryptomonnaies"),
    (
        "gambling",
        "recreation_culture",
        "Gambling and games of chance",
        "Jeux d'argent et de hasard",
    ),
    ("tobacco", "alcohol_tobacco", "Tobacco", "Tabac"),
    ("weapons", "personal_misc", "Weapons and ammunition", "Armes et munitions"),
)

CATEGORIES: tuple[Category, ...] = tuple(
    Category(code, en, fr, coicop=division) for code, division, en, fr in _DIVISIONS
) + tuple(Category(code, en, fr, parent=parent) for code, parent, en, fr in _SPECIFICS)

BY_CODE: dict[str, Category] = {category.code: category for category in CATEGORIES}


def get(code: str) -> Category | None:
    return BY_CODE.get(code)


def is_refused(refused: Iterable[str], code: str | None) -> bool:
    """Whether a payment of category ``code`` falls under one of the ``refused`` codes,
    directly or through its division. A payment without a category is never refused
    by category (the payment rules decide whether a category is required)."""
    if code is None:
        return False
    refused = set(refused)
    category = BY_CODE.get(code)
    return code in refused or (
        category is not None and category.parent is not None and category.parent in refused
    )
