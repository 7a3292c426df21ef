/**
 * Passerelles benchmark: our proximity ranking against ROME's official mobilités (unix_rubrique_mobilite,
 * 14,912 directed edges), beside an unweighted MC-Jaccard baseline measured in the same run.
 * Prints ONE JSON object. `npm run bench:proximity` (set TUNE=1 to also print a weight grid search on stderr).
 *
 * recall@k = official targets found in our top k / all official targets (micro-averaged over edges);
 * ceiling@k = the best recall@k any ranking could get (a source with 12 targets can place only k of them).
 * MRR = mean over sources of 1 / rank of the first official target (0 when not in the top 100).
 *
 * The learned ranker (models/passerelles.json) is measured by grouped cross-validation by source fiche (refitted per
 * fold, graph features on the training folds' edges only; `--no-cv` skips it), the fixed blend and MC Jaccard beside.
 * `--latency-only`: skips every accuracy figure. `--forward ../shared/rome/v458`: the forward test. The ranker is
 * fitted on that (older) referential's mobilités with its own fiches and texts, then ranks, for each source, the
 * older version's fiches that it did not list yet. Right answers, two ways: `strict`, the mobilités the current
 * version added between fiches that already existed then (same codes); `descendants`, every current mobilité mapped
 * to the older fiches covering its ends (a split child to the fiche it came from), when the older list lacks it.
 * The forward model is the served one's kind (feature set, second stage and its refinement); `--set NAME` /
 * `--rerank N|0` / `--rerank-refine EPOCHS|0` change it,
 * `--no-warm` skips the warm model, `--forward-only` prints the forward figures alone.
 */
import os from "node:os";
import { loadConfig } from "../src/config.js";
import { loadReferential } from "../src/rome/index.js";
import type { Referential } from "../src/rome/referential.js";
import {
  DEFAULT_PROXIMITY_WEIGHTS,
  FIXED_BLEND_MODEL,
  ProximityIndex,
  type ProximityWeights,
  loadPasserellesModel,
  mcJaccard,
  passerellesWordVectorsFile,
  TEXT_VECTOR_FEATURES,
  viabilityOf,
} from "../src/passerelles/index.js";
import { ProfileMatcher } from "../src/passerelles/index.js";
import {
  addedMobilites,
  countRanking,
  emptyCounts,
  FEATURE_SETS,
  finish,
  fitAll,
  fitAllWarm,
  groupedCv,
  officialEdges,
  rankCodes,
  RERANK_REFINE,
  refineOf,
  setReads,
  WARM_FEATURES,
} from "../src/tuning/index.js";
import { parseFlags } from "../src/cli/command.js";
import { quantile } from "./quantile.js";
import { benchProfile, profileHits } from "./profile-sample.js";
import { round } from "../src/numbers.js";

interface Metrics {
  recallAt5: number;
  recallAt10: number;
  mrr: number;
  /** Diagnostic: how many official targets are at least in our top 50. */
  recallAt50: number;
}

function evaluate(ref: Referential, rankFor: (source: string) => string[]): Metrics {
  let edges = 0;
  let hit5 = 0;
  let hit10 = 0;
  let hit50 = 0;
  let rr = 0;
  let sources = 0;
  for (const f of ref.fiches.values()) {
    const targets = new Set(f.mobilites.map((m) => m.cible).filter((c) => c !== f.code && ref.fiches.has(c)));
    if (!targets.size) continue;
    sources++;
    edges += targets.size;
    const ranked = rankFor(f.code);
    ranked.slice(0, 5).forEach((c) => (hit5 += Number(targets.has(c))));
    ranked.slice(0, 10).forEach((c) => (hit10 += Number(targets.has(c))));
    ranked.slice(0, 50).forEach((c) => (hit50 += Number(targets.has(c))));
    const first = ranked.slice(0, 100).findIndex((c) => targets.has(c));
    if (first >= 0) rr += 1 / (first + 1);
  }
  const r = (x: number) => round(x, 3);
  return {
    recallAt5: r(hit5 / edges),
    recallAt10: r(hit10 / edges),
    mrr: r(rr / sources),
    recallAt50: r(hit50 / edges),
  };
}

function jaccardRank(ref: Referential, codes: string[], source: string): string[] {
  return codes
    .filter((c) => c !== source)
    .map((c) => ({ c, s: mcJaccard(ref, source, c) }))
    .sort((a, b) => b.s - a.s || a.c.localeCompare(b.c))
    .map((x) => x.c);
}

const percentile = (xs: number[], p: number) => round(quantile(xs, p / 100), 3);

