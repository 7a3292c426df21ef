/**
 * Trains the ranking model for texts with a title (models/rank-model.json, `title`) so that it holds on sources the
 * labelled-offer memory has never seen:
 *   npm run train -- [--offers FILE.jsonl] [--features CACHE.jsonl] [--candidates 40] [--l2 0.0003] [--alpha 0.2]
 *                    [--epochs 300] [--pin a,b] [--linear a,b] [--cv-weight 1] [--dates none] [--pairs none]
 *                    [--modes leave_one_source_out,grouped_cv,no_memory] [--no-folds] [--dry]
 * Each offer's features are computed under the three ways an offer can meet the memory (src/tuning `crossValidation`):
 * leave-one-source-out (a memory without its source), grouped 5-fold CV (a memory without its fold: in-collection)
 * and no memory. The model is fitted (listwise, src/tuning/learn.ts, prior GRID_WEIGHTS) on all three lists of
 * every offer, so that it learns how far to trust the memory's votes when they come from other collections, and
 * what the text's own ROME evidence is worth without them. `--features` caches the features (computing them takes
 * most of the time; the cache is reused when it exists and names the same offers file hash; features added since it
 * was made are computed and added to it). `--linear a,b`: those features get a weight and no products. Figures: each
 * source held out of the fit in turn (its three lists scored by a model fitted on the other sources), then the final
 * fit on all. Deterministic (full-batch Adam from the prior: no random draw). Writes models/rank-model.json (the
 * no-title model kept as it is) with `fitted`: date, command, the offers file's and ROME's hashes, the figures;
 * `--dry` prints only. Last stdout line: one JSON object.
 * Dates: an offer created before the earlier referential's end (ROME_EARLIER, ROME_EARLIER_UNTIL; before
 * ROME_HISTORICAL_UNTIL, the 532 historical codes) carries a code of that referential, so its right candidates are that code and the fiches created from it since (the likelihood of
 * the merged code, `golds`), and the figures score its list as the engine lists it with `codedAt` (merged);
 * figures without dates are printed beside them. `--dates none`: one right candidate, today's codes (as before).
 */
import "../src/text/quiet.js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import cliProgress from "cli-progress";
import { parseFlags } from "../src/cli/command.js";
import { loadConfig, REPO_ROOT } from "../src/config.js";
import { codedToday, createEngine, RANK_MODEL, type RankModel } from "../src/match/index.js";
import {
  featurePairs,
  FEATURE_NAMES,
  GRID_WEIGHTS,
  rankScores,
  mergeInForce,
  withParents,
  type RankWeights,
} from "../src/match/fitting.js";
import { RANK_MODEL_FILE, readRankModelFile } from "../src/match/rank.js";
import { classifierFeature, readClassifier } from "../src/match/fitting.js";
import { loadFicheCodes, loadReferential } from "../src/rome/index.js";
import {
  crossValidation,
  dotw,
  fitListwise,
  macroTop1,
  rankFigures,
  type RankingList,
  type RankRecord,
  romeDirMeta,
  sha256,
  sourceOf,
} from "../src/tuning/index.js";
import { readOffers, type FranceTravailOffer } from "../src/sources/index.js";
import { round } from "../src/numbers.js";

const { flags } = parseFlags(process.argv.slice(2));
const file = flags.get("offers") ?? path.resolve(REPO_ROOT, "..", "shared", "eval", "offers-dev.jsonl");
const cache = flags.get("features");
const candidates = Number(flags.get("candidates") ?? 40);
const l2 = Number(flags.get("l2") ?? 0.0003);
const alpha = Number(flags.get("alpha") ?? 0.2);
const epochs = Number(flags.get("epochs") ?? 300);
const pinnedNames = (flags.get("pin") ?? "").split(",").filter(Boolean);
/** Weight of the grouped-CV lists against the other two (> 1 keeps more of the in-collection accuracy). */
const cvWeight = Number(flags.get("cv-weight") ?? 1);
if (pinnedNames.some((k) => !FEATURE_NAMES.includes(k as (typeof FEATURE_NAMES)[number])))
  throw new Error(`--pin: features are ${FEATURE_NAMES.join(", ")}`);
