import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import path from "node:path";
import { z } from "zod";
import { REPO_ROOT } from "../config.js";
import { cleanTitle, contentStems, normalizeText } from "../text/index.js";
import { readModelFile } from "../model-file.js";

/**
 * A trained domain model of French job text (fastText-style): hashed features of the title (stems, stem bigrams,
 * character n-grams of its words) and of the body (stems, stem bigrams) are looked up in one embedding table, the
 * title's and the body's rows averaged apart, and a softmax layer over the fiches reads both halves. It gives every
 * fiche a probability that the ranking model reads as one feature (`classifier`). Trained by
 * `npm run train:classifier` (src/tuning/train-classifier.ts) on examples made from ROME only, so that it holds the
 * same on any source of offers.
 */
export interface FicheClassifier {
  /** Fiche codes, in the order of the output rows. */
  codes: string[];
  /** Hash buckets of the embedding table. */
  buckets: number;
  /** Embedding dimension (the hidden layer is twice that: title half, body half). */
  dim: number;
  /** buckets × dim, row-major. */
  input: Float32Array;
  /** codes × 2·dim, row-major. */
  output: Float32Array;
  /** One bias per fiche. */
  bias: Float32Array;
}

/** Character n-grams of a title's words, from MIN_GRAM to MAX_GRAM, with word-boundary marks (as fastText). */
const MIN_GRAM = 3;
const MAX_GRAM = 5;
/** Body stems read (the start of a long text says what the job is; the rest is mostly the employer and benefits). */
const MAX_BODY_STEMS = 400;

/** FNV-1a 32-bit hash of a string (deterministic across runs and machines). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A text's hashed features: bucket ids of the title's and of the body's, repeats kept (they weigh in the mean). */
export interface ClassifierInput {
  title: Int32Array;
  body: Int32Array;
}

const hashCache = new Map<string, number>();
/** The hash of a namespaced token, memoised (the vocabulary is small). */
function tokenHash(prefix: string, token: string): number {
  const key = prefix + token;
  let h = hashCache.get(key);
  if (h === undefined) {
    h = hashString(key);
    if (hashCache.size >= 500_000) hashCache.clear();
    hashCache.set(key, h);
  }
  return h;
}

/** Hashes of stems and stem bigrams (a bigram's hash mixes its two stems'), with a namespace prefix. */
function stemFeatures(stems: readonly string[], prefix: string, out: number[]): void {
  let prev = 0;
  for (let i = 0; i < stems.length; i++) {
    const h = tokenHash(prefix, stems[i]!);
    out.push(h);
    if (i > 0) out.push((Math.imul(prev ^ 0x5bd1e995, 0x9e3779b1) ^ h) >>> 0);
    prev = h;
  }
}

/** The hashed features of a title and a body (either may be empty). */
export function classifierInput(title: string, body: string, buckets: number): ClassifierInput {
  const t: number[] = [];
  const clean = title ? cleanTitle(title) : "";
  if (clean) {
    stemFeatures(contentStems(clean), "t:", t);
    for (const w of normalizeText(clean).split(" ")) {
      if (w.length < 2) continue;
      const x = `<${w}>`;
      for (let n = MIN_GRAM; n <= MAX_GRAM; n++)
        for (let i = 0; i + n <= x.length; i++) t.push(tokenHash("c:", x.slice(i, i + n)));
    }
  }
  const b: number[] = [];
  if (body) {
    // Bigrams within a line only: bullets are separate statements.
    let left = MAX_BODY_STEMS;
    for (const line of body.split(/\n+/)) {
      if (left <= 0) break;
      const stems = contentStems(line).slice(0, left);
      left -= stems.length;
      stemFeatures(stems, "b:", b);
    }
  }
  const ids = (xs: number[]) => Int32Array.from(xs, (x) => x % buckets);
  return { title: ids(t), body: ids(b) };
}

/** The hidden layer: mean of the title's rows, then mean of the body's rows (zeros for a missing half). */
export function hiddenOf(
  model: Pick<FicheClassifier, "input" | "dim">,
  x: ClassifierInput,
  out = new Float32Array(2 * model.dim),
): Float32Array {
  const { input, dim } = model;
  out.fill(0);
  const half = (ids: Int32Array, offset: number) => {
    if (ids.length === 0) return;
    const s = 1 / ids.length;
    for (const id of ids) {
      const base = id * dim;
      for (let j = 0; j < dim; j++) out[offset + j]! += s * input[base + j]!;
    }
  };
  half(x.title, 0);
  half(x.body, dim);
  return out;
}

/** Scores (logits) of every fiche for a hidden vector. */
export function logitsOf(
  model: Pick<FicheClassifier, "output" | "bias" | "dim">,
  h: Float32Array,
  out: Float64Array,
): Float64Array {
  const d2 = 2 * model.dim;
  const { output, bias } = model;
  for (let c = 0; c < bias.length; c++) {
    let s = bias[c]!;
    const base = c * d2;
    for (let j = 0; j < d2; j++) s += output[base + j]! * h[j]!;
    out[c] = s;
  }
  return out;
}

/** Softmax in place; returns the array. */
export function softmaxInPlace(s: Float64Array): Float64Array {
  let m = -Infinity;
  for (const x of s) if (x > m) m = x;
  let z = 0;
  for (let i = 0; i < s.length; i++) z += s[i] = Math.exp(s[i]! - m);
  for (let i = 0; i < s.length; i++) s[i]! /= z;
  return s;
}

