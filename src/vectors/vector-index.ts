import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import hnswlib from "hnswlib-node";
import { z } from "zod";
import { dot } from "../embed/index.js";

export interface VectorHit {
  id: string;
  /** Cosine similarity (vectors are unit length). */
  score: number;
}

export interface HnswParams {
  m: number;
  efConstruction: number;
  efSearch: number;
}

/** Defaults chosen on the recall benchmark (benchmarks/recall.ts): recall@10 ≥ 0.99 at a fraction of a millisecond. */
export const DEFAULT_HNSW: HnswParams = { m: 16, efConstruction: 200, efSearch: 300 };

const Meta = z.object({
  ids: z.array(z.string()),
  dimension: z.number().int().positive(),
  params: z.object({ m: z.number(), efConstruction: z.number(), efSearch: z.number() }),
});

/**
 * An HNSW index (hnswlib-node, cosine space) over labelled vectors, with the raw vectors kept beside it
 * so that an exact scan can check recall and re-score candidates.
 */
export class VectorIndex {
  private constructor(
    readonly ids: readonly string[],
    /** Row-major, ids.length × dimension, unit-length rows. */
    readonly vectors: Float32Array,
    readonly dimension: number,
    private readonly hnsw: hnswlib.HierarchicalNSW,
    readonly params: HnswParams,
  ) {}

  static build(
    ids: readonly string[],
    vectors: readonly Float32Array[],
    dimension: number,
    params: HnswParams = DEFAULT_HNSW,
  ): VectorIndex {
    const flat = new Float32Array(ids.length * dimension);
    vectors.forEach((v, i) => flat.set(v, i * dimension));
    const h = new hnswlib.HierarchicalNSW("cosine", dimension);
    h.initIndex({
      maxElements: Math.max(1, ids.length),
      m: params.m,
      efConstruction: params.efConstruction,
      randomSeed: 42,
    });
    for (let i = 0; i < ids.length; i++) {
      if (!isZeroRow(flat, i, dimension)) h.addPoint(Array.from(flat.subarray(i * dimension, (i + 1) * dimension)), i);
    }
    h.setEf(params.efSearch);
    return new VectorIndex(ids, flat, dimension, h, params);
  }

  static exists(dir: string, name: string): boolean {
    return ["hnsw", "f32", "json"].every((ext) => existsSync(path.join(dir, `${name}.${ext}`)));
  }

  static load(dir: string, name: string): VectorIndex {
    const meta = Meta.parse(JSON.parse(readFileSync(path.join(dir, `${name}.json`), "utf8")));
    const buf = readFileSync(path.join(dir, `${name}.f32`));
    const vectors = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    if (vectors.length !== meta.ids.length * meta.dimension)
      throw new Error(`index ${name}: vector file does not match its metadata; rebuild with npm run build-indexes`);
    const h = new hnswlib.HierarchicalNSW("cosine", meta.dimension);
    h.readIndexSync(path.join(dir, `${name}.hnsw`));
    // efSearch is a query-time setting: take the current default, not the one recorded at build time.
    const params = { ...meta.params, efSearch: DEFAULT_HNSW.efSearch };
    h.setEf(params.efSearch);
    return new VectorIndex(meta.ids, vectors, meta.dimension, h, params);
  }

  save(dir: string, name: string): void {
    mkdirSync(dir, { recursive: true });
    this.hnsw.writeIndexSync(path.join(dir, `${name}.hnsw`));
    writeFileSync(
      path.join(dir, `${name}.f32`),
      Buffer.from(this.vectors.buffer, this.vectors.byteOffset, this.vectors.byteLength),
    );
    writeFileSync(
      path.join(dir, `${name}.json`),
      JSON.stringify({ ids: this.ids, dimension: this.dimension, params: this.params }),
    );
  }

  get size(): number {
    return this.ids.length;
  }

  /**
   * Approximate k nearest neighbours by HNSW. `ef` trades recall for speed per call (default: the index's
   * efSearch); extraction uses a smaller one because it re-scores candidates lexically anyway.
   */
  search(query: Float32Array, k: number, ef?: number): VectorHit[] {
    const n = this.hnsw.getCurrentCount();
    if (n === 0 || isZeroRow(query, 0, query.length)) return [];
    this.hnsw.setEf(Math.max(k, ef ?? this.params.efSearch));
    const r = this.hnsw.searchKnn(Array.from(query), Math.min(k, n));
    return r.neighbors.map((label, i) => ({ id: this.ids[label]!, score: 1 - r.distances[i]! }));
  }

  /** Exact k nearest neighbours by a full scan: the reference for recall, and for tests. */
  exact(query: Float32Array, k: number): VectorHit[] {
    const hits: { i: number; score: number }[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      if (isZeroRow(this.vectors, i, this.dimension)) continue;
      hits.push({ i, score: this.similarityAt(query, i) });
    }
    hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, k).map((h) => ({ id: this.ids[h.i]!, score: h.score }));
  }

  /** Cosine similarity between a query and row `i`. */
  similarityAt(query: Float32Array, i: number): number {
    return dot(query, this.vectorAt(i));
  }

  vectorAt(i: number): Float32Array {
    return this.vectors.subarray(i * this.dimension, (i + 1) * this.dimension);
  }
}

function isZeroRow(flat: Float32Array, row: number, dim: number): boolean {
  const o = row * dim;
  for (let j = 0; j < dim; j++) if (flat[o + j] !== 0) return false;
  return true;
}