const MODES = ["leave_one_source_out", "grouped_cv", "no_memory"] as const;
/** `--modes a,b`: the lists the fit reads (all three by default; figures are printed for every mode). */
const fitModes = (flags.get("modes") ?? MODES.join(",")).split(",").filter(Boolean);
if (fitModes.some((m) => !MODES.includes(m as (typeof MODES)[number]))) throw new Error(`--modes: ${MODES.join(", ")}`);

const offersHash = sha256(readFileSync(file));
const config = loadConfig();
const rome = romeDirMeta(config.romeDir);

const useDates = flags.get("dates") !== "none";

/** One offer's candidates (codes) and their features under each mode (rows × FEATURE_NAMES). */
interface Cached {
  id: string;
  gold: string;
  source: string;
  rows: string[];
  x: number[][][];
}

/** When an offer was coded, for its features (the appellations' places then), as `eval` matches it; `--dates none`: today. */
const when = (o: FranceTravailOffer) => (useDates && o.dateCreation ? { codedAt: o.dateCreation } : {});

async function computeFeatures(): Promise<Cached[]> {
  const engine = await createEngine(config);
  const offers = readOffers(file);
  const loso = crossValidation(engine.exemplars, offers, "source");
  const cv = crossValidation(engine.exemplars, offers, "text");
  const all: RankModel = {
    weights: Object.fromEntries(FEATURE_NAMES.map((k) => [k, 1])) as RankWeights,
    interactions: [],
    temperature: 1,
  };
  const codes = engine.lexicon.ficheCodes;
  const bar = new cliProgress.SingleBar(
    { format: "  features [{bar}] {value}/{total} {eta_formatted}", stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(offers.length, 0);
  const out: Cached[] = [];
  for (const o of offers) {
    const memories = [loso.memoryFor(o) ?? engine.exemplars, cv.memoryFor(o) ?? engine.exemplars, null];
    const fs = await engine.featuresForMemories(o.description ?? "", o.intitule ?? undefined, memories, all, when(o));
    // Candidates: the union of each mode's best 60 under the current model (the lists the engine shows).
    const rows = new Set<number>();
    for (const f of fs) {
      const { ranked, totals } = rankScores(f, RANK_MODEL);
      for (const i of ranked.filter((i) => totals[i]! > 0).slice(0, 60)) rows.add(i);
    }
    const r = [...rows];
    out.push({
      id: o.id,
      gold: o.romeCode,
      source: sourceOf(o),
      rows: r.map((i) => codes[i]!),
      x: fs.map((f) => r.map((i) => FEATURE_NAMES.map((k) => round(f[k][i]!, 4)))),
    });
    bar.increment();
  }
  bar.stop();
  return out;
}

/** Appends the `classifier` feature (FICHE_CLASSIFIER's model) to every row of every mode. */
function addClassifierColumn(data: Cached[]): void {
  const ref = loadReferential(config.romeDir);
  const ficheRow = new Map([...ref.fiches.keys()].sort().map((c, i) => [c, i]));
  const classify = config.ficheClassifier
    ? classifierFeature(readClassifier(config.ficheClassifier).model, ficheRow)
    : null;
  const byId = new Map(readOffers(file).map((o) => [o.id, o]));
  for (const d of data) {
    const o = byId.get(d.id)!;
    const out = new Float64Array(ficheRow.size);
    classify?.(o.intitule ?? "", o.description ?? "", out);
    const col = d.rows.map((c) => round(out[ficheRow.get(c)!]!, 4));
    for (const x of d.x) x.forEach((row, i) => row.push(col[i]!));
  }
}

/**
 * Computes the features a cache lacks (`missing`) with the engine, under the same three memories, and puts every
 * row's columns in FEATURE_NAMES order: a new feature is measured without recomputing the others.
 */
async function addColumns(data: Cached[], had: readonly string[], missing: readonly string[]): Promise<void> {
  const engine = await createEngine(config);
  const offers = new Map(readOffers(file).map((o) => [o.id, o]));
  const all = [...offers.values()];
  const loso = crossValidation(engine.exemplars, all, "source");
  const cv = crossValidation(engine.exemplars, all, "text");
  // The missing features and what they read (the memory's votes: the title and body evidence their discount reads).
  const reads = new Set<string>(missing);
  if (missing.some((k) => k.startsWith("exemplar")))
    for (const k of FEATURE_NAMES)
      if (k.startsWith("exemplar") || k.startsWith("title") || k === "bodyTitle") reads.add(k);
  const only: RankModel = {
    weights: Object.fromEntries(FEATURE_NAMES.map((k) => [k, reads.has(k) ? 1 : 0])) as RankWeights,
    interactions: [],
    temperature: 1,
  };
  const row = engine.lexicon.ficheRow;
  for (const d of data) {
    const o = offers.get(d.id)!;
    const memories = [loso.memoryFor(o) ?? engine.exemplars, cv.memoryFor(o) ?? engine.exemplars, null];
    const fs = await engine.featuresForMemories(o.description ?? "", o.intitule ?? undefined, memories, only, when(o));
    d.x = d.x.map((xs, m) =>
      xs.map((x, i) =>
        FEATURE_NAMES.map((k) =>
          missing.includes(k) ? round(fs[m]![k][row.get(d.rows[i]!)!]!, 4) : x[had.indexOf(k)]!,
        ),
      ),
    );
  }
}

let data: Cached[];
if (cache && existsSync(cache)) {
  const [head, ...lines] = readFileSync(cache, "utf8").split("\n").filter(Boolean);
  const meta = JSON.parse(head!) as { offersHash: string; features: string[] };
  // A cache made before the classifier feature gets its column here (the classifier reads only the offer's text).
  let had = meta.features;
  const beforeClassifier = !had.includes("classifier");
  if (meta.offersHash !== offersHash || had.some((k) => !FEATURE_NAMES.includes(k as (typeof FEATURE_NAMES)[number])))
    throw new Error(`${cache}: made from another offers file or feature set; delete it`);
  data = lines.map((l) => JSON.parse(l) as Cached);
  if (beforeClassifier) (addClassifierColumn(data), (had = [...had, "classifier"]));
  // Features added since the cache was made are computed now and the cache rewritten with them.
  const missing = FEATURE_NAMES.filter((k) => !had.includes(k));
  if (missing.length) {
    console.error(`${cache}: computing ${missing.join(", ")}`);
    await addColumns(data, had, missing);
    writeCache(cache, data);
  }
  console.error(`features from ${cache} (${data.length} offers${beforeClassifier ? ", classifier column added" : ""})`);
} else {
  data = await computeFeatures();
  if (cache) writeCache(cache, data);
}

function writeCache(to: string, rows: readonly Cached[]): void {
  const head = JSON.stringify({ offersHash, features: FEATURE_NAMES });
  writeFileSync(to, [head, ...rows.map((d) => JSON.stringify(d))].join("\n") + "\n");
}

const F = FEATURE_NAMES.length;
const idx = (k: string) => FEATURE_NAMES.indexOf(k as (typeof FEATURE_NAMES)[number]);
const pinned = pinnedNames.map(idx);
/** `--pairs none`: a linear model, no products of two features. */
const noPairs = flags.get("pairs") === "none";
/** `--linear a,b`: features fitted with a weight but in no product (fewer parameters for a new feature). */
const linearNames = (flags.get("linear") ?? "").split(",").filter(Boolean);
const pairs = noPairs
  ? []
  : featurePairs(FEATURE_NAMES.filter((k) => !pinnedNames.includes(k) && !linearNames.includes(k)));
const pairIdx = pairs.map(([a, b]) => [idx(a), idx(b)] as const);
const expand = (x: readonly number[]) => [...x, ...pairIdx.map(([a, b]) => x[a]! * x[b]!)];
const current = (x: readonly number[]) =>
  dotw(
    x,
    FEATURE_NAMES.map((k) => RANK_MODEL.weights[k]),
  );

interface Item extends RankingList {
  source: string;
  mode: (typeof MODES)[number];
  goldCode: string;
  modeWeight: number;
}

const parentOf = new Map<string, string>();
for (const f of loadReferential(config.romeDir).fiches.values()) parentOf.set(f.code, f.parent);
const earlier = config.romeEarlier ? loadFicheCodes(config.romeEarlier.dir) : null;
const dateOf = new Map(readOffers(file).map((o) => [o.id, (o.dateCreation ?? "").slice(0, 10)]));
/**
 * How the codes in force on an offer's day read today's `code`, as the engine's `codesFor` picks them (the oldest
 * referential still in force that day): before ROME_HISTORICAL_UNTIL the historical fiche it comes from
 * (`code_rome_parent`), before ROME_EARLIER_UNTIL its v458 code (itself, or its parent for a fiche created since);
 * null when today's codes were in force (or the offer has no date).
 */
function codeThen(d: Cached): ((code: string) => string) | null {
  const day = dateOf.get(d.id) ?? "";
  if (day === "") return null;
  if (config.romeHistoricalUntil !== undefined && day < config.romeHistoricalUntil)
    return (code) => parentOf.get(code) ?? code;
  if (earlier !== null && config.romeEarlier !== undefined && day < config.romeEarlier.until)
    return (code) => (earlier.codes.has(code) ? code : (parentOf.get(code) ?? code));
  return null;
}
/** Each offer's three lists: its best `candidates` under the current model's linear score, products appended. */
const items: Item[] = data.flatMap((d) =>
  d.x.map((xs, m) => {
    const order = xs
      .map((x, i) => [i, current(x)] as const)
      .filter(([, s]) => s > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, candidates)
      .map(([i]) => i);
    const gold = order.findIndex((i) => d.rows[i] === d.gold);
    // Coded then: every candidate whose code then is the label is right (the merged code's likelihood).
    const then = useDates ? codeThen(d) : null;
    const golds = then ? order.flatMap((i, k) => (then(d.rows[i]!) === d.gold ? [k] : [])) : undefined;
    return {
      source: d.source,
      mode: MODES[m]!,
      goldCode: d.gold,
      modeWeight: m === 1 ? cvWeight : 1,
      x: order.map((i) => expand(xs[i]!)),
      gold: golds?.length ? golds[0]! : gold,
      ...(golds?.length ? { golds } : {}),
    };
  }),
);
function balanced(set: readonly Item[]): Item[] {
  const per = new Map<string, number>();
  for (const it of set) per.set(it.goldCode, (per.get(it.goldCode) ?? 0) + 1);
  return set.map((it) => ({ ...it, weight: it.modeWeight * per.get(it.goldCode)! ** -alpha }));
}
const prior = [...FEATURE_NAMES.map((k) => GRID_WEIGHTS[k] * 20), ...pairs.map(() => 0)];
const fit = (set: readonly Item[]) =>
  fitListwise(balanced(set.filter((it) => fitModes.includes(it.mode))), prior, { l2, pinned, epochs });

/**
 * The engine's top-10 for one offer's mode under weights `w` (log-odds units), split fiches lifting their parent;
 * `dated`: as the engine lists it with the offer's date (`codedAt`), fiches created since merged when coded then, no
 * parent lifted when coded since.
 */
function rankOfGold(d: Cached, mode: number, w: readonly number[], dated = false): number | null {
  const codes = [...d.rows];
  const totals = d.x[mode]!.map((x) => {
    const lin = dotw(x, w.slice(0, F));
    return lin > 0 ? dotw(expand(x), w) : -Infinity;
  });
  const row = new Map(codes.map((c, i) => [c, i]));
  const rowOf = (c: string) => {
    let j = row.get(c);
    if (j === undefined) ((j = codes.length), codes.push(c), totals.push(-Infinity), row.set(c, j));
    return j;
  };
  const parentRow = (i: number) => rowOf(parentOf.get(codes[i]!) ?? codes[i]!);
  const order = totals
    .map((_, i) => i)
    .filter((i) => totals[i]! > -Infinity)
    .sort((a, b) => totals[b]! - totals[a]! || a - b)
    .slice(0, 20);
  let pool: { order: readonly number[]; scores: ArrayLike<number> } = { order, scores: totals };
  const codeOf = dated ? codeThen(d) : null;
  if (codeOf) {
    const then = order.map((i) => rowOf(codeOf(codes[i]!)));
    for (const i of [...order, ...then]) parentRow(i); // every row the lift may read exists before the copy
    const rowThen = Int32Array.from(codes, (_, i) => i);
    order.forEach((i, k) => (rowThen[i] = then[k]!));
    pool = mergeInForce(order, totals, rowThen, 1);
  }
  // Coded with today's codes (dated on or after ROME_EARLIER_UNTIL): no parent lifted, as the engine.
  const today = dated && codedToday({ codedAt: dateOf.get(d.id) || undefined }, "", config.romeEarlier ?? null);
  const list = withParents(pool.order, pool.scores, today ? (i: number) => i : parentRow, Math.log(5))
    .slice(0, 10)
    .map((e) => codes[e.row]);
  const r = list.indexOf(d.gold);
  return r < 0 ? null : r + 1;
}
function figuresOf(records: RankRecord[]) {
  const f = rankFigures(records);
  return { n: f.n, top1: f.top1, top5: f.top5, macro_top1: macroTop1(records) };
}

const sources = [...new Set(data.map((d) => d.source))].sort();
/** Figures of each mode, lists as undated (today's codes) and, with `_dated`, as the engine lists them with dates. */
const LISTS = [
  ...MODES.map((m, k) => [m, k, false] as const),
  ...MODES.map((m, k) => [`${m}_dated`, k, true] as const),
];
let heldOut: Record<string, unknown> | undefined;
if (!flags.has("no-folds")) {
  const records: RankRecord[][] = LISTS.map(() => []);
  for (const s of sources) {
    console.error(`  fitting without ${s}`);
    const w = fit(items.filter((it) => it.source !== s));
    for (const d of data.filter((d) => d.source === s))
      LISTS.forEach(([, m, dated], j) =>
        records[j]!.push({ gold: d.gold, rank: rankOfGold(d, m, w, dated), origin: s }),
      );
  }
  heldOut = Object.fromEntries(
    LISTS.map(([name], j) => [
      name,
      {
        ...figuresOf(records[j]!),
        by_source: Object.fromEntries(sources.map((s) => [s, figuresOf(records[j]!.filter((r) => r.origin === s))])),
      },
    ]),
  );
}
console.error("  final fit");
const w = fit(items);
const inSample = Object.fromEntries(
  LISTS.map(([name, m, dated]) => [
    name,
    figuresOf(data.map((d) => ({ gold: d.gold, rank: rankOfGold(d, m, w, dated), origin: d.source }))),
  ]),
);
const sum = w.slice(0, F).reduce((a, b) => a + b, 0);
const title: RankModel = {
  weights: Object.fromEntries(FEATURE_NAMES.map((k, j) => [k, round(w[j]! / sum, 4)])) as RankWeights,
  interactions: pairs.map(([a, b], p) => [a, b, round(w[F + p]! / sum, 4)] as const).filter((x) => x[2] !== 0),
  temperature: round(1 / sum, 4),
};
const fitted = {
  date: new Date().toISOString().slice(0, 10),
  command: `npm run train -- ${process.argv.slice(2).join(" ")}`.trim(),
  offers: { file: path.basename(file), sha256: offersHash, n: data.length, sources },
  rome,
  settings: {
    candidates,
    l2,
    alpha,
    epochs,
    pinned: pinnedNames,
    linear: linearNames,
    modes: fitModes,
    cvWeight,
    dates: useDates,
    pairs: !noPairs,
  },
  // Each source held out of the fit (weights never saw it), then the final weights on all offers (in-sample).
  figures: { held_out_source: heldOut ?? null, in_sample: inSample },
};
if (!flags.has("dry")) {
  const previous = readRankModelFile(RANK_MODEL_FILE);
  writeFileSync(
    RANK_MODEL_FILE,
    JSON.stringify({ ...previous, format: "rome-match/rank-model@1", fitted, title }, null, 1) + "\n",
  );
  readRankModelFile(RANK_MODEL_FILE);
}
console.log(JSON.stringify({ script: "train", fitted, title }));
