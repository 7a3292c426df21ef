/** The lake's shapes for the trend analysis (src/trends reads them; src/lake/trend-counts.ts fills them). */
import type { DocumentKind } from "../match/index.js";

/** Filter for the trends module. */
export interface TrendFilter {
  from?: Date;
  to?: Date;
  /** Only documents whose predicted métiers include this code. */
  metier?: string;
  kinds?: DocumentKind[];
}

/** Documents in one (month "YYYY-MM", domaine, source) cell of the trend aggregates. */
export interface TrendCountCell {
  period: string;
  domaine: string;
  source: string;
  documents: number;
}

/** The trend aggregates of a window (src/lake/trend-counts.ts); the same shape src/trends counts from documents. */
export interface TrendCounts {
  totals: TrendCountCell[];
  phrases: Map<string, TrendCountCell[]>;
  items: Map<string, TrendCountCell[]>;
  offers: number;
  cvs: number;
  sources: number;
  documentsWithItems: number;
  /** Documents that say each phrase in a statement also naming a ROME item (the phrases read, or all with sums). */
  stated: Map<string, number>;
  /** Documents where each phrase stands whole in its statement (migration 6). */
  whole: Map<string, number>;
}

/** A window of whole months (from/to on month starts) and the phrase guards applied in SQL. */
export interface TrendCountsFilter {
  from?: Date;
  to?: Date;
  kinds?: DocumentKind[];
  minSupport: number;
  minSources: number;
}

/** One phrase's sums for the trend detector, computed in SQL (the shape of src/trends/detector.ts PhraseSums). */
export interface TrendSumsRow {
  key: string;
  support: number;
  sources: number;
  domaines: number;
  /** Documents with the phrase in the recent / baseline halves of sources that have a split. */
  x: number;
  y: number;
  informative: number;
  anyX: boolean;
  anyY: boolean;
  /** Σx, Σ m·n1/n, Σ m(n−m)·n1·n0/(n²(n−1)). */
  sx: number;
  se: number;
  sv: number;
  /** Mantel–Haenszel R, S and Greenland–Robins term, as is and with 0.5 added to x and y. */
  r: number;
  s: number;
  gr: number;
  rc: number;
  sc: number;
  grc: number;
  /** Σn and Σ n·ln n over the phrase's domaines; Σw and Σ w·ln w over its per-source shares w. */
  domN: number;
  domNlnN: number;
  srcW: number;
  srcWlnW: number;
  /** Documents that say the phrase in a statement also naming a ROME item (SQL only: cells do not carry it). */
  stated?: number;
  /** Documents where the phrase stands whole in its statement (SQL only, like `stated`). */
  whole?: number;
}

/** A document that uses a phrase, as the report's details read it (text only for offers). */
export interface TrendEvidenceRow {
  id: string;
  kind: DocumentKind;
  source: string;
  documentDate: Date;
  text: string | null;
  metiers: string[];
  competences: string[];
}

/** What trends reads from the lake: codes and uncovered phrases, and text only for offers (never a CV's). */
export interface TrendDocument {
  id: string;
  kind: DocumentKind;
  source: string;
  documentDate: Date;
  /** Predicted ROME fiche codes, best first. */
  metiers: string[];
  /** Extracted compétence / savoir codes (code_ogr). */
  competences: string[];
  /** Candidate phrases no ROME label says (stemmed keys; src/trends `documentPhrases`). */
  phrases: string[];
  /** Those of `phrases` said in a statement that also names a ROME item; absent when unknown. */
  statedPhrases?: string[];
  /** Those of `phrases` that stand whole in their statement at least once (src/trends `wholeKeys`); absent when unknown. */
  wholePhrases?: string[];
  /** Raw text for offers; always null for CVs. */
  text: string | null;
}
