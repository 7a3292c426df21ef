/** Public shapes of the lake (documents store). Other modules (api, cli, trends) code against these. */
import type { EmbedRole } from "../embed/index.js";
import type {
  DocumentKind,
  MatchInput,
  MatchResult,
  MacroCompetenceEvidence,
  MissingMacroCompetence,
} from "../match/index.js";
import type { Referential } from "../rome/index.js";
import type { TextUnit } from "../text/index.js";
import { CodedError } from "../errors.js";
import type { FeedbackInput, FeedbackQuery, FeedbackRecord, FeedbackStats, LabelledOffer } from "./feedback-types.js";

export type { DocumentKind };
export type * from "./trend-types.js";
import type {
  TrendCounts,
  TrendCountsFilter,
  TrendDocument,
  TrendEvidenceRow,
  TrendFilter,
  TrendSumsRow,
  TrendCountCell,
} from "./trend-types.js";

/** Documented limits of the lake (README "Lake"). */
export const LAKE_LIMITS = {
  /** Documents per POST /v1/documents/batch. */
  maxBatch: 100,
  /** Characters of `text` per document. */
  maxTextChars: 50_000,
  maxTitleChars: 300,
  maxSourceChars: 100,
  maxExternalIdChars: 200,
  /** topK bounds of /v1/documents/:id/similar. */
  maxTopK: 50,
  defaultTopK: 10,
  /** Predicted métiers and extracted compétences kept per document. */
  maxMetiers: 10,
  maxCompetences: 200,
  /** Candidate phrases for trends kept per document (in text order): the JSONL path keeps all of a document's. */
  maxPhrases: 600,
  /** Confusion pairs in GET /v1/feedback/stats. */
  maxConfusions: 20,
  /** Verdicts per POST /v1/feedback/batch. */
  maxFeedbackBatch: 100,
} as const;

/** What the lake needs from the match engine (a structural subset of `Engine`, so tests can pass a small fake). */
export interface LakeEngine {
  readonly modelId: string;
  readonly referential: Pick<
    Referential,
    "version" | "mcIdf" | "macroCompetences" | "competences" | "savoirs" | "appellations" | "contextes"
  > &
    Partial<Pick<Referential, "ficheMacroCompetences" | "fiches">>;
  readonly embedder: {
    readonly dimension: number;
    embed(texts: readonly string[], role?: EmbedRole): Promise<Float32Array[]>;
  };
  match(input: MatchInput): Promise<MatchResult>;
  /** The engine's uncovered-phrase checker (`createCoverageChecker` of its referential), when it has one to share. */
  readonly coverage?: (
    units: TextUnit[],
    coveredSpans: { start: number; end: number }[],
  ) => { key: string; text: string }[];
}

/** One document to ingest. `externalId` is unique within `source`: re-posting it updates the document. */
export interface DocumentInput {
  kind: DocumentKind;
  source: string;
  externalId: string;
  title?: string;
  text: string;
  /** Publication date of an offer / date of a CV; defaults to the ingest time. */
  documentDate?: Date;
  /** CVs only: keep the raw text (off by default: personal data). Offers always keep their text. */
  storeText?: boolean;
}

export type IngestStatus = "created" | "updated" | "unchanged";

export interface IngestResult {
  id: string;
  source: string;
  externalId: string;
  status: IngestStatus;
}

export interface BatchItemResult {
  index: number;
  source: string;
  externalId: string;
  status: IngestStatus | "error";
  id?: string;
  /** A code of the error catalogue (src/errors.ts). */
  error?: { code: string; message: string };
}

export interface StoredMetier {
  code: string;
  score: number;
  confidence: number;
}

export interface StoredCompetence {
  code: string;
  kind: "competence" | "savoir";
  macroCompetence: string | null;
  score: number;
}

/** A stored document as read back. `text` is null unless stored AND asked for (see Lake.get). */
export interface StoredDocument {
  id: string;
  kind: DocumentKind;
  source: string;
  externalId: string;
  title: string | null;
  documentDate: Date;
  ingestedAt: Date;
  updatedAt: Date;
  romeVersion: string;
  model: string;
  hasText: boolean;
  text: string | null;
  metiers: StoredMetier[];
  competences: StoredCompetence[];
  phrases: string[];
}

