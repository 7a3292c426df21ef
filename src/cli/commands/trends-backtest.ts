import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import seedrandom from "seedrandom";
import { loadConfig } from "../../config.js";
import { round } from "../../numbers.js";
import { createEngine } from "../../match/index.js";
import { createCoverageChecker } from "../../match/index.js";
import { loadReferential } from "../../rome/index.js";
import { readOffers } from "../../sources/index.js";
import {
  backtestFigures,
  byFrequency,
  countCells,
  detectEmerging,
  createLexicalCoverage,
  createPhraseAttacher,
  createPhraseCoverage,
  keyHalf,
  mainContentOf,
  nestedFragments,
  praiseOnly,
  proseVocabulary,
  termLike,
  offersToTrendDocuments,
  phraseStats,
  rankScore,
  RANKING,
  statedShare,
  wholeShare as wholeShareOf,
  restrictToFichesOf,
  termhoodOf,
  shuffleDatesWithinSource,
  trendOptions,
  TREND_DEFAULTS,
  wellFormedPhrase,
  type Covering,
  type PhraseAttacher,
  type ScoredPhrase,
  type TrendDocument,
} from "../../trends/index.js";
import { defineCommand, UsageError } from "../command.js";

const USAGE = `trends-backtest --old DIR --new DIR --offers FILE[,FILE…] [--json] [--detector both|counts|trend|salience] [--seed S]
        [--min-support N] [--min-sources N] [--min-effective-sources X] [--candidates terms|all] [--sources NAME,…] [--dump FILE]`;

type Part = "both" | "counts" | "trend" | "salience";
type Detector = (
  docs: readonly TrendDocument[],
) => Promise<Map<string, { score: number; flagged: boolean; tier?: number; trendScore?: number; rising?: boolean }>>;

/**
 * Backtest on a real ROME update: offers read with the OLD referential (skills, uncovered phrases), the detector's
 * ranking of emerging phrases, and for each whether the NEW referential covers it (issue 21, docs/trends.md).
 */
