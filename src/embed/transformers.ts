import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { env, pipeline, type FeatureExtractionPipeline } from "@huggingface/transformers";
import type { Config } from "../config.js";
import type { EmbedRole, Embedder } from "./embedder.js";
import { StaticTable } from "./static-table.js";

export interface TransformersEmbedderOptions {
  /** Local folder in transformers.js layout (config.json, tokenizer.json, onnx/model*.onnx). */
  modelDir: string;
  dtype?: "fp32" | "q8";
  /** e5-style models want "query: " / "passage: "; the bundled static model wants none. */
  queryPrefix?: string;
  passagePrefix?: string;
  batchSize?: number;
  cacheSize?: number;
  /** Use the static-table fast path when the model has no layer and it reproduces the pipeline (default true). */
  fastPath?: boolean;
}

/** Texts the fast path must reproduce before it is trusted: accents, ligatures, apostrophes, OOV, odd spaces, empty. */
const PROBES = [
  "Développeur / développeuse Full-Stack (H/F) — Node.js & TypeScript",
  "Accueillir la clientèle, l’orienter et gérer les réclamations ; cœur de métier",
  "zzqx wqxv",
  "CACES\u00a0R489 cat.\t3\n\nconduite d'engins",
  "",
  // Longer than the model's maximum length: checks truncation.
  "gestion des stocks et approvisionnement, ".repeat(200),
];

/**
 * transformers.js feature extraction (mean pooling, L2-normalised) from a local folder only: no hub access.
 * Identical texts are served from an LRU cache keyed by a hash; concurrent callers are micro-batched.
 */
export class TransformersEmbedder implements Embedder {
  readonly id: string;
  dimension = 0;
  private pipe: FeatureExtractionPipeline | null = null;
  /** Set when the static-table fast path is in use (see static-table.ts). */
  private table: StaticTable | null = null;
  private readonly cache = new Map<string, Float32Array>();
  private queue: { text: string; key: string; resolve: (v: Float32Array) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  private constructor(private readonly opts: Required<TransformersEmbedderOptions>) {
    this.id = path.basename(path.resolve(opts.modelDir)) + (opts.dtype === "q8" ? "-q8" : "");
  }

  /** The embedder the configuration names (MODEL_DIR, its dtype and prefixes): what the engine and workers load. */
  static fromConfig(
    config: Pick<Config, "modelDir" | "modelDtype" | "queryPrefix" | "passagePrefix">,
  ): Promise<TransformersEmbedder> {
    const { modelDir, modelDtype: dtype, queryPrefix, passagePrefix } = config;
    return TransformersEmbedder.load({ modelDir, dtype, queryPrefix, passagePrefix });
  }

  static async load(options: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
    const opts: Required<TransformersEmbedderOptions> = {
      dtype: "fp32",
      queryPrefix: "",
      passagePrefix: "",
      batchSize: 64,
      cacheSize: 50_000,
      fastPath: true,
      ...options,
    };
    const dir = path.resolve(opts.modelDir);
    if (!existsSync(path.join(dir, "config.json"))) {
      throw new Error(
        `embedding model not found in ${dir} (config.json missing); set MODEL_DIR to a transformers.js model folder (see models/README.md)`,
      );
    }
    const e = new TransformersEmbedder(opts);
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = path.dirname(dir) + path.sep;
    e.pipe = await pipeline("feature-extraction", path.basename(dir), { dtype: opts.dtype });
    const cfg = JSON.parse(readFileSync(path.join(dir, "config.json"), "utf8")) as {
      hidden_size?: number;
      num_hidden_layers?: number;
      vocab_size?: number;
      max_position_embeddings?: number;
    };
    e.dimension = cfg.hidden_size ?? (await e.embed(["test"]))[0]!.length;
    if (opts.fastPath && cfg.num_hidden_layers === 0 && cfg.vocab_size && cfg.hidden_size) {
      // Any failure here only means the model is not a plain lookup: the pipeline stays in use.
      const table = await StaticTable.read(
        e.pipe,
        cfg.vocab_size,
        cfg.hidden_size,
        e.pipe.tokenizer.model_max_length ?? cfg.max_position_embeddings ?? 512,
      ).catch((err: unknown) => {
        console.error(`embedder: no static fast path for ${e.id} (${(err as Error).message}); using the ONNX pipeline`);
        return null;
      });
      if (table) {
        const probes = PROBES.map((p) => opts.queryPrefix + p);
        const reference = await e.embed(probes);
        if (probes.every((p, i) => maxAbsDiff(table.embed(p), reference[i]!) < 1e-5)) e.table = table;
        else console.error(`embedder: the static fast path does not reproduce ${e.id}; using the ONNX pipeline`);
      }
    }
    return e;
  }

  /** "static-table" when the fast path is in use, else "onnx". */
  get mode(): "static-table" | "onnx" {
    return this.table ? "static-table" : "onnx";
  }

  embed(texts: readonly string[], role: EmbedRole = "query"): Promise<Float32Array[]> {
    const prefix = role === "query" ? this.opts.queryPrefix : this.opts.passagePrefix;
    const table = this.table;
    // Cheaper than hashing for the cache: no cache, no batching.
    if (table) return Promise.resolve(texts.map((t) => table.embed(prefix + t)));
    return Promise.all(
      texts.map((t) => {
        const text = prefix + t;
        const key = createHash("sha1").update(text).digest("base64");
        const hit = this.cache.get(key);
        if (hit) {
          // refresh LRU position
          this.cache.delete(key);
          this.cache.set(key, hit);
          return hit;
        }
        return new Promise<Float32Array>((resolve, reject) => {
          this.queue.push({ text, key, resolve, reject });
          if (!this.scheduled) {
            this.scheduled = true;
            setImmediate(() => void this.flush());
          }
        });
      }),
    );
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    // Similar lengths share a batch: padding a short unit to the length of a whole offer costs more than the model.
    const pending = this.queue.sort((a, b) => a.text.length - b.text.length);
    this.queue = [];
    const batches: (typeof pending)[] = [];
    for (const item of pending) {
      const cur = batches[batches.length - 1];
      if (cur && cur.length < this.opts.batchSize && item.text.length <= 2 * cur[0]!.text.length + 16) cur.push(item);
      else batches.push([item]);
    }
    for (const batch of batches) {
      try {
        const out = await this.pipe!(
          batch.map((b) => b.text),
          { pooling: "mean", normalize: true },
        );
        const dim = out.dims[1]!;
        const data = out.data as Float32Array;
        batch.forEach((b, j) => {
          const v = new Float32Array(dim);
          for (let k = 0; k < dim; k++) {
            const x = data[j * dim + k]!;
            v[k] = Number.isFinite(x) ? x : 0; // an all-OOV text pools to NaN: make it the zero vector
          }
          this.remember(b.key, v);
          b.resolve(v);
        });
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
  }

  private remember(key: string, v: Float32Array): void {
    this.cache.set(key, v);
    if (this.cache.size > this.opts.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
