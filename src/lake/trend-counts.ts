/**
 * Aggregated counts for the trend analysis, kept up to date by SQL at ingest and erasure (same transaction as
 * the documents), so that an analysis reads aggregates instead of documents:
 *   trend_totals         documents per (month, domaine, source, kind)
 *   trend_phrase_counts  documents containing a candidate phrase, per (phrase, month, domaine, source, kind), and
 *                        how many of them say it in a statement also naming a ROME item (`stated`, migration 5)
 *                        and where it stands whole in its statement (`whole`, migration 6)
 *   trend_item_counts    documents carrying a ROME item, per (code, month, domaine, source, kind)
 *   trend_analyses       the latest analysis per parameter set (report JSON and its timestamp)
 * Domaine = the first three characters of the document's rank-1 métier ("?" when none), as src/trends does.
 *
 * Sharding (Citus-style): every statement here groups by its table's whole key and uses no sequence, so
 * trend_phrase_counts can be distributed by phrase, trend_item_counts by code, trend_totals and trend_analyses
 * kept as reference tables; the counts' INSERT … SELECT … GROUP BY … ON CONFLICT is a repartitioned insert, and
 * the reads group by the distribution column (shard-local) or filter on it.
 */
import type { Queryable } from "./db.js";

import type { DocumentKind, TrendCountCell, TrendCounts, TrendCountsFilter, TrendEvidenceRow } from "./types.js";

export const TREND_COUNTS_MIGRATION = `
CREATE TABLE trend_totals (
  period     date NOT NULL,
  domaine    text NOT NULL,
  source     text NOT NULL,
  kind       text NOT NULL,
  documents  integer NOT NULL,
  -- documents with at least one ROME item (denominator of co-occurrence lifts)
  with_items integer NOT NULL,
  PRIMARY KEY (period, domaine, source, kind)
);
CREATE TABLE trend_phrase_counts (
  phrase    text NOT NULL,
  period    date NOT NULL,
  domaine   text NOT NULL,
  source    text NOT NULL,
  kind      text NOT NULL,
  documents integer NOT NULL,
  PRIMARY KEY (phrase, period, domaine, source, kind)
);
CREATE TABLE trend_item_counts (
  code      text NOT NULL,
  period    date NOT NULL,
  domaine   text NOT NULL,
  source    text NOT NULL,
  kind      text NOT NULL,
  documents integer NOT NULL,
  PRIMARY KEY (code, period, domaine, source, kind)
);
CREATE TABLE trend_analyses (
  params_key  text PRIMARY KEY,
  computed_at timestamptz NOT NULL,
  documents   bigint NOT NULL,
  report      jsonb NOT NULL
);
${bumpSql("", 1, [])}
`;

/**
 * Migration 5: whether a document says a phrase beside ROME items, and the count of such documents per cell (the
 * ranking's stated share, src/trends/ranking.ts). Documents stored before it count as not stating their phrases
 * until they are ingested again (their content hash changes with the candidate rule: src/ingest).
 */
export const TREND_STATED_MIGRATION = `
ALTER TABLE document_phrases ADD COLUMN stated boolean NOT NULL DEFAULT false;
ALTER TABLE trend_phrase_counts ADD COLUMN stated integer NOT NULL DEFAULT 0;
`;

/**
 * Migration 6: whether a phrase stands whole in a statement of the document, and the count of such documents per
 * cell (the ranking's whole share, src/trends/ranking.ts). Documents stored before it count as never saying their
 * phrases whole until they are ingested again (their content hash changes with the candidate rule: src/ingest).
 */
export const TREND_WHOLE_MIGRATION = `
ALTER TABLE document_phrases ADD COLUMN whole boolean NOT NULL DEFAULT false;
ALTER TABLE trend_phrase_counts ADD COLUMN whole integer NOT NULL DEFAULT 0;
`;

/** The per-document flags of `document_phrases` counted per cell beside `documents` (migrations 5 and 6). */
const PHRASE_FLAGS = ["stated", "whole"] as const;

