import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { env, pipeline, type FeatureExtractionPipeline } from "@huggingface/transformers";
import type { EmbedRole, Embedder } from "./embedder.js";

export interface TransformersEmbedderOptions {
  /** Local folder in transformers.js layout (config.json, tokenizer.json, onnx/model*.onnx). */
  modelDir: string;
  dtype?: "fp32" | "q8";
  /** e5-style models want "query: " / "passage: "; the bundled static model wants none. */
  queryPrefix?: string;
  passagePrefix?: string;
  batchSize?: number;
  cacheSize?: number;
}

/**
 * transformers.js feature extraction (mean pooling, L2-normalised) from a local folder only: no hub access.
 * Identical texts are served from an LRU cache keyed by a hash; concurrent callers are micro-batched.
 */
export class TransformersEmbedder implements Embedder {
  readonly id: string;
  dimension = 0;
  private pipe: FeatureExtractionPipeline | null = null;
  private readonly cache = new Map<string, Float32Array>();
  private queue: { text: string; key: string; resolve: (v: Float32Array) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  private constructor(private readonly opts: Required<TransformersEmbedderOptions>) {
    this.id = path.basename(path.resolve(opts.modelDir)) + (opts.dtype === "q8" ? "-q8" : "");
  }

  static async load(options: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
    const opts: Required<TransformersEmbedderOptions> = { dtype: "fp32", queryPrefix: "", passagePrefix: "", batchSize: 64, cacheSize: 50_000, ...options };
    const dir = path.resolve(opts.modelDir);
    if (!existsSync(path.join(dir, "config.json"))) {
      throw new Error(`embedding model not found in ${dir} (config.json missing); set MODEL_DIR to a transformers.js model folder (see models/README.md)`);
    }
    const e = new TransformersEmbedder(opts);
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = path.dirname(dir) + path.sep;
    e.pipe = await pipeline("feature-extraction", path.basename(dir), { dtype: opts.dtype });
    const cfg = JSON.parse(readFileSync(path.join(dir, "config.json"), "utf8")) as { hidden_size?: number };
    e.dimension = cfg.hidden_size ?? (await e.embed(["test"]))[0]!.length;
    return e;
  }

  embed(texts: readonly string[], role: EmbedRole = "query"): Promise<Float32Array[]> {
    const prefix = role === "query" ? this.opts.queryPrefix : this.opts.passagePrefix;
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
        const out = await this.pipe!(batch.map((b) => b.text), { pooling: "mean", normalize: true });
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
