/**
 * Fitting the passerelles ranker (scripts/tune-passerelles.ts, benchmarks/proximity.ts): candidate lists per source
 * (its official targets, the fixed blend's hardest other fiches, random ones), design rows of a feature set, the
 * listwise fit, the two-stage reranker's lists, and rankings of a fitted model.
 */
import {
  FIXED_BLEND_MODEL,
  learnedSimilarity,
  PAIR_FEATURES,
  rankingScores,
  scoreColumns,
  type MobiliteGraph,
  type NeighbourMetric,
  type PairFeature,
  type PasserellesWeights,
  type ProximityIndex,
} from "../passerelles/index.js";
import { fitListwiseSets, refineForTopK, type MultiRankingList, type TopKRefineOptions } from "./learn.js";
import { fitNeighbourMetric } from "./passerelles-metric.js";
import { seededRandom } from "./random.js";
import { round } from "../numbers.js";
import { z } from "zod";
import type { PasserellesModel } from "../passerelles/index.js";

/** Which features a model uses: linear terms and products of two. */
export interface PasserellesFeatureSet {
  name: string;
  features: readonly PairFeature[];
  interactions: readonly (readonly [PairFeature, PairFeature])[];
  /** The second stage's own features (a two-stage fit); absent, the same as the first stage's. */
  second?: PasserellesFeatureSet;
}

/** The fixed blend (DEFAULT_PROXIMITY_WEIGHTS) as a model over pair features: the baseline in every comparison. */
export const FIXED_BLEND: PasserellesWeights = FIXED_BLEND_MODEL;

/** Number of design columns of a feature set (linear terms, then products). */
export const widthOf = (set: PasserellesFeatureSet): number => set.features.length + set.interactions.length;

/** Graph features: recomputed per fold (training edges), the others once per source. */
export const GRAPH_FEATURES: ReadonlySet<PairFeature> = new Set(
  PAIR_FEATURES.slice(PAIR_FEATURES.indexOf("targetInDegree")),
);

export interface ListOptions {
  /** Hardest negatives: the fixed blend's best-ranked non-targets. */
  hard: number;
  /** Random other fiches, so that the fit also sees the easy majority. */
  random: number;
  /** Random fiches of the source's own domaine professionnel (a stratum of their own; 0: none). */
  sameDomaine?: number;
  seed: number;
}
export const DEFAULT_LIST_OPTIONS: ListOptions = { hard: 60, random: 60, seed: 5 };

/** A source's sampled candidates with every non-graph feature (rows × PAIR_FEATURES) and its similarity to all fiches. */
export interface SourceCandidates {
  source: string;
  pos: number;
  rows: Int32Array;
  x: Float32Array;
  sim: Float32Array;
  golds: number[];
  offsets: Float32Array;
  /** Positions of the source's targets taken as already known (warm lists; empty: cold). */
  known: number[];
}

