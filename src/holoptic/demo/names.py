"""Name lists for the demo village, written for it (common French and British names).

First names are split by generation so that a retired resident is called Monique or
Bernard and a student Léa or Hugo: a village where every age has the same names reads as
generated. Surnames lean on the most common French ones, with a few from the Drôme.
"""

from __future__ import annotations


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


# (female, male) per generation
OLD = (
    _names(
        """
        Monique, Jacqueline, Françoise, Michèle, Colette, Denise, Josiane, Annie, Danielle,
        Christiane, Martine, Nicole, Yvette, Odile, Simone, Ginette, Bernadette, Huguette,
        Évelyne, Geneviève
        """
    ),
    _names(
        """
        Bernard, Jean-Pierre, Michel, Gérard, André, Jacques, Claude, Alain, René, Roger,
        Marcel, Guy, Daniel, Robert, Henri, Maurice, Jean-Claude, Raymond, Yves, Lucien
        """
    ),
)
MIDDLE = (
    _names(
        """
        Nathalie, Isabelle, Sylvie, Catherine, Valérie, Sandrine, Christelle, Véronique,
        Stéphanie, Céline, Aurélie, Karine, Virginie, Laurence, Delphine, Émilie, Sophie,
        Anne, Corinne, Carole, Hélène, Élodie, Camille, Julie
        """
    ),
    _names(
        """
        Stéphane, Christophe, Philippe, Laurent, Frédéric, Olivier, Nicolas, Thierry, Éric,
        Pascal, Sébastien, Julien, David, Vincent, Cédric, Franck, Jérôme, Fabrice,
        Guillaume, Ludovic, Damien, Arnaud, Mickaël, Yannick
        """
    ),
)
YOUNG = (
    _names(
        """
        Léa, Manon, Chloé, Emma, Camille, Inès, Sarah, Clara, Jade, Lucie, Océane, Mathilde,
        Pauline, Margaux, Lola, Zoé, Anaïs, Justine, Louise, Alice
        """
    ),
    _names(
        """
        Hugo, Lucas, Théo, Thomas, Maxime, Nathan, Enzo, Louis, Antoine, Alexandre, Baptiste,
        Clément, Quentin, Romain, Paul, Arthur, Valentin, Mathis, Jules, Tom
        """
    ),
)

SURNAMES = _names(
    """
    Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent,
    Simon, Michel, Lefebvre, Leroy, Roux, David, Bertrand, Morel, Fournier, Girard,
    Bonnet, Dupont, Lambert, Fontaine, Rousseau, Vincent, Muller, Faure, André, Mercier,
    Blanc, Guérin, Boyer, Garnier, Chevalier, François, Legrand, Gauthier, Garcia,
    Perrin, Robin, Clément, Morin, Nicolas, Henry, Roussel, Mathieu, Masson, Marchand,
    Duval, Denis, Dumont, Lemaire, Noël, Meyer, Dufour, Meunier, Brun, Blanchard, Giraud,
    Joly, Rivière, Lucas, Brunet, Gaillard, Barbier, Arnaud, Martinez, Gérard, Roche,
    Renard, Roy, Colin, Vidal, Caron, Picard, Fabre, Aubert, Lemoine, Renaud, Dumas,
    Lacroix, Olivier, Bourgeois, Rey, Leclerc, Guillaume, Lecomte, Lopez, Dupuy, Guillot,
    Hubert, Berger, Carpentier, Dupuis, Moulin, Deschamps, Huet, Fleury, Royer, Jacquet,
    Poirier, Marty, Aubry, Guyot, Carré, Charpentier, Ménard, Maillard, Baron, Bertin,
    Bailly, Hervé, Collet, Léger, Bouvier, Julien, Prévost, Millet, Perrot, Germain,
    Besson, Pelletier, Perrier, Lebrun, Mallet, Monnier, Michaud, Gilbert, Lamy, Chabert,
    Reynaud, Jourdan, Achard, Vignon, Chapuis, Peyrard, Gounon, Bouchet, Chauvin,
    Tessier, Humbert, Da Silva, Ferreira, Benali, Haddad
    """
)

# British residents: a classic of the French countryside.
ENGLISH = (
    _names(
        """
        Susan, Margaret, Helen, Sarah, Emma, Charlotte, Janet, Fiona, Alison, Karen
        """
    ),
    _names(
        """
        James, David, Peter, Richard, Oliver, Graham, Nigel, Andrew, Martin, Stephen
        """
    ),
)
ENGLISH_SURNAMES = _names(
    """
    Smith, Jones, Taylor, Brown, Williams, Wilson, Davies, Whitfield, Clarke, Hughes,
    Walker, Wright, Robinson, Thompson, Hall, Bennett, Cooper, Harris, Ashworth,
    Pemberton
    """
)
