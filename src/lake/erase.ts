/** Erasure and retention: documents go with every row derived from them, and an erased CV leaves no readable copy. */
import type { Db } from "./db.js";
import { bumpTrendCounts } from "./trend-counts.js";
import type { DocumentKind } from "./types.js";

/** Erasure by id: true when a document was deleted. */
export async function eraseDocument(db: Db, id: string): Promise<boolean> {
  // Children go with ON DELETE CASCADE in the same statement: an erasure is all rows or none.
  return (await erase(db, "id = $1::uuid", [id])) > 0;
}

/** Erasure of a source's documents, or of one (source, externalId). */
export function eraseBySource(db: Db, source: string, externalId?: string): Promise<number> {
  return externalId === undefined
    ? erase(db, "source = $1", [source])
    : erase(db, "source = $1 AND external_id = $2", [source, externalId]);
}

/** Deletes CVs last updated more than `days` days before `now` (0: none). */
export function purgeExpiredCvs(db: Db, days: number, now: Date = new Date()): Promise<number> {
  if (!(days > 0)) return Promise.resolve(0);
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  // updated_at: re-posting a CV (a renewed consent) restarts its retention period.
  return erase(db, "kind = 'cv' AND updated_at < $1", [cutoff]);
}

/**
 * Deletes the documents matching `where`, taking them out of the trend aggregates in the same transaction; an
 * erased CV then leaves no readable copy in the embedded lake's files (`scrubAfter`).
 */
async function erase(db: Db, where: string, params: unknown[]): Promise<number> {
  const deleted = await db.transaction(async (tx) => {
    const rows = (
      await tx.query<{ id: string; kind: DocumentKind }>(
        `SELECT id, kind FROM documents WHERE ${where} FOR UPDATE`,
        params,
      )
    ).rows;
    if (rows.length === 0) return rows;
    const ids = rows.map((r) => r.id);
    await bumpTrendCounts(tx, ids, -1);
    await tx.query("DELETE FROM documents WHERE id = ANY($1::uuid[])", [ids]);
    return rows;
  });
  await scrubAfter(db, deleted);
  return deleted.length;
}

/** An erased CV leaves no readable copy in the embedded lake's files (offers are public: no rewrite for them). */
async function scrubAfter(db: Db, deleted: { kind: DocumentKind }[]): Promise<void> {
  if (!deleted.some((d) => d.kind === "cv")) return;
  await db.scrub(["documents", "document_phrases", "document_competences", "document_metiers", "document_feedback"]);
}