/** Every fiche's probability for a text, in the model's `codes` order. */
export function ficheProbabilities(model: FicheClassifier, title: string, body: string): Float64Array {
  const x = classifierInput(title, body, model.buckets);
  if (x.title.length + x.body.length === 0) return new Float64Array(model.codes.length);
  return softmaxInPlace(logitsOf(model, hiddenOf(model, x), new Float64Array(model.codes.length)));
}

/**
 * The weights as stored: the embedding table in int8 with one float32 scale per row (a quarter of its float32 size;
 * rows no example touched are zeros and compress away), then scales, output and bias in float32, little-endian.
 */
export function packWeights(model: Pick<FicheClassifier, "input" | "output" | "bias" | "buckets" | "dim">): Buffer {
  const { buckets, dim } = model;
  const q = new Int8Array(buckets * dim);
  const floats = new Float32Array(buckets + model.output.length + model.bias.length);
  for (let b = 0; b < buckets; b++) {
    let m = 0;
    for (let j = 0; j < dim; j++) m = Math.max(m, Math.abs(model.input[b * dim + j]!));
    const scale = m / 127;
    floats[b] = scale;
    if (scale > 0) for (let j = 0; j < dim; j++) q[b * dim + j] = Math.round(model.input[b * dim + j]! / scale);
  }
  floats.set(model.output, buckets);
  floats.set(model.bias, buckets + model.output.length);
  const le = Buffer.alloc(floats.length * 4);
  floats.forEach((x, i) => le.writeFloatLE(x, i * 4));
  return Buffer.concat([Buffer.from(q.buffer), le]);
}

/** The inverse of `packWeights`. */
export function unpackWeights(
  raw: Buffer,
  buckets: number,
  dim: number,
  codes: number,
): Pick<FicheClassifier, "input" | "output" | "bias"> {
  const n = buckets * dim;
  const input = new Float32Array(n);
  const scaleAt = (b: number) => raw.readFloatLE(n + 4 * b);
  for (let b = 0; b < buckets; b++) {
    const s = scaleAt(b);
    if (s === 0) continue;
    for (let j = 0; j < dim; j++) input[b * dim + j] = raw.readInt8(b * dim + j) * s;
  }
  const rest = (offset: number, length: number) =>
    Float32Array.from({ length }, (_, i) => raw.readFloatLE(n + 4 * (buckets + offset + i)));
  const outLen = codes * 2 * dim;
  return { input, output: rest(0, outLen), bias: rest(outLen, codes) };
}

/**
 * The classifier file: a JSON manifest (`models/fiche-classifier.json`: format, shape, how it was trained and what
 * it reached) and the weights beside it, gzipped (`packWeights`), whose sha256 the manifest
 * holds.
 */
export const ClassifierManifest = z.object({
  format: z.literal("rome-match/fiche-classifier@1"),
  weights: z.string(),
  sha256: z.string().length(64),
  codes: z.array(z.string()).min(1),
  buckets: z.number().int().positive(),
  dim: z.number().int().positive(),
  trained: z.looseObject({ date: z.string(), command: z.string() }),
});
export type ClassifierManifest = z.infer<typeof ClassifierManifest>;

/** Where the engine reads the classifier from (absent: the `classifier` feature stays 0). */
export const CLASSIFIER_FILE = path.join(REPO_ROOT, "models", "fiche-classifier.json");

/** Reads and validates a classifier (manifest + weights); errors name the file and the problem. */
export function readClassifier(file: string): { model: FicheClassifier; manifest: ClassifierManifest } {
  const m = readModelFile(file, ClassifierManifest);
  const weightsFile = path.resolve(path.dirname(file), m.weights);
  const gz = readFileSync(weightsFile);
  if (createHash("sha256").update(gz).digest("hex") !== m.sha256)
    throw new Error(`${weightsFile}: sha256 differs from ${file}'s`);
  const raw = gunzipSync(gz);
  const C = m.codes.length;
  const bytes = m.buckets * m.dim + 4 * (m.buckets + C * 2 * m.dim + C);
  if (raw.length !== bytes)
    throw new Error(`${weightsFile}: ${raw.length} bytes, expected ${bytes} for the manifest's shape`);
  const model: FicheClassifier = {
    codes: m.codes,
    buckets: m.buckets,
    dim: m.dim,
    ...unpackWeights(raw, m.buckets, m.dim, C),
  };
  return { model, manifest: m };
}

/** The classifier at `file` when it exists (null otherwise). */
export function loadClassifier(file = CLASSIFIER_FILE): FicheClassifier | null {
  return existsSync(file) ? readClassifier(file).model : null;
}

/** Fiches under this share of the best one's probability get 0: the feature names few fiches, as the others do. */
export const CLASSIFIER_FLOOR = 0.01;

/** Fills a per-fiche feature array (rows of the engine's fiche order) from a text's title and body. */
export type ClassifierFeature = (title: string, body: string, out: Float64Array) => void;

/**
 * The `classifier` ranking feature of a model for the engine's fiche rows: each fiche's probability over the best
 * one's, 0 under CLASSIFIER_FLOOR; fiches the model does not know (another ROME version) stay 0.
 */
export function classifierFeature(model: FicheClassifier, ficheRow: ReadonlyMap<string, number>): ClassifierFeature {
  const rows = Int32Array.from(model.codes, (c) => ficheRow.get(c) ?? -1);
  return (title, body, out) => {
    const p = ficheProbabilities(model, title, body);
    let best = 0;
    for (const x of p) if (x > best) best = x;
    if (best <= 0) return;
    for (let c = 0; c < p.length; c++) {
      const x = p[c]! / best;
      if (rows[c]! >= 0 && x >= CLASSIFIER_FLOOR) out[rows[c]!] = x;
    }
  };
}
