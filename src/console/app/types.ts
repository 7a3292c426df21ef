/**
 * The parts of the service's answers the console reads (see GET /openapi.json). Fields other helpers are adding
 * (a CV's `experiences`, trend series) are optional, and every page copes when they are absent.
 */

export interface Span {
  start: number;
  end: number;
  text: string;
}

export interface SharedMc {
  code: string;
  libelle: string;
  weight: number;
  coeurMetier: boolean;
  competences?: { code: string; libelle: string; score: number }[];
  evidence?: Span[];
}
export interface MissingMc {
  code: string;
  libelle: string;
  weight: number;
  coeurMetier: boolean;
}

export interface MetierMatch {
  code: string;
  libelle: string;
  parentOf?: string | null;
  confidence: number;
  score: Record<string, number>;
  appellation?: { code: string; libelle: string; score: number } | null;
  sharedMacroCompetences?: SharedMc[];
  missingMacroCompetences?: MissingMc[];
  unusedSkills?: { code: string; libelle: string }[];
}

export interface Skill {
  code: string;
  kind: "competence" | "savoir";
  libelle: string;
  macroCompetence: string | null;
  score: number;
  evidence: Span[];
}

export interface RequiredSkill {
  code: string;
  kind: "competence" | "savoir";
  libelle: string;
  macroCompetence: string | null;
  probability: number;
  evidence: Span[];
}

/** A CV's experience (issue 20); every field optional because its shape may still move. */
export interface Experience {
  title?: string | null;
  employer?: string | null;
  dates?: unknown;
  start?: unknown;
  end?: unknown;
  appellation?: {
    code?: string;
    libelle?: string;
    ficheCode?: string;
    fiche?: string | { code?: string; libelle?: string };
  } | null;
  spans?: Span[] | Record<string, Span | Span[] | null>;
  [k: string]: unknown;
}

export interface MatchResponse {
  romeVersion: string;
  kind: "offer" | "cv";
  status: string;
  statusReason: string | null;
  evidenceLeader?: string | null;
  margin: number;
  metiers: MetierMatch[];
  skills: Skill[];
  requiredSkills?: RequiredSkill[];
  uncoveredPhrases?: string[];
  experiences?: Experience[];
  timings?: { totalMs: number };
}

export interface Fiche {
  code: string;
  libelle: string;
  definition: string;
  accesMetier: string;
  grandDomaine: { code: string; libelle: string };
  domaineProfessionnel: { code: string; libelle: string };
  tags: Record<string, string | boolean | null>;
  appellations: { code: string; libelle: string; principale: boolean }[];
  enjeux: {
    code: string;
    libelle: string;
    macroCompetences: {
      code: string;
      libelle: string;
      coeurMetier: boolean;
      weight: number;
      competences: { code: string; libelle: string }[];
    }[];
  }[];
  savoirs: { code: string; libelle: string; coeurMetier: boolean }[];
  contextes: { code: string; libelle: string; type: string }[];
  mobilites?: { code: string; libelle: string; rang: number }[];
  esco?: {
    version: string;
    occupations: {
      uri: string;
      label: string;
      relation: string;
      appellations: { code: string; libelle: string; relation: string }[];
    }[];
  } | null;
}

export interface ItemCoeur {
  code: string;
  libelle: string;
  coeurMetier: boolean;
}
export interface McToAcquire {
  code: string;
  libelle: string;
  weight: number;
  coeurMetier: boolean;
  competences: ItemCoeur[];
}
export interface SharedBetween {
  code: string;
  libelle: string;
  weight: number;
  coeurMetierInTarget: boolean;
  sharedCompetences: { code: string; libelle: string }[];
}
export interface Passerelle {
  code: string;
  libelle: string;
  rank: number;
  score: Record<string, number>;
  viability: string;
  officialMobilite: { listed: boolean; rang: number | null };
  shared: SharedBetween[];
  toAcquire: {
    macroCompetences: McToAcquire[];
    competences: (ItemCoeur & { macroCompetence: string; macroCompetenceCovered: boolean })[];
  };
}
export interface ProximityResponse {
  source: { code: string; libelle: string };
  viabilityRule: string;
  passerelles: Passerelle[];
}

export interface ContextesResponse {
  types: { typeCode: string; typeLibelle: string; contextes: { code: string; libelle: string; fiches: number }[] }[];
}

export interface SearchResponse {
  hits: { kind: string; code: string; libelle: string; score: number }[];
}
export interface AppellationSearch {
  results: { code: string; libelle: string; ficheCode: string; ficheLibelle: string; score: number }[];
}

export interface ProfileMetier {
  code: string;
  libelle: string;
  rank: number;
  access: "now" | "training";
  reason: string;
  emploiReglemente: boolean;
  score: { coverage: number; mcCoverage: number; coreCoverage: number; savoirCoverage: number | null };
  shared: SharedBetween[];
  gap: { macroCompetences: McToAcquire[]; competences: ItemCoeur[]; savoirs: ItemCoeur[] };
}
export interface ProfileResponse {
  status: string;
  message?: string;
  accessRule: string;
  resolution: {
    resolved: { input: string; via: string; code: string; kind: string; libelle: string; score: number }[];
    unresolved: { input: string; reason: string; suggestions: { code: string; kind: string; libelle: string }[] }[];
  };
  profile: { macroCompetences: number; competences: number; savoirs: number };
  accessibleNow: ProfileMetier[];
  accessibleWithTraining: ProfileMetier[];
  belowThreshold: number;
}

export interface TrendPoint {
  period: string;
  documents?: number;
  count?: number;
  share?: number;
}
export interface Emerging {
  key: string;
  label: string;
  variants?: string[];
  figures: Record<string, number>;
  /** Per period; another helper may reshape it (an object of series), so it is read through seriesOf. */
  series?: unknown;
  attachment?: {
    macroCompetence: { code: string; libelle: string; codeArbo?: string; score: number } | null;
    competences: { code: string; libelle: string; kind: string; similarity: number }[];
    attachedBy?: string;
  };
  metiers?: { code: string; libelle: string; documents: number }[];
  cooccurring?: { code: string; libelle: string; documents: number; lift: number }[];
  evidence?: { documentId: string; date: string; snippet: string }[];
  contexts?: unknown;
}
export interface TrendReport {
  status: string;
  message: string | null;
  window?: { from: string | null; to: string | null; split: string | null; period: string };
  documents?: { total: number; baseline: number; recent: number; offers: number; cvs: number; sources: number };
  periods?: { period: string; documents: number }[];
  tested?: number;
  emerging: Emerging[];
}

export interface StoredDocument {
  id: string;
  kind: "offer" | "cv";
  source: string;
  externalId: string;
  title: string | null;
  documentDate: string;
  metiers: { code: string; score: number; confidence: number }[];
  competences?: { code: string; kind: string; macroCompetence: string | null; score: number }[];
}
export interface SimilarResponse {
  query: { id: string; kind: string };
  kind: string;
  results: (Pick<StoredDocument, "id" | "kind" | "source" | "externalId" | "title" | "documentDate" | "metiers"> & {
    score: { vector: number; mcOverlap: number; metiers?: number; total: number };
    sharedMetiers?: { code: string; libelle: string; confidence: number }[];
    sharedMacroCompetences: SharedMc[];
    missingMacroCompetences: MissingMc[];
  })[];
}