export interface SimilarQuery {
  kind?: DocumentKind;
  topK?: number;
  /** Only documents whose predicted métiers include this ROME code. */
  metier?: string;
  from?: Date;
  to?: Date;
}

/** One similar document with the same explanation shape as /v1/match (shared / missing macro-compétences). */
export interface SimilarDocument extends Pick<
  StoredDocument,
  "id" | "kind" | "source" | "externalId" | "title" | "documentDate" | "metiers"
> {
  score: { vector: number; mcOverlap: number; metiers: number; total: number };
  /** Métiers both documents were matched to, most agreed first (confidence: the smaller of the two). */
  sharedMetiers: { code: string; libelle: string; confidence: number }[];
  /** MCs both documents show, rarest first (evidence spans are not stored: always empty). */
  sharedMacroCompetences: MacroCompetenceEvidence[];
  /** MCs of the requiring side (the offer; the found document between two of a kind) the other side does not show. */
  missingMacroCompetences: MissingMacroCompetence[];
}

export interface SimilarResult {
  query: { id: string; kind: DocumentKind };
  kind: DocumentKind;
  results: SimilarDocument[];
  timings: { totalMs: number };
}

export interface LakeStats {
  documents: { offer: number; cv: number };
  backend: "postgres" | "pglite";
  dimension: number;
  schemaVersion: number;
}

/** A document ready to store: what the ingest service derived from it (src/ingest: redact, embed, match). */
export interface PreparedDocument {
  doc: DocumentInput;
  /** Content hash (text, dates, model, ROME version): an unchanged re-post is not matched again. */
  hash: string;
  /** Null when no token of the text is known (the zero vector). */
  embedding: Float32Array | null;
  match: Pick<MatchResult, "metiers" | "skills" | "model" | "romeVersion">;
  /**
   * The document's candidate phrases for trends (src/trends `documentPhrases`, the JSONL path's rule) and those of
   * them said in a statement that also names a ROME item, and those that stand whole in their statement.
   */
  trend: { phrases: readonly string[]; statedPhrases: readonly string[]; wholePhrases: readonly string[] };
}

/** The stored version of a (source, externalId). */
export type StoredVersion = { id: string; hash: string; kind: DocumentKind };

/** Per document of a write: stored (created / updated), or refused with a code and a message. */
export type WriteOutcome = { id: string; status: IngestStatus } | { code: string; message: string };

/** What the lake's referential-aware reads need of the engine (`similar` labels and weighs macro-compétences). */
export type LakeContext = Pick<LakeEngine, "modelId" | "referential"> & {
  readonly embedder: Pick<LakeEngine["embedder"], "dimension">;
};

