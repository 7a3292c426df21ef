/**
 * Emerging-compétence benchmark (issues 5 and 21).
 *   npm run bench:trends              # dev offers + 100k synthetic runtime
 *   OFFERS=path.jsonl SYNTHETIC=20000 npm run bench:trends
 *   SCALE=1000000 DATABASE_URL=… nice npm run bench:trends   # the lake path only: aggregates of 1M synthetic
 *                                     # documents, analysis time, GET /v1/trends/emerging p99, event-loop delay
 * Prints human-readable tables, then ONE JSON object on the last line.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import express from "express";
import pg from "pg";
import seedrandom from "seedrandom";
import type { AppContext } from "../src/api/app.js";
import { createAuth } from "../src/api/auth.js";
import { trendsRoutes } from "../src/api/routes/trends.js";
import { TrendAnalyses } from "../src/api/trends-analyses.js";
import { openLake } from "../src/ingest/index.js";
import type { LakeEngine } from "../src/lake/index.js";
import { loadReferential } from "../src/rome/index.js";
import { loadConfig } from "../src/config.js";
import { createEngine } from "../src/match/index.js";
import { readOffers } from "../src/sources/index.js";
import { createCoverageChecker } from "../src/match/uncovered.js";
import {
  analyzeTrends,
  createPhraseAttacher,
  offersToTrendDocuments,
  trendOptions,
  TrendQuerySchema,
  type TrendDocument,
  type TrendReport,
} from "../src/trends/index.js";
import { round } from "../src/numbers.js";

const config = loadConfig();
const offersFile = process.env.OFFERS ?? path.resolve(config.romeDir, "..", "..", "eval", "offers-dev.jsonl");
const syntheticN = Number(process.env.SYNTHETIC ?? 100_000);
const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
  if (process.env.SCALE) return scaleBenchmark(Number(process.env.SCALE));
  const t0 = performance.now();
  const engine = await createEngine(config);
  const ref = engine.referential;
  const checker = createCoverageChecker(ref);
  const attacher = await createPhraseAttacher(ref, engine.embedder);
  log(`engine + attacher ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const offers = readOffers(offersFile);
  const t1 = performance.now();
  // Engine skill extraction is the slow part (~0.1 s an offer): cached per offers file, ROME version and model.
  const st = statSync(offersFile);
  const cacheFile = path.join(
    os.tmpdir(),
    `rome-match-trends-skills-${createHash("sha1").update(`${offersFile}:${st.size}:${st.mtimeMs}:${ref.version}:${engine.modelId}`).digest("hex").slice(0, 12)}.json`,
  );
  const cache: Record<string, { code: string; evidence: { start: number; end: number }[] }[]> = existsSync(cacheFile)
    ? (JSON.parse(readFileSync(cacheFile, "utf8")) as typeof cache)
    : {};
  const hadCache = Object.keys(cache).length > 0;
  const docs = await offersToTrendDocuments(offers, {
    checker,
    extractSkills: async (t) => {
      const k = createHash("sha1").update(t).digest("hex");
      return (cache[k] ??= (await engine.extractSkills(t)).map((s) => ({
        code: s.code,
        evidence: s.evidence.map(({ start, end }) => ({ start, end })),
      })));
    },
  });
  if (!hadCache) writeFileSync(cacheFile, JSON.stringify(cache));
  const extractMs = performance.now() - t1;
  log(
    `${docs.length} offers → trend documents in ${(extractMs / 1000).toFixed(1)} s${hadCache ? " (engine skills from cache " + cacheFile + ")" : ""}`,
  );
  if (process.env.DOCS_ONLY) return;
  const source = () => docs;

  // Per year: everything before 1 January of Y is the baseline, Y itself the recent part.
  const years = [...new Set(docs.map((d) => d.documentDate.getUTCFullYear()))].sort();
  /** Everything from the first year to 1 January of `y` as the baseline, `y` itself as the recent part. */
  const yearWindow = (y: number, limit: number) =>
    trendOptions({
      from: new Date(Date.UTC(years[0]!, 0, 1)),
      split: new Date(Date.UTC(y, 0, 1)),
      to: new Date(Date.UTC(y + 1, 0, 1)),
      limit,
    });
  const perYear: Record<string, unknown> = {};
  for (const y of years) {
    const o = yearWindow(y, 10);
    const r = await analyzeTrends(source, o, { referential: ref, attacher });
    // The same without stratification, to show how much of a naive "rise" is a change of job mix / collection.
    const naive = await analyzeTrends(source, { ...o, stratify: false, limit: 5 }, { referential: ref, attacher });
    perYear[y] = {
      ...summarise(r),
      unstratifiedTop: naive.emerging.map((e) => `${e.label} (${e.figures.baseline}→${e.figures.recent})`),
    };
    log(
      `\n== ${y}: ${r.status} (${r.documents.baseline} baseline / ${r.documents.recent} recent docs, ${r.tested} phrases tested) ${r.message ?? ""}`,
    );
    for (const e of r.emerging) {
      const f = e.figures;
      log(
        `  ${e.label.padEnd(32)} ${String(f.baseline).padStart(4)}→${String(f.recent).padEnd(4)} share ${(f.baselineShare * 100).toFixed(1)}%→${(f.recentShare * 100).toFixed(1)}% RR≥${f.rateRatioBound.toFixed(1)} q=${f.qValue.toExponential(1)} src=${f.sources} MC: ${e.attachment.macroCompetence?.libelle ?? "-"} [${e.attachment.attachedBy}] métiers: ${e.metiers
          .slice(0, 2)
          .map((m) => m.code)
          .join(",")}`,
      );
    }
    log(`   (unstratified would flag: ${naive.emerging.map((e) => e.label).join(", ") || "-"})`);
  }

  // ROME's own "Émergente" fiche items: how many does the detector see rising in the offers?
  const full = await analyzeTrends(source, trendOptions({ limit: 10 }), { referential: ref });
  const risingItems = new Set(full.items.rising.map((i) => i.code));
  const yearlyRising = new Set<string>();
  for (const y of years) {
    const o = yearWindow(y, 1);
    const r = await analyzeTrends(source, o, { referential: ref });
    for (const i of r.items.rising) yearlyRising.add(i.code);
  }
  const emergentePairs: { fiche: string; code: string }[] = [];
  for (const f of ref.fiches.values())
    for (const l of [...f.competences, ...f.savoirs, ...f.macroCompetences])
      if (l.coeurMetier === "emergente") emergentePairs.push({ fiche: f.code, code: l.code });
  const emergenteItems = new Set(emergentePairs.map((p) => p.code));
  const seenItems = new Set(docs.flatMap((d) => d.competences));
  const emergente = {
    pairs: emergentePairs.length,
    distinctItems: emergenteItems.size,
    itemsSeenInOffers: [...emergenteItems].filter((c) => seenItems.has(c)).length,
    itemsSignificantEitherWay: [...emergenteItems].filter(
      (c) => full.items.rising.some((i) => i.code === c) || full.items.falling.some((i) => i.code === c),
    ).length,
    pairsRankedRisingFullWindow: emergentePairs.filter((p) => risingItems.has(p.code)).length,
    itemsRankedRisingFullWindow: [...emergenteItems].filter((c) => risingItems.has(c)).length,
    pairsRankedRisingAnyYear: emergentePairs.filter((p) => yearlyRising.has(p.code)).length,
    itemsRankedRisingAnyYear: [...emergenteItems].filter((c) => yearlyRising.has(c)).length,
    risingItemsFullWindow: full.items.rising.length,
    fallingItemsFullWindow: full.items.falling.length,
    fullWindowSplit: full.window.split,
  };
  log(`\nROME "Émergente": ${JSON.stringify(emergente)}`);
  log(
    `top rising ROME items (full window): ${full.items.rising
      .slice(0, 8)
      .map((i) => `${i.libelle} (${i.figures.baseline}→${i.figures.recent})`)
      .join("; ")}`,
  );
  log(
    `top falling ROME items: ${full.items.falling
      .slice(0, 5)
      .map((i) => `${i.libelle} (${i.figures.baseline}→${i.figures.recent})`)
      .join("; ")}`,
  );

  const runtime = await syntheticRuntime(syntheticN, attacher, ref);
  log(`\nsynthetic: ${JSON.stringify(runtime)}`);

  console.log(
    JSON.stringify({
      benchmark: "trends",
      offersFile: path.basename(offersFile),
      documents: docs.length,
      extraction: { ms: Math.round(extractMs), msPerOffer: round(extractMs / docs.length, 2) },
      perYear,
      romeEmergente: emergente,
      synthetic: runtime,
    }),
  );
}

