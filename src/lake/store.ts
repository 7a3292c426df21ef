/** The lake's storage (documents, erasure, retention, trend aggregates, feedback): opened here, a module per operation. */
import type { Config } from "../config.js";
import { openDb, type Db } from "./db.js";
import { migrate } from "./migrations/index.js";
import { addFeedback, feedbackStats, labelledOffers, lastFeedbackId } from "./feedback.js";
import {
  latestTrendAnalysis,
  monthAligned,
  pruneTrendCounts,
  readPhraseDocuments,
  readTrendCounts,
  readPhraseSeries,
  readTrendCountsFromDocuments,
  saveTrendAnalysis,
} from "./trend-counts.js";
import { readTrendSums } from "./trend-sums.js";
import { storedVersions, writeDocuments } from "./documents-write.js";
import { findByExternalId, getDocument, similarDocuments, trendDocuments } from "./documents-read.js";
import { eraseBySource, eraseDocument, purgeExpiredCvs } from "./erase.js";
import type {
  DocumentInput,
  DocumentKind,
  LakeContext,
  LakeStore,
  PreparedDocument,
  SimilarQuery,
  SimilarResult,
  StoredDocument,
  StoredVersion,
  TrendCountCell,
  TrendCounts,
  TrendCountsFilter,
  TrendSumsRow,
  TrendDocument,
  TrendEvidenceRow,
  TrendFilter,
  WriteOutcome,
} from "./types.js";
import type { FeedbackInput, FeedbackQuery, FeedbackRecord, FeedbackStats, LabelledOffer } from "./feedback-types.js";

export interface OpenLakeOptions {
  /** Schema to isolate this lake in (tests, benchmarks). Default: the connection's search_path (public). */
  schema?: string;
  /** Purge expired CVs at open and then at this interval (ms); 0 disables the sweep. Default 6 h. */
  retentionSweepMs?: number;
  poolSize?: number;
}

/** HNSW search breadth: recall@10 ≥ 0.95 at 100k documents (benchmarks/lake.ts) for ~1–3 ms of search. */
export const EF_SEARCH = 100;
/** Iterative scans: with a filter (kind, métier, dates) pgvector keeps walking the graph until LIMIT rows pass it. */
export const HNSW_SETTINGS = { "hnsw.ef_search": String(EF_SEARCH), "hnsw.iterative_scan": "relaxed_order" } as const;
/** No statement holds a connection (and its caller) longer than this: the route answers 503 instead. */
export const STATEMENT_TIMEOUT = "30s";

/**
 * Opens the lake's storage: PostgreSQL when `config.databaseUrl` is set, else the embedded PGlite store in
 * `config.lakeDir`. Applies pending migrations (a new lake takes the embedding dimension of `context`). Without a
 * context, `similar` is unavailable. Matching documents before they are stored is the ingest service's (src/ingest).
 */
