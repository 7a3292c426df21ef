import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEV_OFFERS, REPO_ROOT } from "../config.js";
import { readModelFile, sha256 } from "../model-file.js";

/** Domain word vectors (`npm run train:word-vectors`): a manifest with the vocabulary, int8 rows beside it. */
export const WORD_VECTORS_FILE = path.join(REPO_ROOT, "models", "word-vectors.json");

export const wordVectorsBinFile = (manifest: string) => manifest.replace(/\.json$/, "") + ".bin";

/** How domain word vectors are trained (`npm run train:word-vectors`). */
export interface WordVectorSettings {
  /** Dimensions kept from the SVD. */
  dim: number;
  /** Words on each side counted as context, within a line or sentence. */
  window: number;
  /** Words seen fewer times are left out. */
  minCount: number;
  /** Context-distribution smoothing of PPMI (Levy, Goldberg & Dagan 2015): context counts raised to this power. */
  alpha: number;
  /** Power iterations of the randomized SVD (Halko, Martinsson & Tropp 2011). */
  power: number;
  /** Extra random directions beyond `dim`. */
  oversample: number;
  /** A word's vector is U·Σ^eigenPower (0.5: the symmetric split; 0: U alone). */
  eigenPower: number;
  seed: number;
}

export const WORD_VECTOR_DEFAULTS: WordVectorSettings = {
  dim: 128,
  window: 5,
  minCount: 5,
  alpha: 0.75,
  power: 3,
  oversample: 16,
  eigenPower: 0.5,
  seed: 23,
};

/**
 * What a model built at set-up was trained from (`build` in its manifest). The model in the index folder is used
 * only when its `build` equals the one `defaultWordVectorBuild` describes today: cheap to check at every start
 * (sizes and names, no hash of the data), and any change of trainer, settings, referential, offers or gold ids
 * makes it stale.
 */
export const WordVectorBuild = z.object({
  /** Bumped when the trainer or its corpus changes. */
  trainer: z.number().int(),
  romeVersion: z.string(),
  settings: z.record(z.string(), z.number()),
  offers: z.object({ file: z.string(), bytes: z.number().int() }).nullable(),
  /** The hash of the ids left out of training (the gold set's), or null. */
  excludedIds: z.string().nullable(),
});
export type WordVectorBuild = z.infer<typeof WordVectorBuild>;

export const WORD_VECTORS_TRAINER = 1;

/** The project's stated-skills gold (docs/skills.md): its texts are left out of the default model's training. */
export const SKILLS_GOLD = path.join(REPO_ROOT, "eval", "skills-gold-dev.jsonl");

export const WordVectorManifest = z.object({
  fitted: z.object({ date: z.string(), command: z.string() }).loose(),
  build: WordVectorBuild.optional(),
  settings: z.record(z.string(), z.number()),
  dim: z.number().int().positive(),
  bin: z.object({ file: z.string().min(1), sha256: z.string().length(64), scale: z.number().positive() }),
  vocabulary: z.array(z.string().min(1)).min(1),
});
export type WordVectorManifest = z.infer<typeof WordVectorManifest>;

/** Word → unit vector (int8 rows scaled back); cosines of words the training saw. */
export class WordVectors {
  private readonly index: Map<string, number>;

  constructor(
    readonly vocabulary: readonly string[],
    readonly dim: number,
    private readonly rows: Float32Array,
  ) {
    this.index = new Map(vocabulary.map((w, i) => [w, i]));
  }

  /** The word's vector (a view, unit length up to rounding), or null when the training did not see it. */
  vector(word: string): Float32Array | null {
    const i = this.index.get(word);
    return i === undefined ? null : this.rows.subarray(i * this.dim, (i + 1) * this.dim);
  }
}

/**
 * Reads and validates word vectors; errors name the file and the problem. `manifest`: the file's, when the caller
 * has already read it (`currentWordVectorManifest`), so that it is parsed once.
 */