/** Candidates per source: its official targets, the fixed blend's best other fiches and random ones. */
export function candidateCache(
  index: ProximityIndex,
  sources: readonly string[],
  targetsOf: (s: string) => ReadonlySet<string>,
  opts: ListOptions = DEFAULT_LIST_OPTIONS,
  knownOf?: (s: string) => ReadonlySet<string>,
): SourceCandidates[] {
  const rnd = seededRandom(opts.seed);
  const n = index.codes.length;
  const P = PAIR_FEATURES.length;
  const none = index.graphOf([]);
  const out: SourceCandidates[] = [];
  for (const s of sources) {
    const targets = targetsOf(s);
    if (!targets.size) continue;
    const self = index.position(s)!;
    const known = [...(knownOf?.(s) ?? [])].map((c) => index.position(c)!);
    const knownSet = new Set(known);
    const cols = index.featureColumns(s, none);
    const blend = scoreColumns(cols, FIXED_BLEND);
    const pick = new Set<number>();
    for (const t of targets) pick.add(index.position(t)!);
    const order = Array.from({ length: n }, (_, i) => i)
      .filter((i) => i !== self && !pick.has(i) && !knownSet.has(i))
      .sort((a, b) => blend[b]! - blend[a]!);
    order.slice(0, opts.hard).forEach((i) => pick.add(i));
    let rest = order.slice(opts.hard);
    // Same-domaine negatives drawn as their own stratum, each stratum with its own sampled-softmax offset.
    const domSampled = new Set<number>();
    let domCount = 0;
    if (opts.sameDomaine) {
      const sd = cols[PAIR_FEATURES.indexOf("sameDomainePro")]!;
      const dom = rest.filter((i) => sd[i] === 1);
      rest = rest.filter((i) => sd[i] !== 1);
      domCount = dom.length;
      for (let k = 0; k < opts.sameDomaine && dom.length; k++)
        domSampled.add(dom.splice(Math.floor(rnd() * dom.length), 1)[0]!);
      for (const i of domSampled) pick.add(i);
    }
    const restCount = rest.length;
    const sampled = new Set<number>();
    for (let k = 0; k < opts.random && rest.length; k++)
      sampled.add(rest.splice(Math.floor(rnd() * rest.length), 1)[0]!);
    for (const i of sampled) pick.add(i);
    const rows = Int32Array.from(pick);
    const offsets = Float32Array.from(rows, (i) =>
      sampled.has(i)
        ? Math.log(restCount / sampled.size)
        : domSampled.has(i)
          ? Math.log(domCount / domSampled.size)
          : 0,
    );
    const x = new Float32Array(rows.length * P);
    rows.forEach((i, r) => cols.forEach((c, f) => (x[r * P + f] = c[i]!)));
    out.push({
      source: s,
      pos: self,
      rows,
      x,
      sim: Float32Array.from(blend),
      golds: [...rows].flatMap((i, r) => (targets.has(index.codes[i]!) ? [r] : [])),
      offsets,
      known,
    });
  }
  return out;
}

/** Whether a feature set (either stage) reads a feature. */
export function setReads(set: PasserellesFeatureSet, k: PairFeature): boolean {
  return [set, ...(set.second ? [set.second] : [])].some(
    (x) => x.features.includes(k) || x.interactions.some(([a, b]) => a === k || b === k),
  );
}

/** The learned similarity a set needs (`neighboursGoLearned`), fitted on `graph`'s sources; undefined otherwise. */
export function metricFor(
  index: ProximityIndex,
  graph: MobiliteGraph,
  set: PasserellesFeatureSet,
): NeighbourMetric | undefined {
  return setReads(set, "neighboursGoLearned") ? fitNeighbourMetric(index, graph) : undefined;
}

/**
 * Training lists of a feature set from cached candidates, graph features counted on `graph` (`metric`: the learned
 * similarity `neighboursGoLearned` reads, fitted on the same graph).
 */
export function listsFromCache(
  index: ProximityIndex,
  cache: readonly SourceCandidates[],
  graph: MobiliteGraph,
  set: PasserellesFeatureSet,
  metric?: NeighbourMetric,
): MultiRankingList[] {
  const n = index.codes.length;
  const P = PAIR_FEATURES.length;
  const d = widthOf(set);
  const scratch = PAIR_FEATURES.map(() => new Float64Array(n));
  const fi = set.features.map((k) => PAIR_FEATURES.indexOf(k));
  const pi = set.interactions.map(([a, b]) => [PAIR_FEATURES.indexOf(a), PAIR_FEATURES.indexOf(b)] as const);
  const isGraph = PAIR_FEATURES.map((k) => GRAPH_FEATURES.has(k));
  const learnedSim = new Float64Array(n);
  const none = index.graphOf([]);
  return cache.map((c) => {
    // The learned similarity reads every fiche's parts: the cache holds them for the sampled rows only.
    if (metric) learnedSimilarity(index.featureColumns(c.source, none), metric, learnedSim);
    index.graphColumns(c.pos, graph, c.sim, scratch, c.known, metric ? learnedSim : undefined);
    const x = new Float32Array(c.rows.length * d);
    const v = (r: number, f: number) => (isGraph[f] ? scratch[f]![c.rows[r]!]! : c.x[r * P + f]!);
    for (let r = 0; r < c.rows.length; r++) {
      let j = r * d;
      for (const f of fi) x[j++] = v(r, f);
      for (const [a, b] of pi) x[j++] = v(r, a) * v(r, b);
    }
    return { x, rows: c.rows.length, golds: c.golds, offsets: c.offsets };
  });
}