function summarise(r: TrendReport) {
  return {
    status: r.status,
    baselineDocs: r.documents.baseline,
    recentDocs: r.documents.recent,
    tested: r.tested,
    top: r.emerging.map((e) => ({
      phrase: e.label,
      baseline: e.figures.baseline,
      recent: e.figures.recent,
      rrLower: round(e.figures.rateRatioBound, 1),
      q: Number(e.figures.qValue.toExponential(1)),
      sources: e.figures.sources,
      mc: e.attachment.macroCompetence?.libelle ?? null,
      metier: e.metiers[0]?.code ?? null,
    })),
  };
}

/**
 * N synthetic documents over 36 months, 8 sources, ~120 phrase keys each drawn from a Zipf-like vocabulary of
 * 60,000 keys, 6 ROME items each, and one injected phrase whose share rises from 0.2% to 5%. Measures the
 * whole analysis (both passes, attachment of candidates) and checks the injected phrase comes first.
 */
async function syntheticRuntime(
  n: number,
  attacher: Awaited<ReturnType<typeof createPhraseAttacher>>,
  ref: Awaited<ReturnType<typeof createEngine>>["referential"],
) {
  const rnd = seedrandom("42"); // the same corpus on every run
  const vocab = Array.from({ length: 60_000 }, (_, i) => `w${i.toString(36)} x${(i * 7919).toString(36)}`);
  const items = [...ref.competences.keys()].slice(0, 3000);
  const fiches = [...ref.fiches.keys()].slice(0, 300);
  const docs: TrendDocument[] = [];
  const start = Date.UTC(2023, 0, 1);
  for (let i = 0; i < n; i++) {
    const month = Math.floor(rnd() * 36);
    const phrases: string[] = [];
    for (let k = 0; k < 120; k++) phrases.push(vocab[Math.floor(vocab.length * rnd() ** 3)]!);
    if (rnd() < 0.002 + (0.048 * month) / 35) phrases.push("zorblax agentiqu");
    docs.push({
      id: `s${i}`,
      kind: i % 5 === 0 ? "cv" : "offer",
      source: `src${i % 8}`,
      documentDate: new Date(start + month * 30.4 * 86_400_000 + rnd() * 20 * 86_400_000),
      metiers: [fiches[Math.floor(rnd() * fiches.length)]!],
      competences: Array.from({ length: 6 }, () => items[Math.floor(items.length * rnd() ** 2)]!),
      phrases,
      text: null,
    });
  }
  const t = performance.now();
  const r = await analyzeTrends(() => docs, trendOptions({ limit: 20 }), { referential: ref, attacher });
  const ms = performance.now() - t;
  return {
    documents: n,
    phrasesPerDoc: 120,
    analysisMs: Math.round(ms),
    under30s: ms < 30_000,
    injectedRank: r.emerging.findIndex((e) => e.key === "zorblax agentiqu") + 1,
    flagged: r.emerging.length,
    heapMB: Math.round(process.memoryUsage().heapUsed / 1e6),
  };
}