export function readWordVectors(
  file: string,
  manifest: WordVectorManifest = readModelFile(file, WordVectorManifest),
): WordVectors {
  const m = manifest;
  const binFile = path.resolve(path.dirname(file), m.bin.file);
  const buf = readFileSync(binFile);
  if (sha256(buf) !== m.bin.sha256) throw new Error(`${binFile}: sha256 differs from ${file}'s`);
  if (buf.length !== m.vocabulary.length * m.dim)
    throw new Error(`${binFile}: ${buf.length} bytes, expected ${m.vocabulary.length} words × ${m.dim}`);
  const rows = new Float32Array(buf.length);
  const bytes = new Int8Array(buf.buffer, buf.byteOffset, buf.length);
  for (let i = 0; i < rows.length; i++) rows[i] = bytes[i]! / m.bin.scale;
  return new WordVectors(m.vocabulary, m.dim, rows);
}

/** The ids of a JSONL file's lines (a gold set's texts). */
export function jsonlIds(file: string): string[] {
  const Line = z.object({ id: z.union([z.string(), z.number()]) }).loose();
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => String(Line.parse(JSON.parse(l)).id));
}

/** The hash a manifest records of the ids left out of training (sorted, one a line). */
export const excludedIdsHash = (ids: Iterable<string>): string => sha256([...new Set(ids)].sort().join("\n"));

/** Where the model built at set-up lives: beside the HNSW indexes of the same referential. */
export const builtWordVectorsFile = (indexRoot: string, romeVersion: string) =>
  path.join(indexRoot, `${romeVersion}-word-vectors`, "word-vectors.json");

const defaultBuilds = new Map<string, Readonly<WordVectorBuild>>();

/**
 * What the model built at set-up is trained from: default settings, the dev offers and the gold left out when
 * present. Computed once a process and ROME version (it reads and hashes the gold's ids; every engine asks).
 */
export function defaultWordVectorBuild(romeVersion: string): Readonly<WordVectorBuild> {
  let build = defaultBuilds.get(romeVersion);
  if (!build) {
    const offers = existsSync(DEV_OFFERS) ? DEV_OFFERS : null;
    build = Object.freeze({
      trainer: WORD_VECTORS_TRAINER,
      romeVersion,
      settings: Object.freeze({ ...WORD_VECTOR_DEFAULTS }),
      offers: offers ? { file: path.basename(offers), bytes: statSync(offers).size } : null,
      excludedIds: existsSync(SKILLS_GOLD) ? excludedIdsHash(jsonlIds(SKILLS_GOLD)) : null,
    });
    defaultBuilds.set(romeVersion, build);
  }
  return build;
}

/** The manifest of `file` when it holds a model built as `build` says; null for a missing, unreadable or other one. */
export function currentWordVectorManifest(file: string, build: WordVectorBuild): WordVectorManifest | null {
  const m = parsedManifest(file);
  return m !== null && m.build !== undefined && sameBuild(m.build, build) ? m : null;
}

/**
 * A manifest file parsed and validated (null: missing or invalid), once per content: `npm start` reads it twice
 * (`ensureWordVectors`, then `createEngine`), and the second read compares its text with the first's instead of
 * parsing and validating it again.
 */
function parsedManifest(file: string): WordVectorManifest | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return null;
  }
  const known = manifests.get(file);
  if (known?.text === text) return known.manifest;
  let manifest: WordVectorManifest | null = null;
  try {
    const m = WordVectorManifest.safeParse(JSON.parse(text));
    if (m.success) manifest = m.data;
  } catch {
    manifest = null;
  }
  manifests.set(file, { text, manifest });
  return manifest;
}
const manifests = new Map<string, { text: string; manifest: WordVectorManifest | null }>();

/** Whether `file` holds a model built as `build` says (a missing or unreadable manifest is not current). */
export const wordVectorsAreCurrent = (file: string, build: WordVectorBuild): boolean =>
  currentWordVectorManifest(file, build) !== null;

const sameBuild = (a: WordVectorBuild, b: WordVectorBuild) =>
  JSON.stringify(WordVectorBuild.parse(a), sortedKeys) === JSON.stringify(WordVectorBuild.parse(b), sortedKeys);

/** JSON.stringify replacer writing objects' keys in order, so that equal builds read equal. */
function sortedKeys(_k: string, v: unknown): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)));
}
