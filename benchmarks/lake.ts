/**
 * Lake benchmark on the PostgreSQL server (DATABASE_URL, else the test database of scripts/setup-postgres.sh),
 * in a throw-away schema. Prints ONE JSON object on stdout (progress on stderr):
 * - ingest: dev offers through Lake.ingestBatch (embedding + engine.match + transactional write), documents/s, in
 *   three fresh slices: the engine alone then the store alone (replayed results), the engine in this thread, and a
 *   MatchPool of LAKE_BENCH_THREADS (default 2) engine threads;
 * - similar: GET-similar latency (Lake.similar: HNSW candidates + MC re-ranking + explanations) p50/p99 with
 *   LAKE_BENCH_DOCS (default 100,000) documents;
 * - recall@10 of the HNSW index against an exact scan, same queries;
 * - feedback: LAKE_BENCH_FEEDBACK (default 20,000) verdicts through Lake.addFeedbackBatch (verdicts/s), then
 *   feedbackStats over them (p50 of 5) and the labelled-offer export.
 * Targets (issue 4): ingest ≥ 200 offers/s; similar p50 ≤ 10 ms at 100k; recall@10 ≥ 0.95.
 *
 * Synthetic documents are perturbations of the real offers' embeddings (a mix of two offers plus Gaussian noise)
 * with their métiers and compétences, so that the vector space has the clusters real data has.
 * Env: LAKE_BENCH_OFFERS (dev offers to ingest, default 1,200), LAKE_BENCH_DOCS, LAKE_BENCH_QUERIES (default 300),
 * LAKE_BENCH_THREADS (default 2), LAKE_BENCH_BATCH (documents per batch, default 50), LAKE_BENCH_INFLIGHT (batches in
 * flight, default 2 as the CLI). The ingested offers are a seeded shuffle of the dev file, so that each slice has its mix.
 */
import "../src/text/quiet.js";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import seedrandom from "seedrandom";
import { quantile } from "./quantile.js";
import { loadConfig } from "../src/config.js";
import { openDb, parseVector, vectorParam } from "../src/lake/db.js";
import {
  DocumentBody,
  LAKE_LIMITS,
  lineToBody,
  toInput,
  type DocumentInput,
  type FeedbackInput,
  type Lake,
  type LakeEngine,
} from "../src/lake/index.js";
import { EF_SEARCH } from "../src/lake/store.js";
import { nearestIds } from "../src/lake/documents-read.js";
import { openLake } from "../src/ingest/index.js";
import { createEngine, MatchPool, pooled, type MatchResult } from "../src/match/index.js";
import { round } from "../src/numbers.js";

const OFFERS = Number(process.env.LAKE_BENCH_OFFERS ?? 1200);
const DOCS = Number(process.env.LAKE_BENCH_DOCS ?? 100_000);
const QUERIES = Number(process.env.LAKE_BENCH_QUERIES ?? 300);
const THREADS = Number(process.env.LAKE_BENCH_THREADS ?? 2);
/** Verdicts written (one per document, batches of 100) before timing the feedback figures and export. */
const FEEDBACK = Number(process.env.LAKE_BENCH_FEEDBACK ?? 20_000);
const WARM = 200;
/** Documents per ingestBatch call (the CLI's default is 50; the API's maximum 100). */
const BATCH = Number(process.env.LAKE_BENCH_BATCH ?? 50);
/** Batches in flight (the CLI keeps 2). */
const INFLIGHT = Number(process.env.LAKE_BENCH_INFLIGHT ?? 2);
const DATABASE_URL =
  process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://rome:rome@127.0.0.1:5432/rome_test";
const SCHEMA = "lake_bench";
const log = (...a: unknown[]) => console.error("[bench:lake]", ...a);

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const a = m.get(key(x));
    if (a) a.push(x);
    else m.set(key(x), [x]);
  }
  return m;
}
const r2 = (x: number) => round(x, 2);

