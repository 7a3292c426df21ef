import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_PASSERELLES_MODEL, passerellesConfigOf } from "../config.js";
import { PAIR_FEATURES, SIMILARITY_PARTS, type PairFeature } from "./features.js";

/**
 * The learned passerelles ranker: a linear score over pair features plus products of two features, fitted listwise on
 * ROME's official mobilités (scripts/tune-passerelles.ts). Weights are log-odds units: softmax over a source's
 * targets of the score is the fitted probability that ROME lists each one. A data file with its fit's metadata
 * (models/passerelles.json), validated here at load so that a malformed or stale file fails loudly.
 */
const Feature = z.enum(PAIR_FEATURES);
const finite = z.number().refine(Number.isFinite, "must be a finite number");

const CvFigures = z.object({ recallAt5: z.number(), recallAt10: z.number(), mrr: z.number() }).catchall(z.number());

const Terms = {
  weights: z.partialRecord(Feature, finite),
  interactions: z.array(z.tuple([Feature, Feature, finite])).default([]),
};

export const PasserellesModelSchema = z
  .object({
    kind: z.literal("passerelles-ranker"),
    formatVersion: z.literal(1),
    ...Terms,
    /** The learned source–source similarity `neighboursGoLearned` reads (logit weights over SIMILARITY_PARTS). */
    neighbourMetric: z.partialRecord(z.enum(SIMILARITY_PARTS), finite).optional(),
    /** Second stage: reorders the first stage's top `depth` fiches (fitted on those shortlists). */
    rerank: z
      .object({ depth: z.number().int().positive(), ...Terms })
      .strict()
      .optional(),
    fit: z.object({
      date: z.string(),
      commit: z.string(),
      romeVersion: z.string(),
      /** sha256 of the mobilités the model was fitted on (source→target pairs, sorted). */
      dataHash: z.string(),
      edges: z.number().int().nonnegative(),
      sources: z.number().int().nonnegative(),
      folds: z.number().int().positive(),
      featureSet: z.string(),
      options: z.record(z.string(), z.unknown()).default({}),
      crossValidated: z.object({ learned: CvFigures, fixedBlend: CvFigures }),
    }),
  })
  .strict();
export type PasserellesModel = z.infer<typeof PasserellesModelSchema>;
/** One linear stage: weights of features and of products of two. */
export type StageWeights = Pick<PasserellesModel, "weights" | "interactions">;
/** What scoring needs: the weights and the optional second stage (a fit in progress has no metadata yet). */
export type PasserellesWeights = StageWeights & {
  rerank?: StageWeights & { depth: number };
  neighbourMetric?: NeighbourMetric;
};
/** Weights of the learned source–source similarity (logits): the fiches that vote in `neighboursGoLearned`. */
export type NeighbourMetric = Partial<Record<(typeof SIMILARITY_PARTS)[number], number>>;

/** The learned similarity of source → every fiche from its feature columns (PAIR_FEATURES order) into `out`. */
export function learnedSimilarity(
  cols: readonly Float64Array[],
  metric: NeighbourMetric,
  out: Float64Array,
): Float64Array {
  out.fill(0);
  for (const [k, w] of Object.entries(metric) as [PairFeature, number][]) {
    if (!w) continue;
    const c = cols[PAIR_FEATURES.indexOf(k)]!;
    for (let i = 0; i < out.length; i++) out[i]! += w * c[i]!;
  }
  return out;
}

/** Where `npm run tune:passerelles` writes the model (the config's default `passerellesModel`). */
export const DEFAULT_MODEL_FILE = DEFAULT_PASSERELLES_MODEL;

export class ModelFileError extends Error {}