/** The lake's storage: documents, reads, erasure and retention, trend aggregates, feedback. It matches nothing. */
export interface LakeStore {
  readonly backend: "postgres" | "pglite";
  /** Dimension of the stored embeddings (set by the lake's first open). */
  readonly dimension: number;
  /** Stored version of each document's (source, externalId), when stored. */
  storedVersions(docs: readonly DocumentInput[]): Promise<(StoredVersion | undefined)[]>;
  /**
   * Writes prepared documents in one transaction (a document refused by the database rolls back alone); outcomes in
   * input order. Throws a connection error when the database goes away (nothing of the call is then committed).
   */
  writeDocuments(docs: readonly PreparedDocument[]): Promise<WriteOutcome[]>;
  get(id: string, opts?: { includeText?: boolean }): Promise<StoredDocument | null>;
  findByExternalId(source: string, externalId: string): Promise<string | null>;
  similar(id: string, q?: SimilarQuery): Promise<SimilarResult | null>;
  /** Erasure: deletes the document and every row that refers to it. True when something was deleted. */
  delete(id: string): Promise<boolean>;
  deleteBySource(source: string, externalId?: string): Promise<number>;
  /** Deletes CVs last updated more than `days` days ago (default: config.cvRetentionDays; 0 disables). */
  purgeExpiredCvs(days?: number, now?: Date): Promise<number>;
  trendDocuments(filter?: TrendFilter): AsyncIterable<TrendDocument>;
  /**
   * The trend counts of a window: from the monthly aggregates (kept by SQL at ingest and erasure) for months and
   * a window of whole months without a métier; otherwise computed from the documents in SQL.
   */
  trendCounts(
    filter: TrendCountsFilter & { metier?: string; unit?: "week" | "month"; withPhrases?: boolean },
  ): Promise<TrendCounts>;
  /** True when trendCounts of this filter reads the monthly aggregates (then trendSums and phraseSeries apply). */
  usesTrendAggregates(filter: { from?: Date; to?: Date; metier?: string; unit?: "week" | "month" }): boolean;
  /** The detector's per-phrase sums, computed in SQL from the aggregates (one row per phrase). */
  trendSums(
    filter: TrendCountsFilter & { splits: ReadonlyMap<string, string>; sourcePrior: number },
  ): Promise<TrendSumsRow[]>;
  /** Per-month cells of a few phrases (chart series). */
  phraseSeries(
    phrases: readonly string[],
    filter: { from?: Date; to?: Date; kinds?: DocumentKind[] },
  ): Promise<Map<string, TrendCountCell[]>>;
  /** A sample of the documents that use a phrase (details of a report). */
  phraseDocuments(phrase: string, filter: { from?: Date; to?: Date; limit: number }): Promise<TrendEvidenceRow[]>;
  /** The stored analysis of a parameter set (the API serves it), and its replacement. */
  latestTrendAnalysis(paramsKey: string): Promise<{ computedAt: Date; documents: number; report: unknown } | null>;
  saveTrendAnalysis(paramsKey: string, documents: number, report: unknown, at: Date): Promise<void>;
  /** Drops aggregate rows that erasures brought to zero. */
  pruneTrendCounts(): Promise<void>;
  /** Stores a verdict on a document's prediction; null when the document does not exist. */
  addFeedback(input: FeedbackInput): Promise<FeedbackRecord | null>;
  /** Several verdicts in one transaction (all stored or none); null for a document that does not exist. */
  addFeedbackBatch(inputs: readonly FeedbackInput[]): Promise<(FeedbackRecord | null)[]>;
  feedbackStats(q?: FeedbackQuery): Promise<FeedbackStats>;
  /**
   * Offers whose right code feedback gives (the latest answer, not contradicted by a later `wrong` on that code, given
   * on the text the lake holds now), oldest first: labelled offers for the engine's memory (`feedback-export`).
   */
  labelledOffers(): AsyncIterable<LabelledOffer>;
  /** The latest verdict's id, 0 without any: whether verdicts came since a memory was learned (any process's). */
  lastFeedbackId(): Promise<number>;
  stats(): Promise<LakeStats>;
  close(): Promise<void>;
}

/** The lake as the service uses it: its storage and the ingest service above it (src/ingest, match-then-store). */
export interface Lake extends LakeStore {
  /** Embeds, matches and writes one document in one transaction. Idempotent on (source, externalId). */
  ingest(doc: DocumentInput): Promise<IngestResult>;
  /** Each document in its own transaction; per-item status. Throws LakeUnavailableError (with the items so far) when the database goes away. */
  ingestBatch(docs: DocumentInput[]): Promise<BatchItemResult[]>;
  /** Content hashes of already-stored documents, to skip unchanged ones (resumable CLI ingest). */
  unchanged(docs: DocumentInput[]): Promise<boolean[]>;
}

/** The database went away (connection lost, server shutting down): the API answers 503. */
export class LakeUnavailableError extends CodedError {
  constructor(
    message: string,
    readonly items?: BatchItemResult[],
  ) {
    super("lake_unavailable", message);
  }
}

/** A request the lake cannot satisfy for a reason the caller can fix (e.g. dimension mismatch). */
export class LakeInputError extends CodedError {
  constructor(message: string) {
    super("invalid_document", message);
  }
}

/** The document exists with another kind (offer ↔ CV): HTTP 409. */
export class LakeConflictError extends CodedError {
  constructor(message: string) {
    super("kind_conflict", message);
  }
}
