import { describe, expect, it } from "vitest";
import { OverloadedError } from "../../../src/api/admission.js";
import { TrendAnalyses, paramsKey } from "../../../src/api/trends-analyses.js";
import { loadConfig } from "../../../src/config.js";
import type { Lake, TrendDocument } from "../../../src/lake/index.js";
import {
  countCells,
  DETECTOR,
  type CellCounts,
  sourceSplits,
  strataOf,
  sumsOfCells,
  TrendQuerySchema,
} from "../../../src/trends/index.js";
import { useBackend, type Backend } from "../../lake-helpers.js";

/** Every non-zero cell of the counts as sorted lines, so two ways of counting can be compared whole. */
function canonical(c: Pick<CellCounts, "totals" | "phrases" | "items">): string[] {
  const out: string[] = [];
  for (const t of c.totals) if (t.documents) out.push(`T ${t.period} ${t.domaine} ${t.source} ${t.documents}`);
  for (const [k, cells] of c.phrases)
    for (const t of cells) if (t.documents) out.push(`P ${k} ${t.period} ${t.domaine} ${t.source} ${t.documents}`);
  for (const [k, cells] of c.items)
    for (const t of cells) if (t.documents) out.push(`I ${k} ${t.period} ${t.domaine} ${t.source} ${t.documents}`);
  return out.sort();
}

async function fromDocuments(lake: Lake): Promise<string[]> {
  const docs: TrendDocument[] = [];
  for await (const d of lake.trendDocuments()) docs.push(d);
  return canonical(countCells(docs, "month", 1));
}

// Long words are the fake engine's uncovered phrases; java/python/sql/encaissement/soins its skills and métiers.
const TEXTS = [
  "Développer en java, accompagnement personnalisé, télétravail hebdomadaire.",
  "Encaissement en magasin, polyvalence exigée, hebdomadaire.",
  "Soins aux patients, bienveillance, accompagnement personnalisé.",
  "Requêtes sql et python, décarbonation des entrepôts.",
];

describe.each(["pglite", "postgres"] as const)("trend aggregates on %s", (name) => {
  let b: Backend;
  let lake: Lake;
  useBackend(name, (x) => ({ b, lake } = x));

  it("keeps the SQL aggregates equal to counting the documents through ingest, re-post and erasure", async () => {
    const docs = Array.from({ length: 24 }, (_, i) => ({
      kind: (i % 6 === 5 ? "cv" : "offer") as "offer" | "cv",
      source: `board-${i % 3}`,
      externalId: `d${i}`,
      text: TEXTS[i % TEXTS.length]!,
      documentDate: new Date(Date.UTC(2025, i % 5, 3 + i)),
    }));
    await lake.ingestBatch(docs);
    const filter = { minSupport: 1, minSources: 1 };
    const after = await fromDocuments(lake);
    expect(after.length).toBeGreaterThan(20);
    expect(canonical(await lake.trendCounts(filter))).toEqual(after);
    // A re-post with another text and date moves the document between cells; erasures take it out.
    await lake.ingest({ ...docs[0]!, text: TEXTS[2]!, documentDate: new Date(Date.UTC(2025, 7, 1)) });
    await lake.delete((await lake.findByExternalId("board-1", "d1"))!);
    await lake.deleteBySource("board-2", "d2");
    await lake.pruneTrendCounts();
    const now = await fromDocuments(lake);
    expect(now).not.toEqual(after);
    expect(canonical(await lake.trendCounts(filter))).toEqual(now);
    // The documents' SQL pass (weeks, métier, a cut month) gives the same counts for whole months.
    expect(canonical(await lake.trendCounts({ ...filter, from: new Date("2024-12-31T00:00:00Z") }))).toEqual(now);
    const stats = await b.sql<{ n: string }>("SELECT count(*) AS n FROM trend_phrase_counts WHERE documents <= 0");
    expect(Number(stats[0]!.n)).toBe(0);
  });

  it("applies the support and source guards in SQL", async () => {
    const c = await lake.trendCounts({ minSupport: 3, minSources: 2 });
    for (const cells of c.phrases.values()) {
      expect(cells.reduce((s, x) => s + x.documents, 0)).toBeGreaterThanOrEqual(3);
      expect(new Set(cells.map((x) => x.source)).size).toBeGreaterThanOrEqual(2);
    }
    expect(c.phrases.size).toBeGreaterThan(0);
  });

  it("computes the detector's per-phrase sums in SQL as the JavaScript path does from cells", async () => {
    const docs: TrendDocument[] = [];
    for await (const d of lake.trendDocuments()) docs.push(d);
    const c = countCells(docs, "month", 2);
    const st = strataOf(c.totals);
    const sql = await lake.trendSums({
      minSupport: 2,
      minSources: 1,
      splits: sourceSplits((await lake.trendCounts({ minSupport: 2, minSources: 1, withPhrases: false })).totals),
      sourcePrior: DETECTOR.sourcePrior,
    });
    expect(sql.length).toBe(c.phrases.size);
    expect(sql.some((x) => x.informative > 0)).toBe(true);
    for (const row of sql) {
      const js = sumsOfCells(row.key, c.phrases.get(row.key)!, st);
      for (const [k, v] of Object.entries(js)) {
        if (typeof v === "number") expect(row[k as keyof typeof row] as number).toBeCloseTo(v, 9);
        else expect(row[k as keyof typeof row]).toEqual(v);
      }
    }
  });

  it("serves the stored analysis with its timestamp, computed once in a worker thread", async () => {
    const analyses = new TrendAnalyses(lake, loadConfig());
    try {
      const q = TrendQuerySchema.parse({ minSupport: "5", minSources: "1" });
      const [a, again] = await Promise.all([analyses.get(q), analyses.get(q)]);
      expect(again.computedAt).toEqual(a.computedAt);
      expect(a.report.status).toBe("ok");
      expect(a.report.documents.total).toBe(22);
      const stored = await lake.latestTrendAnalysis(paramsKey(q));
      expect(stored?.computedAt.getTime()).toBe(a.computedAt.getTime());
      // Another process (a fresh instance) serves the stored one without recomputing.
      const other = new TrendAnalyses(lake, loadConfig());
      expect((await other.get(q)).computedAt.getTime()).toBe(a.computedAt.getTime());
      await other.close();
    } finally {
      await analyses.close();
    }
  }, 120_000);

  it("stops an analysis over its time budget: 503 with Retry-After, and the next analysis runs", async () => {
    const q = TrendQuerySchema.parse({ minSupport: "6", minSources: "1" });
    const hurried = new TrendAnalyses(lake, loadConfig(), undefined, 1);
    try {
      const e = await hurried.refresh(q).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(OverloadedError);
      expect((e as OverloadedError).status).toBe(503);
      expect((e as OverloadedError).retryAfterS).toBe(1);
      expect(await lake.latestTrendAnalysis(paramsKey(q))).toBeNull();
    } finally {
      await hurried.close();
    }
    const patient = new TrendAnalyses(lake, loadConfig());
    try {
      expect((await patient.get(q)).report.status).toBe("ok");
    } finally {
      await patient.close();
    }
  }, 120_000);
});
