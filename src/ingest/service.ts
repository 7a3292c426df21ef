/**
 * The ingest service: match-then-store. It redacts, embeds and matches documents with the engine, then hands the
 * prepared documents to the lake's storage, which matches nothing.
 */
import { createHash } from "node:crypto";
import type { Config } from "../config.js";
import {
  LAKE_LIMITS,
  LakeConflictError,
  LakeInputError,
  LakeUnavailableError,
  isConnectionError,
  kindConflict,
  openLakeStore,
  type BatchItemResult,
  type DocumentInput,
  type IngestResult,
  type Lake,
  type LakeEngine,
  type LakeStore,
  type OpenLakeOptions,
  type PreparedDocument,
} from "../lake/index.js";
import { createCoverageChecker } from "../match/index.js";
import { redactPersonalData } from "../text/index.js";
import { documentPhrases, titledText, type CoverageChecker } from "../trends/index.js";

/**
 * Version of the rule that gives a stored document its trend phrases (src/trends `documentPhrases`): part of the
 * content hash, so that a re-post of a document stored under an earlier rule is read again.
 */
const PHRASE_RULE = 3;

/**
 * Opens the lake with its ingest service: PostgreSQL when `config.databaseUrl` is set, else the embedded PGlite store
 * in `config.lakeDir`. Without an engine, only the storage's own operations work (erase, purge, stats, trends).
 */
export async function openLake(
  config: Pick<Config, "databaseUrl" | "lakeDir" | "cvRetentionDays">,
  engine?: LakeEngine,
  options: OpenLakeOptions = {},
): Promise<Lake> {
  const store = await openLakeStore(config, engine, options);
  const service = new IngestService(store, engine);
  return Object.assign(store, {
    ingest: (doc: DocumentInput) => service.ingest(doc),
    ingestBatch: (docs: DocumentInput[]) => service.ingestBatch(docs),
    unchanged: (docs: DocumentInput[]) => service.unchanged(docs),
  });
}

export class IngestService {
  private checker: CoverageChecker | null = null;

  constructor(
    private readonly store: LakeStore,
    private readonly engine: LakeEngine | undefined,
  ) {}

  private needEngine(): LakeEngine {
    if (!this.engine) throw new Error("this lake was opened without the match engine");
    return this.engine;
  }

  /** What a stored version is compared with: an unchanged re-post is not matched again. */
  private hashOf(d: DocumentInput): string {
    const e = this.needEngine();
    const storeText = d.kind === "offer" || d.storeText === true;
    return createHash("sha256")
      .update(
        JSON.stringify([
          d.kind,
          d.title ?? null,
          d.text,
          d.documentDate?.toISOString() ?? null,
          storeText,
          e.modelId,
          e.referential.version,
          PHRASE_RULE,
        ]),
      )
      .digest("hex")
      .slice(0, 32);
  }

  async unchanged(docs: DocumentInput[]): Promise<boolean[]> {
    const ex = await this.store.storedVersions(docs);
    return docs.map((d, i) => ex[i]?.hash === this.hashOf(d));
  }

  /** Embeds, matches and writes one document. Idempotent on (source, externalId). */
  async ingest(doc: DocumentInput): Promise<IngestResult> {
    const [r] = await this.ingestBatch([doc]);
    if (r!.status === "error") {
      if (r!.error?.code === "invalid_document") throw new LakeInputError(r!.error.message);
      if (r!.error?.code === "kind_conflict") throw new LakeConflictError(r!.error.message);
      throw new Error(r!.error?.message ?? "ingest failed");
    }
    return { id: r!.id!, source: doc.source, externalId: doc.externalId, status: r!.status };
  }

