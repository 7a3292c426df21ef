/** The lake: documents (offers, CVs) with embeddings, predicted métiers, extracted compétences and uncovered phrases. */
import { createHash, randomUUID } from "node:crypto";
import type { Config } from "../config.js";
import type { MatchResult } from "../match/index.js";
import { redactPersonalData } from "../text/index.js";
import { openDb, isConnectionError, parseVector, vectorParam, type Db, type Queryable } from "./db.js";
import { migrate } from "./migrations/index.js";
import { addFeedback, feedbackStats, labelledOffers } from "./feedback.js";
import {
  bumpTrendCounts,
  latestTrendAnalysis,
  monthAligned,
  pruneTrendCounts,
  readPhraseDocuments,
  readTrendCounts,
  readPhraseSeries,
  readTrendCountsFromDocuments,
  readTrendSums,
  saveTrendAnalysis,
} from "./trend-counts.js";
import { combinedScore, explain, mcOverlap, mcProfile, vectorSimilarity, type McLookup } from "./score.js";
import { round } from "../numbers.js";
import {
  LAKE_LIMITS,
  LakeConflictError,
  LakeInputError,
  LakeUnavailableError,
  type BatchItemResult,
  type DocumentInput,
  type DocumentKind,
  type FeedbackInput,
  type FeedbackQuery,
  type FeedbackRecord,
  type FeedbackStats,
  type IngestResult,
  type LabelledOffer,
  type IngestStatus,
  type Lake,
  type LakeEngine,
  type SimilarDocument,
  type SimilarQuery,
  type SimilarResult,
  type StoredCompetence,
  type StoredDocument,
  type StoredMetier,
  type TrendCountCell,
  type TrendCounts,
  type TrendCountsFilter,
  type TrendSumsRow,
  type TrendDocument,
  type TrendEvidenceRow,
  type TrendFilter,
} from "./types.js";

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
 * Opens the lake: PostgreSQL when `config.databaseUrl` is set, else the embedded PGlite store in `config.lakeDir`.
 * Applies pending migrations. Without an engine, only the administrative methods work (delete, purge, stats, trends).
 */