/** The documents' (month, domaine, source, kind) cells, for all documents or those of $1. */
function docsCte(filtered: boolean): string {
  return `d AS (
  SELECT d.id, d.kind, d.source, date_trunc('month', d.document_date AT TIME ZONE 'UTC')::date AS period,
         COALESCE(upper(left((SELECT m.code FROM document_metiers m WHERE m.document_id = d.id ORDER BY m.rank LIMIT 1), 3)), '?') AS domaine,
         EXISTS (SELECT 1 FROM document_competences c WHERE c.document_id = d.id) AS with_items
  FROM documents d${filtered ? " WHERE d.id = ANY($1::uuid[])" : ""})`;
}

/**
 * Adds (sign 1) or removes (sign −1) documents' contributions. `ids` "" means every document (the migration's
 * backfill); otherwise $1 holds the ids. Rows are upserted in key order so concurrent batches lock alike.
 * `flags` []: the statements of migration 4, before the flag columns existed (a migration never changes).
 */
function bumpSql(ids: "" | "$1", sign: 1 | -1, flags: readonly (typeof PHRASE_FLAGS)[number][] = PHRASE_FLAGS): string {
  const filtered = ids !== "";
  const s = sign === 1 ? "" : "-";
  const col = flags.map((f) => `, ${f}`).join("");
  const count = flags.map((f) => `, ${s}count(*) FILTER (WHERE p.${f})`).join("");
  const set = flags.map((f) => `, ${f} = t.${f} + EXCLUDED.${f}`).join("");
  return `
WITH ${docsCte(filtered)}
INSERT INTO trend_totals AS t (period, domaine, source, kind, documents, with_items)
SELECT period, domaine, source, kind, ${s}count(*), ${s}count(*) FILTER (WHERE with_items) FROM d GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
ON CONFLICT (period, domaine, source, kind) DO UPDATE SET documents = t.documents + EXCLUDED.documents, with_items = t.with_items + EXCLUDED.with_items;
WITH ${docsCte(filtered)}
INSERT INTO trend_phrase_counts AS t (phrase, period, domaine, source, kind, documents${col})
SELECT p.phrase, d.period, d.domaine, d.source, d.kind, ${s}count(*)${count} FROM d JOIN document_phrases p ON p.document_id = d.id
GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (phrase, period, domaine, source, kind) DO UPDATE SET documents = t.documents + EXCLUDED.documents${set};
WITH ${docsCte(filtered)}
INSERT INTO trend_item_counts AS t (code, period, domaine, source, kind, documents)
SELECT c.code, d.period, d.domaine, d.source, d.kind, ${s}count(*) FROM d JOIN document_competences c ON c.document_id = d.id
GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (code, period, domaine, source, kind) DO UPDATE SET documents = t.documents + EXCLUDED.documents;`;
}

const BUMP = { add: splitStatements(bumpSql("$1", 1)), remove: splitStatements(bumpSql("$1", -1)) };

function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n(?=WITH)/)
    .map((x) => x.trim().replace(/;$/, ""))
    .filter(Boolean);
}

/**
 * Counts documents in (sign 1, after their rows are written) or out (sign −1, before they are deleted or
 * rewritten). Runs in the caller's transaction: the aggregates never disagree with the documents.
 */
export async function bumpTrendCounts(tx: Queryable, ids: readonly string[], sign: 1 | -1): Promise<void> {
  if (ids.length === 0) return;
  for (const sql of sign === 1 ? BUMP.add : BUMP.remove) await tx.query(sql, [ids]);
}

/**
 * An offer's text as the trend phrases were read from it (src/ingest): the title line, then the body, so that
 * the details of a phrase of the title find it too. Null for CVs: a CV's text never leaves the lake.
 */
export const TREND_TEXT_SQL = "CASE WHEN d.kind = 'offer' THEN concat_ws(E'\\n', NULLIF(d.title, ''), d.raw_text) END";