  /**
   * Per-item status. Throws LakeUnavailableError (with every item's status) when the database goes away: nothing of
   * the batch's write was then committed.
   */
  async ingestBatch(docs: DocumentInput[]): Promise<BatchItemResult[]> {
    const results: BatchItemResult[] = docs.map((d, index) => ({
      index,
      source: d.source,
      externalId: d.externalId,
      status: "error",
    }));
    // Same content already stored: no embedding, no matching, no write (what makes CLI re-runs resume cheaply).
    const ex = await this.store.storedVersions(docs);
    const todo: number[] = [];
    docs.forEach((d, i) => {
      const e = ex[i];
      // An offer never becomes a CV nor the reverse: that would move personal data to analysts or out of retention.
      if (e && e.kind !== d.kind) results[i]!.error = { code: "kind_conflict", message: kindConflict(d) };
      else if (e && e.hash === this.hashOf(d)) Object.assign(results[i]!, { status: "unchanged", id: e.id });
      else todo.push(i);
    });
    const prepared = await this.prepare(todo.map((i) => docs[i]!));
    const writes: { i: number; p: PreparedDocument }[] = [];
    todo.forEach((i, j) => {
      const p = prepared[j]!;
      if (p instanceof Error)
        results[i]!.error = {
          code: p instanceof LakeInputError ? "invalid_document" : "match_failed",
          message: p.message,
        };
      else writes.push({ i, p });
    });
    if (writes.length === 0) return results;
    try {
      const outcomes = await this.store.writeDocuments(writes.map((w) => w.p));
      writes.forEach(({ i }, j) => {
        const w = outcomes[j]!;
        if ("id" in w) Object.assign(results[i]!, w);
        else results[i]!.error = w;
      });
      return results;
    } catch (e) {
      if (isConnectionError(e)) {
        for (const { i } of writes)
          results[i]!.error = { code: "lake_unavailable", message: "not written: the database connection was lost" };
        throw new LakeUnavailableError((e as Error).message, results);
      }
      throw e;
    }
  }

  /**
   * Embedding (one batched call for all documents) and matching: everything before the write. Both read the text
   * without e-mails, phones, NIR and dates of birth: the phrases kept come from the match.
   */
  private async prepare(docs: DocumentInput[]): Promise<(PreparedDocument | Error)[]> {
    const e = this.needEngine();
    const vectors = await e.embedder.embed(
      docs.map((d) => redactPersonalData(titledText(d.title, d.text))),
      "passage",
    );
    // All documents at once: with a MatchPool the engine threads work in parallel (a plain engine runs them in turn).
    return Promise.all(
      docs.map(async (doc, i): Promise<PreparedDocument | Error> => {
        try {
          const v = vectors[i]!;
          if (v.length !== this.store.dimension)
            throw new LakeInputError(`embedding has ${v.length} dimensions, the lake ${this.store.dimension}`);
          const text = redactPersonalData(doc.text);
          const title = doc.title === undefined ? undefined : redactPersonalData(doc.title);
          const match = await e.match({ text, title, kind: doc.kind, topK: LAKE_LIMITS.maxMetiers, explain: false });
          const trend = this.trendPhrases(title, text, match.skills);
          return { doc, hash: this.hashOf(doc), embedding: isZero(v) ? null : v, match, trend };
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        }
      }),
    );
  }

  /**
   * The candidate phrases the trend analysis counts, by the JSONL path's rule (`documentPhrases`) on the text as
   * it reads it: the title line, then the body. The match's skills (evidence spans in the body) mark the statements
   * that name a ROME item; its own uncovered phrases leave out skill evidence, which the trends' candidates keep.
   */
  private trendPhrases(
    title: string | undefined,
    text: string,
    skills: readonly { evidence: readonly { start: number; end: number }[] }[],
  ): PreparedDocument["trend"] {
    // The engine's checker when it shares one (building another reads every ROME label again).
    const e = this.needEngine();
    this.checker ??= e.coverage ?? createCoverageChecker(e.referential);
    const shift = title ? title.length + 1 : 0; // the title line `titledText` puts first
    const moved = skills.map((s) => ({
      evidence: s.evidence.map((x) => ({ start: x.start + shift, end: x.end + shift })),
    }));
    const r = documentPhrases(titledText(title, text), moved, this.checker);
    return { phrases: r.phrases, statedPhrases: r.statedPhrases ?? [], wholePhrases: r.wholePhrases };
  }
}

function isZero(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}