export interface FitSettings {
  epochs: number;
  learningRate: number;
  l2: number;
}
export const DEFAULT_FIT: FitSettings = { epochs: 300, learningRate: 0.08, l2: 1e-4 };

/**
 * Fits a feature set's weights on lists made by `listsFromCache` with the same set (`refine`: then refined for
 * recall@k on the same lists, see refineForTopK).
 */
export function fitPasserelles(
  lists: readonly MultiRankingList[],
  set: PasserellesFeatureSet,
  fit: FitSettings = DEFAULT_FIT,
  refine?: TopKRefineOptions,
): PasserellesWeights {
  const soft = fitListwiseSets(lists, widthOf(set), fit);
  const w = refine ? refineForTopK(lists, widthOf(set), soft, { l2: fit.l2, ...refine }) : soft;
  const r6 = (x: number) => round(x, 6);
  return {
    weights: Object.fromEntries(set.features.map((k, j) => [k, r6(w[j]!)])),
    interactions: set.interactions.map(
      ([a, b], p) => [a, b, r6(w[set.features.length + p]!)] as [PairFeature, PairFeature, number],
    ),
  };
}

/** A fitted model with the learned similarity its `neighboursGoLearned` reads (none: unchanged). */
export function withMetric(model: PasserellesWeights, metric: NeighbourMetric | undefined): PasserellesWeights {
  return metric ? { ...model, neighbourMetric: metric } : model;
}

/** The top `k` codes of a score vector (source and `exclude` left out), best first; ties in code order. */
export function topCodes(
  index: ProximityIndex,
  scores: Float64Array,
  source: string,
  k = 100,
  exclude?: ReadonlySet<string>,
): string[] {
  const self = index.position(source)!;
  return Array.from({ length: scores.length }, (_, i) => i)
    .filter((i) => i !== self && !exclude?.has(index.codes[i]!))
    .sort((a, b) => scores[b]! - scores[a]! || a - b)
    .slice(0, k)
    .map((i) => index.codes[i]!);
}

/** The model's top `k` codes for a source, graph features on `graph` (`known`: its targets taken as known). */
export function rankCodes(
  index: ProximityIndex,
  graph: MobiliteGraph,
  model: PasserellesWeights,
  source: string,
  k = 100,
  exclude?: ReadonlySet<string>,
  known?: ReadonlySet<string>,
): string[] {
  const kn = [...(known ?? [])].map((c) => index.position(c)!).filter((x) => x !== undefined);
  const cols = index.featureColumns(source, graph, kn, false, undefined, model.neighbourMetric);
  return topCodes(index, rankingScores(cols, model, index.position(source)!), source, k, exclude);
}

/** One design row per position of `rows` from feature columns: a set's linear terms, then its products. */
function designRows(cols: readonly Float64Array[], rows: readonly number[], set: PasserellesFeatureSet): Float32Array {
  const d = widthOf(set);
  const fi = set.features.map((k) => PAIR_FEATURES.indexOf(k));
  const pi = set.interactions.map(([a, b]) => [PAIR_FEATURES.indexOf(a), PAIR_FEATURES.indexOf(b)] as const);
  const x = new Float32Array(rows.length * d);
  rows.forEach((i, r) => {
    let j = r * d;
    for (const f of fi) x[j++] = cols[f]![i]!;
    for (const [a, b] of pi) x[j++] = cols[a]![i]! * cols[b]![i]!;
  });
  return x;
}

/** The second stage's recall@10 refinement (session 26: `--rerank-refine 150`). */
export const RERANK_REFINE: TopKRefineOptions = { k: 10, epochs: 150, learningRate: 0.01 };

const RefineSchema = z.object({
  k: z.number().int().positive(),
  epochs: z.number().int().nonnegative(),
  learningRate: z.number().positive(),
  l2: z.number().nonnegative().optional(),
});