export const trendsBacktestCommand = defineCommand({
  name: "trends-backtest",
  summary: "Backtest emerging phrases: read offers with an old ROME, check which flagged phrases a newer ROME covers",
  usage: USAGE,
  async run({ flags }) {
    const oldDir = flags.get("old");
    const newDir = flags.get("new");
    const offersArg = flags.get("offers");
    if (!oldDir || !newDir || !offersArg) throw new UsageError("--old, --new and --offers are required", true);
    const minSupport = Number(flags.get("min-support") ?? TREND_DEFAULTS.minSupport);
    const minSources = Number(flags.get("min-sources") ?? TREND_DEFAULTS.minSources);
    if (!Number.isInteger(minSupport) || minSupport < 2 || !Number.isInteger(minSources) || minSources < 1)
      throw new UsageError("--min-support must be an integer ≥ 2 and --min-sources ≥ 1", true);
    // Effective sources a widespread phrase needs (the detector's 2 when unset): an exploration knob, not a default.
    const minEffectiveSources = flags.has("min-effective-sources")
      ? Number(flags.get("min-effective-sources"))
      : undefined;
    if (minEffectiveSources !== undefined && !(minEffectiveSources >= 1))
      throw new UsageError("--min-effective-sources must be a number ≥ 1", true);
    const detectorName = flags.get("detector") ?? "both";
    if (detectorName !== "both" && detectorName !== "counts" && detectorName !== "trend" && detectorName !== "salience")
      throw new UsageError("--detector must be both, counts, trend or salience", true);
    const candidateRule = flags.get("candidates") ?? "terms";
    if (candidateRule !== "terms" && candidateRule !== "all")
      throw new UsageError("--candidates must be terms or all", true);
    const onlySources = flags.get("sources")?.split(",").filter(Boolean);
    const files = offersArg
      .split(",")
      .map((f) => f.trim())
      .filter(Boolean);
    const log = (s: string) => process.stderr.write(`${s}\n`);
    const config = { ...loadConfig(), romeDir: oldDir, labelledOffers: undefined, escoCrosswalk: undefined };
    const engine = await createEngine(config);
    const oldRef = engine.referential;
    const newRef = restrictToFichesOf(loadReferential(newDir), oldRef);
    log(
      `old ${oldRef.version} (${oldRef.fiches.size} fiches), new ${newRef.version}: ${newRef.fiches.size} fiches kept, ${newRef.competences.size} compétences, ${newRef.savoirs.size} savoirs, ${newRef.appellations.size} appellations`,
    );

    const allDocs = await cachedDocuments(files, engine, log);
    // --sources: the documents of some sources only (a held-out half: the rules are set on one, checked on the other).
    const docs = onlySources ? allDocs.filter((d) => onlySources.includes(d.source)) : allDocs;
    log(
      `${docs.length} dated offers read with ${oldRef.version}${onlySources ? ` (sources ${onlySources.join(", ")})` : ""}`,
    );
    const [oldAttacher, newAttacher] = await Promise.all([
      createPhraseAttacher(oldRef, engine.embedder),
      createPhraseAttacher(newRef, engine.embedder),
    ]);

    // Candidates: enough support and sources, and not already said by the old referential (words or vector).
    const stats = phraseStats(docs);
    // Well-formed phrases only (the detector never scores the others), so that the base rate counts the same pool.
    const wellSupported = [...stats].filter(
      ([k, s]) => s.support >= minSupport && s.sources >= minSources && wellFormedPhrase(k),
    );
    // Terms only (src/trends/terms.ts), as the analysis keeps them: no single general word, no fragment.
    const oldLexical = createLexicalCoverage(oldRef);
    const fragments = nestedFragments(new Map(wellSupported.map(([k, s]) => [k, s.support])));
    const supported =
      candidateRule === "all"
        ? wellSupported
        : wellSupported.filter(
            ([k, s]) =>
              termLike(k, s.label, proseVocabulary(oldRef)) && !fragments.has(k) && !praiseOnly(k, oldLexical),
          );
    const oldAtt = await attachAll(
      oldAttacher,
      supported.map(([, s]) => s.label),
    );
    const pool = supported.filter((_, i) => !oldAtt[i]!.covered);
    const newLexical = createLexicalCoverage(newRef);
    const newAtt = await attachAll(
      newAttacher,
      pool.map(([, s]) => s.label),
    );
    const coveredBy = new Map<string, Covering | null>(
      pool.map(([k], i) => [k, newLexical(k) ?? newAtt[i]!.coveredBy]),
    );
    // The stricter yardstick, reported beside: a new label says the phrase as one run of words (or by vector + words).
    const newPhrase = createPhraseCoverage(newRef);
    const saidBy = new Map<string, Covering | null>(
      pool.map(([k], i) => {
        const byVector = newAtt[i]!.coveredBy;
        return [k, newPhrase(k) ?? (byVector && mainContentOf(k, byVector.libelle) ? byVector : null)];
      }),
    );
    log(
      `${stats.size} phrase keys, ${supported.length} with support ≥ ${minSupport} in ≥ ${minSources} sources, ${pool.length} not covered by ${oldRef.version}, ${[...coveredBy.values()].filter(Boolean).length} of those covered by ${newRef.version}`,
    );

    // Termhood: the candidate's nearest-label similarity in the OLD referential (what the analysis computes).
    const nearOld = new Map(supported.map(([k], i) => [k, oldAtt[i]!.nearestSimilarity]));
    const detector: Detector = countsDetector(
      { minSupport, minSources, ...(minEffectiveSources !== undefined ? { minEffectiveSources } : {}) },
      detectorName,
      (k) => termhoodOf(nearOld.get(k)),
      config.trendsWholeFactor,
    );
    // trendOnly: the trend part alone (score = within-source trend score, flagged = significant rise).
    const scored = async (ds: readonly TrendDocument[], trendOnly = false): Promise<ScoredPhrase[]> => {
      const s = await detector(ds);
      return pool.map(([key, st]) => {
        const r = s.get(key);
        const [score, flagged] = trendOnly
          ? [r?.trendScore ?? r?.score ?? 0, r?.rising ?? r?.flagged ?? false]
          : [r?.score ?? 0, r?.flagged ?? false];
        return {
          key,
          label: st.label,
          support: st.support,
          sources: st.sources,
          score,
          flagged,
          ...(!trendOnly && r?.tier !== undefined ? { tier: r.tier } : {}),
        };
      });
    };
    const ranked = await scored(docs);
    const main = backtestFigures(docs.length, ranked, coveredBy);
    const said = backtestFigures(docs.length, ranked, saidBy);
    // Held-out halves of the answer key: the candidates split by a hash of their words; a rule set while reading
    // one half's covered phrases is checked on the other's.
    const half = (h: "a" | "b") => {
      const f = backtestFigures(
        docs.length,
        ranked.filter((c) => keyHalf(c.key) === h),
        coveredBy,
      );
      const phrase = backtestFigures(
        docs.length,
        ranked.filter((c) => keyHalf(c.key) === h),
        saidBy,
      );
      return {
        candidates: f.candidates,
        base_rate: f.base_rate,
        precision_at_20: f.precision_at_20,
        lift_at_20: f.lift_at_20,
        phrase_precision_at_20: phrase.precision_at_20,
      };
    };
    const dump = flags.get("dump");
    if (dump) {
      const rankOf = new Map(main.findings.flatMap((f, r) => f.members.map((m) => [m, r + 1] as const)));
      // Exploration aid: documents (keys only) and the candidate pool with its coverage, for offline analysis.
      writeFileSync(
        dump,
        JSON.stringify({
          docs: docs.map((d) => ({
            s: d.source,
            t: d.documentDate.toISOString().slice(0, 10),
            m: d.metiers[0] ?? "",
            p: d.phrases,
            sp: d.statedPhrases ?? [],
            wp: d.wholePhrases ?? [],
            c: d.competences.length,
          })),
          pool: pool.map(([key, st], i) => ({
            key,
            ...st,
            covered: coveredBy.get(key),
            near: newAtt[i]!.nearestSimilarity,
            nearOld: oldAtt[supported.findIndex(([k]) => k === key)]!.nearestSimilarity,
            said: saidBy.get(key),
            rank: rankOf.get(key) ?? null,
            score: ranked[i]!.score,
            flagged: ranked[i]!.flagged,
          })),
        }),
      );
    }
    const freq = backtestFigures(docs.length, byFrequency(ranked), coveredBy);
    const seed = flags.get("seed") ?? "21";
    const shuffledDocs = shuffleDatesWithinSource(docs, seedrandom(seed));
    const trend = backtestFigures(docs.length, await scored(docs, true), coveredBy);
    const shuffled = backtestFigures(docs.length, await scored(shuffledDocs, true), coveredBy);
    const shuffledAll = backtestFigures(docs.length, await scored(shuffledDocs), coveredBy);

    const out = {
      documents: main.documents,
      candidates: main.candidates,
      flagged: main.flagged,
      precision_at_10: main.precision_at_10,
      precision_at_20: main.precision_at_20,
      precision_at_50: main.precision_at_50,
      base_rate: main.base_rate,
      lift_at_20: main.lift_at_20,
      controls: {
        frequency_precision_at_20: freq.precision_at_20,
        shuffled_dates_lift_at_20: shuffled.lift_at_20,
        // Beyond the contract: the trend part on real dates, and the whole detector on shuffled dates.
        trend_flagged: trend.flagged,
        trend_lift_at_20: trend.lift_at_20,
        shuffled_dates_flagged: shuffled.flagged,
        shuffled_dates_detector_lift_at_20: shuffledAll.lift_at_20,
        // The stricter yardstick (a new label says the phrase as one run of words): precision, base rate, lift.
        phrase_precision_at_20: said.precision_at_20,
        phrase_base_rate: said.base_rate,
        phrase_lift_at_20: said.lift_at_20,
        // The best any order could reach: covered findings among the candidates, at most 20, over 20.
        ceiling_precision_at_20: ceiling(main.allFindings),
        phrase_ceiling_precision_at_20: ceiling(said.allFindings),
        heldout_halves: { a: half("a"), b: half("b") },
      },
      examples: main.findings.slice(0, 20).map((f) => ({
        phrase: f.head.label,
        score: round(f.head.score, 3),
        support: f.head.support,
        sources: f.head.sources,
        covered_by: f.coveredBy,
      })),
    };
    if (!flags.has("json")) {
      log(
        `\n${oldRef.version} → ${newRef.version}, detector ${detectorName}: ${out.flagged} findings flagged of ${out.candidates} candidates (base rate ${out.base_rate})`,
      );
      log(
        `precision@10 ${out.precision_at_10}  @20 ${out.precision_at_20}  @50 ${out.precision_at_50}  lift@20 ${out.lift_at_20}`,
      );
      log(
        `phrase yardstick: p@20 ${said.precision_at_20}, base rate ${said.base_rate}, lift@20 ${said.lift_at_20}; controls: frequency p@20 ${out.controls.frequency_precision_at_20}; trend part: ${trend.flagged} flagged, lift@20 ${trend.lift_at_20}, with shuffled dates ${shuffled.flagged} flagged, lift@20 ${shuffled.lift_at_20}; whole detector on shuffled dates lift@20 ${shuffledAll.lift_at_20}`,
      );
      for (const e of out.examples)
        log(
          `  ${e.covered_by ? "✓" : "·"} ${e.phrase.padEnd(36)} score ${e.score} support ${e.support} sources ${e.sources}${e.covered_by ? ` → ${e.covered_by.code} ${e.covered_by.libelle}` : ""}`,
        );
    }
    console.log(JSON.stringify(out));
  },
});

