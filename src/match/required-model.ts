/**
 * The offer-coding models (which ROME items a recruiter would attach to an offer) live in models/required-model.json,
 * written by `npm run tune:required -- --write` (scripts/tune-required.ts) with how each was fitted (`fitted`: date,
 * command, data hashes, cross-validated figures). `coded` serves engines whose labelled offers carry recruiters'
 * items; `uncoded` the others (`share`, `coded`, `popularity` and `neighbours` are then 0). Validated at load.
 */
import path from "node:path";
import { z } from "zod";
import { REPO_ROOT } from "../config.js";
import { readModelFile } from "../model-file.js";
import { REQUIRED_FEATURES, type RequiredFeatures, type RequiredModel } from "./required.js";

const Weights = z.strictObject(
  Object.fromEntries(REQUIRED_FEATURES.map((k) => [k, z.number()])) as Record<keyof RequiredFeatures, z.ZodNumber>,
);
const RequiredModelEntry = z.object({
  fitted: z.looseObject({ date: z.string(), command: z.string() }),
  bias: z.number(),
  weights: Weights,
  fiches: z.number().int().min(1),
  minProbability: z.number().min(0).max(1),
  max: z.number().int().min(1),
});
export const RequiredModelFile = z.object({
  format: z.literal("rome-match/required-model@1"),
  coded: RequiredModelEntry,
  uncoded: RequiredModelEntry,
});
export type RequiredModelFile = z.infer<typeof RequiredModelFile>;

/** Where the offer-coding models are read from. */
export const REQUIRED_MODEL_FILE = path.join(REPO_ROOT, "models", "required-model.json");

export const readRequiredModelFile = (file: string): RequiredModelFile => readModelFile(file, RequiredModelFile);

const modelOf = ({ fitted: _fitted, ...m }: z.infer<typeof RequiredModelEntry>): RequiredModel => m;
const FILE = readRequiredModelFile(REQUIRED_MODEL_FILE);
/** The model for engines whose labelled offers carry recruiters' items. */
export const REQUIRED_MODEL: RequiredModel = modelOf(FILE.coded);
/** The model without labelled offers that carry items: the text's evidence and the fiches speak alone. */
export const REQUIRED_MODEL_UNCODED: RequiredModel = modelOf(FILE.uncoded);