/** Month starts only: the aggregates cannot cut a month. */
export function monthAligned(d: Date | undefined): boolean {
  return (
    d === undefined ||
    (d.getUTCDate() === 1 &&
      d.getUTCHours() === 0 &&
      d.getUTCMinutes() === 0 &&
      d.getUTCSeconds() === 0 &&
      d.getUTCMilliseconds() === 0)
  );
}

const WINDOW =
  "kind = ANY($1::text[]) AND ($2::date IS NULL OR period >= $2::date) AND ($3::date IS NULL OR period < $3::date)";

/**
 * The counts of a window of months: totals, every phrase with at least `minSupport` documents in `minSources`
 * sources, and every item. Three statements, each grouping by its table's key.
 */
export async function readTrendCounts(
  db: Queryable,
  f: TrendCountsFilter & { withPhrases?: boolean },
): Promise<TrendCounts> {
  const kinds: DocumentKind[] = f.kinds && f.kinds.length > 0 ? [...f.kinds] : ["offer", "cv"];
  const args = [kinds, f.from ?? null, f.to ?? null];
  const [totals, phrases, items] = await Promise.all([
    db.query<TotalRow>(
      `SELECT to_char(period, 'YYYY-MM') AS period, domaine, source, kind, sum(documents)::int AS documents, sum(with_items)::int AS with_items
       FROM trend_totals WHERE ${WINDOW} GROUP BY period, domaine, source, kind HAVING sum(documents) > 0`,
      args,
    ),
    f.withPhrases === false
      ? { rows: [] as PhraseRow[] }
      : db.query<PhraseRow>(
          `SELECT phrase, to_char(period, 'YYYY-MM') AS period, domaine, source, sum(documents)::int AS documents,
              sum(stated)::int AS stated, sum(whole)::int AS whole
       FROM trend_phrase_counts
       WHERE ${WINDOW} AND phrase IN (
         SELECT phrase FROM trend_phrase_counts WHERE ${WINDOW} AND documents > 0
         GROUP BY phrase HAVING sum(documents) >= $4 AND count(DISTINCT source) >= $5)
       GROUP BY phrase, period, domaine, source HAVING sum(documents) > 0`,
          [...args, f.minSupport, f.minSources],
        ),
    db.query<ItemRow>(
      `SELECT code, to_char(period, 'YYYY-MM') AS period, domaine, source, sum(documents)::int AS documents
       FROM trend_item_counts WHERE ${WINDOW} GROUP BY code, period, domaine, source HAVING sum(documents) > 0`,
      args,
    ),
  ]);
  return assemble(totals.rows, phrases.rows, items.rows);
}

type TotalRow = {
  period: string;
  domaine: string;
  source: string;
  kind: DocumentKind;
  documents: number;
  with_items: number;
};
type PhraseRow = {
  phrase: string;
  period: string;
  domaine: string;
  source: string;
  documents: number;
  stated?: number;
  whole?: number;
};
type ItemRow = { code: string; period: string; domaine: string; source: string; documents: number };

function assemble(totalRows: TotalRow[], phraseRows: PhraseRow[], itemRows: ItemRow[]): TrendCounts {
  const totalCells = new Map<string, TrendCountCell>();
  let offers = 0;
  let cvs = 0;
  let withItems = 0;
  const sources = new Set<string>();
  for (const r of totalRows) {
    const k = `${r.period}\u0000${r.domaine}\u0000${r.source}`;
    const c = totalCells.get(k) ?? { period: r.period, domaine: r.domaine, source: r.source, documents: 0 };
    c.documents += r.documents;
    totalCells.set(k, c);
    if (r.kind === "offer") offers += r.documents;
    else cvs += r.documents;
    withItems += r.with_items;
    sources.add(r.source);
  }
  const group = (rows: { key: string; period: string; domaine: string; source: string; documents: number }[]) => {
    const out = new Map<string, TrendCountCell[]>();
    for (const r of rows) {
      const cell = { period: r.period, domaine: r.domaine, source: r.source, documents: r.documents };
      const l = out.get(r.key);
      if (l) l.push(cell);
      else out.set(r.key, [cell]);
    }
    return out;
  };
  const stated = new Map<string, number>();
  const whole = new Map<string, number>();
  for (const r of phraseRows) {
    stated.set(r.phrase, (stated.get(r.phrase) ?? 0) + Number(r.stated ?? 0));
    whole.set(r.phrase, (whole.get(r.phrase) ?? 0) + Number(r.whole ?? 0));
  }
  return {
    totals: [...totalCells.values()],
    phrases: group(phraseRows.map((r) => ({ ...r, key: r.phrase }))),
    stated,
    whole,
    items: group(itemRows.map((r) => ({ ...r, key: r.code }))),
    offers,
    cvs,
    sources: sources.size,
    documentsWithItems: withItems,
  };
}

