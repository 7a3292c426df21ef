import path from "node:path";
import { z } from "zod";
import { REPO_ROOT } from "../config.js";
import { topK } from "../text/index.js";
import { readModelFile } from "../model-file.js";

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
  /**
   * The title's job words against each whole fiche (its labels, appellations, compétences, savoirs, definition;
   * BM25): what an appellation does not say, the fiche's items may ("Développeur PHP": PHP is a savoir of the web
   * developer's fiche, not a word of any appellation).
   */
  titleFiche: Float64Array;
  /**
   * The fiche classifier's probability (src/match/classifier.ts: a model of job text trained on ROME), over the best
   * fiche's: what the text's words say of each fiche as a whole, learnt rather than counted.
   */
  classifier: Float64Array;
}

export type RankWeights = Record<keyof FicheFeatures, number>;

/**
 * Hand-tuned weights, by grid search on a third of the dev offers (1,253) and, for the labelled-offer votes, by
 * grouped 5-fold cross-validation: title evidence dominates because recruiters' titles name the job; the same-title
 * vote weighs 1 (where offers with this very title are labelled, their majority code should win); a title that is
 * exactly one of ROME's appellations adds 0.1. They are the prior that scripts/tune-weights.ts fits RANK_MODEL's weights
 * around (and, with `--from grid`, pick the candidates it learns from).
 */
export const GRID_WEIGHTS: RankWeights = {
  titleLex: 0.3,
  titleVec: 0.1,
  titleAppellation: 0.1,
  bodyLex: 0,
  bodyVec: 0.1,
  mc: 0,
  items: 0,
  bodyTitle: 0.05,
  exemplarTitle: 0.5,
  exemplarBody: 0.5,
  exemplarSameTitle: 1,
  exemplarCodeTitle: 0,
  exemplarCodeBody: 0,
  titleFiche: 0.1,
  classifier: 0,
};

/** Hand-set weights for texts without a title (no labelled CVs to tune them on): the prior of RANK_MODEL_NO_TITLE. */
export const GRID_WEIGHTS_NO_TITLE: RankWeights = {
  titleLex: 0,
  titleVec: 0,
  titleAppellation: 0,
  bodyLex: 0.1,
  bodyVec: 0.4,
  mc: 0,
  items: 0,
  bodyTitle: 0.1,
  exemplarTitle: 0,
  exemplarBody: 0.5,
  exemplarSameTitle: 0,
  exemplarCodeTitle: 0,
  exemplarCodeBody: 0,
  titleFiche: 0,
  classifier: 0,
};

/** The feature names, in a fixed order (weight tuning works on vectors in this order). */
export const FEATURE_NAMES = [
  "titleLex",
  "titleVec",
  "titleAppellation",
  "bodyLex",
  "bodyVec",
  "mc",
  "items",
  "bodyTitle",
  "exemplarTitle",
  "exemplarBody",
  "exemplarSameTitle",
  "exemplarCodeTitle",
  "exemplarCodeBody",
  "titleFiche",
  "classifier",
] as const satisfies readonly (keyof FicheFeatures)[];

/** A pairwise term of the score: weight × feature a × feature b (a = b: the feature's square). */
export type Interaction = readonly [a: keyof FicheFeatures, b: keyof FicheFeatures, weight: number];

/**
 * The ranking score of a fiche: linear weights plus pairwise products of features (a second-order polynomial), and
 * the softmax temperature that turns scores back into the fitted probabilities. The products let signals that agree
 * count more than their sum (squares: one strong title match beats several weak ones) and signals that say the same
 * thing count less (title × pooled-code votes, negative): linear weights cannot do either.
 */
export interface RankModel {
  weights: RankWeights;
  interactions: readonly Interaction[];
  temperature: number;
}

/** Every pair of `names`, squares included, in a fixed order: the products the tuner fits. */
export function featurePairs<K>(names: readonly K[]): [K, K][] {
  return names.flatMap((a, j) => names.slice(j).map((b) => [a, b] as [K, K]));
}

/** The features a model reads (a weight, negative ones too, or a product), so that the engine computes only those. */
export function featuresUsed(model: RankModel): Set<keyof FicheFeatures> {
  const used = new Set<keyof FicheFeatures>(FEATURE_NAMES.filter((k) => model.weights[k] !== 0));
  for (const [a, b, w] of model.interactions) if (w !== 0) used.add(a).add(b);
  return used;
}

/**
 * The pairwise terms' part of a fiche's score, as a function of its row: the products' feature arrays are resolved
 * once (per text), not per fiche and product.
 */
export function interactionScorer(f: FicheFeatures, interactions: readonly Interaction[]): (i: number) => number {
  const pa = interactions.map(([a]) => f[a]);
  const pb = interactions.map(([, b]) => f[b]);
  const pw = Float64Array.from(interactions, ([, , w]) => w);
  return (i) => {
    let x = 0;
    for (let k = 0; k < pw.length; k++) x += pw[k]! * pa[k]![i]! * pb[k]![i]!;
    return x;
  };
}

/** Fiche `i`'s ranking score under a model. */
export function scoreOf(f: FicheFeatures, model: RankModel, i: number): number {
  return combine(f, model.weights, i) + interactionScorer(f, model.interactions)(i);
}