/** Parses and validates a model file's text. */
export function parseModel(text: string, file = "passerelles model"): PasserellesModel {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(`${file}: not JSON (${(e as Error).message})`);
  }
  const parsed = PasserellesModelSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ModelFileError(`${file}: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return parsed.data;
}

const cache = new Map<string, PasserellesModel>();
/** Reads a model file once per path (default: the config's `passerellesModel`, PASSERELLES_MODEL). */
export function loadPasserellesModel(file = passerellesConfigOf().passerellesModel): PasserellesModel {
  const full = path.resolve(file);
  let m = cache.get(full);
  if (!m) {
    if (!existsSync(full))
      throw new ModelFileError(`${full}: passerelles model file is missing (npm run tune:passerelles writes it)`);
    cache.set(full, (m = parseModel(readFileSync(full, "utf8"), full)));
  }
  return m;
}

/** A model's terms as column indexes (PAIR_FEATURES order), compiled once per weights object. */
interface CompiledModel {
  linear: { col: number; w: number }[];
  products: { a: number; b: number; w: number }[];
}
const compiled = new WeakMap<StageWeights, CompiledModel>();
function compile(model: StageWeights): CompiledModel {
  let c = compiled.get(model);
  if (!c) {
    c = {
      linear: (Object.entries(model.weights) as [PairFeature, number][])
        .filter(([, w]) => w)
        .map(([k, w]) => ({ col: PAIR_FEATURES.indexOf(k), w })),
      products: model.interactions
        .filter(([, , w]) => w)
        .map(([a, b, w]) => ({ a: PAIR_FEATURES.indexOf(a), b: PAIR_FEATURES.indexOf(b), w })),
    };
    compiled.set(model, c);
  }
  return c;
}

/** Feature columns (index-aligned with PAIR_FEATURES, one value per target) → the model's score per target. */
export function scoreColumns(
  cols: readonly Float64Array[],
  model: StageWeights,
  out = new Float64Array(cols[0]!.length),
): Float64Array {
  out.fill(0);
  const { linear, products } = compile(model);
  const n = out.length;
  for (const { col, w } of linear) {
    const c = cols[col]!;
    for (let i = 0; i < n; i++) out[i]! += w * c[i]!;
  }
  for (const { a, b, w } of products) {
    const ca = cols[a]!;
    const cb = cols[b]!;
    for (let i = 0; i < n; i++) out[i]! += w * ca[i]! * cb[i]!;
  }
  return out;
}

/** The model's score of one row of features (index-aligned with PAIR_FEATURES). */
export function scoreRow(x: ArrayLike<number>, model: StageWeights): number {
  const { linear, products } = compile(model);
  let s = 0;
  for (const { col, w } of linear) s += w * x[col]!;
  for (const { a, b, w } of products) s += w * x[a]! * x[b]!;
  return s;
}

/** Each feature's share of one target's score (weight × value, products split evenly between their two features). */
export function contributions(x: ReadonlyMap<PairFeature, number>, model: StageWeights): Map<PairFeature, number> {
  const c = new Map<PairFeature, number>();
  const add = (k: PairFeature, v: number) => v && c.set(k, (c.get(k) ?? 0) + v);
  const { linear, products } = compile(model);
  for (const { col, w } of linear) add(PAIR_FEATURES[col]!, w * (x.get(PAIR_FEATURES[col]!) ?? 0));
  for (const { a, b, w } of products) {
    const ka = PAIR_FEATURES[a]!;
    const kb = PAIR_FEATURES[b]!;
    const v = w * (x.get(ka) ?? 0) * (x.get(kb) ?? 0);
    add(ka, v / 2);
    add(kb, v / 2);
  }
  return c;
}

/**
 * Ranking keys of the two-stage model: its first stage's top `depth` fiches (`skip`, the source, left out) get the
 * second stage's score plus RERANK_OFFSET, so they come first in its order; the rest keep the first stage's score.
 * A model without a second stage: the first stage's scores.
 */
export function rankingScores(
  cols: readonly Float64Array[],
  model: PasserellesWeights,
  skip: number,
  out?: Float64Array<ArrayBuffer>,
): Float64Array {
  const first = scoreColumns(cols, model, out);
  const r = model.rerank;
  if (!r) return first;
  const { linear, products } = compile(r);
  for (const i of topPositions(first, r.depth, skip)) {
    let x = 0;
    for (const { col, w } of linear) x += w * cols[col]![i]!;
    for (const { a, b, w } of products) x += w * cols[a]![i]! * cols[b]![i]!;
    first[i] = RERANK_OFFSET + x;
  }
  return first;
}

/** Added to the second stage's scores so that its shortlist ranks above the rest (scores are a few log-odds). */
export const RERANK_OFFSET = 1e6;

/** A ranking key back to the model's score (the second stage's for a shortlisted fiche). */
export const stageScore = (key: number): number => (key >= RERANK_OFFSET / 2 ? key - RERANK_OFFSET : key);

/** The `k` best positions of `scores` (`skip` left out), best first; ties keep position order. */
export function topPositions(scores: Float64Array, k: number, skip = -1): number[] {
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (i === skip) continue;
    const x = scores[i]!;
    if (best.length === k && x <= scores[best[best.length - 1]!]!) continue;
    let j = best.length;
    while (j > 0 && scores[best[j - 1]!]! < x) j--;
    best.splice(j, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

/** The features a model reads (linear terms and products, both stages). */
export function modelFeatures(model: PasserellesWeights): Set<PairFeature> {
  const out = new Set<PairFeature>();
  for (const stage of [model, ...(model.rerank ? [model.rerank] : [])]) {
    for (const [k, w] of Object.entries(stage.weights) as [PairFeature, number][]) if (w) out.add(k);
    for (const [a, b, w] of stage.interactions) if (w) (out.add(a), out.add(b));
  }
  // The learned vote reads its similarity's parts.
  if (out.has("neighboursGoLearned") && model.neighbourMetric)
    for (const [k, w] of Object.entries(model.neighbourMetric) as [PairFeature, number][]) if (w) out.add(k);
  return out;
}