/** The best precision@20 any order could reach: covered findings among all candidates, at most 20, over 20. */
function ceiling(all: readonly { coveredBy: Covering | null }[]): number {
  return round(Math.min(20, all.filter((f) => f.coveredBy).length) / 20, 4);
}

async function attachAll(a: PhraseAttacher, labels: string[]) {
  const out = [];
  for (let i = 0; i < labels.length; i += 200)
    out.push(
      ...(await a.attach(
        labels.slice(i, i + 200),
        labels.slice(i, i + 200).map(() => []),
      )),
    );
  return out;
}

/** The detector of src/trends/detector.ts on the documents' aggregated counts. */
function countsDetector(
  guard: { minSupport: number; minSources: number; minEffectiveSources?: number },
  part: Part,
  termhood: (key: string) => number,
  wholeFactor: boolean,
): Detector {
  return async (docs) => {
    const { minEffectiveSources, ...support } = guard;
    const o = { ...trendOptions(support), ...(minEffectiveSources !== undefined ? { minEffectiveSources } : {}) };
    const c = countCells(docs, o.period, o.minSupport);
    const signals = detectEmerging(c.phrases, c.totals, o);
    const tier = (s: (typeof signals)[number]) => (RANKING.risingFirst ? { tier: s.rising ? 1 : 0 } : {});
    const pick = (s: (typeof signals)[number]) =>
      // "both" ranks as the analysis does: termhood × (salience + trend) × stated × whole; "counts" without them.
      part === "both"
        ? {
            score: rankScore(s, termhood(s.key), statedShare(c.stated, s), wholeShareOf(c.whole, s, wholeFactor)),
            flagged: s.flagged,
            ...tier(s),
          }
        : part === "counts"
          ? { score: s.score, flagged: s.flagged, ...tier(s) }
          : part === "trend"
            ? { score: s.trendScore, flagged: s.rising }
            : { score: s.salience, flagged: s.widespread };
    return new Map(signals.map((s) => [s.key, { ...pick(s), trendScore: s.trendScore, rising: s.rising }]));
  };
}