export function combine(f: FicheFeatures, w: RankWeights, i: number): number {
  return (
    w.titleLex * f.titleLex[i]! +
    w.titleVec * f.titleVec[i]! +
    w.titleAppellation * f.titleAppellation[i]! +
    w.bodyLex * f.bodyLex[i]! +
    w.bodyVec * f.bodyVec[i]! +
    w.mc * f.mc[i]! +
    w.items * f.items[i]! +
    w.bodyTitle * f.bodyTitle[i]! +
    w.exemplarTitle * f.exemplarTitle[i]! +
    w.exemplarBody * f.exemplarBody[i]! +
    w.exemplarSameTitle * f.exemplarSameTitle[i]! +
    w.exemplarCodeTitle * f.exemplarCodeTitle[i]! +
    w.exemplarCodeBody * f.exemplarCodeBody[i]! +
    w.titleFiche * f.titleFiche[i]! +
    w.classifier * f.classifier[i]!
  );
}

/**
 * Fiches of the linear score's best that the model's products re-rank: the tuner fits them on each offer's best 60;
 * 200 leaves room for topK up to its limit (50) with each split fiche's parent.
 */
export const RERANK_DEPTH = 200;

/**
 * Every fiche's ranking score, in two stages as the model is fitted (on each offer's best 60 fiches): the linear
 * score picks the fiches with evidence (a product is never non-zero without its two features) and its best
 * RERANK_DEPTH (`ranked`, the fiches a list is made of), whose products are then added (`interactions`: that part;
 * `productsOf` gives it for any other fiche). A fiche whose linear score is not positive (a model may weigh a
 * feature negatively) is left out, in the fit too.
 */
export function rankScores(
  f: FicheFeatures,
  model: RankModel,
): { ranked: number[]; totals: Float64Array; interactions: Float64Array; productsOf: (i: number) => number } {
  const n = f.titleLex.length;
  const totals = new Float64Array(n);
  const interactions = new Float64Array(n);
  // Feature by feature (tight loops over one array each), in FEATURE_NAMES order: the same sums as `combine`.
  for (const k of FEATURE_NAMES) {
    const w = model.weights[k];
    if (w === 0) continue;
    const x = f[k];
    for (let i = 0; i < n; i++) totals[i]! += w * x[i]!;
  }
  const withEvidence = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (totals[i]! > 0) withEvidence[m++] = i;
  const ranked = topK(withEvidence, totals, RERANK_DEPTH, m);
  // Products likewise, product by product over the ranked rows, in the model's order: the same sums as `productsOf`.
  for (const [a, b, w] of model.interactions) {
    const fa = f[a];
    const fb = f[b];
    for (const i of ranked) interactions[i]! += w * fa[i]! * fb[i]!;
  }
  for (const i of ranked) totals[i]! += interactions[i]!;
  return { ranked, totals, interactions, productsOf: interactionScorer(f, model.interactions) };
}

/**
 * Each of `scores`' share of a softmax at `temperature` over the scores `over` (the softmax of `scores` when they are
 * the same): confidences of a list that leaves out some of the candidates it is normalised over.
 */
export function sharesOf(scores: readonly number[], over: readonly number[], temperature: number): number[] {
  if (scores.length === 0) return [];
  const m = Math.max(...scores, ...over);
  const z = over.reduce((a, s) => a + Math.exp((s - m) / temperature), 0);
  return scores.map((s) => Math.exp((s - m) / temperature) / z);
}

/** Scales an array so its maximum is 1 (all zeros stay zeros). */
export function scaleToMax(a: Float64Array): Float64Array {
  let m = 0;
  for (const x of a) if (x > m) m = x;
  if (m > 0) for (let i = 0; i < a.length; i++) a[i]! /= m;
  return a;
}

/**
 * The ranking models live in models/rank-model.json (written by `npm run train`, scripts/train.ts), with how they
 * were fitted (`fitted`: date, command, data hashes, figures): RANK_MODEL for texts with a title, RANK_MODEL_NO_TITLE
 * without (most CVs; body evidence carries the score). Validated at load: every feature weighed, known feature
 * names in the products, a positive temperature; an invalid file stops the engine with its path and the problem.
 */
const FeatureName = z.enum(FEATURE_NAMES);
const RankModelSchema = z.object({
  weights: z.record(FeatureName, z.number()),
  interactions: z.array(z.tuple([FeatureName, FeatureName, z.number()])),
  temperature: z.number().positive(),
});
export const RankModelFile = z.object({
  format: z.literal("rome-match/rank-model@1"),
  fitted: z.looseObject({ date: z.string(), command: z.string() }),
  /** How the model for texts without a title was fitted (`npm run tune -- --no-title --write`). */
  noTitleFitted: z.looseObject({ date: z.string(), command: z.string() }).optional(),
  title: RankModelSchema,
  noTitle: RankModelSchema,
});
export type RankModelFile = z.infer<typeof RankModelFile>;

/** Where the ranking models are read from. */
export const RANK_MODEL_FILE = path.join(REPO_ROOT, "models", "rank-model.json");

/** Reads and validates a ranking-model file; errors name the file and the field. */
export const readRankModelFile = (file: string): RankModelFile => readModelFile(file, RankModelFile);

const RANK_MODELS = readRankModelFile(RANK_MODEL_FILE);
export const RANK_MODEL: RankModel = RANK_MODELS.title;
export const RANK_MODEL_NO_TITLE: RankModel = RANK_MODELS.noTitle;
/** How the models were fitted (the file's `fitted`). */
export const RANK_MODEL_FIT = RANK_MODELS.fitted;
