/** Reading documents: one by id, by (source, externalId), the lake's nearest neighbours, the trend documents. */
import { round } from "../numbers.js";
import { vectorParam, type Db } from "./db.js";
import { TREND_TEXT_SQL } from "./trend-counts.js";
import {
  combinedScore,
  explain,
  mcOverlap,
  mcProfile,
  metierAgreement,
  vectorSimilarity,
  type McLookup,
} from "./score.js";
import {
  LAKE_LIMITS,
  type DocumentKind,
  type LakeContext,
  type SimilarDocument,
  type SimilarQuery,
  type SimilarResult,
  type StoredCompetence,
  type StoredDocument,
  type StoredMetier,
  type TrendDocument,
  type TrendFilter,
} from "./types.js";

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

const DOC_COLUMNS =
  "id, kind, source, external_id, title, document_date, ingested_at, updated_at, rome_version, model, raw_text IS NOT NULL AS has_text";

export async function getDocument(
  db: Db,
  id: string,
  opts: { includeText?: boolean } = {},
): Promise<StoredDocument | null> {
  const r = await db.query<DocRow>(
    `SELECT ${DOC_COLUMNS}, CASE WHEN $2::boolean THEN raw_text END AS raw_text FROM documents WHERE id = $1`,
    [id, opts.includeText === true],
  );
  const row = r.rows[0];
  if (!row) return null;
  const [metiers, competences, phrases] = await Promise.all([
    metiersOf(db, [id]),
    competencesOf(db, [id]),
    phrasesOf(db, [id]),
  ]);
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
    phrases: phrases.all.get(id) ?? [],
  };
}

export async function findByExternalId(db: Db, source: string, externalId: string): Promise<string | null> {
  const r = await db.query<{ id: string }>("SELECT id FROM documents WHERE source = $1 AND external_id = $2", [
    source,
    externalId,
  ]);
  return r.rows[0]?.id ?? null;
}

async function metiersOf(db: Db, ids: string[]): Promise<Map<string, StoredMetier[]>> {
  const r = await db.query<MetierRow>(
    "SELECT document_id, code, score, confidence FROM document_metiers WHERE document_id = ANY($1::uuid[]) ORDER BY document_id, rank",
    [ids],
  );
  return groupBy(
    r.rows,
    (x) => x.document_id,
    (x) => ({ code: x.code, score: round(x.score, 4), confidence: round(x.confidence, 4) }),
  );
}

async function competencesOf(db: Db, ids: string[]): Promise<Map<string, StoredCompetence[]>> {
  const r = await db.query<CompetenceRow>(
    "SELECT document_id, code, kind, macro_competence, score FROM document_competences WHERE document_id = ANY($1::uuid[]) ORDER BY document_id, score DESC, code",
    [ids],
  );
  return groupBy(
    r.rows,
    (x) => x.document_id,
    (x) => ({ code: x.code, kind: x.kind, macroCompetence: x.macro_competence, score: round(x.score, 4) }),
  );
}

/**
 * Each document's phrases, those of them it says beside ROME items (`stated`) and those it says whole in their
 * statement (`whole`), from one read.
 */
async function phrasesOf(
  db: Db,
  ids: string[],
): Promise<{ all: Map<string, string[]>; stated: Map<string, string[]>; whole: Map<string, string[]> }> {
  const r = await db.query<{ document_id: string; phrase: string; stated: boolean; whole: boolean }>(
    "SELECT document_id, phrase, stated, whole FROM document_phrases WHERE document_id = ANY($1::uuid[]) ORDER BY document_id, phrase",
    [ids],
  );
  const byDocument = (rows: typeof r.rows) =>
    groupBy(
      rows,
      (x) => x.document_id,
      (x) => x.phrase,
    );
  return {
    all: byDocument(r.rows),
    stated: byDocument(r.rows.filter((x) => x.stated)),
    whole: byDocument(r.rows.filter((x) => x.whole)),
  };
}