/**
 * Offers → trend documents read with the engine's referential. Skill extraction (~0.1 s an offer) is cached in
 * the temporary folder per file content, ROME version and model, so that detector iterations re-run in seconds.
 */
async function cachedDocuments(
  files: string[],
  engine: Awaited<ReturnType<typeof createEngine>>,
  log: (s: string) => void,
): Promise<TrendDocument[]> {
  const ref = engine.referential;
  const key = files.map((f) => `${path.resolve(f)}:${statSync(f).size}:${statSync(f).mtimeMs}`).join("|");
  const cacheFile = path.join(
    os.tmpdir(),
    `rome-match-backtest-skills-${createHash("sha1").update(`${key}:${ref.version}:${engine.modelId}`).digest("hex").slice(0, 12)}.json`,
  );
  type Skills = { code: string; evidence: { start: number; end: number }[] }[];
  const cache: Record<string, Skills> = existsSync(cacheFile)
    ? (JSON.parse(readFileSync(cacheFile, "utf8")) as Record<string, Skills>)
    : {};
  const before = Object.keys(cache).length;
  const offers = files.flatMap((f) => readOffers(f));
  const t0 = performance.now();
  const docs = await offersToTrendDocuments(offers, {
    checker: createCoverageChecker(ref),
    extractSkills: async (t) => {
      const k = createHash("sha1").update(t).digest("hex");
      return (cache[k] ??= (await engine.extractSkills(t)).map((s) => ({
        code: s.code,
        evidence: s.evidence.map(({ start, end }) => ({ start, end })),
      })));
    },
    onProgress: (done, total) => {
      if (done % 500 === 0) log(`  ${done}/${total} offers (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    },
  });
  if (Object.keys(cache).length > before) writeFileSync(cacheFile, JSON.stringify(cache));
  return docs;
}
