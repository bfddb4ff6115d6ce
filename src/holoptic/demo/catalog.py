"""What the villagers' data is about: places, websites, advertisers and ad interests.

Everything here is either invented (the village, its hamlets, the nearby town) or public
and commonplace (the domains of large French websites, the names of large advertisers,
Meta's interest labels). Websites are chosen for realism *and* for what the reveal
capability has to find on them: news and shopping sites carry many trackers, public
services carry none.
"""

from __future__ import annotations

from dataclasses import dataclass

LAT, LON = 45.0, 5.0  # village centre (mairie), a rural spot in the Drôme


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    lat: float
    lon: float


CENTRE = Place("Mairie / place de l'église", LAT, LON)
BAKERY = Place("Boulangerie", 45.00062, 5.00091)
SCHOOL = Place("École primaire", 45.00211, 5.00342)
STADIUM = Place("Stade et salle des fêtes", 44.99687, 5.00612)
HAMLETS = (
    Place("Les Granges", 45.01431, 4.98712),
    Place("Le Moulin", 44.98912, 5.01844),
    Place("La Croix-Haute", 45.00920, 5.02530),
)
TOWN = Place("Bourg-de-Lize (centre)", 44.93318, 4.89207)
TOWN_SPOTS = (
    Place("Bourg-de-Lize, zone d'activités", 44.94102, 4.87361),
    Place("Bourg-de-Lize, hôpital", 44.92731, 4.90112),
    Place("Bourg-de-Lize, lycée", 44.93650, 4.88420),
    Place("Bourg-de-Lize, gare", 44.92870, 4.89530),
)
SUPERMARKET = Place("Hypermarché, route de Bourg", 44.95410, 4.92670)


@dataclass(frozen=True, slots=True)
class Site:
    """A website and a few of its pages (path, title)."""

    host: str
    tags: frozenset[str]
    pages: tuple[tuple[str, str], ...]


def _rows(text: str) -> list[list[str]]:
    """Lines of ``a | b | c`` cells, blank lines skipped: dense tables that stay readable."""
    return [
        [cell.strip() for cell in line.split("|")] for line in text.splitlines() if line.strip()
    ]


def _list(text: str) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in text.split(",") if cell.strip())


def _sites(text: str) -> tuple[Site, ...]:
    """A site starts with a ``host | tags`` line; each following ``path | title`` is a page."""
    sites: list[Site] = []
    for first, second in _rows(text):
        if first.startswith("/"):
            last = sites[-1]
            sites[-1] = Site(last.host, last.tags, (*last.pages, (first, second)))
        else:
            sites.append(Site(first, frozenset(second.split()), ()))
    return tuple(sites)


