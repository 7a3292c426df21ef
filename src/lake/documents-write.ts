/** Writing documents: the set-wise upsert of prepared documents with their children and trend aggregates. */
import { randomUUID } from "node:crypto";
import { isConnectionError, vectorParam, type Db, type Queryable } from "./db.js";
import { bumpTrendCounts } from "./trend-counts.js";
import {
  LAKE_LIMITS,
  LakeConflictError,
  type DocumentInput,
  type IngestStatus,
  type PreparedDocument,
  type StoredVersion,
  type WriteOutcome,
} from "./types.js";

/** Stored id, content hash and kind of each document's (source, externalId), when stored. */
export async function storedVersions(
  db: Queryable,
  docs: readonly DocumentInput[],
): Promise<(StoredVersion | undefined)[]> {
  if (docs.length === 0) return [];
  const r = await db.query<{
    id: string;
    source: string;
    external_id: string;
    content_hash: string;
    kind: DocumentInput["kind"];
  }>(
    "SELECT d.id, d.source, d.external_id, d.content_hash, d.kind FROM documents d JOIN unnest($1::text[], $2::text[]) AS k(source, external_id) USING (source, external_id)",
    [docs.map((d) => d.source), docs.map((d) => d.externalId)],
  );
  const have = new Map(
    r.rows.map((x) => [`${x.source}\u0000${x.external_id}`, { id: x.id, hash: x.content_hash, kind: x.kind }]),
  );
  return docs.map((d) => have.get(`${d.source}\u0000${d.externalId}`));
}

/**
 * Writes prepared documents; outcomes in input order. One transaction for the call (one WAL flush instead of one per
 * document: ~6 ms each on a plain disk), one savepoint per document: a refused document rolls back alone, a lost
 * connection rolls back the call whole (the connection error is thrown). Deadlocks are retried.
 */
export async function writeDocuments(db: Db, docs: readonly PreparedDocument[]): Promise<WriteOutcome[]> {
  if (docs.length === 0) return [];
  // Same lock order in every call, so two concurrent batches sharing documents wait instead of deadlocking.
  const order = docs.map((_, i) => i);
  order.sort(
    (x, y) =>
      cmp(docs[x]!.doc.source, docs[y]!.doc.source) || cmp(docs[x]!.doc.externalId, docs[y]!.doc.externalId) || x - y,
  );
  const writes = order.map((i) => docs[i]!);
  for (let attempt = 1; ; attempt++) {
    try {
      const distinct = new Set(writes.map((p) => `${p.doc.source}\u0000${p.doc.externalId}`)).size === writes.length;
      const sorted = await db.transaction(async (tx) => {
        // Fast path: the whole call set-wise. A refused document makes it fail: then the slow path isolates it.
        if (distinct && writes.length > 1) {
          await tx.query("SAVEPOINT batch");
          try {
            return await writeMany(tx, writes);
          } catch (e) {
            if (isConnectionError(e) || isRetryable(e)) throw e;
            await tx.query("ROLLBACK TO SAVEPOINT batch");
          }
        }
        const out: WriteOutcome[] = [];
        for (const p of writes) {
          await tx.query("SAVEPOINT doc");
          try {
            out.push((await writeMany(tx, [p]))[0]!);
            await tx.query("RELEASE SAVEPOINT doc");
          } catch (e) {
            if (isConnectionError(e) || isRetryable(e)) throw e;
            await tx.query("ROLLBACK TO SAVEPOINT doc");
            const refused = { code: "write_failed", message: "the database refused this document" };
            out.push(e instanceof LakeConflictError ? { code: "kind_conflict", message: e.message } : refused);
          }
        }
        return out;
      });
      const outcomes: WriteOutcome[] = new Array<WriteOutcome>(docs.length);
      order.forEach((i, j) => (outcomes[i] = sorted[j]!));
      return outcomes;
    } catch (e) {
      if (isRetryable(e) && attempt < 3) continue;
      throw e;
    }
  }
}

/**
 * Writes documents (distinct (source, externalId)) set-wise: one upsert, one children delete, three inserts,
 * whatever the count. Runs inside the caller's transaction: every document whole, or the statement fails.
 */