/**
 * The lake path at scale. Fills the trend aggregates of a throw-away schema with the counts N synthetic documents
 * would leave (SQL generate_series, seeded): 36 months, 60 domaines, 8 sources (4 spanning the 36 months, 4 short
 * collections of 6 months), a Zipf vocabulary of 60,000 phrases (document frequency 200,000·r^−0.8 at N = 1M,
 * ≤ 200 cells each, ~9 phrases a document), 2,000 ROME items, one made-up phrase rising inside the spanning sources.
 * Then: the analysis (SQL sums + worker), GET /v1/trends/emerging p50/p99 served from the stored analysis, and
 * the event loop's delay (a /ping route) while an analysis of other parameters runs.
 */
async function scaleBenchmark(n: number): Promise<void> {
  const url = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("SCALE needs DATABASE_URL (a PostgreSQL server)");
  // KEEP_SCHEMA=name keeps the filled aggregates between runs (the 1M fill is the slow part) and reuses them.
  const kept = process.env.KEEP_SCHEMA;
  const schema = kept ?? `bench_trends_${process.pid}`;
  const fakeEngine = { modelId: "bench", embedder: { dimension: 256 } } as unknown as LakeEngine;
  const lake = await openLake(
    { databaseUrl: url, lakeDir: path.join(os.tmpdir(), "unused"), cvRetentionDays: 0 },
    fakeEngine,
    { schema, retentionSweepMs: 0 },
  );
  const admin = new pg.Client({ connectionString: url, options: `-c search_path=${schema},public` });
  await admin.connect();
  const f = n / 1_000_000;
  try {
    const t0 = performance.now();
    const filled = kept !== undefined && (await admin.query("SELECT 1 FROM trend_totals LIMIT 1")).rows.length > 0;
    if (!filled) await fill(admin, f);
    // Analyses a kept schema stored in an earlier run would be served instead of computed (the event-loop phase
    // would measure nothing, and a stale one is refreshed in the background after this run ends): start without.
    else await admin.query("DELETE FROM trend_analyses");
    const sizes = (
      await admin.query<{ t: string; n: string }>(`SELECT 'totals' AS t, sum(documents)::text AS n FROM trend_totals
      UNION ALL SELECT 'phrase_rows', count(*)::text FROM trend_phrase_counts UNION ALL SELECT 'phrase_pairs', sum(documents)::text FROM trend_phrase_counts
      UNION ALL SELECT 'item_rows', count(*)::text FROM trend_item_counts`)
    ).rows;
    const fillMs = performance.now() - t0;
    const size = Object.fromEntries(sizes.map((r) => [r.t, Number(r.n)]));
    log(
      `aggregates of ${size.totals} synthetic documents ${filled ? "reused from schema " + schema : "filled"} in ${(fillMs / 1000).toFixed(1)} s: ${JSON.stringify(size)}`,
    );
    await analysisAndApi(lake, size, fillMs);
  } finally {
    if (kept === undefined) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
    await lake.close();
  }
}

