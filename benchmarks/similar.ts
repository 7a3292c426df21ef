/**
 * How well the lake's `similar` finds offers of the same métier (issue 20, part 6: no labelled CV ↔ offer pairs
 * exist, so offer → offers stands in for it):
 *   npm run bench:similar -- [--limit N] [--queries 600]
 * Ingests the dev offers (first `--limit`, default all) into a throw-away schema of the PostgreSQL lake
 * (DATABASE_URL, else the test database of scripts/setup-postgres.sh), then asks `similar` (offer → offers, 50
 * nearest) for a seeded sample of `--queries` offers. A neighbour whose title and text equal the query's (a reposted
 * offer) is left out: finding a copy says nothing of understanding. Figures: the share of the 10 nearest that carry
 * the query's ROME code (the recruiter's, from the file), and the same among neighbours of other sources only
 * (conventions of a collection do not help there), for the served order (SIMILAR_WEIGHTS), and for the served 50
 * re-ordered by the former weights (0.6 vector + 0.4 MC overlap), by vector alone, by MC overlap alone and by the
 * agreement of the two offers' predicted métiers alone (bounded by the served selection: compare weights across
 * runs through `served`);
 * `servedTopK10` is the share among what a caller asking 10 gets (the lake fetches fewer candidates then).
 * The engine runs without labelled offers unless LABELLED_OFFERS is set (see below).
 * Prints one JSON object on stdout (progress on stderr).
 */
import "../src/text/quiet.js";
import path from "node:path";
import { DEV_OFFERS, loadConfig } from "../src/config.js";
import { openDb } from "../src/lake/db.js";
import { SIMILAR_WEIGHTS, type DocumentInput, type SimilarDocument } from "../src/lake/index.js";
import { openLake } from "../src/ingest/index.js";
import { createEngine } from "../src/match/index.js";
import { readOffers } from "../src/sources/index.js";
import { parseFlags } from "../src/cli/command.js";
import { seededRandom } from "../src/tuning/index.js";
import { round } from "../src/numbers.js";

const { flags } = parseFlags(process.argv.slice(2));
const file = flags.get("offers") ?? DEV_OFFERS;
const limit = flags.has("limit") ? Number(flags.get("limit")) : undefined;
const queries = Number(flags.get("queries") ?? 600);
const DATABASE_URL =
  process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://rome:rome@127.0.0.1:5432/rome_test";
const SCHEMA = "similar_bench";
const BATCH = 50;
const K = 10;
const log = (...a: unknown[]) => console.error("[bench:similar]", ...a);

// No labelled-offer memory unless asked (LABELLED_OFFERS): the dev offers are the default memory, and an offer
// matched with its own label in memory would make the predicted métiers an answer key.
const config = {
  ...loadConfig({ ...process.env, LABELLED_OFFERS: process.env.LABELLED_OFFERS ?? "none" }),
  databaseUrl: DATABASE_URL,
  cvRetentionDays: 0,
};
const engine = await createEngine(config);
const admin = await openDb({ databaseUrl: DATABASE_URL, lakeDir: "unused" });
await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
await admin.close();
const lake = await openLake(config, engine, { schema: SCHEMA, retentionSweepMs: 0 });

const offers = readOffers(file, limit).filter((o) => (o.description ?? "").trim());
const source = (o: (typeof offers)[number]) => o.source_dataset ?? "unknown";
const docs: DocumentInput[] = offers.map((o) => ({
  kind: "offer",
  source: source(o),
  externalId: o.id,
  title: o.intitule ?? undefined,
  text: o.description!,
  documentDate: o.dateCreation ? new Date(o.dateCreation) : undefined,
}));
const byKey = new Map(offers.map((o) => [`${source(o)}\u0000${o.id}`, o]));
const idOf = new Map<string, string>();
const t0 = performance.now();
for (let i = 0; i < docs.length; i += BATCH) {
  const batch = docs.slice(i, i + BATCH);
  const res = await lake.ingestBatch(batch);
  res.forEach((r, k) => {
    if ("id" in r && r.id) idOf.set(`${batch[k]!.source}\u0000${batch[k]!.externalId}`, r.id);
  });
  if ((i / BATCH) % 10 === 0) log(`${i + batch.length}/${docs.length} ingested`);
}
log(`ingested ${idOf.size} offers in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

const textKey = (o: (typeof offers)[number]) => `${o.intitule ?? ""}\u0000${o.description ?? ""}`;
const rand = seededRandom(20);
const keys = [...idOf.keys()];
for (let i = keys.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [keys[i], keys[j]] = [keys[j]!, keys[i]!];
}
const ORDERS = {
  served: (d: SimilarDocument) => d.score.total,
  vectorAndMc: (d: SimilarDocument) => 0.6 * d.score.vector + 0.4 * d.score.mcOverlap,
  vectorOnly: (d: SimilarDocument) => d.score.vector,
  mcOnly: (d: SimilarDocument) => d.score.mcOverlap + 1e-6 * d.score.vector,
  metiersOnly: (d: SimilarDocument) => d.score.metiers + 1e-6 * d.score.vector,
} as const;
type Order = keyof typeof ORDERS;
const sums = Object.fromEntries(Object.keys(ORDERS).map((k) => [k, { all: 0, otherSources: 0 }])) as Record<
  Order,
  { all: number; otherSources: number }
>;
let asked = 0;
let servedTop10 = 0;
let withOther = 0;
let noSkills = 0;
for (const key of keys.slice(0, queries)) {
  const q = byKey.get(key)!;
  const r = await lake.similar(idOf.get(key)!, { kind: "offer", topK: 50 });
  if (!r) continue;
  const near = r.results.filter((d) => {
    const o = byKey.get(`${d.source}\u0000${d.externalId}`);
    return o !== undefined && textKey(o) !== textKey(q);
  });
  if (near.length === 0) continue;
  asked++;
  if (near.every((d) => d.score.mcOverlap === 0)) noSkills++;
  const sameShare = (list: SimilarDocument[]) =>
    list.length === 0
      ? 0
      : list.filter((d) => byKey.get(`${d.source}\u0000${d.externalId}`)!.romeCode === q.romeCode).length / list.length;
  const asUsers = (await lake.similar(idOf.get(key)!, { kind: "offer", topK: K }))!.results.filter((d) => {
    const o = byKey.get(`${d.source}\u0000${d.externalId}`);
    return o !== undefined && textKey(o) !== textKey(q);
  });
  servedTop10 += sameShare(asUsers);
  const other = near.filter((d) => d.source !== source(q));
  if (other.length) withOther++;
  for (const [name, score] of Object.entries(ORDERS) as [Order, (d: SimilarDocument) => number][]) {
    const sorted = [...near].sort((a, b) => score(b) - score(a));
    sums[name].all += sameShare(sorted.slice(0, K));
    if (other.length) sums[name].otherSources += sameShare(sorted.filter((d) => d.source !== source(q)).slice(0, K));
  }
}
await lake.close();
const r3 = (x: number) => round(x, 3);
console.log(
  JSON.stringify({
    benchmark: "lake-similar-offers",
    file: path.basename(file),
    ingested: idOf.size,
    queries: asked,
    weights: SIMILAR_WEIGHTS,
    queriesWithoutSharedMc: noSkills,
    servedTopK10: r3(servedTop10 / Math.max(1, asked)),
    sameCodeAt10: Object.fromEntries(
      Object.entries(sums).map(([k, v]) => [
        k,
        { all: r3(v.all / Math.max(1, asked)), otherSources: r3(v.otherSources / Math.max(1, withOther)) },
      ]),
    ),
  }),
);
process.exit(0);
