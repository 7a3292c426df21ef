/**
 * HNSW recall@10 against the exact scan, and query latency of both, for the three ROME indexes:
 *   npm run bench:recall -- [--queries N]
 * Queries are real offer titles and description lines from the dev set. Prints one JSON object.
 */
import "../src/text/quiet.js";
import { DEV_OFFERS, loadConfig } from "../src/config.js";
import { createEngine } from "../src/match/index.js";
import { readOffers } from "../src/sources/index.js";
import { segment } from "../src/text/index.js";
import { parseFlags } from "../src/cli/command.js";
import { round } from "../src/numbers.js";

const { flags } = parseFlags(process.argv.slice(2));
const n = Number(flags.get("queries") ?? 1000);
const engine = await createEngine(loadConfig());
const offers = readOffers(DEV_OFFERS);
const texts: string[] = [];
for (const o of offers) {
  if (texts.length >= n) break;
  if (o.intitule) texts.push(o.intitule);
  const u = segment(o.description ?? "")[1];
  if (u) texts.push(u.text);
}
const vecs = (await engine.embedder.embed(texts.slice(0, n))).filter((v) => v.some((x) => x !== 0));
const median = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? 0;
const out: Record<string, unknown> = {};
for (const [name, idx] of Object.entries(engine.indexes)) {
  let hits = 0;
  let strict = 0;
  const tH: number[] = [];
  const tE: number[] = [];
  for (const q of vecs) {
    let t = performance.now();
    const approx = idx.search(q, 10);
    tH.push(performance.now() - t);
    t = performance.now();
    const exact = idx.exact(q, 10);
    tE.push(performance.now() - t);
    // Tie-aware: the static model maps labels made of the same words to the same vector, so the exact
    // top-10 is not unique; an approximate hit counts when it scores at least the exact 10th score.
    const ids = new Set(exact.map((h) => h.id));
    const tenth = exact[exact.length - 1]?.score ?? 1;
    hits += approx.filter((h) => ids.has(h.id) || h.score >= tenth - 1e-6).length;
    strict += approx.filter((h) => ids.has(h.id)).length;
  }
  out[name] = {
    size: idx.size,
    recallAt10: round(hits / (vecs.length * 10), 4),
    recallAt10IdsOnly: round(strict / (vecs.length * 10), 4),
    hnswMsP50: +median(tH).toFixed(4),
    exactMsP50: +median(tE).toFixed(4),
    params: idx.params,
  };
}
console.log(JSON.stringify({ benchmark: "hnsw-recall", queries: vecs.length, ...out }));