const { flags } = parseFlags(process.argv.slice(2));
const ref = await loadReferential(loadConfig().romeDir);
const bundled = loadPasserellesModel();
const featureSet = FEATURE_SETS[bundled.fit.featureSet];
if (!featureSet) throw new Error(`models/passerelles.json: unknown feature set ${bundled.fit.featureSet}`);
// The forward test fits the served model's kind (feature set, second stage) unless --set / --rerank say otherwise.
const forwardSet = FEATURE_SETS[flags.get("set") ?? bundled.fit.featureSet];
if (!forwardSet) throw new Error(`--set: one of ${Object.keys(FEATURE_SETS).join(", ")}`);
const rerankDepth = flags.has("rerank") ? Number(flags.get("rerank")) || undefined : bundled.rerank?.depth;
const refineEpochs = flags.has("rerank-refine") ? Number(flags.get("rerank-refine")) : undefined;
const refine =
  refineEpochs === undefined
    ? refineOf(bundled)
    : refineEpochs
      ? { ...RERANK_REFINE, epochs: refineEpochs }
      : undefined;
const codes = [...ref.fiches.keys()].sort();
let edges = 0;
let ceil5 = 0;
let ceil10 = 0;
for (const f of ref.fiches.values()) {
  const n = new Set(f.mobilites.map((m) => m.cible).filter((c) => c !== f.code && ref.fiches.has(c))).size;
  edges += n;
  ceil5 += Math.min(5, n);
  ceil10 += Math.min(10, n);
}

if (process.env.TUNE) {
  // Features per source computed once per coeurBoost; each weight mix then re-ranks from them.
  // Stage 1: each feature alone, for coeurBoost 0 and 1. Stage 2: the 5-feature simplex in steps of 0.25 (70 mixes).
  const feats = ["mc", "competence", "savoir", "title", "definition"] as const;
  const unit = (k: (typeof feats)[number], boost: number): ProximityWeights => ({
    mc: 0,
    competence: 0,
    savoir: 0,
    title: 0,
    definition: 0,
    coeurBoost: boost,
    [k]: 1,
  });
  const results: (ProximityWeights & Metrics)[] = [];
  const evalMix = (F: Map<string, Float32Array[]>, w: number[]) =>
    evaluate(ref, (src) => {
      const f = F.get(src)!;
      const sc: { c: string; s: number }[] = [];
      for (let i = 0; i < codes.length; i++)
        if (codes[i] !== src)
          sc.push({
            c: codes[i]!,
            s: w[0]! * f[0]![i]! + w[1]! * f[1]![i]! + w[2]! * f[2]![i]! + w[3]! * f[3]![i]! + w[4]! * f[4]![i]!,
          });
      return sc
        .sort((a, b) => b.s - a.s)
        .slice(0, 100)
        .map((x) => x.c);
    });
  const featuresFor = (boost: number) => {
    const idx = new ProximityIndex(ref, { ...DEFAULT_PROXIMITY_WEIGHTS, coeurBoost: boost });
    return new Map(codes.map((c) => [c, feats.map((k) => Float32Array.from(idx.scoreAll(c, unit(k, boost))))]));
  };
  const byBoost = new Map([0, 1].map((b) => [b, featuresFor(b)]));
  for (const [coeurBoost, F] of byBoost)
    feats.forEach((_, k) => {
      const w = feats.map((__, j) => Number(j === k));
      const m = evalMix(F, w);
      process.stderr.write(JSON.stringify({ alone: feats[k], coeurBoost, ...m }) + "\n");
    });
  const steps = [0, 0.25, 0.5, 0.75, 1];
  for (const [coeurBoost, F] of byBoost)
    for (const mc of steps)
      for (const competence of steps)
        for (const savoir of steps)
          for (const title of steps) {
            const definition = 1 - mc - competence - savoir - title;
            if (definition < -1e-9) continue;
            const m = evalMix(F, [mc, competence, savoir, title, Math.max(0, definition)]);
            const r = { mc, competence, savoir, title, definition: Math.max(0, definition), coeurBoost, ...m };
            results.push(r);
            process.stderr.write(JSON.stringify(r) + "\n");
          }
  results.sort((a, b) => b.recallAt10 - a.recallAt10);
  process.stderr.write("BEST " + JSON.stringify(results.slice(0, 10)) + "\n");
}

const t0 = performance.now();
const index = new ProximityIndex(ref);
const buildMs = performance.now() - t0;
// `--latency-only`: no accuracy figures (for a re-measure of latency alone on a busy machine).
const accuracy = !flags.has("latency-only");
const forwardOnly = flags.has("forward-only");
const ours =
  accuracy && !forwardOnly ? evaluate(ref, (s) => index.rank(s, 100, undefined, "fixed").map((x) => x.code)) : null;
