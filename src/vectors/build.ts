import { existsSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Embedder } from "../embed/index.js";
import type { Referential } from "../rome/index.js";
import { DEFAULT_HNSW, VectorIndex } from "./vector-index.js";

/** Bump when the on-disk layout or the embedded texts change, so old folders are rebuilt. */
const FORMAT_VERSION = 1;

export const INDEX_NAMES = ["appellations", "competences", "savoirs"] as const;
export type IndexName = (typeof INDEX_NAMES)[number];
export type RomeIndexes = Record<IndexName, VectorIndex>;

const Manifest = z.object({
  formatVersion: z.number(),
  romeVersion: z.string(),
  model: z.string(),
  dimension: z.number(),
  counts: z.record(z.string(), z.number()),
  builtAt: z.string(),
});

export type ProgressFn = (phase: IndexName, done: number, total: number) => void;

export function indexDir(root: string, romeVersion: string, modelId: string): string {
  return path.join(root, `${romeVersion}-${modelId}`);
}

/** What building the indexes reads of a referential (a small fixture can stand in for it in tests). */
export type IndexedReferential = Pick<Referential, "version" | "appellations" | "competences" | "savoirs">;

/** The labels each index embeds, in a stable order. */
export function indexLabels(ref: IndexedReferential): Record<IndexName, { ids: string[]; texts: string[] }> {
  const from = <T extends { code: string; libelle: string }>(m: ReadonlyMap<string, T>) => {
    const items = [...m.values()].sort((a, b) => a.code.localeCompare(b.code));
    return { ids: items.map((i) => i.code), texts: items.map((i) => i.libelle) };
  };
  return { appellations: from(ref.appellations), competences: from(ref.competences), savoirs: from(ref.savoirs) };
}

/** True when `dir` holds indexes built from this referential version and model. */
export function indexesAreCurrent(dir: string, romeVersion: string, modelId: string): boolean {
  const mf = path.join(dir, "manifest.json");
  if (!existsSync(mf)) return false;
  const parsed = Manifest.safeParse(JSON.parse(readFileSync(mf, "utf8")));
  if (!parsed.success) return false;
  const m = parsed.data;
  return (
    m.formatVersion === FORMAT_VERSION &&
    m.romeVersion === romeVersion &&
    m.model === modelId &&
    INDEX_NAMES.every((n) => VectorIndex.exists(dir, n))
  );
}

/** Embeds every label (batched) and builds the three HNSW indexes, then writes them with a manifest. */
export async function buildIndexes(
  root: string,
  ref: IndexedReferential,
  embedder: Embedder,
  onProgress?: ProgressFn,
): Promise<RomeIndexes> {
  const dir = indexDir(root, ref.version, embedder.id);
  // Build in a private folder and rename it into place, so concurrent builders (test workers, replicas) never see half an index.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const labels = indexLabels(ref);
  const out = {} as RomeIndexes;
  for (const name of INDEX_NAMES) {
    const { ids, texts } = labels[name];
    const vectors: Float32Array[] = [];
    const batch = 512;
    for (let i = 0; i < texts.length; i += batch) {
      vectors.push(...(await embedder.embed(texts.slice(i, i + batch), "passage")));
      onProgress?.(name, Math.min(i + batch, texts.length), texts.length);
    }
    out[name] = VectorIndex.build(ids, vectors, embedder.dimension, DEFAULT_HNSW);
    out[name].save(tmp, name);
  }
  mkdirSync(tmp, { recursive: true });
  const manifest: z.infer<typeof Manifest> = {
    formatVersion: FORMAT_VERSION,
    romeVersion: ref.version,
    model: embedder.id,
    dimension: embedder.dimension,
    counts: Object.fromEntries(INDEX_NAMES.map((n) => [n, out[n].size])),
    builtAt: new Date().toISOString(),
  };
  writeFileSync(path.join(tmp, "manifest.json"), JSON.stringify(manifest, null, 2));
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(tmp, dir);
  } catch (err) {
    // Another process won the race with an equivalent build: keep theirs.
    rmSync(tmp, { recursive: true, force: true });
    if (!indexesAreCurrent(dir, ref.version, embedder.id)) throw err;
  }
  return out;
}

/** Loads the indexes for this referential and model, building them first when missing or stale. */
export async function openIndexes(
  root: string,
  ref: IndexedReferential,
  embedder: Embedder,
  opts: { rebuild?: boolean; onProgress?: ProgressFn } = {},
): Promise<RomeIndexes> {
  const dir = indexDir(root, ref.version, embedder.id);
  if (opts.rebuild || !indexesAreCurrent(dir, ref.version, embedder.id))
    return buildIndexes(root, ref, embedder, opts.onProgress);
  return Object.fromEntries(INDEX_NAMES.map((n) => [n, VectorIndex.load(dir, n)])) as RomeIndexes;
}
