import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { REPO_ROOT } from "../config.js";
import { readModelFile } from "../model-file.js";

/** Domain word vectors (`npm run train:word-vectors`): a manifest with the vocabulary, int8 rows beside it. */
export const WORD_VECTORS_FILE = path.join(REPO_ROOT, "models", "word-vectors.json");

export const wordVectorsBinFile = (manifest: string) => manifest.replace(/\.json$/, "") + ".bin";

export const WordVectorManifest = z.object({
  fitted: z.object({ date: z.string(), command: z.string() }).loose(),
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

/** Reads and validates word vectors; errors name the file and the problem. */
export function readWordVectors(file: string): WordVectors {
  const m = readModelFile(file, WordVectorManifest);
  const binFile = path.resolve(path.dirname(file), m.bin.file);
  const buf = readFileSync(binFile);
  if (createHash("sha256").update(buf).digest("hex") !== m.bin.sha256)
    throw new Error(`${binFile}: sha256 differs from ${file}'s`);
  if (buf.length !== m.vocabulary.length * m.dim)
    throw new Error(`${binFile}: ${buf.length} bytes, expected ${m.vocabulary.length} words × ${m.dim}`);
  const rows = new Float32Array(buf.length);
  const bytes = new Int8Array(buf.buffer, buf.byteOffset, buf.length);
  for (let i = 0; i < rows.length; i++) rows[i] = bytes[i]! / m.bin.scale;
  return new WordVectors(m.vocabulary, m.dim, rows);
}
