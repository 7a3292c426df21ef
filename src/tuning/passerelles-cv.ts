/**
 * Grouped cross-validation of the passerelles ranker on ROME's official mobilités (scripts/tune-passerelles.ts,
 * benchmarks/proximity.ts). Grouped cross-validation by source fiche: a fold's sources are ranked by a model fitted
 * on the other folds' sources, with graph features (in-degree, co-citation, where similar fiches go) counted on the
 * other folds' edges only, so a held-out fiche's mobilités are never seen, not even through its targets' in-degree.
 */
import { rankingScores, scoreColumns, type ProximityIndex } from "../passerelles/index.js";
import {
  countRanking,
  emptyCounts,
  finish,
  sourceFolds,
  type MetricCounts,
  type PasserelleMetrics,
} from "./passerelles-metrics.js";
import {
  candidateCache,
  FIXED_BLEND,
  fitPasserelles,
  listsFromCache,
  metricFor,
  withMetric,
  withRerank,
  topCodes,
  type FitSettings,
  type ListOptions,
  type PasserellesFeatureSet,
} from "./passerelles-fit.js";
import type { PasserellesWeights } from "../passerelles/index.js";
import type { TopKRefineOptions } from "./learn.js";

export interface CvResult {
  learned: PasserelleMetrics;
  fixedBlend: PasserelleMetrics;
  perFold: { fold: number; learned: PasserelleMetrics; fixedBlend: PasserelleMetrics; weights: PasserellesWeights }[];
}

/** Grouped k-fold cross-validation by source fiche of one feature set on `edges`. */
export function groupedCv(
  index: ProximityIndex,
  edges: readonly (readonly [string, string])[],
  set: PasserellesFeatureSet,
  opts: {
    folds?: number;
    seed?: number;
    fit?: FitSettings;
    lists?: ListOptions;
    log?: (m: string) => void;
    onlyFold?: number;
    rerank?: number;
    /** The second stage refined for recall@k after its softmax fit (refineForTopK). */
    refine?: TopKRefineOptions;
  } = {},
): CvResult {
  const k = opts.folds ?? 5;
  const targets = new Map<string, Set<string>>();
  for (const [a, b] of edges) (targets.get(a) ?? targets.set(a, new Set()).get(a)!).add(b);
  const sources = [...targets.keys()].sort();
  const fold = sourceFolds(sources, k, opts.seed);
  const cache = candidateCache(index, sources, (s) => targets.get(s)!, opts.lists);
  const total = { learned: emptyCounts(), fixedBlend: emptyCounts() };
  const perFold: CvResult["perFold"] = [];
  for (let f = 0; f < k; f++) {
    if (opts.onlyFold !== undefined && f !== opts.onlyFold) continue;
    const test = sources.filter((s) => fold.get(s) === f);
    const graph = index.graphOf(edges.filter(([a]) => fold.get(a) !== f));
    const train = cache.filter((c) => fold.get(c.source) !== f);
    const metric = metricFor(index, graph, set);
    const first = withMetric(fitPasserelles(listsFromCache(index, train, graph, set, metric), set, opts.fit), metric);
    const model = opts.rerank ? withRerank(index, train, graph, set, first, opts.rerank, opts.fit, opts.refine) : first;
    const c = { learned: emptyCounts(), fixedBlend: emptyCounts() };
    for (const s of test) {
      const cols = index.featureColumns(s, graph, [], false, undefined, model.neighbourMetric);
      countRanking(c.learned, topCodes(index, rankingScores(cols, model, index.position(s)!), s), targets.get(s)!);
      countRanking(c.fixedBlend, topCodes(index, scoreColumns(cols, FIXED_BLEND), s), targets.get(s)!);
    }
    for (const key of ["learned", "fixedBlend"] as const)
      for (const [m, v] of Object.entries(c[key])) total[key][m as keyof MetricCounts] += v;
    perFold.push({ fold: f, learned: finish(c.learned), fixedBlend: finish(c.fixedBlend), weights: model });
    opts.log?.(
      `  ${set.name} fold ${f}: recall@10 ${finish(c.learned).recallAt10} (fixed blend ${finish(c.fixedBlend).recallAt10})`,
    );
  }
  return { learned: finish(total.learned), fixedBlend: finish(total.fixedBlend), perFold };
}