/** Seeded random numbers so that runs are comparable: uniform, Gaussian (Box–Muller), integers below n. */
function rng(seed: string) {
  const next = seedrandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  return { next, gauss, int: (n: number) => Math.floor(next() * n) };
}

async function main() {
  const config = { ...loadConfig(), databaseUrl: DATABASE_URL, cvRetentionDays: 0 };
  const t0 = performance.now();
  const engine = await createEngine(config);
  log(`engine loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const admin = await openDb({ databaseUrl: DATABASE_URL, lakeDir: "unused" });
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin.close();
  const lake = await openLake(config, engine, { schema: SCHEMA, retentionSweepMs: 0 });
  const db = await openDb({ databaseUrl: DATABASE_URL, lakeDir: "unused", schema: SCHEMA, poolSize: 2 });

  // 1. Ingest the dev offers as the CLI would (batches of 50).
  const all: DocumentInput[] = [];
  for (const line of readFileSync(new URL("../../shared/eval/offers-dev.jsonl", import.meta.url), "utf8").split("\n")) {
    if (!line.trim()) continue;
    const p = DocumentBody.safeParse(lineToBody(JSON.parse(line) as Record<string, unknown>, {}));
    if (p.success) all.push(toInput(p.data));
  }
  // The dev file is ordered by collection, and collections differ in length (500 to 2,100 characters on average):
  // a seeded shuffle gives every slice the file's mix, so that the slices' figures compare.
  const order = rng("lake-ingest");
  for (let i = all.length - 1; i > 0; i--) {
    const j = order.int(i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  const offers = all.slice(0, OFFERS);
  // Warm-up outside the measure (JIT, word and stem caches) on offers that are not ingested.
  const warm = all.slice(OFFERS, OFFERS + WARM);
  for (const d of warm) await engine.match({ text: d.text, title: d.title, kind: d.kind });
  // Three slices of fresh documents (cold caches, like real traffic): (a) the engine alone, then the same documents
  // written by a lake whose engine replays those results (the store alone); (b) ingest with the engine in this
  // thread; (c) ingest with a MatchPool of THREADS engine threads (as `ingest --threads` and MATCH_THREADS do).
  const third = Math.floor(offers.length / 3);
  const [sliceA, sliceB, sliceC] = [
    offers.slice(0, third),
    offers.slice(third, 2 * third),
    offers.slice(2 * third, 3 * third),
  ];
  const runIngest = async (target: Lake, docs: DocumentInput[], label: string) => {
    const ti = performance.now();
    let created = 0;
    // INFLIGHT batches at once (two, as the CLI: one is matched while the other is written).
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < docs.length; i += BATCH) {
      const next = target
        .ingestBatch(docs.slice(i, i + BATCH))
        .then((res) => void (created += res.filter((x) => x.status === "created").length));
      next.catch(() => {}); // awaited below
      inflight.push(next);
      if (inflight.length >= INFLIGHT) await inflight.shift();
    }
    await Promise.all(inflight);
    const ms = performance.now() - ti;
    const out = { offers: docs.length, created, documentsPerSecond: r2(docs.length / (ms / 1000)) };
    log(label, out);
    return out;
  };
  const keyOf = (text: string) => text;
  const vectors = new Map<string, Float32Array>();
  const matches = new Map<string, MatchResult>();
  const te = performance.now();
  for (const d of sliceA) {
    const passage = d.title ? `${d.title}\n${d.text}` : d.text;
    vectors.set(keyOf(passage), (await engine.embedder.embed([passage], "passage"))[0]!);
    matches.set(
      keyOf(d.text),
      await engine.match({ text: d.text, title: d.title, kind: d.kind, topK: LAKE_LIMITS.maxMetiers, explain: false }),
    );
  }
  const engineMs = performance.now() - te;
  const replay: LakeEngine = {
    modelId: engine.modelId,
    referential: engine.referential,
    embedder: {
      dimension: engine.embedder.dimension,
      embed: async (texts) => texts.map((t) => vectors.get(keyOf(t))!),
    },
    match: async (input) => matches.get(keyOf(input.text))!,
  };
  const replayLake = await openLake(config, replay, { schema: SCHEMA, retentionSweepMs: 0 });
  const storeOnly = await runIngest(replayLake, sliceA, "store alone (replayed matches)");
  await replayLake.close();
  const single = await runIngest(lake, sliceB, "ingest (engine in this thread)");
  const ingest = {
    ...single,
    engineMsPerDocument: r2(engineMs / sliceA.length),
    storeOnlyDocumentsPerSecond: storeOnly.documentsPerSecond,
  };
  const pool = await MatchPool.start(config, THREADS);
  const pooledLake = await openLake(config, pooled(engine, pool), { schema: SCHEMA, retentionSweepMs: 0 });
  // Each thread sees what the in-thread engine saw before its slice (the warm-up set and slice A): its JIT, word and
  // stem caches are its own. Requests go to the least busy thread, so each round gives each thread about 1/THREADS.
  for (let k = 0; k < THREADS; k++)
    await Promise.all([...warm, ...sliceA].map((d) => pool.match({ text: d.text, title: d.title, kind: d.kind })));
  const ingestThreads = {
    threads: THREADS,
    ...(await runIngest(pooledLake, sliceC, `ingest (${THREADS} match threads)`)),
  };
  await pooledLake.close();
  await pool.close();

  // 2. Synthetic documents around the real ones, bulk-loaded with the HNSW index built afterwards (much faster).
  const base = (
    await db.query<{ id: string; embedding: string }>(
      "SELECT id, embedding::text AS embedding FROM documents WHERE embedding IS NOT NULL",
    )
  ).rows.map((r) => ({ id: r.id, v: parseVector(r.embedding)! }));
  const comps = await db.query<{
    document_id: string;
    code: string;
    kind: string;
    macro_competence: string | null;
    score: number;
  }>("SELECT document_id, code, kind, macro_competence, score FROM document_competences");
  const mets = await db.query<{ document_id: string; code: string; score: number; confidence: number }>(
    "SELECT document_id, code, score, confidence FROM document_metiers WHERE rank <= 3",
  );
  const compsOf = groupBy(comps.rows, (r) => r.document_id);
  const metsOf = groupBy(mets.rows, (r) => r.document_id);
  const dim = engine.embedder.dimension;
  const rand = rng("42");
  const toLoad = Math.max(0, DOCS - base.length);
  log(`bulk-loading ${toLoad} synthetic documents`);
  await db.query("DROP INDEX IF EXISTS documents_embedding_hnsw");
  const tl = performance.now();
  const CHUNK = 1000;
  for (let done = 0; done < toLoad; done += CHUNK) {
    const n = Math.min(CHUNK, toLoad - done);
    const ids: string[] = [],
      kinds: string[] = [],
      ext: string[] = [],
      dates: Date[] = [],
      embs: string[] = [];
    const cDoc: string[] = [],
      cCode: string[] = [],
      cKind: string[] = [],
      cMc: (string | null)[] = [],
      cScore: number[] = [];
    const mDoc: string[] = [],
      mRank: number[] = [],
      mCode: string[] = [],
      mScore: number[] = [],
      mConf: number[] = [];
    for (let k = 0; k < n; k++) {
      const a = base[rand.int(base.length)]!,
        b = base[rand.int(base.length)]!;
      const v = new Float32Array(dim);
      let norm = 0;
      for (let d = 0; d < dim; d++) {
        v[d] = 0.75 * a.v[d]! + 0.25 * b.v[d]! + (0.35 * rand.gauss()) / Math.sqrt(dim);
        norm += v[d]! * v[d]!;
      }
      for (let d = 0; d < dim; d++) v[d]! /= Math.sqrt(norm);
      const id = randomUUID();
      ids.push(id);
      kinds.push(rand.next() < 0.5 ? "cv" : "offer");
      ext.push(`syn-${done + k}`);
      dates.push(new Date(Date.UTC(2023, 0, 1) + rand.int(3 * 365) * 86_400_000));
      embs.push(vectorParam(v)!);
      for (const c of (compsOf.get(a.id) ?? []).filter(() => rand.next() < 0.7)) {
        (cDoc.push(id), cCode.push(c.code), cKind.push(c.kind), cMc.push(c.macro_competence), cScore.push(c.score));
      }
      (metsOf.get(a.id) ?? []).forEach((m, i) => {
        (mDoc.push(id), mRank.push(i + 1), mCode.push(m.code), mScore.push(m.score), mConf.push(m.confidence));
      });
    }
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO documents (id, kind, source, external_id, document_date, content_hash, model, rome_version, embedding)
         SELECT i, k, 'synthetic', e, d, 'synthetic', $6, $7, v::vector FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) AS t(i, k, e, d, v)`,
        [ids, kinds, ext, dates, embs, engine.modelId, engine.referential.version],
      );
      await tx.query(
        "INSERT INTO document_competences SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::real[])",
        [cDoc, cCode, cKind, cMc, cScore],
      );
      await tx.query(
        "INSERT INTO document_metiers SELECT * FROM unnest($1::uuid[], $2::smallint[], $3::text[], $4::real[], $5::real[])",
        [mDoc, mRank, mCode, mScore, mConf],
      );
    });
    if ((done / CHUNK) % 10 === 0) log(`loaded ${done + n}/${toLoad}`);
  }
  const loadMs = performance.now() - tl;
  const tb = performance.now();
  await db.transaction(async (tx) => {
    await tx.query("SET LOCAL maintenance_work_mem = '1GB'");
    await tx.query("SET LOCAL max_parallel_maintenance_workers = 2");
    await tx.query(
      "CREATE INDEX documents_embedding_hnsw ON documents USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)",
    );
  });
  await db.query("ANALYZE documents");
  await db.query("ANALYZE document_metiers");
  await db.query("ANALYZE document_competences");
  const indexMs = performance.now() - tb;
  const total = Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM documents")).rows[0]!.n);
  log(`${total} documents; load ${(loadMs / 1000).toFixed(1)} s, HNSW build ${(indexMs / 1000).toFixed(1)} s`);

  // 3. Similar latency: CV → offers (the advisor's query), with and without a métier filter.
  const queries = (
    await db.query<{ id: string; embedding: string; metier: string | null }>(
      `SELECT d.id, d.embedding::text AS embedding, (SELECT code FROM document_metiers m WHERE m.document_id = d.id ORDER BY rank LIMIT 1) AS metier
     FROM documents d WHERE kind = 'cv' AND embedding IS NOT NULL ORDER BY md5(id::text) LIMIT $1`,
      [QUERIES],
    )
  ).rows;
  for (const q of queries.slice(0, 30)) await lake.similar(q.id, { kind: "offer", topK: 10 }); // warm caches
  const lat: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    const r = await lake.similar(q.id, { kind: "offer", topK: 10 });
    lat.push(performance.now() - t);
    if (!r || r.results.length !== 10) throw new Error(`similar returned ${r?.results.length} results`);
  }
  const latF: number[] = [];
  for (const q of queries.filter((x) => x.metier)) {
    const t = performance.now();
    await lake.similar(q.id, { kind: "offer", topK: 10, metier: q.metier! });
    latF.push(performance.now() - t);
  }

  // 4. Recall@10 of the index vs an exact scan, same query vectors.
  let hit = 0;
  const annLat: number[] = [];
  for (const q of queries) {
    const v = parseVector(q.embedding)!;
    const t = performance.now();
    const ann = await nearestIds(db, v, "offer", 10, false);
    annLat.push(performance.now() - t);
    const exact = new Set(await nearestIds(db, v, "offer", 10, true));
    hit += ann.filter((id) => exact.has(id)).length;
  }
  const recall = hit / (queries.length * 10);

  // 5. Feedback at scale: verdicts written through the API's batch path, then the analysts' figures and the export.
  const judged = (
    await db.query<{ id: string; codes: string[] }>(
      `SELECT d.id, array_agg(m.code ORDER BY m.rank) AS codes FROM documents d JOIN document_metiers m ON m.document_id = d.id
     GROUP BY d.id ORDER BY md5(d.id::text) LIMIT $1`,
      [FEEDBACK],
    )
  ).rows;
  const fr = rng("lake-feedback");
  const verdicts: FeedbackInput[] = judged.map(({ id, codes }) => {
    const x = fr.next();
    // Mostly confirmations of the first code, some corrections to the second, some bare "wrong".
    if (x < 0.6 || codes.length < 2) return { documentId: id, code: codes[0]!, verdict: "right" };
    return x < 0.9
      ? { documentId: id, code: codes[0]!, verdict: "wrong", correctCode: codes[1]! }
      : { documentId: id, code: codes[0]!, verdict: "wrong" };
  });
  const tf = performance.now();
  for (let i = 0; i < verdicts.length; i += LAKE_LIMITS.maxFeedbackBatch)
    await lake.addFeedbackBatch(verdicts.slice(i, i + LAKE_LIMITS.maxFeedbackBatch));
  const feedbackWriteMs = performance.now() - tf;
  await db.query("ANALYZE document_feedback");
  const statsLat: number[] = [];
  let stats = await lake.feedbackStats();
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    stats = await lake.feedbackStats();
    statsLat.push(performance.now() - t);
  }
  const tx0 = performance.now();
  let exported = 0;
  for await (const _ of lake.labelledOffers()) exported++;
  const exportMs = performance.now() - tx0;
  log("feedback", { verdicts: verdicts.length, statsMsP50: r2(quantile(statsLat, 0.5)), exported });

  const out = {
    benchmark: "lake",
    backend: "postgres",
    postgres: (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v,
    pgvector: (await db.query<{ v: string }>("SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'"))
      .rows[0]!.v,
    model: engine.modelId,
    romeVersion: engine.referential.version,
    ingest,
    ingestThreads,
    documents: total,
    bulkLoadSeconds: r2(loadMs / 1000),
    hnswBuildSeconds: r2(indexMs / 1000),
    hnsw: { m: 16, efConstruction: 64, efSearch: EF_SEARCH },
    similar: {
      queries: queries.length,
      topK: 10,
      p50Ms: r2(quantile(lat, 0.5)),
      p99Ms: r2(quantile(lat, 0.99)),
      withMetierFilter: { queries: latF.length, p50Ms: r2(quantile(latF, 0.5)), p99Ms: r2(quantile(latF, 0.99)) },
      annOnly: { p50Ms: r2(quantile(annLat, 0.5)), p99Ms: r2(quantile(annLat, 0.99)) },
    },
    recallAt10: Math.round(recall * 10_000) / 10_000,
    feedback: {
      verdicts: verdicts.length,
      verdictsPerSecond: r2(verdicts.length / (feedbackWriteMs / 1000)),
      statsMsP50: r2(quantile(statsLat, 0.5)),
      answers: stats.answers.documents,
      top1: stats.answers.top1,
      exportedOffers: exported,
      exportSeconds: r2(exportMs / 1000),
    },
    targets: { ingestPerSecond: 200, similarP50Ms: 10, recallAt10: 0.95 },
    met: {
      ingest: Math.max(ingest.documentsPerSecond, ingestThreads.documentsPerSecond) >= 200,
      similarP50: quantile(lat, 0.5) <= 10,
      recall: recall >= 0.95,
    },
  };
  await lake.close();
  if (process.env.LAKE_BENCH_KEEP !== "1") await db.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await db.close();
  console.log(JSON.stringify(out));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