/** Documents of the other kind (or `q.kind`) nearest to document `id`: by vector, re-ranked by shared MCs. */
export async function similarDocuments(
  db: Db,
  e: LakeContext,
  id: string,
  q: SimilarQuery = {},
): Promise<SimilarResult | null> {
  const t0 = performance.now();
  const base = await db.query<{ kind: DocumentKind; has_embedding: boolean; comps: CompJson; mets: MetJson }>(
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
  const cands = // Children come as JSON in the same row: one round trip for the whole candidate list.
    (
      await db.query<DocRow & { distance: number; comps: CompJson; mets: MetJson }>(
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
  const comps = new Map<string, StoredCompetence[]>([
    [id, compsFromJson(b.comps)],
    ...cands.map((c): [string, StoredCompetence[]] => [c.id, compsFromJson(c.comps)]),
  ]);
  const metiers = new Map<string, StoredMetier[]>([
    [id, metsFromJson(b.mets)],
    ...cands.map((c): [string, StoredMetier[]] => [c.id, metsFromJson(c.mets)]),
  ]);
  const ref = e.referential;
  const lookup: McLookup = {
    idf: (mc) => ref.mcIdf(mc),
    label: (code) =>
      ref.macroCompetences.get(code)?.libelle ??
      ref.competences.get(code)?.libelle ??
      ref.savoirs.get(code)?.libelle ??
      code,
    coeur: (fiche, mc) =>
      fiche && ref.ficheMacroCompetences ? (ref.ficheMacroCompetences(fiche).get(mc)?.coeur ?? false) : false,
  };
  const qProfile = mcProfile(comps.get(id) ?? []);
  const qSet = new Set(qProfile.keys());
  const qMetiers = metiers.get(id) ?? [];
  const scored = cands.map((c) => {
    const profile = mcProfile(comps.get(c.id) ?? []);
    const vector = vectorSimilarity(c.distance);
    const overlap = mcOverlap(qSet, b.kind, new Set(profile.keys()), kind, lookup.idf);
    const agreed = metierAgreement(qMetiers, metiers.get(c.id) ?? []);
    return { c, profile, vector, overlap, agreed, total: combinedScore(vector, overlap, agreed.agreement) };
  });
  scored.sort((x, y) => y.total - x.total || x.c.id.localeCompare(y.c.id));
  result.results = scored.slice(0, topK).map(({ c, profile, vector, overlap, agreed, total }): SimilarDocument => {
    const cMetiers = metiers.get(c.id) ?? [];
    const requiredFiche =
      (kind === "offer" || b.kind === kind ? cMetiers[0]?.code : metiers.get(id)?.[0]?.code) ?? null;
    const ex = explain(qProfile, b.kind, profile, kind, requiredFiche, lookup);
    return {
      ...docFields(c),
      metiers: cMetiers,
      score: {
        vector: round(vector, 4),
        mcOverlap: round(overlap, 4),
        metiers: round(agreed.agreement, 4),
        total: round(total, 4),
      },
      sharedMetiers: agreed.shared.slice(0, 5).map((m) => ({
        code: m.code,
        libelle: ref.fiches?.get(m.code)?.libelle ?? m.code,
        confidence: round(m.confidence, 4),
      })),
      sharedMacroCompetences: ex.shared,
      missingMacroCompetences: ex.missing,
    };
  });
  return finish(result, t0);
}

/** Documents for the trend analysis, in date order, page by page. */
export async function* trendDocuments(db: Db, filter: TrendFilter = {}): AsyncIterable<TrendDocument> {
  const kinds = filter.kinds && filter.kinds.length > 0 ? filter.kinds : ["offer", "cv"];
  let after: { date: Date; id: string } | null = null;
  for (;;) {
    // Keyset pagination: constant memory however large the lake, no long-held transaction.
    const r: { rows: (DocRow & { text: string | null })[] } = await db.query<DocRow & { text: string | null }>(
      `SELECT d.id, d.kind, d.source, d.document_date, ${TREND_TEXT_SQL} AS text
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
    const [metiers, comps, phrases] = await Promise.all([
      metiersOf(db, ids),
      competencesOf(db, ids),
      phrasesOf(db, ids),
    ]);
    for (const row of r.rows) {
      yield {
        id: row.id,
        kind: row.kind,
        source: row.source,
        documentDate: row.document_date,
        metiers: (metiers.get(row.id) ?? []).map((m) => m.code),
        competences: (comps.get(row.id) ?? []).map((c) => c.code),
        phrases: phrases.all.get(row.id) ?? [],
        statedPhrases: phrases.stated.get(row.id) ?? [],
        wholePhrases: phrases.whole.get(row.id) ?? [],
        text: row.kind === "offer" ? row.text : null,
      };
    }
    const last = r.rows[r.rows.length - 1]!;
    after = { date: last.document_date, id: last.id };
    if (r.rows.length < 500) return;
  }
}

/** A document's compétences and métiers as JSON arrays (PGlite and pg both parse json to JS values). */
const CHILDREN_JSON = `(SELECT json_agg(json_build_array(c.code, c.kind, c.macro_competence, c.score)) FROM document_competences c WHERE c.document_id = d.id) AS comps,
  (SELECT json_agg(json_build_array(m.code, m.score, m.confidence) ORDER BY m.rank) FROM document_metiers m WHERE m.document_id = d.id) AS mets`;
type CompJson = [string, "competence" | "savoir", string | null, number][] | null;
type MetJson = [string, number, number][] | null;
const compsFromJson = (j: CompJson): StoredCompetence[] =>
  (j ?? []).map(([code, kind, macroCompetence, score]) => ({ code, kind, macroCompetence, score: round(score, 4) }));
const metsFromJson = (j: MetJson): StoredMetier[] =>
  (j ?? []).map(([code, score, confidence]) => ({ code, score: round(score, 4), confidence: round(confidence, 4) }));

function docFields(r: Pick<DocRow, "id" | "kind" | "source" | "external_id" | "title" | "document_date">) {
  return {
    id: r.id,
    kind: r.kind,
    source: r.source,
    externalId: r.external_id,
    title: r.title,
    documentDate: r.document_date,
  };
}

function finish(r: SimilarResult, t0: number): SimilarResult {
  r.timings.totalMs = round(performance.now() - t0, 2);
  return r;
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
export async function nearestIds(
  db: Db,
  vector: Float32Array,
  kind: DocumentKind,
  k: number,
  exact: boolean,
): Promise<string[]> {
  // `+ 0` hides the operator from the planner, forcing the exact sequential scan.
  const order = exact ? "(embedding <=> $1::vector) + 0" : "embedding <=> $1::vector";
  const r = await db.query<{ id: string }>(
    `SELECT id FROM documents WHERE kind = $2 AND embedding IS NOT NULL ORDER BY ${order} LIMIT $3`,
    [vectorParam(vector), kind, k],
  );
  return r.rows.map((x) => x.id);
}
