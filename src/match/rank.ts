/** Per-fiche features, each in 0..1, as dense arrays aligned with the lexicon's fiche order. */
export interface FicheFeatures {
  titleLex: Float64Array;
  titleVec: Float64Array;
  /** The title is one of the fiche's appellations (same `titleKey`), shared among the fiches that list it. */
  titleAppellation: Float64Array;
  bodyLex: Float64Array;
  bodyVec: Float64Array;
  mc: Float64Array;
  /** IDF-weighted extracted compétences/savoirs that the fiche itself lists (item level, sharper than MCs). */
  items: Float64Array;
  /** Appellations named in the body ("nous recherchons un vendeur en prêt-à-porter"). */
  bodyTitle: Float64Array;
  /** Votes of the labelled offers (LABELLED_OFFERS) whose titles are most like the text's title… */
  exemplarTitle: Float64Array;
  /** …and whose title + text are most like the text… */
  exemplarBody: Float64Array;
  /** …and whose title is the text's title (share of those texts per code, shrunk when they are few). */
  exemplarSameTitle: Float64Array;
  /** Each code's labelled offers pooled into one document, scored against the title… */
  exemplarCodeTitle: Float64Array;
  /** …and against the title + text. */
  exemplarCodeBody: Float64Array;
}

export type RankWeights = Record<keyof FicheFeatures, number>;

/**
 * Hand-tuned weights, by grid search on a third of the dev offers (1,253) and, for the labelled-offer votes, by
 * grouped 5-fold cross-validation: title evidence dominates because recruiters' titles name the job; the same-title
 * vote weighs 1 (where offers with this very title are labelled, their majority code should win); a title that is
 * exactly one of ROME's appellations adds 0.1. They are the prior that scripts/tune-weights.ts fits RANK_WEIGHTS
 * around, and pick the candidates it learns from.
 */
export const GRID_WEIGHTS: RankWeights = { titleLex: 0.3, titleVec: 0.1, titleAppellation: 0.1, bodyLex: 0, bodyVec: 0.1, mc: 0, items: 0, bodyTitle: 0.05, exemplarTitle: 0.5, exemplarBody: 0.5, exemplarSameTitle: 1, exemplarCodeTitle: 0, exemplarCodeBody: 0 };

/**
 * Weights of the hybrid score, fitted by `npm run tune` (scripts/tune-weights.ts, its defaults) on the dev offers:
 * a listwise ranker with GRID_WEIGHTS as its prior (src/match/learn.ts), each offer weighing (offers with its
 * code)^-0.4 so that frequent codes do not buy top-1 with rare ones; normalised to sum to 1, and
 * CONFIDENCE.temperature turns scores back into the fitted probabilities. `npm run eval` (5-fold CV, 2026-12-01):
 * top-1 0.655 → 0.668, top-5 0.829 → 0.858, top-10 0.867 → 0.890, macro top-1 0.513 → 0.499 against GRID_WEIGHTS
 * (the 11 title-less dev offers ranked with RANK_WEIGHTS_NO_TITLE).
 * Without the class weights: top-1 0.670 and top-5 0.865 but macro top-1 0.476. The labelled offers' votes weigh
 * ~69 %; without a memory those features are 0 and the title and body weights rank alone.
 */
export const RANK_WEIGHTS: RankWeights = {
  titleLex: 0.0998,
  titleVec: 0.0524,
  titleAppellation: 0.0494,
  bodyLex: 0,
  bodyVec: 0.0855,
  mc: 0,
  items: 0,
  bodyTitle: 0.0265,
  exemplarTitle: 0.0606,
  exemplarBody: 0.2634,
  exemplarSameTitle: 0.316,
  exemplarCodeTitle: 0.0229,
  exemplarCodeBody: 0.0234,
};

/** Hand-set weights for texts without a title (no labelled CVs to tune them on): the prior of RANK_WEIGHTS_NO_TITLE. */
export const GRID_WEIGHTS_NO_TITLE: RankWeights = { titleLex: 0, titleVec: 0, titleAppellation: 0, bodyLex: 0.1, bodyVec: 0.4, mc: 0, items: 0, bodyTitle: 0.1, exemplarTitle: 0, exemplarBody: 0.5, exemplarSameTitle: 0, exemplarCodeTitle: 0, exemplarCodeBody: 0 };

/**
 * Without a title (most CVs), body evidence carries the score: fitted as RANK_WEIGHTS, on the dev offers with
 * their titles dropped (`npm run tune -- --no-title`), around GRID_WEIGHTS_NO_TITLE. Cross-validated on the candidates: top-1 0.283 → 0.435, top-5 0.512 → 0.665
 * (offers without their titles; no labelled CVs to check it on).
 */
export const RANK_WEIGHTS_NO_TITLE: RankWeights = {
  titleLex: 0,
  titleVec: 0,
  titleAppellation: 0,
  bodyLex: 0.1085,
  bodyVec: 0.2322,
  mc: 0.0219,
  items: 0.0227,
  bodyTitle: 0.0984,
  exemplarTitle: 0,
  exemplarBody: 0.4006,
  exemplarSameTitle: 0,
  exemplarCodeTitle: 0,
  exemplarCodeBody: 0.1158,
};

/** The feature names, in a fixed order (weight tuning works on vectors in this order). */
export const FEATURE_NAMES = ["titleLex", "titleVec", "titleAppellation", "bodyLex", "bodyVec", "mc", "items", "bodyTitle", "exemplarTitle", "exemplarBody", "exemplarSameTitle", "exemplarCodeTitle", "exemplarCodeBody"] as const satisfies readonly (keyof FicheFeatures)[];

export function combine(f: FicheFeatures, w: RankWeights, i: number): number {
  return (
    w.titleLex * f.titleLex[i]! + w.titleVec * f.titleVec[i]! + w.titleAppellation * f.titleAppellation[i]! + w.bodyLex * f.bodyLex[i]! + w.bodyVec * f.bodyVec[i]! + w.mc * f.mc[i]! + w.items * f.items[i]! + w.bodyTitle * f.bodyTitle[i]! +
    w.exemplarTitle * f.exemplarTitle[i]! + w.exemplarBody * f.exemplarBody[i]! + w.exemplarSameTitle * f.exemplarSameTitle[i]! +
    w.exemplarCodeTitle * f.exemplarCodeTitle[i]! + w.exemplarCodeBody * f.exemplarCodeBody[i]!
  );
}

/** Softmax with temperature over scores, for a confidence per candidate that sums to 1 over the list. */
export function softmax(scores: readonly number[], temperature: number): number[] {
  if (scores.length === 0) return [];
  const m = Math.max(...scores);
  const e = scores.map((s) => Math.exp((s - m) / temperature));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

/** Scales an array so its maximum is 1 (all zeros stay zeros). */
export function scaleToMax(a: Float64Array): Float64Array {
  let m = 0;
  for (const x of a) if (x > m) m = x;
  if (m > 0) for (let i = 0; i < a.length; i++) a[i]! /= m;
  return a;
}