/** The seeded synthetic aggregates of n·1M documents (see scaleBenchmark). */
async function fill(admin: pg.Client, f: number): Promise<void> {
  await admin.query("SELECT setseed(0.21)");
  await admin.query(`CREATE TEMP TABLE cells AS
      SELECT row_number() OVER () - 1 AS i, m, d, s FROM (
        SELECT m, d, s FROM generate_series(0, 35) m, generate_series(0, 59) d, generate_series(0, 7) s
        WHERE s < 4 OR m BETWEEN (s - 4) * 9 AND (s - 4) * 9 + 5) x`);
  await admin.query(`INSERT INTO trend_totals (period, domaine, source, kind, documents, with_items)
      SELECT (date '2023-01-01' + make_interval(months => m))::date, 'D' || lpad(d::text, 2, '0'), 'src' || s, 'offer', w, (w * 0.9)::int
      FROM (SELECT m, d, s, greatest(1, round(CASE WHEN s < 4 THEN ${600_000 * f} / 8640.0 ELSE ${400_000 * f} / 1440.0 END * (0.5 + random())))::int AS w FROM cells) t`);
  const cellCount = 10080;
  // A phrase is said beside ROME items in 0, ¼, ½, ¾ or all of its documents (the stated count of each cell).
  await admin.query(`INSERT INTO trend_phrase_counts (phrase, period, domaine, source, kind, documents, stated)
      SELECT phrase, (date '2023-01-01' + make_interval(months => c.m))::date, 'D' || lpad(((c.d % spread) + home) % 60 || '', 2, '0'), 'src' || c.s, 'offer', sum(per)::int, floor(sum(per * share))::int
      FROM (SELECT 'p' || r AS phrase, r % 60 AS home, 1 + r % 25 AS spread, greatest(1, (fr / k))::int AS per, k, (r % 5) * 0.25 AS share
            FROM (SELECT r, ${200_000 * f} / power(r, 0.8) AS fr, least(200, greatest(1, (${200_000 * f} / power(r, 0.8))::int)) AS k FROM generate_series(1, 60000) r) a) p
      CROSS JOIN LATERAL (SELECT floor(random() * ${cellCount})::int + 0 * k AS i FROM generate_series(1, p.k)) pick
      JOIN cells c ON c.i = pick.i
      GROUP BY 1, 2, 3, 4, 5`);
  // One phrase rising inside the spanning sources, in three domaines.
  await admin.query(`INSERT INTO trend_phrase_counts (phrase, period, domaine, source, kind, documents, stated)
      SELECT 'zorblax agentiqu', (date '2023-01-01' + make_interval(months => m))::date, 'D0' || d, 'src' || s, 'offer', n, n
      FROM (SELECT m, d, s, greatest(1, round(${f} * (1 + m * 1.5)))::int AS n
            FROM generate_series(0, 35) m, generate_series(5, 7) d, generate_series(0, 3) s) x`);
  await admin.query(`INSERT INTO trend_item_counts (code, period, domaine, source, kind, documents)
      SELECT code, (date '2023-01-01' + make_interval(months => c.m))::date, 'D' || lpad(c.d::text, 2, '0'), 'src' || c.s, 'offer', sum(per)::int
      FROM (SELECT 'I' || r AS code, greatest(1, (${50_000 * f} / power(r, 0.7) / 100))::int AS per FROM generate_series(1, 2000) r) p
      CROSS JOIN LATERAL (SELECT floor(random() * ${cellCount})::int AS i FROM generate_series(1, 100)) pick
      JOIN cells c ON c.i = pick.i GROUP BY 1, 2, 3, 4, 5`);
  await admin.query("ANALYZE trend_totals; ANALYZE trend_phrase_counts; ANALYZE trend_item_counts");
}

