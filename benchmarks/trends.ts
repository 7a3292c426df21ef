/**
 * Emerging-compétence benchmark (issue 5).
 *   npm run bench:trends              # dev offers + 100k synthetic runtime
 *   OFFERS=path.jsonl SYNTHETIC=20000 npm run bench:trends
 * Prints human-readable tables, then ONE JSON object on the last line.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import seedrandom from "seedrandom";
import { loadConfig } from "../src/config.js";
import { createEngine } from "../src/match/index.js";
import { readOffers } from "../src/sources/index.js";
import { createCoverageChecker } from "../src/match/uncovered.js";
import {
  analyzeTrends,
  createPhraseAttacher,
  offersToTrendDocuments,
  trendOptions,
  type TrendDocument,
  type TrendReport,
} from "../src/trends/index.js";

const config = loadConfig();
const offersFile = process.env.OFFERS ?? path.resolve(config.romeDir, "..", "..", "eval", "offers-dev.jsonl");
const syntheticN = Number(process.env.SYNTHETIC ?? 100_000);
const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
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
  const cacheFile = path.join(os.tmpdir(), `rome-match-trends-skills-${createHash("sha1").update(`${offersFile}:${st.size}:${st.mtimeMs}:${ref.version}:${engine.modelId}`).digest("hex").slice(0, 12)}.json`);
  const cache: Record<string, { code: string; evidence: { start: number; end: number }[] }[]> = existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, "utf8")) as typeof cache) : {};
  const hadCache = Object.keys(cache).length > 0;
  const docs = await offersToTrendDocuments(offers, {
    checker,
    extractSkills: async (t) => {
      const k = createHash("sha1").update(t).digest("hex");
      return (cache[k] ??= (await engine.extractSkills(t)).map((s) => ({ code: s.code, evidence: s.evidence.map(({ start, end }) => ({ start, end })) })));
    },
  });
  if (!hadCache) writeFileSync(cacheFile, JSON.stringify(cache));
  const extractMs = performance.now() - t1;
  log(`${docs.length} offers → trend documents in ${(extractMs / 1000).toFixed(1)} s${hadCache ? " (engine skills from cache " + cacheFile + ")" : ""}`);
  if (process.env.DOCS_ONLY) return;
  const source = () => docs;

  // Per year: everything before 1 January of Y is the baseline, Y itself the recent part.
  const years = [...new Set(docs.map((d) => d.documentDate.getUTCFullYear()))].sort();
  const perYear: Record<string, unknown> = {};
  for (const y of years) {
    const o = trendOptions({ from: new Date(Date.UTC(years[0]!, 0, 1)), split: new Date(Date.UTC(y, 0, 1)), to: new Date(Date.UTC(y + 1, 0, 1)), limit: 10 });
    const r = await analyzeTrends(source, o, { referential: ref, attacher });
    // The same without stratification, to show how much of a naive "rise" is a change of job mix / collection.
    const naive = await analyzeTrends(source, { ...o, stratify: false, limit: 5 }, { referential: ref, attacher });
    perYear[y] = { ...summarise(r), unstratifiedTop: naive.emerging.map((e) => `${e.label} (${e.figures.baseline}→${e.figures.recent})`) };
    log(`\n== ${y}: ${r.status} (${r.documents.baseline} baseline / ${r.documents.recent} recent docs, ${r.tested} phrases tested) ${r.message ?? ""}`);
    for (const e of r.emerging) {
      const f = e.figures;
      log(`  ${e.label.padEnd(32)} ${String(f.baseline).padStart(4)}→${String(f.recent).padEnd(4)} share ${(f.baselineShare * 100).toFixed(1)}%→${(f.recentShare * 100).toFixed(1)}% RR≥${f.rateRatioBound.toFixed(1)} q=${f.qValue.toExponential(1)} src=${f.sources} MC: ${e.attachment.macroCompetence?.libelle ?? "-"} [${e.attachment.attachedBy}] métiers: ${e.metiers.slice(0, 2).map((m) => m.code).join(",")}`);
    }
    log(`   (unstratified would flag: ${naive.emerging.map((e) => e.label).join(", ") || "-"})`);
  }

  // ROME's own "Émergente" fiche items: how many does the detector see rising in the offers?
  const full = await analyzeTrends(source, trendOptions({ limit: 10 }), { referential: ref });
  const risingItems = new Set(full.items.rising.map((i) => i.code));
  const yearlyRising = new Set<string>();
  for (const y of years) {
    const o = trendOptions({ from: new Date(Date.UTC(years[0]!, 0, 1)), split: new Date(Date.UTC(y, 0, 1)), to: new Date(Date.UTC(y + 1, 0, 1)), limit: 1 });
    const r = await analyzeTrends(source, o, { referential: ref });
    for (const i of r.items.rising) yearlyRising.add(i.code);
  }
  const emergentePairs: { fiche: string; code: string }[] = [];
  for (const f of ref.fiches.values())
    for (const l of [...f.competences, ...f.savoirs, ...f.macroCompetences]) if (l.coeurMetier === "emergente") emergentePairs.push({ fiche: f.code, code: l.code });
  const emergenteItems = new Set(emergentePairs.map((p) => p.code));
  const seenItems = new Set(docs.flatMap((d) => d.competences));
  const emergente = {
    pairs: emergentePairs.length,
    distinctItems: emergenteItems.size,
    itemsSeenInOffers: [...emergenteItems].filter((c) => seenItems.has(c)).length,
    itemsSignificantEitherWay: [...emergenteItems].filter((c) => full.items.rising.some((i) => i.code === c) || full.items.falling.some((i) => i.code === c)).length,
    pairsRankedRisingFullWindow: emergentePairs.filter((p) => risingItems.has(p.code)).length,
    itemsRankedRisingFullWindow: [...emergenteItems].filter((c) => risingItems.has(c)).length,
    pairsRankedRisingAnyYear: emergentePairs.filter((p) => yearlyRising.has(p.code)).length,
    itemsRankedRisingAnyYear: [...emergenteItems].filter((c) => yearlyRising.has(c)).length,
    risingItemsFullWindow: full.items.rising.length,
    fallingItemsFullWindow: full.items.falling.length,
    fullWindowSplit: full.window.split,
  };
  log(`\nROME "Émergente": ${JSON.stringify(emergente)}`);
  log(`top rising ROME items (full window): ${full.items.rising.slice(0, 8).map((i) => `${i.libelle} (${i.figures.baseline}→${i.figures.recent})`).join("; ")}`);
  log(`top falling ROME items: ${full.items.falling.slice(0, 5).map((i) => `${i.libelle} (${i.figures.baseline}→${i.figures.recent})`).join("; ")}`);

  const runtime = await syntheticRuntime(syntheticN, attacher, ref);
  log(`\nsynthetic: ${JSON.stringify(runtime)}`);

  console.log(
    JSON.stringify({
      benchmark: "trends",
      offersFile: path.basename(offersFile),
      documents: docs.length,
      extraction: { ms: Math.round(extractMs), msPerOffer: Math.round((extractMs / docs.length) * 100) / 100 },
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
      rrLower: Math.round(e.figures.rateRatioBound * 10) / 10,
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
async function syntheticRuntime(n: number, attacher: Awaited<ReturnType<typeof createPhraseAttacher>>, ref: Awaited<ReturnType<typeof createEngine>>["referential"]) {
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
    if (rnd() < 0.002 + (0.048 * month) / 35) phrases.push("maintenanc eolien offshor");
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
  return { documents: n, phrasesPerDoc: 120, analysisMs: Math.round(ms), under30s: ms < 30_000, injectedRank: r.emerging.findIndex((e) => e.key === "maintenanc eolien offshor") + 1, flagged: r.emerging.length, heapMB: Math.round(process.memoryUsage().heapUsed / 1e6) };
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
