/**
 * The detector's per-phrase sums read from the trend aggregates (src/lake/trend-counts.ts holds the tables and
 * keeps them up to date). One analytic statement of a background job; every GROUP BY leads with the phrase, the
 * shard key of trend_phrase_counts (Citus-style, see trend-counts.ts).
 */
import type { Db, Queryable } from "./db.js";
import type { DocumentKind, TrendCountsFilter, TrendSumsRow } from "./types.js";

/** work_mem of the trend sums statement (its per-phrase cells are hashed in memory; see readTrendSums). */
export const TREND_SUMS_WORK_MEM = "256MB";

/**
 * The detector's per-phrase sums (src/trends/detector.ts PhraseSums) computed in SQL from the aggregates: one row
 * per phrase with enough support and sources, whatever the number of documents. `splits` holds each source's
 * split month (the caller computes it from the totals); every GROUP BY leads with the phrase (the shard key).
 */
export async function readTrendSums(
  db: Queryable & { transaction?: Db["transaction"]; backend?: Db["backend"] },
  f: TrendCountsFilter & { splits: ReadonlyMap<string, string>; sourcePrior: number },
): Promise<TrendSumsRow[]> {
  const kinds: DocumentKind[] = f.kinds && f.kinds.length > 0 ? [...f.kinds] : ["offer", "cv"];
  const win = (t: string) =>
    `${t}.kind = ANY($1::text[]) AND ($2::date IS NULL OR ${t}.period >= $2::date) AND ($3::date IS NULL OR ${t}.period < $3::date)`;
  // One pass over the phrase counts: a cheap prefilter on support (hash by phrase, no DISTINCT, so no sort and no
  // index walk), then the (phrase, source, domaine) cells of the survivors, read three ways; the sources guard is
  // applied at the end, where each phrase's sources are already counted.
  const sql = `WITH splits AS (SELECT * FROM unnest($4::text[], $5::date[]) AS s(source, split)),
     st AS (
       SELECT t.source, t.domaine,
              COALESCE(sum(t.documents) FILTER (WHERE t.period >= s.split), 0)::float8 AS n1,
              COALESCE(sum(t.documents) FILTER (WHERE t.period < s.split), 0)::float8 AS n0
       FROM trend_totals t JOIN splits s ON s.source = t.source WHERE ${win("t")} GROUP BY t.source, t.domaine),
     src AS (SELECT t.source, sum(t.documents)::float8 AS docs FROM trend_totals t WHERE ${win("t")} GROUP BY t.source),
     cand AS (
       SELECT t.phrase FROM trend_phrase_counts t WHERE ${win("t")} AND t.documents > 0
       GROUP BY t.phrase HAVING sum(t.documents) >= $6),
     g AS (
       SELECT t.phrase, t.source, t.domaine, GROUPING(t.source, t.domaine) AS gs, sum(t.documents)::float8 AS m,
              sum(t.stated)::float8 AS sd, sum(t.whole)::float8 AS wd,
              COALESCE(sum(t.documents) FILTER (WHERE t.period >= s.split), 0)::float8 AS x,
              COALESCE(sum(t.documents) FILTER (WHERE t.period < s.split), 0)::float8 AS y
       FROM trend_phrase_counts t JOIN cand ON cand.phrase = t.phrase LEFT JOIN splits s ON s.source = t.source
       WHERE ${win("t")}
       GROUP BY GROUPING SETS ((t.phrase, t.source, t.domaine), (t.phrase, t.domaine), (t.phrase, t.source))
       HAVING sum(t.documents) > 0),
     k AS (
       SELECT g.phrase, g.gs, g.m, g.sd, g.wd, g.x, g.y, g.m / (src.docs + $8) AS w, st.n1, st.n0, st.n1 + st.n0 AS n, g.x + g.y AS mm,
              (g.gs = 0 AND st.n1 > 0 AND st.n0 > 0 AND g.x + g.y > 0) AS inf
       FROM g LEFT JOIN src ON g.gs = 1 AND src.source = g.source
       LEFT JOIN st ON g.gs = 0 AND st.source = g.source AND st.domaine = g.domaine)
     SELECT phrase,
            sum(m) FILTER (WHERE gs = 1) AS support, count(*) FILTER (WHERE gs = 1) AS sources, count(*) FILTER (WHERE gs = 2) AS domaines,
            sum(x) FILTER (WHERE gs = 1) AS x, sum(y) FILTER (WHERE gs = 1) AS y,
            count(*) FILTER (WHERE inf) AS informative,
            COALESCE(bool_or(x > 0) FILTER (WHERE inf), false) AS any_x, COALESCE(bool_or(y > 0) FILTER (WHERE inf), false) AS any_y,
            COALESCE(sum(x) FILTER (WHERE inf), 0) AS sx, COALESCE(sum(mm * n1 / n) FILTER (WHERE inf), 0) AS se,
            COALESCE(sum(CASE WHEN n > 1 THEN mm * (n - mm) * n1 * n0 / (n * n * (n - 1)) ELSE 0 END) FILTER (WHERE inf), 0) AS sv,
            COALESCE(sum(x * n0 / n) FILTER (WHERE inf), 0) AS r, COALESCE(sum(y * n1 / n) FILTER (WHERE inf), 0) AS s,
            COALESCE(sum((n1 * n0 * (x + y) - x * y * n) / (n * n)) FILTER (WHERE inf), 0) AS gr,
            COALESCE(sum((x + 0.5) * n0 / n) FILTER (WHERE inf), 0) AS rc, COALESCE(sum((y + 0.5) * n1 / n) FILTER (WHERE inf), 0) AS sc,
            COALESCE(sum((n1 * n0 * (x + y + 1) - (x + 0.5) * (y + 0.5) * n) / (n * n)) FILTER (WHERE inf), 0) AS grc,
            sum(m) FILTER (WHERE gs = 2) AS dom_n, sum(m * ln(m)) FILTER (WHERE gs = 2) AS dom_nlnn,
            sum(w) FILTER (WHERE gs = 1) AS src_w, sum(w * ln(w)) FILTER (WHERE gs = 1) AS src_wlnw,
            sum(sd) FILTER (WHERE gs = 1) AS stated, sum(wd) FILTER (WHERE gs = 1) AS whole
     FROM k GROUP BY phrase HAVING count(*) FILTER (WHERE gs = 1) >= $7`;
  const args = [
    kinds,
    f.from ?? null,
    f.to ?? null,
    [...f.splits.keys()],
    [...f.splits.values()].map((l) => `${l}-01`),
    f.minSupport,
    f.minSources,
    f.sourcePrior,
  ];
  type Row = Record<string, number | boolean | string | null>;
  // On PostgreSQL, one analytic statement of a background job: memory for its hash aggregates (they spill to
  // disk at the default 4 MB), no JIT (compiling the plan costs seconds and saves none), and no request timeout.
  const r =
    db.backend === "postgres" && db.transaction
      ? await db.transaction(async (tx) => {
          await tx.query(`SET LOCAL work_mem = '${TREND_SUMS_WORK_MEM}'`);
          await tx.query("SET LOCAL jit = off");
          await tx.query("SET LOCAL statement_timeout = '10min'");
          return tx.query<Row>(sql, args);
        })
      : await db.query<Row>(sql, args);
  const n = (v: unknown) => Number(v ?? 0);
  return r.rows.map((x) => ({
    key: String(x.phrase),
    support: n(x.support),
    sources: n(x.sources),
    domaines: n(x.domaines),
    x: n(x.x),
    y: n(x.y),
    informative: n(x.informative),
    anyX: x.any_x === true,
    anyY: x.any_y === true,
    sx: n(x.sx),
    se: n(x.se),
    sv: n(x.sv),
    r: n(x.r),
    s: n(x.s),
    gr: n(x.gr),
    rc: n(x.rc),
    sc: n(x.sc),
    grc: n(x.grc),
    domN: n(x.dom_n),
    domNlnN: n(x.dom_nlnn),
    srcW: n(x.src_w),
    srcWlnW: n(x.src_wlnw),
    stated: n(x.stated),
    whole: n(x.whole),
  }));
}
