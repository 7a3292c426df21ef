import { z } from "zod";
import { readModelFile } from "../model-file.js";
import type { StatedExtractor } from "./label-index.js";
import type { Candidate } from "./scoring.js";

/**
 * Paraphrase evidence learned from recruiters' items (`npm run train:paraphrases`, docs/skills.md "Session 25"): a
 * statement's words and word pairs (family keys) → the ROME items recruiters attach to offers whose statement says
 * them, with P(item | feature). Read for statements no label reads ("Encaissement" → "Procédures d'encaissement").
 */
export const ParaphraseModelFile = z.object({
  fitted: z.object({
    date: z.string(),
    command: z.string(),
    rome: z.object({ dir: z.string(), sha256: z.string() }),
    offers: z.object({ file: z.string(), sha256: z.string(), used: z.number().int().min(0) }),
    /** SHA-256 of the sorted ids of the gold texts left out, and of the training offers' sorted ids. */
    excludedIds: z.string(),
    trainIds: z.string(),
    /** Offers left out as reposts of a gold offer (same normalised title and description). */
    reposts: z.number().int().min(0),
    statements: z.number().int().min(0),
    aligned: z.object({ byWords: z.number().int(), byModel: z.number().int(), none: z.number().int() }),
  }),
  settings: z.object({
    alignCoverage: z.number(),
    minPairs: z.number(),
    smoothing: z.number(),
    minProbability: z.number(),
  }),
  /** Feature ("key" or "key key") → [item code, P(item | feature)], best first. */
  features: z.record(z.string(), z.array(z.tuple([z.string(), z.number().min(0).max(1)]))),
});
export type ParaphraseModelFile = z.infer<typeof ParaphraseModelFile>;

/** A loaded paraphrase model: feature → items with their probability. */
export type ParaphraseModel = ReadonlyMap<string, readonly (readonly [string, number])[]>;

export function readParaphrases(file: string): ParaphraseModel {
  const m = readModelFile(file, ParaphraseModelFile);
  return new Map(Object.entries(m.features));
}

/**
 * A statement's features: its family keys and the pairs of consecutive keys ("prise temperatur"); keys with a digit
 * (dates, hours, postcodes) are left out.
 */
export function paraphraseFeatures(keys: readonly string[]): string[] {
  const ks = keys.filter((k) => !/\d/.test(k));
  const out = new Set(ks);
  for (let i = 1; i < ks.length; i++) if (ks[i - 1] !== ks[i]) out.add(`${ks[i - 1]} ${ks[i]}`);
  return [...out];
}

/** Each item a statement's features point at: noisy-or of P(item | feature) over its features. */
export function paraphraseScores(model: ParaphraseModel, keys: readonly string[]): Map<string, number> {
  const miss = new Map<string, number>();
  for (const f of paraphraseFeatures(keys))
    for (const [code, p] of model.get(f) ?? []) miss.set(code, (miss.get(code) ?? 1) * (1 - p));
  for (const [code, m] of miss) miss.set(code, 1 - m);
  return miss;
}

/**
 * The item a statement's features point at most: noisy-or of P(item | feature) over its features, at least `min`.
 * `allowed` (a row filter, e.g. the text's domain) decides which items may be read.
 */
export function paraphraseReading(
  x: StatedExtractor,
  model: ParaphraseModel,
  keys: readonly string[],
  min: number,
  allowed: (row: number) => boolean = () => true,
): Candidate | null {
  let best: Candidate | null = null;
  for (const [code, score] of paraphraseScores(model, keys)) {
    if (score < min || (best && (score < best.score || (score === best.score && code > best.code)))) continue;
    const row = x.rowOf.get(code);
    if (row === undefined || !allowed(row)) continue;
    const r = x.rows[row]!;
    best = { code, row, kind: r.kind, score, mc: r.kind === "macro-competence" ? r.code : r.mc };
  }
  return best;
}