export async function openLake(config: Pick<Config, "databaseUrl" | "lakeDir" | "cvRetentionDays">, engine?: LakeEngine, options: OpenLakeOptions = {}): Promise<Lake> {
  const db = await openDb({ databaseUrl: config.databaseUrl, lakeDir: config.lakeDir, schema: options.schema, poolSize: options.poolSize, settings: { ...HNSW_SETTINGS, statement_timeout: STATEMENT_TIMEOUT } });
  let meta: { dimension: number; schemaVersion: number };
  try {
    meta = await migrate(db, engine?.embedder.dimension);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  const lake = new LakeImpl(db, engine, meta.dimension, meta.schemaVersion, config.cvRetentionDays);
  const sweep = options.retentionSweepMs ?? 6 * 3600_000;
  if (sweep > 0 && config.cvRetentionDays > 0) {
    await lake.purgeExpiredCvs();
    lake.startSweep(sweep);
  }
  return lake;
}

interface Prepared {
  doc: DocumentInput;
  hash: string;
  embedding: Float32Array | null;
  match: MatchResult;
}

interface DocRow {
  id: string;
  kind: DocumentKind;
  source: string;
  external_id: string;
  title: string | null;
  document_date: Date;
  ingested_at: Date;
  updated_at: Date;
  rome_version: string;
  model: string;
  has_text: boolean;
  raw_text: string | null;
}

interface CompetenceRow {
  document_id: string;
  code: string;
  kind: "competence" | "savoir";
  macro_competence: string | null;
  score: number;
}

interface MetierRow {
  document_id: string;
  code: string;
  score: number;
  confidence: number;
}

const DOC_COLUMNS = "id, kind, source, external_id, title, document_date, ingested_at, updated_at, rome_version, model, raw_text IS NOT NULL AS has_text";

class LakeImpl implements Lake {
  readonly backend: "postgres" | "pglite";
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly engine: LakeEngine | undefined,
    private readonly dimension: number,
    private readonly schemaVersion: number,
    private readonly retentionDays: number,
  ) {
    this.backend = db.backend;
  }

  startSweep(ms: number): void {
    this.timer = setInterval(() => void this.purgeExpiredCvs().catch((e: unknown) => console.error("lake retention sweep failed:", (e as Error).message)), ms);
    this.timer.unref();
  }

  private needEngine(): LakeEngine {
    if (!this.engine) throw new Error("this lake was opened without the match engine");
    return this.engine;
  }

  private hashOf(d: DocumentInput): string {
    const e = this.needEngine();
    const storeText = d.kind === "offer" || d.storeText === true;
    return createHash("sha256")
      .update(JSON.stringify([d.kind, d.title ?? null, d.text, d.documentDate?.toISOString() ?? null, storeText, e.modelId, e.referential.version]))
      .digest("hex")
      .slice(0, 32);
  }

  /** Stored id and content hash of each document's (source, externalId), when stored. */
  private async existing(docs: DocumentInput[]): Promise<({ id: string; hash: string; kind: DocumentKind } | undefined)[]> {
    if (docs.length === 0) return [];
    const r = await this.db.query<{ id: string; source: string; external_id: string; content_hash: string; kind: DocumentKind }>(
      "SELECT d.id, d.source, d.external_id, d.content_hash, d.kind FROM documents d JOIN unnest($1::text[], $2::text[]) AS k(source, external_id) USING (source, external_id)",
      [docs.map((d) => d.source), docs.map((d) => d.externalId)],
    );
    const have = new Map(r.rows.map((x) => [`${x.source}\u0000${x.external_id}`, { id: x.id, hash: x.content_hash, kind: x.kind }]));
    return docs.map((d) => have.get(`${d.source}\u0000${d.externalId}`));
  }

  async unchanged(docs: DocumentInput[]): Promise<boolean[]> {
    const ex = await this.existing(docs);
    return docs.map((d, i) => ex[i]?.hash === this.hashOf(d));
  }

  /**
   * Embedding (one batched call for all documents) and matching: everything before the write. Both read the text
   * without e-mails, phones, NIR and dates of birth: the phrases kept come from the match.
   */
  private async prepare(docs: DocumentInput[]): Promise<(Prepared | Error)[]> {
    const e = this.needEngine();
    const vectors = await e.embedder.embed(
      docs.map((d) => redactPersonalData(d.title ? `${d.title}\n${d.text}` : d.text)),
      "passage",
    );
    // All documents at once: with a MatchPool the engine threads work in parallel (a plain engine runs them in turn).
    return Promise.all(
      docs.map(async (doc, i): Promise<Prepared | Error> => {
        try {
          const v = vectors[i]!;
          if (v.length !== this.dimension) throw new LakeInputError(`embedding has ${v.length} dimensions, the lake ${this.dimension}`);
          const text = redactPersonalData(doc.text);
          const title = doc.title === undefined ? undefined : redactPersonalData(doc.title);
          const match = await e.match({ text, title, kind: doc.kind, topK: LAKE_LIMITS.maxMetiers, explain: false });
          return { doc, hash: this.hashOf(doc), embedding: isZero(v) ? null : v, match };
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        }
      }),
    );
  }

  /**
   * Writes documents (distinct (source, externalId)) set-wise: one upsert, one children delete, three inserts,
   * whatever the count. Runs inside the caller's transaction: every document whole, or the statement fails.
   */
  private async writeMany(tx: Queryable, ps: Prepared[]): Promise<{ id: string; status: IngestStatus }[]> {
    const rows = ps.map((p) => {
      const { doc, match } = p;
      const keepText = doc.kind === "offer" || doc.storeText === true;
      return {
        p,
        keepText,
        // A CV without storeText keeps ROME-derived data only: its title and phrases could name the person.
        title: keepText ? (doc.title ?? null) : null,
        metiers: match.metiers.slice(0, LAKE_LIMITS.maxMetiers),
        // The lake keeps compétences and savoirs (a macro-compétence found as such is shown, not stored).
        skills: dedupeBy(match.skills.flatMap((x) => (x.kind === "macro-competence" ? [] : [{ ...x, kind: x.kind }])).sort((x, y) => y.score - x.score), (x) => x.code).slice(0, LAKE_LIMITS.maxCompetences),
        phrases: keepText ? [...new Set(match.uncoveredPhrases)].filter(keepablePhrase).slice(0, LAKE_LIMITS.maxPhrases) : [],
      };
    });
    // A re-post without a date keeps the stored one; a new document without a date gets the ingest time.
    const undated = rows.filter((r) => !r.p.doc.documentDate);
    const kept = new Map<string, Date>();
    if (undated.length > 0) {
      const r = await tx.query<{ source: string; external_id: string; document_date: Date }>(
        "SELECT d.source, d.external_id, d.document_date FROM documents d JOIN unnest($1::text[], $2::text[]) AS k(source, external_id) USING (source, external_id)",
        [undated.map((x) => x.p.doc.source), undated.map((x) => x.p.doc.externalId)],
      );
      for (const x of r.rows) kept.set(`${x.source}\u0000${x.external_id}`, x.document_date);
    }
    // A stored version leaves the trend aggregates before the upsert rewrites its date, kind and children. The
    // per-document lock (taken in key order) makes a concurrent first post of the same document commit before
    // this one reads it, so that no version is counted twice or subtracted twice.
    const keys = [rows.map((r) => r.p.doc.source), rows.map((r) => r.p.doc.externalId)];
    await tx.query("SELECT pg_advisory_xact_lock(hashtext(s), hashtext(e)) FROM (SELECT DISTINCT s, e FROM unnest($1::text[], $2::text[]) AS u(s, e) ORDER BY 1, 2) x", keys);
    const prior = await tx.query<{ id: string }>(
      "SELECT d.id FROM documents d JOIN unnest($1::text[], $2::text[]) AS k(source, external_id) USING (source, external_id) ORDER BY d.id FOR UPDATE OF d",
      keys,
    );
    await bumpTrendCounts(tx, prior.rows.map((r) => r.id), -1);
    const up = await tx.query<{ id: string; source: string; external_id: string; inserted: boolean }>(
      `INSERT INTO documents AS d (id, kind, source, external_id, title, raw_text, document_date, content_hash, model, rome_version, embedding)
       SELECT i, k, s, e, t, x, COALESCE(dt, now()), h, m, rv, v::vector
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::text[])
         WITH ORDINALITY AS u(i, k, s, e, t, x, dt, h, m, rv, v, n)
       ORDER BY n
       ON CONFLICT (source, external_id) DO UPDATE SET
         title = EXCLUDED.title, raw_text = EXCLUDED.raw_text,
         document_date = EXCLUDED.document_date,
         updated_at = now(), content_hash = EXCLUDED.content_hash, model = EXCLUDED.model, rome_version = EXCLUDED.rome_version, embedding = EXCLUDED.embedding
       WHERE d.kind = EXCLUDED.kind
       RETURNING d.id, d.source, d.external_id, (d.xmax = 0) AS inserted`,
      [
        rows.map(() => randomUUID()),
        rows.map((r) => r.p.doc.kind),
        rows.map((r) => r.p.doc.source),
        rows.map((r) => r.p.doc.externalId),
        rows.map((r) => r.title),
        rows.map((r) => (r.keepText ? r.p.doc.text : null)),
        rows.map((r) => r.p.doc.documentDate ?? kept.get(`${r.p.doc.source}\u0000${r.p.doc.externalId}`) ?? null),
        rows.map((r) => r.p.hash),
        rows.map((r) => r.p.match.model),
        rows.map((r) => r.p.match.romeVersion),
        rows.map((r) => vectorParam(r.p.embedding)),
      ],
    );
    const byKey = new Map(up.rows.map((r) => [`${r.source}\u0000${r.external_id}`, r]));
    const out = rows.map((r) => {
      const o = byKey.get(`${r.p.doc.source}\u0000${r.p.doc.externalId}`);
      // Not updated: stored meanwhile with the other kind (the check before the write saw nothing).
      if (!o) throw new LakeConflictError(kindConflict(r.p.doc));
      return o;
    });
    const updated = out.filter((o) => !o.inserted).map((o) => o.id);
    if (updated.length > 0) await deleteChildren(tx, updated);
    const m: { d: string[]; r: number[]; c: string[]; s: number[]; f: number[] } = { d: [], r: [], c: [], s: [], f: [] };
    const c: { d: string[]; c: string[]; k: string[]; m: (string | null)[]; s: number[] } = { d: [], c: [], k: [], m: [], s: [] };
    const ph: { d: string[]; p: string[] } = { d: [], p: [] };
    rows.forEach((r, i) => {
      const id = out[i]!.id;
      r.metiers.forEach((x, rank) => (m.d.push(id), m.r.push(rank + 1), m.c.push(x.code), m.s.push(finite(x.score.total)), m.f.push(finite(x.confidence))));
      for (const x of r.skills) c.d.push(id), c.c.push(x.code), c.k.push(x.kind), c.m.push(x.macroCompetence), c.s.push(finite(x.score));
      for (const x of r.phrases) ph.d.push(id), ph.p.push(x);
    });
    if (m.d.length > 0) await tx.query("INSERT INTO document_metiers (document_id, rank, code, score, confidence) SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::real[], $5::real[])", [m.d, m.r, m.c, m.s, m.f]);
    if (c.d.length > 0) await tx.query("INSERT INTO document_competences (document_id, code, kind, macro_competence, score) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::real[])", [c.d, c.c, c.k, c.m, c.s]);
    if (ph.d.length > 0) await tx.query("INSERT INTO document_phrases (document_id, phrase) SELECT * FROM unnest($1::uuid[], $2::text[])", [ph.d, ph.p]);
    await bumpTrendCounts(tx, out.map((o) => o.id), 1);
    return out.map((o) => ({ id: o.id, status: o.inserted ? ("created" as const) : ("updated" as const) }));
  }

  async ingest(doc: DocumentInput): Promise<IngestResult> {
    const [r] = await this.ingestBatch([doc]);
    if (r!.status === "error") {
      if (r!.error?.code === "invalid_document") throw new LakeInputError(r!.error.message);
      if (r!.error?.code === "kind_conflict") throw new LakeConflictError(r!.error.message);
      throw new Error(r!.error?.message ?? "ingest failed");
    }
    return { id: r!.id!, source: doc.source, externalId: doc.externalId, status: r!.status };
  }

  async ingestBatch(docs: DocumentInput[]): Promise<BatchItemResult[]> {
    const results: BatchItemResult[] = docs.map((d, index) => ({ index, source: d.source, externalId: d.externalId, status: "error" }));
    // Same content already stored: no embedding, no matching, no write (what makes CLI re-runs resume cheaply).
    const ex = await this.existing(docs);
    const todo: number[] = [];
    docs.forEach((d, i) => {
      const e = ex[i];
      // An offer never becomes a CV nor the reverse: that would move personal data to analysts or out of retention.
      if (e && e.kind !== d.kind) results[i]!.error = { code: "kind_conflict", message: kindConflict(d) };
      else if (e && e.hash === this.hashOf(d)) Object.assign(results[i]!, { status: "unchanged", id: e.id });
      else todo.push(i);
    });
    const prepared = await this.prepare(todo.map((i) => docs[i]!));
    const writes: { i: number; p: Prepared }[] = [];
    todo.forEach((i, j) => {
      const p = prepared[j]!;
      if (p instanceof Error) results[i]!.error = { code: p instanceof LakeInputError ? "invalid_document" : "match_failed", message: p.message };
      else writes.push({ i, p });
    });
    // Same lock order in every batch, so two concurrent batches sharing documents wait instead of deadlocking.
    writes.sort((x, y) => cmp(x.p.doc.source, y.p.doc.source) || cmp(x.p.doc.externalId, y.p.doc.externalId) || x.i - y.i);
    if (writes.length === 0) return results;
    // One transaction per batch (one WAL flush instead of one per document: ~6 ms each on a plain disk), one
    // savepoint per document: a failing document rolls back alone, a lost connection rolls back the batch whole.
    for (let attempt = 1; ; attempt++) {
      try {
        const distinct = new Set(writes.map((w) => `${w.p.doc.source}\u0000${w.p.doc.externalId}`)).size === writes.length;
        const done = await this.db.transaction(async (tx) => {
          const out = new Map<number, { id: string; status: IngestStatus } | { code: string; message: string }>();
          // Fast path: the whole batch set-wise. A refused document makes it fail: then the slow path isolates it.
          if (distinct && writes.length > 1) {
            await tx.query("SAVEPOINT batch");
            try {
              const ws = await this.writeMany(tx, writes.map((w) => w.p));
              writes.forEach((w, j) => out.set(w.i, ws[j]!));
              return out;
            } catch (e) {
              if (isConnectionError(e) || isRetryable(e)) throw e;
              await tx.query("ROLLBACK TO SAVEPOINT batch");
            }
          }
          for (const { i, p } of writes) {
            await tx.query("SAVEPOINT doc");
            try {
              out.set(i, (await this.writeMany(tx, [p]))[0]!);
              await tx.query("RELEASE SAVEPOINT doc");
            } catch (e) {
              if (isConnectionError(e) || isRetryable(e)) throw e;
              await tx.query("ROLLBACK TO SAVEPOINT doc");
              const refused = { code: "write_failed", message: "the database refused this document" };
              out.set(i, e instanceof LakeConflictError ? { code: "kind_conflict", message: e.message } : refused);
            }
          }
          return out;
        });
        for (const [i, w] of done) {
          if ("id" in w) Object.assign(results[i]!, w);
          else results[i]!.error = w;
        }
        return results;
      } catch (e) {
        if (isRetryable(e) && attempt < 3) continue;
        if (isConnectionError(e)) {
          // The batch's transaction died with the connection: nothing of it was committed.
          for (const { i } of writes) results[i]!.error = { code: "lake_unavailable", message: "not written: the database connection was lost" };
          throw new LakeUnavailableError((e as Error).message, results);
        }
        throw e;
      }
    }
  }

  async get(id: string, opts: { includeText?: boolean } = {}): Promise<StoredDocument | null> {
    const r = await this.db.query<DocRow>(`SELECT ${DOC_COLUMNS}, CASE WHEN $2::boolean THEN raw_text END AS raw_text FROM documents WHERE id = $1`, [id, opts.includeText === true]);
    const row = r.rows[0];
    if (!row) return null;
    const [metiers, competences, phrases] = await Promise.all([this.metiersOf([id]), this.competencesOf([id]), this.phrasesOf([id])]);
    return {
      ...docFields(row),
      romeVersion: row.rome_version,
      model: row.model,
      ingestedAt: row.ingested_at,
      updatedAt: row.updated_at,
      hasText: row.has_text,
      text: row.raw_text,
      metiers: metiers.get(id) ?? [],
      competences: competences.get(id) ?? [],
      phrases: phrases.get(id) ?? [],
    };
  }

  async findByExternalId(source: string, externalId: string): Promise<string | null> {
    const r = await this.db.query<{ id: string }>("SELECT id FROM documents WHERE source = $1 AND external_id = $2", [source, externalId]);
    return r.rows[0]?.id ?? null;
  }

  private async metiersOf(ids: string[]): Promise<Map<string, StoredMetier[]>> {
    const r = await this.db.query<MetierRow>("SELECT document_id, code, score, confidence FROM document_metiers WHERE document_id = ANY($1::uuid[]) ORDER BY document_id, rank", [ids]);
    return groupBy(r.rows, (x) => x.document_id, (x) => ({ code: x.code, score: round(x.score, 4), confidence: round(x.confidence, 4) }));
  }

  private async competencesOf(ids: string[]): Promise<Map<string, StoredCompetence[]>> {
    const r = await this.db.query<CompetenceRow>(
      "SELECT document_id, code, kind, macro_competence, score FROM document_competences WHERE document_id = ANY($1::uuid[]) ORDER BY document_id, score DESC, code",
      [ids],
    );
    return groupBy(r.rows, (x) => x.document_id, (x) => ({ code: x.code, kind: x.kind, macroCompetence: x.macro_competence, score: round(x.score, 4) }));
  }

  private async phrasesOf(ids: string[]): Promise<Map<string, string[]>> {
    const r = await this.db.query<{ document_id: string; phrase: string }>("SELECT document_id, phrase FROM document_phrases WHERE document_id = ANY($1::uuid[]) ORDER BY document_id, phrase", [ids]);
    return groupBy(r.rows, (x) => x.document_id, (x) => x.phrase);
  }

  async similar(id: string, q: SimilarQuery = {}): Promise<SimilarResult | null> {
    const t0 = performance.now();
    const e = this.needEngine();
    const base = await this.db.query<{ kind: DocumentKind; has_embedding: boolean; comps: CompJson; mets: MetJson }>(
      `SELECT d.kind, d.embedding IS NOT NULL AS has_embedding, ${CHILDREN_JSON} FROM documents d WHERE d.id = $1`,
      [id],
    );
    const b = base.rows[0];
    if (!b) return null;
    const kind: DocumentKind = q.kind ?? (b.kind === "cv" ? "offer" : "cv");
    const topK = Math.max(1, Math.min(q.topK ?? LAKE_LIMITS.defaultTopK, LAKE_LIMITS.maxTopK));
    const result: SimilarResult = { query: { id, kind: b.kind }, kind, results: [], timings: { totalMs: 0 } };
    // No known word in the text: there is nothing to compare, say so with an empty list rather than invent neighbours.
    if (!b.has_embedding) return finish(result, t0);
    // Over-fetch by vector, then re-rank with MC overlap: the vector finds the neighbourhood, MCs order it.
    // The query vector stays in the database (scalar subquery): pgvector's index scan takes it as a parameter.
    const limit = Math.min(Math.max(topK * 4, 40), 200);
    const cands = (
      // Children come as JSON in the same row: one round trip for the whole candidate list.
      await this.db.query<DocRow & { distance: number; comps: CompJson; mets: MetJson }>(
        `SELECT d.id, d.kind, d.source, d.external_id, d.title, d.document_date, d.embedding <=> (SELECT embedding FROM documents WHERE id = $1) AS distance, ${CHILDREN_JSON}
         FROM documents d
         WHERE d.kind = $2 AND d.id <> $1 AND d.embedding IS NOT NULL
           AND ($3::timestamptz IS NULL OR d.document_date >= $3::timestamptz)
           AND ($4::timestamptz IS NULL OR d.document_date <= $4::timestamptz)
           AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM document_metiers m WHERE m.document_id = d.id AND m.code = $5::text))
         ORDER BY d.embedding <=> (SELECT embedding FROM documents WHERE id = $1)
         LIMIT $6`,
        [id, kind, q.from ?? null, q.to ?? null, q.metier ?? null, limit],
      )
    ).rows;
    if (cands.length === 0) return finish(result, t0);
    const comps = new Map<string, StoredCompetence[]>([[id, compsFromJson(b.comps)], ...cands.map((c): [string, StoredCompetence[]] => [c.id, compsFromJson(c.comps)])]);
    const metiers = new Map<string, StoredMetier[]>([[id, metsFromJson(b.mets)], ...cands.map((c): [string, StoredMetier[]] => [c.id, metsFromJson(c.mets)])]);
    const ref = e.referential;
    const lookup: McLookup = {
      idf: (mc) => ref.mcIdf(mc),
      label: (code) => ref.macroCompetences.get(code)?.libelle ?? ref.competences.get(code)?.libelle ?? ref.savoirs.get(code)?.libelle ?? code,
      coeur: (fiche, mc) => (fiche && ref.ficheMacroCompetences ? (ref.ficheMacroCompetences(fiche).get(mc)?.coeur ?? false) : false),
    };
    const qProfile = mcProfile(comps.get(id) ?? []);
    const qSet = new Set(qProfile.keys());
    const scored = cands.map((c) => {
      const profile = mcProfile(comps.get(c.id) ?? []);
      const vector = vectorSimilarity(c.distance);
      const overlap = mcOverlap(qSet, b.kind, new Set(profile.keys()), kind, lookup.idf);
      return { c, profile, vector, overlap, total: combinedScore(vector, overlap) };
    });
    scored.sort((x, y) => y.total - x.total || x.c.id.localeCompare(y.c.id));
    result.results = scored.slice(0, topK).map(({ c, profile, vector, overlap, total }): SimilarDocument => {
      const cMetiers = metiers.get(c.id) ?? [];
      const requiredFiche = (kind === "offer" || b.kind === kind ? cMetiers[0]?.code : metiers.get(id)?.[0]?.code) ?? null;
      const ex = explain(qProfile, b.kind, profile, kind, requiredFiche, lookup);
      return {
        ...docFields(c),
        metiers: cMetiers,
        score: { vector: round(vector, 4), mcOverlap: round(overlap, 4), total: round(total, 4) },
        sharedMacroCompetences: ex.shared,
        missingMacroCompetences: ex.missing,
      };
    });
    return finish(result, t0);
  }

  async delete(id: string): Promise<boolean> {
    // Children go with ON DELETE CASCADE in the same statement: an erasure is all rows or none.
    return (await this.erase("id = $1::uuid", [id])) > 0;
  }

  async deleteBySource(source: string, externalId?: string): Promise<number> {
    return externalId === undefined ? this.erase("source = $1", [source]) : this.erase("source = $1 AND external_id = $2", [source, externalId]);
  }

  /**
   * Deletes the documents matching `where`, taking them out of the trend aggregates in the same transaction; an
   * erased CV then leaves no readable copy in the embedded lake's files (`scrubAfter`).
   */
  private async erase(where: string, params: unknown[]): Promise<number> {
    const deleted = await this.db.transaction(async (tx) => {
      const rows = (await tx.query<{ id: string; kind: DocumentKind }>(`SELECT id, kind FROM documents WHERE ${where} FOR UPDATE`, params)).rows;
      if (rows.length === 0) return rows;
      const ids = rows.map((r) => r.id);
      await bumpTrendCounts(tx, ids, -1);
      await tx.query("DELETE FROM documents WHERE id = ANY($1::uuid[])", [ids]);
      return rows;
    });
    await this.scrubAfter(deleted);
    return deleted.length;
  }

  /** An erased CV leaves no readable copy in the embedded lake's files (offers are public: no rewrite for them). */
  private async scrubAfter(deleted: { kind: DocumentKind }[]): Promise<void> {
    if (!deleted.some((d) => d.kind === "cv")) return;
    await this.db.scrub(["documents", "document_phrases", "document_competences", "document_metiers", "document_feedback"]);
  }

  async purgeExpiredCvs(days: number = this.retentionDays, now: Date = new Date()): Promise<number> {
    if (!(days > 0)) return 0;
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    // updated_at: re-posting a CV (a renewed consent) restarts its retention period.
    return this.erase("kind = 'cv' AND updated_at < $1", [cutoff]);
  }

  async *trendDocuments(filter: TrendFilter = {}): AsyncIterable<TrendDocument> {
    const kinds = filter.kinds && filter.kinds.length > 0 ? filter.kinds : ["offer", "cv"];
    let after: { date: Date; id: string } | null = null;
    for (;;) {
      // Keyset pagination: constant memory however large the lake, no long-held transaction.
      const r: { rows: (DocRow & { text: string | null })[] } = await this.db.query<DocRow & { text: string | null }>(
        `SELECT d.id, d.kind, d.source, d.document_date, CASE WHEN d.kind = 'offer' THEN d.raw_text END AS text
         FROM documents d
         WHERE d.kind = ANY($1::text[])
           AND ($2::timestamptz IS NULL OR d.document_date >= $2::timestamptz)
           AND ($3::timestamptz IS NULL OR d.document_date <= $3::timestamptz)
           AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM document_metiers m WHERE m.document_id = d.id AND m.code = $4::text))
           AND ($5::timestamptz IS NULL OR (d.document_date, d.id) > ($5::timestamptz, $6::uuid))
         ORDER BY d.document_date, d.id
         LIMIT 500`,
        [kinds, filter.from ?? null, filter.to ?? null, filter.metier ?? null, after?.date ?? null, after?.id ?? null],
      );
      if (r.rows.length === 0) return;
      const ids = r.rows.map((x) => x.id);
      const [metiers, comps, phrases] = await Promise.all([this.metiersOf(ids), this.competencesOf(ids), this.phrasesOf(ids)]);
      for (const row of r.rows) {
        yield {
          id: row.id,
          kind: row.kind,
          source: row.source,
          documentDate: row.document_date,
          metiers: (metiers.get(row.id) ?? []).map((m) => m.code),
          competences: (comps.get(row.id) ?? []).map((c) => c.code),
          phrases: phrases.get(row.id) ?? [],
          text: row.kind === "offer" ? row.text : null,
        };
      }
      const last = r.rows[r.rows.length - 1]!;
      after = { date: last.document_date, id: last.id };
      if (r.rows.length < 500) return;
    }
  }

  usesTrendAggregates(filter: { from?: Date; to?: Date; metier?: string; unit?: "week" | "month" }): boolean {
    return (filter.unit ?? "month") === "month" && !filter.metier && monthAligned(filter.from) && monthAligned(filter.to);
  }

  trendCounts(filter: TrendCountsFilter & { metier?: string; unit?: "week" | "month"; withPhrases?: boolean }): Promise<TrendCounts> {
    return this.usesTrendAggregates(filter) ? readTrendCounts(this.db, filter) : readTrendCountsFromDocuments(this.db, { ...filter, unit: filter.unit ?? "month" });
  }

  trendSums(filter: TrendCountsFilter & { splits: ReadonlyMap<string, string>; sourcePrior: number }): Promise<TrendSumsRow[]> {
    return readTrendSums(this.db, filter);
  }

  phraseSeries(phrases: readonly string[], filter: { from?: Date; to?: Date; kinds?: DocumentKind[] }): Promise<Map<string, TrendCountCell[]>> {
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

  async stats() {
    const r = await this.db.query<{ kind: DocumentKind; n: string | number }>("SELECT kind, count(*) AS n FROM documents GROUP BY kind");
    const documents = { offer: 0, cv: 0 };
    for (const x of r.rows) documents[x.kind] = Number(x.n);
    return { documents, backend: this.backend, dimension: this.dimension, schemaVersion: this.schemaVersion };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.db.close();
  }
}

/** A document's compétences and métiers as JSON arrays (PGlite and pg both parse json to JS values). */
const CHILDREN_JSON = `(SELECT json_agg(json_build_array(c.code, c.kind, c.macro_competence, c.score)) FROM document_competences c WHERE c.document_id = d.id) AS comps,
  (SELECT json_agg(json_build_array(m.code, m.score, m.confidence) ORDER BY m.rank) FROM document_metiers m WHERE m.document_id = d.id) AS mets`;
type CompJson = [string, "competence" | "savoir", string | null, number][] | null;
type MetJson = [string, number, number][] | null;
const compsFromJson = (j: CompJson): StoredCompetence[] => (j ?? []).map(([code, kind, macroCompetence, score]) => ({ code, kind, macroCompetence, score: round(score, 4) }));
const metsFromJson = (j: MetJson): StoredMetier[] => (j ?? []).map(([code, score, confidence]) => ({ code, score: round(score, 4), confidence: round(confidence, 4) }));

async function deleteChildren(tx: Queryable, ids: string[]): Promise<void> {
  await tx.query(
    `WITH a AS (DELETE FROM document_metiers WHERE document_id = ANY($1::uuid[])), b AS (DELETE FROM document_competences WHERE document_id = ANY($1::uuid[]))
     DELETE FROM document_phrases WHERE document_id = ANY($1::uuid[])`,
    [ids],
  );
}

function docFields(r: Pick<DocRow, "id" | "kind" | "source" | "external_id" | "title" | "document_date">) {
  return { id: r.id, kind: r.kind, source: r.source, externalId: r.external_id, title: r.title, documentDate: r.document_date };
}

function finish(r: SimilarResult, t0: number): SimilarResult {
  r.timings.totalMs = round(performance.now() - t0, 2);
  return r;
}

function isZero(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Deadlock or serialization failure: the whole transaction may simply be run again. */
function isRetryable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "40P01" || code === "40001";
}

const kindConflict = (d: DocumentInput): string =>
  `${d.source} / ${d.externalId} is stored as ${d.kind === "cv" ? "an offer" : "a CV"}: a document keeps its kind (erase it first, or use another externalId)`;

/** Phrases with long digit runs (references, numbers of any kind) are no skill and may be personal. */
const keepablePhrase = (p: string): boolean => !/\d{5}|(?:\d+\s){3}/.test(p);

const finite = (x: number): number => (Number.isFinite(x) ? x : 0);

function dedupeBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
}

function groupBy<T, V>(rows: T[], key: (x: T) => string, val: (x: T) => V): Map<string, V[]> {
  const out = new Map<string, V[]>();
  for (const r of rows) {
    const k = key(r);
    const a = out.get(k);
    if (a) a.push(val(r));
    else out.set(k, [val(r)]);
  }
  return out;
}

/** Exposed for the benchmark: raw vector neighbours by HNSW (or an exact scan), to measure the index's recall. */
export async function nearestIds(db: Db, vector: Float32Array, kind: DocumentKind, k: number, exact: boolean): Promise<string[]> {
  // `+ 0` hides the operator from the planner, forcing the exact sequential scan.
  const order = exact ? "(embedding <=> $1::vector) + 0" : "embedding <=> $1::vector";
  const r = await db.query<{ id: string }>(`SELECT id FROM documents WHERE kind = $2 AND embedding IS NOT NULL ORDER BY ${order} LIMIT $3`, [vectorParam(vector), kind, k]);
  return r.rows.map((x) => x.id);
}

export { parseVector };