/**
 * The same counts computed from the documents in one SQL pass, for what the monthly aggregates cannot answer:
 * weeks, a métier filter, or a window that cuts a month. Slower than the aggregates (it joins the documents'
 * phrases), still SQL: it never runs on the service's event loop.
 */
export async function readTrendCountsFromDocuments(
  db: Queryable,
  f: TrendCountsFilter & { metier?: string; unit: "week" | "month" },
): Promise<TrendCounts> {
  const kinds: DocumentKind[] = f.kinds && f.kinds.length > 0 ? [...f.kinds] : ["offer", "cv"];
  const label =
    f.unit === "week"
      ? `to_char(d.document_date AT TIME ZONE 'UTC', 'IYYY-"W"IW')`
      : `to_char(d.document_date AT TIME ZONE 'UTC', 'YYYY-MM')`;
  const cte = `WITH d AS (
    SELECT d.id, d.kind, d.source, ${label} AS period,
           COALESCE(upper(left((SELECT m.code FROM document_metiers m WHERE m.document_id = d.id ORDER BY m.rank LIMIT 1), 3)), '?') AS domaine,
           EXISTS (SELECT 1 FROM document_competences c WHERE c.document_id = d.id) AS with_items
    FROM documents d
    WHERE d.kind = ANY($1::text[]) AND ($2::timestamptz IS NULL OR d.document_date >= $2::timestamptz)
      AND ($3::timestamptz IS NULL OR d.document_date < $3::timestamptz)
      AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM document_metiers m WHERE m.document_id = d.id AND m.code = $4::text)))`;
  const args = [kinds, f.from ?? null, f.to ?? null, f.metier ?? null];
  const [totals, phrases, items] = await Promise.all([
    db.query<TotalRow>(
      `${cte} SELECT period, domaine, source, kind, count(*)::int AS documents, (count(*) FILTER (WHERE with_items))::int AS with_items FROM d GROUP BY 1, 2, 3, 4`,
      args,
    ),
    db.query<PhraseRow>(
      `${cte}, dp AS (SELECT p.phrase, p.stated, p.whole, d.period, d.domaine, d.source FROM d JOIN document_phrases p ON p.document_id = d.id)
       SELECT phrase, period, domaine, source, count(*)::int AS documents, (count(*) FILTER (WHERE stated))::int AS stated,
              (count(*) FILTER (WHERE whole))::int AS whole FROM dp
       WHERE phrase IN (SELECT phrase FROM dp GROUP BY phrase HAVING count(*) >= $5 AND count(DISTINCT source) >= $6)
       GROUP BY 1, 2, 3, 4`,
      [...args, f.minSupport, f.minSources],
    ),
    db.query<ItemRow>(
      `${cte} SELECT c.code, d.period, d.domaine, d.source, count(*)::int AS documents FROM d JOIN document_competences c ON c.document_id = d.id GROUP BY 1, 2, 3, 4`,
      args,
    ),
  ]);
  return assemble(totals.rows, phrases.rows, items.rows);
}

/**
 * Documents that use a phrase, for the report's details (métiers, co-occurring items, offer snippets): a sample of
 * at most `limit` of them (no ORDER BY: a frequent phrase is never sorted whole). One statement per phrase.
 */