const learnedInSample =
  accuracy && !forwardOnly ? evaluate(ref, (s) => index.rank(s, 100, undefined, "learned").map((x) => x.code)) : null;
const edgeList = officialEdges(index);
const cv =
  flags.has("no-cv") || forwardOnly || !accuracy
    ? null
    : groupedCv(index, edgeList, featureSet, {
        log: (m) => process.stderr.write(m + "\n"),
        ...(bundled.rerank ? { rerank: bundled.rerank.depth } : {}),
        ...(refineOf(bundled) ? { refine: refineOf(bundled) } : {}),
      });

/** Reciprocal rank fusion (k = 60) of rankings, best first. */
function reciprocalRankFusion(rankings: readonly string[][]): string[] {
  const score = new Map<string, number>();
  for (const r of rankings) r.forEach((c, i) => score.set(c, (score.get(c) ?? 0) + 1 / (60 + i + 1)));
  return [...score].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
}

/**
 * The v460 code → the v458 fiche that covered it: itself when it existed, else its pre-split parent (the 2025 split
 * kept the parent's code for a narrower fiche and gave the rest to new children, so v458's parent described all
 * of them). Undefined when neither existed.
 */
function olderFiche(old: Referential, code: string): string | undefined {
  if (old.fiches.has(code)) return code;
  const parent = ref.fiches.get(code)?.parent;
  return parent && old.fiches.has(parent) ? parent : undefined;
}

/** The forward test (see the header): fit on the older version, score the newer version's added mobilités. */
function forwardTest(oldDir: string) {
  const old = loadReferential(oldDir);
  // Text-vector features read word vectors of the older version's own texts (PASSERELLES_WORD_VECTORS with {version}).
  if (TEXT_VECTOR_FEATURES.some((k) => setReads(forwardSet!, k)) && !passerellesWordVectorsFile(old.version))
    process.stderr.write(
      `no word vectors for ${old.version}: its text features count 0 (train them on its texts, then ` +
        `PASSERELLES_WORD_VECTORS='DIR/{version}/word-vectors.json'; docs/passerelles.md, session 28)\n`,
    );
  const oldIndex = new ProximityIndex(old, DEFAULT_PROXIMITY_WEIGHTS, null);
  const oldEdges = officialEdges(oldIndex);
  const known = new Set(oldEdges.map(([a, b]) => `${a}>${b}`));
  // strict: the added edges between fiches that already existed (same codes). descendants: every v460 edge mapped to
  // the v458 fiches covering its ends (olderFiche), when v458 did not list that move: a split child's mobilités
  // count for the v458 fiche it came from, and a move to a new child counts as one to its parent.
  const added = { strict: addedMobilites(old, ref), descendants: new Map<string, Set<string>>() };
  const add = (m: Map<string, Set<string>>, a: string, b: string) => (m.get(a) ?? m.set(a, new Set()).get(a)!).add(b);
  for (const f of ref.fiches.values())
    for (const m of f.mobilites) {
      const a = olderFiche(old, f.code);
      const b = olderFiche(old, m.cible);
      if (a && b && a !== b && !known.has(`${a}>${b}`)) add(added.descendants, a, b);
    }
  const t = performance.now();
  const model = fitAll(oldIndex, oldEdges, forwardSet, {
    ...(rerankDepth ? { rerank: rerankDepth } : {}),
    ...(rerankDepth && refine ? { refine } : {}),
  });
  const fitSeconds = Math.round((performance.now() - t) / 1000);
  // The same features plus where the source's current targets lead, fitted to find hidden parts of v458's lists.
  const warmSet = {
    ...forwardSet,
    name: `${forwardSet.name}+${WARM_FEATURES.join("+")}`,
    features: [...forwardSet.features, ...WARM_FEATURES],
  };
  const warm = flags.has("no-warm") ? null : fitAllWarm(oldIndex, oldEdges, warmSet);
  const rankers = ["learned", "learnedWarm", "fixedBlend", "mcJaccard", "fusion"] as const;
  const counts = Object.fromEntries(
    (["strict", "descendants"] as const).map((k) => [k, Object.fromEntries(rankers.map((r) => [r, emptyCounts()]))]),
  ) as Record<keyof typeof added, Record<(typeof rankers)[number], ReturnType<typeof emptyCounts>>>;
  const oldCodes = [...old.fiches.keys()].sort();
  for (const s of new Set([...added.strict.keys(), ...added.descendants.keys()])) {
    const listed = new Set(old.fiches.get(s)!.mobilites.map((m) => m.cible));
    const ranked = {
      learned: rankCodes(oldIndex, oldIndex.graph, model, s, 1000, listed),
      fixedBlend: rankCodes(oldIndex, oldIndex.graph, FIXED_BLEND_MODEL, s, 1000, listed),
      learnedWarm: warm ? rankCodes(oldIndex, oldIndex.graph, warm, s, 100, listed, listed) : [],
      mcJaccard: jaccardRank(old, oldCodes, s).filter((c) => !listed.has(c)),
      fusion: [] as string[],
    };
    ranked.fusion = reciprocalRankFusion([ranked.learned, ranked.fixedBlend]);
    for (const k of ["strict", "descendants"] as const) {
      const targets = added[k].get(s);
      if (targets) for (const r of rankers) countRanking(counts[k][r], ranked[r], targets);
    }
  }
  const figures = (k: keyof typeof added) => ({
    addedEdges: [...added[k].values()].reduce((a, x) => a + x.size, 0),
    sources: added[k].size,
    learned: finish(counts[k].learned),
    ...(warm ? { learnedWithCurrentList: { featureSet: warmSet.name, ...finish(counts[k].learnedWarm) } } : {}),
    fixedBlend: finish(counts[k].fixedBlend),
    learnedFixedBlendFusion: finish(counts[k].fusion),
    mcJaccard: finish(counts[k].mcJaccard),
  });
  return {
    fittedOn: {
      romeVersion: old.version,
      edges: oldEdges.length,
      featureSet: forwardSet.name,
      rerank: rerankDepth ?? null,
      rerankRefine: (rerankDepth && refine) || null,
      fitSeconds,
    },
    scoredOn: { romeVersion: ref.version },
    strict: figures("strict"),
    descendants: figures("descendants"),
  };
}
const forward = flags.has("forward") && accuracy ? forwardTest(flags.get("forward")!) : null;
if (flags.has("forward-only")) {
  console.log(JSON.stringify({ romeVersion: ref.version, forward }));
  process.exit(0);
}
const baseline = accuracy ? evaluate(ref, (s) => jaccardRank(ref, codes, s)) : null;