/** The refinement a model file's second stage was fitted with (`fit.options.rerankRefine`; none: softmax only). */
export function refineOf(model: PasserellesModel): TopKRefineOptions | undefined {
  const r = model.fit.options["rerankRefine"];
  return r === undefined ? undefined : RefineSchema.parse(r);
}

/**
 * `first` with a second stage fitted on its top `depth` fiches of each source in `cache`: each source's list is its
 * shortlist under the first-stage model plus its targets, so that the second model learns to order what the first
 * one shortlists (candidate generation, then rerank). `refine`: the softmax fit then refined for recall@k.
 */
export function withRerank(
  index: ProximityIndex,
  cache: readonly SourceCandidates[],
  graph: MobiliteGraph,
  set: PasserellesFeatureSet,
  first: PasserellesWeights,
  depth: number,
  fit?: FitSettings,
  refine?: TopKRefineOptions,
): PasserellesWeights {
  const s2 = set.second ?? set;
  const lists: MultiRankingList[] = cache.map((c) => {
    const cols = index.featureColumns(c.source, graph, [], false, undefined, first.neighbourMetric);
    const golds = new Set(c.golds.map((r) => c.rows[r]!));
    const top = topCodes(index, scoreColumns(cols, first), c.source, depth).map((code) => index.position(code)!);
    const rows = [...new Set([...golds, ...top])];
    return {
      x: designRows(cols, rows, s2),
      rows: rows.length,
      golds: rows.flatMap((i, r) => (golds.has(i) ? [r] : [])),
    };
  });
  return { ...first, rerank: { depth, ...fitPasserelles(lists, s2, fit, refine) } };
}

/** A model fitted on every source's edges (the graph features on all of them); `rerank`: with a second stage. */
export function fitAll(
  index: ProximityIndex,
  edges: readonly (readonly [string, string])[],
  set: PasserellesFeatureSet,
  opts: { fit?: FitSettings; lists?: ListOptions; rerank?: number; refine?: TopKRefineOptions } = {},
): PasserellesWeights {
  const targets = new Map<string, Set<string>>();
  for (const [a, b] of edges) (targets.get(a) ?? targets.set(a, new Set()).get(a)!).add(b);
  const graph = index.graphOf(edges);
  const cache = candidateCache(index, [...targets.keys()].sort(), (s) => targets.get(s)!, opts.lists);
  const metric = metricFor(index, graph, set);
  const first = withMetric(fitPasserelles(listsFromCache(index, cache, graph, set, metric), set, opts.fit), metric);
  return opts.rerank ? withRerank(index, cache, graph, set, first, opts.rerank, opts.fit, opts.refine) : first;
}

/**
 * A model for the forward setting (a fiche's current mobilités known, the next version's additions to find): each
 * source's targets split at random into known (1 − `share`) and to find (`share`); candidates leave the known ones
 * out and `ownTargetsGo` reads them.
 */
export function fitAllWarm(
  index: ProximityIndex,
  edges: readonly (readonly [string, string])[],
  set: PasserellesFeatureSet,
  opts: { share?: number; seed?: number; fit?: FitSettings; lists?: ListOptions } = {},
): PasserellesWeights {
  const rnd = seededRandom(opts.seed ?? 11);
  const share = opts.share ?? 0.3;
  const all = new Map<string, string[]>();
  for (const [a, b] of edges) (all.get(a) ?? all.set(a, []).get(a)!).push(b);
  const hidden = new Map<string, Set<string>>();
  const known = new Map<string, Set<string>>();
  for (const [s, ts] of all) {
    const h = new Set(ts.filter(() => rnd() < share));
    hidden.set(s, h);
    known.set(s, new Set(ts.filter((t) => !h.has(t))));
  }
  const graph = index.graphOf(edges);
  const cache = candidateCache(
    index,
    [...all.keys()].sort(),
    (s) => hidden.get(s)!,
    opts.lists,
    (s) => known.get(s)!,
  );
  const metric = metricFor(index, graph, set);
  return withMetric(fitPasserelles(listsFromCache(index, cache, graph, set, metric), set, opts.fit), metric);
}