async function writeMany(
  tx: Queryable,
  ps: readonly PreparedDocument[],
): Promise<{ id: string; status: IngestStatus }[]> {
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
      skills: dedupeBy(
        match.skills
          .flatMap((x) => (x.kind === "macro-competence" ? [] : [{ ...x, kind: x.kind }]))
          .sort((x, y) => y.score - x.score),
        (x) => x.code,
      ).slice(0, LAKE_LIMITS.maxCompetences),
      phrases: keepText ? [...new Set(p.trend.phrases)].filter(keepablePhrase).slice(0, LAKE_LIMITS.maxPhrases) : [],
      stated: new Set(p.trend.statedPhrases),
      whole: new Set(p.trend.wholePhrases),
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
  await tx.query(
    "SELECT pg_advisory_xact_lock(hashtext(s), hashtext(e)) FROM (SELECT DISTINCT s, e FROM unnest($1::text[], $2::text[]) AS u(s, e) ORDER BY 1, 2) x",
    keys,
  );
  const prior = await tx.query<{ id: string }>(
    "SELECT d.id FROM documents d JOIN unnest($1::text[], $2::text[]) AS k(source, external_id) USING (source, external_id) ORDER BY d.id FOR UPDATE OF d",
    keys,
  );
  await bumpTrendCounts(
    tx,
    prior.rows.map((r) => r.id),
    -1,
  );
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
  const c: { d: string[]; c: string[]; k: string[]; m: (string | null)[]; s: number[] } = {
    d: [],
    c: [],
    k: [],
    m: [],
    s: [],
  };
  const ph: { d: string[]; p: string[]; s: boolean[]; w: boolean[] } = { d: [], p: [], s: [], w: [] };
  rows.forEach((r, i) => {
    const id = out[i]!.id;
    r.metiers.forEach(
      (x, rank) => (
        m.d.push(id),
        m.r.push(rank + 1),
        m.c.push(x.code),
        m.s.push(finite(x.score.total)),
        m.f.push(finite(x.confidence))
      ),
    );
    for (const x of r.skills)
      (c.d.push(id), c.c.push(x.code), c.k.push(x.kind), c.m.push(x.macroCompetence), c.s.push(finite(x.score)));
    for (const x of r.phrases) (ph.d.push(id), ph.p.push(x), ph.s.push(r.stated.has(x)), ph.w.push(r.whole.has(x)));
  });
  if (m.d.length > 0)
    await tx.query(
      "INSERT INTO document_metiers (document_id, rank, code, score, confidence) SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::real[], $5::real[])",
      [m.d, m.r, m.c, m.s, m.f],
    );
  if (c.d.length > 0)
    await tx.query(
      "INSERT INTO document_competences (document_id, code, kind, macro_competence, score) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::real[])",
      [c.d, c.c, c.k, c.m, c.s],
    );
  if (ph.d.length > 0)
    await tx.query(
      "INSERT INTO document_phrases (document_id, phrase, stated, whole) SELECT * FROM unnest($1::uuid[], $2::text[], $3::boolean[], $4::boolean[])",
      [ph.d, ph.p, ph.s, ph.w],
    );
  await bumpTrendCounts(
    tx,
    out.map((o) => o.id),
    1,
  );
  return out.map((o) => ({ id: o.id, status: o.inserted ? ("created" as const) : ("updated" as const) }));
}

async function deleteChildren(tx: Queryable, ids: string[]): Promise<void> {
  await tx.query(
    `WITH a AS (DELETE FROM document_metiers WHERE document_id = ANY($1::uuid[])), b AS (DELETE FROM document_competences WHERE document_id = ANY($1::uuid[]))
     DELETE FROM document_phrases WHERE document_id = ANY($1::uuid[])`,
    [ids],
  );
}

/** The message of a refused kind change (offer ↔ CV). */
export const kindConflict = (d: Pick<DocumentInput, "source" | "externalId" | "kind">): string =>
  `${d.source} / ${d.externalId} is stored as ${d.kind === "cv" ? "an offer" : "a CV"}: a document keeps its kind (erase it first, or use another externalId)`;

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Deadlock or serialization failure: the whole transaction may simply be run again. */
function isRetryable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "40P01" || code === "40001";
}

/** Phrases with long digit runs (references, numbers of any kind) are no skill and may be personal. */
const keepablePhrase = (p: string): boolean => !/\d{5}|(?:\d+\s){3}/.test(p);

const finite = (x: number): number => (Number.isFinite(x) ? x : 0);

function dedupeBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
}