export async function readPhraseDocuments(
  db: Queryable,
  phrase: string,
  f: { from?: Date; to?: Date; limit: number },
): Promise<TrendEvidenceRow[]> {
  const r = await db.query<{
    id: string;
    kind: DocumentKind;
    source: string;
    document_date: Date;
    text: string | null;
    metiers: string[] | null;
    competences: string[] | null;
  }>(
    `SELECT d.id, d.kind, d.source, d.document_date, ${TREND_TEXT_SQL} AS text,
            (SELECT array_agg(m.code ORDER BY m.rank) FROM document_metiers m WHERE m.document_id = d.id) AS metiers,
            (SELECT array_agg(c.code) FROM document_competences c WHERE c.document_id = d.id) AS competences
     FROM document_phrases p JOIN documents d ON d.id = p.document_id
     WHERE p.phrase = $1 AND ($2::timestamptz IS NULL OR d.document_date >= $2::timestamptz) AND ($3::timestamptz IS NULL OR d.document_date < $3::timestamptz)
     LIMIT $4`,
    [phrase, f.from ?? null, f.to ?? null, f.limit],
  );
  return r.rows.map((x) => ({
    id: x.id,
    kind: x.kind,
    source: x.source,
    documentDate: x.document_date,
    text: x.text,
    metiers: x.metiers ?? [],
    competences: x.competences ?? [],
  }));
}

/** Documents with each phrase per month of the window (the chart series of the final phrases). */
export async function readPhraseSeries(
  db: Queryable,
  phrases: readonly string[],
  f: { from?: Date; to?: Date; kinds?: DocumentKind[] },
): Promise<Map<string, TrendCountCell[]>> {
  const kinds: DocumentKind[] = f.kinds && f.kinds.length > 0 ? [...f.kinds] : ["offer", "cv"];
  const r = await db.query<PhraseRow>(
    `SELECT phrase, to_char(period, 'YYYY-MM') AS period, domaine, source, sum(documents)::int AS documents FROM trend_phrase_counts
     WHERE phrase = ANY($4::text[]) AND ${WINDOW} GROUP BY phrase, period, domaine, source HAVING sum(documents) > 0`,
    [kinds, f.from ?? null, f.to ?? null, [...phrases]],
  );
  const out = new Map<string, TrendCountCell[]>();
  for (const x of r.rows) {
    const cell = { period: x.period, domaine: x.domaine, source: x.source, documents: x.documents };
    const l = out.get(x.phrase);
    if (l) l.push(cell);
    else out.set(x.phrase, [cell]);
  }
  return out;
}

export async function saveTrendAnalysis(
  db: Queryable,
  paramsKey: string,
  documents: number,
  report: unknown,
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO trend_analyses (params_key, computed_at, documents, report) VALUES ($1, $2, $3, $4::jsonb)
     ON CONFLICT (params_key) DO UPDATE SET computed_at = EXCLUDED.computed_at, documents = EXCLUDED.documents, report = EXCLUDED.report`,
    [paramsKey, at, documents, JSON.stringify(report)],
  );
}

export async function latestTrendAnalysis(
  db: Queryable,
  paramsKey: string,
): Promise<{ computedAt: Date; documents: number; report: unknown } | null> {
  const r = await db.query<{ computed_at: Date; documents: string | number; report: unknown }>(
    "SELECT computed_at, documents, report FROM trend_analyses WHERE params_key = $1",
    [paramsKey],
  );
  const x = r.rows[0];
  return x ? { computedAt: x.computed_at, documents: Number(x.documents), report: x.report } : null;
}

/** Rows that erasures brought to zero: dropped by the refresh job, so that the tables only hold live cells. */
export async function pruneTrendCounts(db: Queryable): Promise<void> {
  await db.query("DELETE FROM trend_phrase_counts WHERE documents <= 0");
  await db.query("DELETE FROM trend_item_counts WHERE documents <= 0");
  await db.query("DELETE FROM trend_totals WHERE documents <= 0");
}