SITES = _sites(
    """
    www.lemonde.fr | news
        /politique/ | Politique – Le Monde
        /economie/article/2026/10/20/budget-2027_6612 | Budget 2027 : ce que prévoit le texte
        /planete/article/2026/10/24/secheresse_6631 | Sécheresse : les nappes toujours basses
    www.lefigaro.fr | news old
        /actualite-france | Actualité en France – Le Figaro
        /conso/prix-de-l-electricite-20261028 | Prix de l'électricité : ce qui change
        /meteo/ | Météo – Le Figaro
    www.ledauphine.com | local news old
        /drome | Drôme – Le Dauphiné Libéré
        /faits-divers/2026/10/22/poids-lourd-d538 | Drôme : un poids lourd couché sur la D538
        /sport/2026/10/26/rugby-federale-2 | Rugby, Fédérale 2 : victoire à domicile
    www.20minutes.fr | news young
        / | 20 Minutes – Information en continu
        /high-tech/4120345-20261021-smartphones | Smartphones : les meilleures offres du moment
    www.francetvinfo.fr | news
        / | Franceinfo – Actualités en temps réel
        /economie/emploi/ | Emploi – Franceinfo
    www.leboncoin.fr | shop
        /recherche?text=velo+electrique | Vélo électrique – leboncoin
        /recherche?category=10&text=maison | Ventes immobilières : maison – leboncoin
        /ad/ameublement/2931847561 | Buffet en chêne massif – Ameublement – leboncoin
    www.amazon.fr | shop
        /s?k=ampoule+led | Amazon.fr : ampoule led
        /gp/cart/view.html | Panier Amazon.fr
        /dp/B0C7KZ4XQ1 | Thermostat connecté – Amazon.fr
    www.cdiscount.com | shop
        /electromenager/lavage-sechage/lave-linge/l-110140101.html | Lave-linge pas cher – Cdiscount
        / | Cdiscount : n°1 du e-commerce français
    www.leroymerlin.fr | home shop
        /produits/chauffage-plomberie/chauffage-electrique/ | Chauffage électrique – Leroy Merlin
        /produits/isolation/ | Isolation – Leroy Merlin
    www.decathlon.fr | shop young
        /browse/c0-tous-les-sports/c1-velo-cyclisme/_/N-1ekz7pj | Vélo, cyclisme – Decathlon
        /p/chaussures-de-trail-running/_/R-p-301482 | Chaussures de trail – Decathlon
    www.vinted.fr | shop young
        /catalog?search_text=manteau | Manteau – Vinted
        /member/signup | Vinted
    www.marmiton.org | home old
        /recettes/recette_soupe-de-potiron_20581.aspx | Soupe de potiron – Marmiton
        /recettes/recette_gratin-dauphinois_18215.aspx | Gratin dauphinois – Marmiton
    www.doctissimo.fr | health
        /sante/grippe | Grippe : symptômes, durée, traitement – Doctissimo
        /forum/sante/ | Forum santé – Doctissimo
    www.allocine.fr | leisure young
        /film/aucinema/ | Films à l'affiche – AlloCiné
        /series/top/ | Meilleures séries – AlloCiné
    www.youtube.com | leisure young
        /watch?v=Qm7lTe2sD3c | Tuto : purger un radiateur – YouTube
        /watch?v=aZ0x8pN4e1Y | Top 10 des buts de la semaine – YouTube
        /feed/subscriptions | Abonnements – YouTube
    www.lequipe.fr | news young
        /Football/ | Football – L'Équipe
        /Rugby/ | Rugby – L'Équipe
    meteofrance.com | local old
        /previsions-meteo-france/valmont-sur-lize/26000 | Météo Valmont-sur-Lize – Météo-France
    www.service-public.fr | admin
        /particuliers/vosdroits/F1965 | Carte grise – Service-public.fr
        /particuliers/vosdroits/N19808 | Aides à la rénovation énergétique – Service-public.fr
    www.impots.gouv.fr | admin
        /accueil | impots.gouv.fr
        /particulier/questions/comment-payer-ma-taxe-fonciere | Comment payer ma taxe foncière ?
    www.ameli.fr | admin health
        /assure/remboursements | Remboursements – ameli.fr
    www.sncf-connect.com | shop
        /app/home/search | SNCF Connect : billets de train
        /app/trips | Mes voyages – SNCF Connect
    www.booking.com | leisure shop
        /searchresults.fr.html?ss=Annecy | Hôtels à Annecy – Booking.com
    www.pagesjaunes.fr | local old
        /annuaire/bourg-de-lize-26/plombier | Plombier à Bourg-de-Lize – PagesJaunes
    www.boursorama.com | news
        /bourse/ | Bourse – Boursorama
        /patrimoine/ | Patrimoine – Boursorama
    www.seloger.com | home shop
        /immobilier/achat/immo-bourg-de-lize-26/ | Achat immobilier Bourg-de-Lize – SeLoger
    fr.wikipedia.org | admin young
        /wiki/Dr%C3%B4me_(d%C3%A9partement) | Drôme (département) — Wikipédia
        /wiki/Compteur_Linky | Compteur Linky — Wikipédia
    www.facebook.com | social
        / | Facebook
        /groups/valmontsurlize | Tu es de Valmont-sur-Lize si… – Facebook
        /marketplace/ | Marketplace – Facebook
    www.instagram.com | social young
        / | Instagram
        /explore/ | Explorer • Instagram
    www.bbc.co.uk | en news
        /news | BBC News – Home
        /news/business | Business – BBC News
    www.theguardian.com | en news
        /uk | News, sport and opinion from the Guardian
        /world/france | France – The Guardian
    www.amazon.co.uk | en shop
        /s?k=kettle | Amazon.co.uk : kettle
    """
)

