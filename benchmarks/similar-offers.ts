/**
 * Issue 20 part 6, in process: how often the lake's `similar` ranking puts offers of the same ROME code among an
 * offer's 10 nearest offers. Replays `similarDocuments` without a database: each offer's document vector (title and
 * text, "passage" side, as ingest embeds it), the 40 nearest offers by that vector (exact, where the lake asks its
 * HNSW index), re-ranked by `combinedScore` of the vector and the IDF-weighted MC overlap of the compétences a match
 * reports (what the lake stores). Every k-th dev offer, so that the sample spreads over the file.
 *   npm run bench:similar-offers -- [--n 1200]
 * Prints one JSON object: the same-code share of the 10 nearest by vector alone and after the MC re-ranking.
 */
import "../src/text/quiet.js";
import path from "node:path";
import { loadConfig, REPO_ROOT } from "../src/config.js";
import { dot } from "../src/embed/index.js";
import { combinedScore, mcOverlap } from "../src/lake/score.js";
import { createEngine } from "../src/match/index.js";
import { readOffers } from "../src/sources/index.js";
import { parseFlags } from "../src/cli/command.js";

const { flags } = parseFlags(process.argv.slice(2));
const n = Number(flags.get("n") ?? 1200);
const all = readOffers(path.resolve(REPO_ROOT, "..", "shared", "eval", "offers-dev.jsonl"));
const step = Math.max(1, Math.floor(all.length / n));
const offers = all.filter((_, i) => i % step === 0).slice(0, n);
const engine = await createEngine(loadConfig());
const vecs = await engine.embedder.embed(
  offers.map((o) => (o.intitule ? `${o.intitule}\n${o.description ?? ""}` : (o.description ?? ""))),
  "passage",
);
const mcs: Set<string>[] = [];
for (const o of offers) {
  const m = await engine.match({
    text: o.description ?? "",
    title: o.intitule ?? undefined,
    kind: "offer",
    topK: 10,
    explain: false,
  });
  mcs.push(new Set(m.skills.flatMap((s) => (s.kind === "competence" && s.macroCompetence ? [s.macroCompetence] : []))));
}
const idf = (mc: string) => engine.referential.mcIdf(mc);
const sameShare = (i: number, js: readonly number[]) =>
  js.filter((j) => offers[j]!.romeCode === offers[i]!.romeCode).length / js.length;
let vectorOnly = 0;
let similar = 0;
for (let i = 0; i < offers.length; i++) {
  const near = offers
    .map((_, j) => ({ j, v: j === i ? -2 : dot(vecs[i]!, vecs[j]!) }))
    .sort((a, b) => b.v - a.v || a.j - b.j)
    .slice(0, 40);
  vectorOnly += sameShare(
    i,
    near.slice(0, 10).map((x) => x.j),
  );
  const ranked = near
    .map((x) => ({
      j: x.j,
      total: combinedScore(Math.max(0, Math.min(1, x.v)), mcOverlap(mcs[i]!, "offer", mcs[x.j]!, "offer", idf)),
    }))
    .sort((a, b) => b.total - a.total || a.j - b.j);
  similar += sameShare(
    i,
    ranked.slice(0, 10).map((x) => x.j),
  );
}
const r4 = (x: number) => Math.round(x * 10000) / 10000;
console.log(
  JSON.stringify({
    benchmark: "similar-offers",
    offers: offers.length,
    sameCodeTop10: { vectorOnly: r4(vectorOnly / offers.length), similar: r4(similar / offers.length) },
    offersWithMacroCompetences: mcs.filter((s) => s.size > 0).length,
  }),
);
