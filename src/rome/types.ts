/** ROME 4.0 referential, as the engine uses it. Codes are strings: `code_rome` (M1805) or `code_ogr` (numeric). */

export type CoeurMetier = "principale" | "emergente" | null;

export interface FicheTags {
  /** e.g. "Emploi Vert", "Emploi Brun", "Emploi stratégique pour la Transition écologique", "Emploi Blanc". */
  transitionEcologique: string | null;
  transitionNumerique: boolean | null;
  transitionDemographique: boolean | null;
  emploiReglemente: boolean | null;
  emploiCadre: boolean | null;
}

export interface FicheItemLink {
  code: string;
  coeurMetier: CoeurMetier;
}

export interface Fiche {
  code: string;
  codeOgr: string;
  libelle: string;
  /** code_rome_parent: the pre-split ROME 4.0 fiche this one came from (its own code when not split). */
  parent: string;
  grandDomaine: { code: string; libelle: string };
  domaineProfessionnel: { code: string; libelle: string };
  tags: FicheTags;
  definition: string;
  accesMetier: string;
  appellations: string[];
  /** Savoir-faire compétences (nature Compétence) linked to the fiche. */
  competences: FicheItemLink[];
  /** Macro-compétences linked directly (savoir-faire or savoir-être rubrique). */
  macroCompetences: FicheItemLink[];
  savoirs: FicheItemLink[];
  contextes: string[];
  /** Official mobilités from this fiche, in ROME's order. */
  mobilites: { cible: string; rang: number }[];
  /** Holland (RIASEC) profile of the fiche (`referentiel_code_rome_riasec`); null when the file or row is absent. */
  riasec: { majeur: string; mineur: string | null } | null;
  /** Secteurs and sous-secteurs d'activité listing the fiche (`arborescence_secteur_activite` codes). */
  secteursActivite: string[];
  /** Centres d'intérêt listing the fiche (`arborescence_centre_interet` codes). */
  centresInteret: string[];
}

export interface Appellation {
  code: string;
  libelle: string;
  libelleCourt: string;
  ficheCode: string;
  principale: boolean;
  peuUsite: boolean;
  emploiCadre: boolean | null;
}

export interface Competence {
  code: string;
  libelle: string;
  definition: string;
  macroCompetence: string;
  categorie: string;
  sousCategorie: string;
}

export interface MacroCompetence {
  code: string;
  /** Position in the tree, e.g. `1A101` = domaine 1, enjeu 1A, objectif 1A1. */
  codeArbo: string;
  libelle: string;
  categorie: string;
  domaine: { code: string; libelle: string };
  enjeu: { code: string; libelle: string };
  objectif: { code: string; libelle: string };
  competences: string[];
}

export interface Savoir {
  code: string;
  libelle: string;
  categorie: string;
  sousCategorie: string;
}

export interface Contexte {
  code: string;
  libelle: string;
  typeCode: string;
  typeLibelle: string;
}

export interface TreeLevel {
  code: string;
  libelle: string;
}