export async function openLakeStore(
  config: Pick<Config, "databaseUrl" | "lakeDir" | "cvRetentionDays">,
  context?: LakeContext,
  options: OpenLakeOptions = {},
): Promise<LakeStore> {
  const db = await openDb({
    databaseUrl: config.databaseUrl,
    lakeDir: config.lakeDir,
    schema: options.schema,
    poolSize: options.poolSize,
    settings: { ...HNSW_SETTINGS, statement_timeout: STATEMENT_TIMEOUT },
  });
  let meta: { dimension: number; schemaVersion: number };
  try {
    meta = await migrate(db, context?.embedder.dimension);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  const store = new Store(db, context, meta.dimension, meta.schemaVersion, config.cvRetentionDays);
  const sweep = options.retentionSweepMs ?? 6 * 3600_000;
  if (sweep > 0 && config.cvRetentionDays > 0) {
    await store.purgeExpiredCvs();
    store.startSweep(sweep);
  }
  return store;
}

class Store implements LakeStore {
  readonly backend: "postgres" | "pglite";
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly context: LakeContext | undefined,
    readonly dimension: number,
    private readonly schemaVersion: number,
    private readonly retentionDays: number,
  ) {
    this.backend = db.backend;
  }

  startSweep(ms: number): void {
    this.timer = setInterval(
      () =>
        void this.purgeExpiredCvs().catch((e: unknown) =>
          console.error("lake retention sweep failed:", (e as Error).message),
        ),
      ms,
    );
    this.timer.unref();
  }

  storedVersions(docs: readonly DocumentInput[]): Promise<(StoredVersion | undefined)[]> {
    return storedVersions(this.db, docs);
  }

  writeDocuments(docs: readonly PreparedDocument[]): Promise<WriteOutcome[]> {
    return writeDocuments(this.db, docs);
  }

  get(id: string, opts: { includeText?: boolean } = {}): Promise<StoredDocument | null> {
    return getDocument(this.db, id, opts);
  }

  findByExternalId(source: string, externalId: string): Promise<string | null> {
    return findByExternalId(this.db, source, externalId);
  }

  async similar(id: string, q: SimilarQuery = {}): Promise<SimilarResult | null> {
    if (!this.context) throw new Error("this lake was opened without the match engine");
    return similarDocuments(this.db, this.context, id, q);
  }

  delete(id: string): Promise<boolean> {
    return eraseDocument(this.db, id);
  }

  deleteBySource(source: string, externalId?: string): Promise<number> {
    return eraseBySource(this.db, source, externalId);
  }

  purgeExpiredCvs(days: number = this.retentionDays, now: Date = new Date()): Promise<number> {
    return purgeExpiredCvs(this.db, days, now);
  }

  trendDocuments(filter: TrendFilter = {}): AsyncIterable<TrendDocument> {
    return trendDocuments(this.db, filter);
  }

  usesTrendAggregates(filter: { from?: Date; to?: Date; metier?: string; unit?: "week" | "month" }): boolean {
    return (
      (filter.unit ?? "month") === "month" && !filter.metier && monthAligned(filter.from) && monthAligned(filter.to)
    );
  }

  trendCounts(
    filter: TrendCountsFilter & { metier?: string; unit?: "week" | "month"; withPhrases?: boolean },
  ): Promise<TrendCounts> {
    return this.usesTrendAggregates(filter)
      ? readTrendCounts(this.db, filter)
      : readTrendCountsFromDocuments(this.db, { ...filter, unit: filter.unit ?? "month" });
  }

  trendSums(
    filter: TrendCountsFilter & { splits: ReadonlyMap<string, string>; sourcePrior: number },
  ): Promise<TrendSumsRow[]> {
    return readTrendSums(this.db, filter);
  }

  phraseSeries(
    phrases: readonly string[],
    filter: { from?: Date; to?: Date; kinds?: DocumentKind[] },
  ): Promise<Map<string, TrendCountCell[]>> {
    return readPhraseSeries(this.db, phrases, filter);
  }

  phraseDocuments(phrase: string, filter: { from?: Date; to?: Date; limit: number }): Promise<TrendEvidenceRow[]> {
    return readPhraseDocuments(this.db, phrase, filter);
  }

  latestTrendAnalysis(paramsKey: string) {
    return latestTrendAnalysis(this.db, paramsKey);
  }

  saveTrendAnalysis(paramsKey: string, documents: number, report: unknown, at: Date): Promise<void> {
    return saveTrendAnalysis(this.db, paramsKey, documents, report, at);
  }

  pruneTrendCounts(): Promise<void> {
    return pruneTrendCounts(this.db);
  }

  addFeedback(input: FeedbackInput): Promise<FeedbackRecord | null> {
    return addFeedback(this.db, input);
  }

  addFeedbackBatch(inputs: readonly FeedbackInput[]): Promise<(FeedbackRecord | null)[]> {
    return this.db.transaction(async (tx) => {
      const out: (FeedbackRecord | null)[] = [];
      for (const input of inputs) out.push(await addFeedback(tx, input));
      return out;
    });
  }

  feedbackStats(q?: FeedbackQuery): Promise<FeedbackStats> {
    return feedbackStats(this.db, q);
  }

  labelledOffers(): AsyncIterable<LabelledOffer> {
    return labelledOffers(this.db);
  }

  lastFeedbackId(): Promise<number> {
    return lastFeedbackId(this.db);
  }

  async stats() {
    const r = await this.db.query<{ kind: DocumentKind; n: string | number }>(
      "SELECT kind, count(*) AS n FROM documents GROUP BY kind",
    );
    const documents = { offer: 0, cv: 0 };
    for (const x of r.rows) documents[x.kind] = Number(x.n);
    return { documents, backend: this.backend, dimension: this.dimension, schemaVersion: this.schemaVersion };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.db.close();
  }
}