# Advertisers seen in Meta's "advertisers using your activity or information" files.
ADVERTISERS = _list(
    """
    Leroy Merlin, Fnac, Darty, Cdiscount, Carrefour, E.Leclerc, Intermarché, Decathlon,
    Boulanger, SFR, Orange, Bouygues Telecom, Free, Crédit Agricole, BNP Paribas, AXA,
    MAIF, Groupama, EDF, TotalEnergies, Engie, Renault, Peugeot, Booking.com, Airbnb,
    Vinted, Zalando, Sephora, Yves Rocher, La Redoute, Amazon, SNCF Connect, leboncoin,
    Norauto, Castorama, Lidl France, Action, Veepee, Kiabi, Meetic, Deezer, Canal+,
    Netflix, Weldom, Gamm vert, Point S, Hellofresh, Temu, Shein, Effy
    """
)
ENGLISH_ADVERTISERS = ("Tesco", "BBC Studios", "Ryanair", "easyJet", "Wise")
# Invented shops of the village and its town that advertise to their neighbours on Meta
# (mostly shoppers who came in: "in store" audiences). Their accents are what Meta's
# exports garble ("Boulangerie Ã  l'ancienne"), so they show the importers' repair.
LOCAL_ADVERTISERS = _list(
    """
    Boulangerie à l'ancienne, Café de la Place, Épicerie du Moulin, Pâtisserie Chabert,
    Garage Peyrard & Fils, Fleurs de la Lize, Pharmacie Saint-Éloi
    """
)

# Meta's inferred interests, tagged to correlate them with a resident's profile.
INTERESTS = tuple(
    (name, frozenset(tags.split()))
    for name, tags in _rows(
        """
        Cycling | young commuter
        Hiking | retired home
        Gardening | retired home
        Home improvement | home commuter
        Cooking | retired home
        Rugby union | commuter
        Association football | young
        Fishing | retired
        Hunting | retired
        Wine | retired commuter
        Cars | commuter
        Electric vehicle | commuter
        Solar energy | home
        Real estate | commuter
        Travel | retired commuter
        Camping | young
        Video games | young
        Music festivals | young
        Rap music | young
        Fashion | young
        Cosmetics | young commuter
        Parenting | commuter home
        Pets | retired home
        Dogs | retired
        Horses | home
        Online shopping | young commuter
        Discount stores | home
        Personal finance | commuter
        Insurance | retired
        Health care | retired
        Yoga | home
        Running | young commuter
        Photography | retired
        Television | retired
        Netflix | young
        Smartphones | young
        Politics | retired
        Local news | retired home
        Organic food | home
        Do it yourself (DIY) | home retired
        Tractors | home
        Mountain biking | young
        Skiing | commuter
        Board games | young home
        """
    )
)

# Companies sending "off-Meta activity" about a resident, with the events they send.
OFF_PLATFORM = tuple(
    (company, tuple(events.split()))
    for company, events in _rows(
        """
        Leroy Merlin | PAGE_VIEW ADD_TO_CART PURCHASE
        Cdiscount | PAGE_VIEW SEARCH ADD_TO_CART
        Booking.com | SEARCH PAGE_VIEW
        Vinted | ACTIVATE_APP SEARCH PURCHASE
        leboncoin | ACTIVATE_APP SEARCH PAGE_VIEW
        Deezer | ACTIVATE_APP
        Doctissimo | PAGE_VIEW
        Marmiton | PAGE_VIEW
        Decathlon | PAGE_VIEW ADD_TO_CART PURCHASE
        Temu | ACTIVATE_APP PURCHASE
        Le Figaro | PAGE_VIEW
        SNCF Connect | SEARCH PURCHASE
        """
    )
)

# What villagers type into Google (a Takeout's "My Activity" search history), and where
# an ad they clicked on a results page led.
SEARCHES = _list(
    """
    météo valmont-sur-lize, horaires déchetterie bourg-de-lize, prix électricité 2027,
    recette soupe de potiron, pharmacie de garde drôme, vélo électrique occasion,
    résultats rugby fédérale 2, chèque énergie 2026, horaires bus bourg-de-lize,
    isolation combles prix, programme tv ce soir, covoiturage bourg-de-lize,
    marché de valmont-sur-lize, heures creuses linky, purger un radiateur
    """
)
ENGLISH_SEARCHES = _list(
    """
    weather valmont-sur-lize, french property tax explained, uk pension abroad,
    english bookshop drome, ryanair lyon stansted, how to purge a radiator
    """
)
AD_LANDINGS = tuple(
    (advertiser, url)
    for advertiser, url in _rows(
        """
        Leroy Merlin | https://www.leroymerlin.fr/produits/chauffage-plomberie/chauffage-electrique/
        Cdiscount | https://www.cdiscount.com/electromenager/lave-linge/l-110140101.html
        Decathlon | https://www.decathlon.fr/browse/c0-tous-les-sports/c1-velo-cyclisme/_/N-1ekz7pj
        Effy | https://www.effy.fr/isolation/isolation-des-combles
        """
    )
)