// Viability calibration: where official mobilités fall on our coverage scale.
const cov: number[] = [];
const core: number[] = [];
const tiers = { highly_viable: 0, viable: 0, stretch: 0 };
for (const f of ref.fiches.values())
  for (const m of f.mobilites) {
    if (!ref.fiches.has(m.cible) || m.cible === f.code) continue;
    const s = index.score(f.code, m.cible);
    cov.push(s.mcCoverage);
    core.push(s.coreCoverage);
  }
for (const [i, c] of cov.entries()) tiers[viabilityOf(c, core[i]!)]++;

// Latency: full explained answers (topK 10), one per fiche, and profile matching on fiche-derived profiles.
const proxMs: number[] = [];
const rankMs: number[] = [];
for (const c of codes) index.passerelles(c, 10); // warm-up, untimed
for (const c of codes) {
  const t0r = performance.now();
  index.rank(c, 10);
  rankMs.push(performance.now() - t0r);
}
// CPU time per answer beside wall-clock percentiles: on a shared machine the wall clock also counts waiting for a core.
const cpu0 = process.cpuUsage();
for (const c of codes) {
  const t = performance.now();
  index.passerelles(c, 10);
  proxMs.push(performance.now() - t);
}
const proxCpuMs = (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1000 / codes.length;
const fixedMs: number[] = [];
for (const c of codes) {
  const t = performance.now();
  index.passerelles(c, 10, undefined, "fixed");
  fixedMs.push(performance.now() - t);
}
const matcher = new ProfileMatcher(ref);
const profileQuality = { learned: { self: 0, mobilites: 0 }, fixed: { self: 0, mobilites: 0 }, edges: 0 };
const profMs: number[] = [];
let profCpuUs = 0;
// One untimed pass first, so the timed one measures warm code (as a long-running server does).
for (const pass of ["warm-up", "timed"])
  codes.forEach((c, i) => {
    const f = ref.fiches.get(c)!;
    // Half the fiche's compétences plus two of a neighbour's: a realistic, imperfect profile.
    const profile = benchProfile(ref, codes, i);
    const c0 = process.cpuUsage();
    const t = performance.now();
    const m = matcher.match({ codes: profile, labels: [] }, { topK: 10 });
    if (pass === "timed") profMs.push(performance.now() - t);
    if (pass === "timed") profCpuUs += ((u) => u.user + u.system)(process.cpuUsage(c0));
    if (pass !== "timed") return;
    // Quality of the profile ranking: is the fiche itself among the 20 shown, and how many of its official mobilités?
    const targets = new Set(f.mobilites.map((x) => x.cible));
    for (const [ranker, out] of [
      ["learned", m],
      ["fixed", matcher.match({ codes: profile, labels: [] }, { topK: 10, ranker: "fixed" })],
    ] as const) {
      const hits = profileHits(
        [...out.accessibleNow, ...out.accessibleWithTraining].map((x) => x.code),
        c,
        targets,
      );
      profileQuality[ranker].self += hits.self;
      profileQuality[ranker].mobilites += hits.mobilites;
    }
    profileQuality.edges += targets.size;
  });
const r3 = (x: number) => round(x, 3);
const profileFigures = Object.fromEntries(
  (["learned", "fixed"] as const).map((k) => [
    k,
    {
      ficheShown: r3(profileQuality[k].self / codes.length),
      officialMobilitesShown: r3(profileQuality[k].mobilites / profileQuality.edges),
    },
  ]),
);

// What limits recall: hub targets (career moves, not skill proximity) and edges with little skill overlap.
const inDegree = new Map<string, number>();
let sameDomainePro = 0;
let noSharedCompetence = 0;
for (const f of ref.fiches.values())
  for (const m of f.mobilites) {
    const t = ref.fiches.get(m.cible);
    if (!t || t.code === f.code) continue;
    inDegree.set(t.code, (inDegree.get(t.code) ?? 0) + 1);
    if (t.domaineProfessionnel.code === f.domaineProfessionnel.code) sameDomainePro++;
    const fc = new Set(f.competences.map((c) => c.code));
    if (!t.competences.some((c) => fc.has(c.code))) noSharedCompetence++;
  }
const hubs = [...inDegree].sort((a, b) => b[1] - a[1]).slice(0, 10);
const share = (x: number) => round(x / edges, 3);

console.log(
  JSON.stringify({
    romeVersion: ref.version,
    officialEdges: edges,
    sources: [...ref.fiches.values()].filter((f) => f.mobilites.length).length,
    weights: DEFAULT_PROXIMITY_WEIGHTS,
    model: {
      file: "models/passerelles.json",
      featureSet: bundled.fit.featureSet,
      fittedOn: bundled.fit.romeVersion,
      date: bundled.fit.date,
    },
    groupedCv: cv ? { folds: cv.perFold.length, learned: cv.learned, fixedBlend: cv.fixedBlend } : null,
    forward,
    learnedInSample,
    fixedBlend: ours,
    baselineMcJaccard: baseline,
    ceiling: {
      recallAt5: round(ceil5 / edges, 3),
      recallAt10: round(ceil10 / edges, 3),
      mrr: 1,
    },
    profileRanking: {
      profiles: "half of each fiche's compétences plus two of another's; 10 now + 10 with training shown",
      ...profileFigures,
    },
    officialEdgesOnOurScale: {
      mcCoverage: { p10: percentile(cov, 10), p25: percentile(cov, 25), p50: percentile(cov, 50) },
      coreCoverage: { p10: percentile(core, 10), p25: percentile(core, 25), p50: percentile(core, 50) },
      viability: tiers,
    },
    limits: {
      top10HubTargets: hubs.map(([code, n]) => ({ code, libelle: ref.fiches.get(code)!.libelle, officialInEdges: n })),
      shareOfEdgesToTop10Hubs: share(hubs.reduce((x, [, n]) => x + n, 0)),
      shareSameDomaineProfessionnel: share(sameDomainePro),
      shareSharingNoCompetence: share(noSharedCompetence),
    },
    latencyMs: {
      indexBuild: Math.round(buildMs),
      proximityTop10RankOnly: { p50: percentile(rankMs, 50), p95: percentile(rankMs, 95) },
      proximityTop10Explained: {
        p50: percentile(proxMs, 50),
        p95: percentile(proxMs, 95),
        n: proxMs.length,
        cpuMeanMs: round(proxCpuMs, 3),
      },
      proximityTop10ExplainedFixedRanker: { p50: percentile(fixedMs, 50), p95: percentile(fixedMs, 95) },
      loadAverage1m: round(os.loadavg()[0]!, 1),
      profileMatchTop10: {
        p50: percentile(profMs, 50),
        p95: percentile(profMs, 95),
        n: profMs.length,
        cpuMeanMs: Math.round(profCpuUs / profMs.length) / 1000,
      },
    },
  }),
);