async function analysisAndApi(
  lake: Awaited<ReturnType<typeof openLake>>,
  size: Record<string, number>,
  fillMs: number,
): Promise<void> {
  const config = loadConfig();
  const analyses = new TrendAnalyses(lake, config);
  // Warm the worker (model and label embeddings load once per process) on a one-month window.
  const tw = performance.now();
  await analyses.refresh(TrendQuerySchema.parse({ from: "2025-11-01", to: "2025-12-01" }));
  const warmMs = performance.now() - tw;
  const q = TrendQuerySchema.parse({});
  const ta = performance.now();
  const a = await analyses.refresh(q);
  const analysisMs = performance.now() - ta;
  const r = a.report;
  log(
    `analysis of ${r.documents.total} documents: ${(analysisMs / 1000).toFixed(1)} s (worker warm-up ${(warmMs / 1000).toFixed(1)} s), ${r.tested} phrases tested, ${r.emerging.length} reported; injected rank ${r.emerging.findIndex((e) => e.key === "zorblax agentiqu") + 1}`,
  );

  // The API: requests served from the stored analysis; /ping measures the event loop during another analysis.
  const ref = loadReferential(config.romeDir);
  const auth = createAuth([{ key: "analyst-key-0123456789", roles: ["analyst"] }]);
  const app = express();
  app.get("/ping", (_req, res) => void res.json({ ok: true }));
  app.use(trendsRoutes({ config, engine: { referential: ref }, auth, lake } as unknown as AppContext));
  const server = app.listen(0);
  await new Promise((ok) => server.once("listening", ok));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const get = async (p: string) => {
    const t = performance.now();
    const res = await fetch(`${base}${p}`, { headers: { "x-api-key": "analyst-key-0123456789" } });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${p}: ${res.status}`);
    return performance.now() - t;
  };
  await get("/v1/trends/emerging"); // the route's own TrendAnalyses reads the stored analysis once
  const lat: number[] = [];
  for (let i = 0; i < 500; i++) lat.push(await get("/v1/trends/emerging"));
  const pings: number[] = [];
  let running = true;
  const other = get("/v1/trends/emerging?minSupport=30").finally(() => (running = false));
  while (running) {
    pings.push(await get("/ping"));
    await new Promise((ok) => setTimeout(ok, 20));
  }
  const otherMs = await other;
  // fetch keeps sockets alive: close them, or the server (and this process) would wait for their timeout.
  server.closeAllConnections();
  server.close();
  await analyses.close();
  const pct = (xs: number[], p: number) =>
    [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
  const out = {
    benchmark: "trends-scale",
    documents: size.totals,
    aggregates: {
      phraseRows: size.phrase_rows,
      phraseDocumentPairs: size.phrase_pairs,
      itemRows: size.item_rows,
      fillMs: Math.round(fillMs),
    },
    analysis: {
      ms: Math.round(analysisMs),
      under60s: analysisMs < 60_000,
      workerWarmupMs: Math.round(warmMs),
      tested: r.tested,
      reported: r.emerging.length,
      injectedRank: r.emerging.findIndex((e) => e.key === "zorblax agentiqu") + 1,
    },
    emerging: {
      requests: lat.length,
      p50Ms: round2(pct(lat, 0.5)),
      p99Ms: round2(pct(lat, 0.99)),
      p99Under50ms: pct(lat, 0.99) <= 50,
    },
    eventLoopDuringAnalysis: {
      analysisMs: Math.round(otherMs),
      pings: pings.length,
      pingP50Ms: round2(pct(pings, 0.5)),
      pingP99Ms: round2(pct(pings, 0.99)),
      pingMaxMs: round2(Math.max(...pings)),
    },
  };
  log(JSON.stringify(out, null, 2));
  console.log(JSON.stringify(out));
}

const round2 = (x: number) => round(x, 2);

// The trends route keeps its own analyses worker for the life of the service (the server ends with process.exit):
// once the figures are out, so does the benchmark.
main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
