import { Worker } from "node:worker_threads";
import type { Config } from "../config.js";
import type { EmbedRole } from "../embed/index.js";
import { CodedError, type ErrorCode } from "../errors.js";
import type { Engine } from "./engine.js";
import type { Exemplar } from "./exemplars.js";
import type { MemoryCounts, MemoryTarget } from "./live.js";
import type { ExtractedSkill, MatchInput, MatchResult } from "./types.js";

/** What callers of the matching need; `Engine` and `MatchPool` both provide it. */
export interface Matcher {
  match(input: MatchInput): Promise<MatchResult>;
  extractSkills(text: string): Promise<ExtractedSkill[]>;
}

type Message =
  | { op: "match"; input: MatchInput }
  | { op: "extract"; text: string }
  | { op: "embed"; texts: string[]; role: EmbedRole }
  | { op: "learn"; feedback: Exemplar[] };

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>;
}

/**
 * Engines in worker threads (MATCH_THREADS), so that one process matches on several cores: matching is CPU-bound
 * and synchronous, so in the event-loop thread it serialises every request. Each thread loads its own engine
 * (referential, indexes: ~5 s and a few hundred MB each); requests go to the least busy thread. A thread that dies
 * fails its pending requests and is replaced.
 */
export class MatchPool implements Matcher, MemoryTarget {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  /** The feedback offers learned last: a thread that replaces a dead one learns them before its first match. */
  private feedback: Exemplar[] | null = null;

  private constructor(private readonly config: Config) {}

  static async start(config: Config, threads: number): Promise<MatchPool> {
    if (!Number.isInteger(threads) || threads < 1)
      throw new Error(`MatchPool: threads must be a positive integer, got ${threads}`);
    const pool = new MatchPool(config);
    try {
      await Promise.all(Array.from({ length: threads }, () => pool.spawn()));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  match(input: MatchInput): Promise<MatchResult> {
    return this.call({ op: "match", input });
  }

  extractSkills(text: string): Promise<ExtractedSkill[]> {
    return this.call({ op: "extract", text });
  }

  embed(texts: readonly string[], role: EmbedRole = "query"): Promise<Float32Array[]> {
    return this.call({ op: "embed", texts: [...texts], role });
  }

  /** Every thread rebuilds its memory with the lake's labelled offers (live.ts); the counts of the first. */
  async learn(feedback: readonly Exemplar[]): Promise<MemoryCounts> {
    this.feedback = [...feedback];
    const all = this.slots.map((s) => this.send<MemoryCounts>(s, { op: "learn", feedback: this.feedback! }));
    if (all.length === 0) throw new Error("no match thread available");
    return (await Promise.all(all))[0]!;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private spawn(): Promise<void> {
    // Under tsx (npm start, tests) the worker needs tsx's loader; a compiled build runs the .js file directly.
    const entry = import.meta.url.endsWith(".ts")
      ? new URL("./pool-worker-tsx.mjs", import.meta.url)
      : new URL("./pool-worker.js", import.meta.url);
    const worker = new Worker(entry, {
      workerData: this.config,
      env: { ...process.env, DOTENV_CONFIG_QUIET: "true" },
      // Left to itself V8 lets a busy thread's garbage grow far past its live heap (RSS over 2 GB under load).
      resourceLimits: { maxOldGenerationSizeMb: this.config.matchHeapMb },
    });
    const slot: Slot = { worker, pending: new Map() };
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      type Reply = { ready?: boolean; id?: number; ok?: boolean; result?: unknown; error?: string; code?: ErrorCode };
      worker.on("message", (m: Reply) => {
        if (m.ready) {
          ready = true;
          // Sent before any match: the thread reads its messages in order.
          if (this.feedback)
            this.send(slot, { op: "learn", feedback: this.feedback }).catch((e: unknown) =>
              console.error("match pool: a new thread did not learn the feedback:", (e as Error).message),
            );
          this.slots.push(slot);
          resolve();
          return;
        }
        const p = slot.pending.get(m.id!);
        if (!p) return;
        slot.pending.delete(m.id!);
        if (m.ok) p.resolve(m.result as never);
        // A caller's error (e.g. an unknown romeVersion) keeps its catalogue code across the thread.
        else p.reject(m.code ? new CodedError(m.code, m.error) : new Error(m.error));
      });
      let dead = false;
      const fail = (err: Error) => {
        if (dead) return; // "error" is followed by "exit"
        dead = true;
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots.splice(i, 1);
        for (const p of slot.pending.values()) p.reject(err);
        slot.pending.clear();
        if (!ready) reject(err);
        else if (!this.closed)
          this.spawn().catch((e: unknown) =>
            console.error("match pool: could not replace a thread:", (e as Error).message),
          );
      };
      worker.on("error", fail);
      worker.on("exit", (code) => fail(new Error(`match thread exited with code ${code}`)));
    });
  }

  private call<T>(msg: Message): Promise<T> {
    if (this.slots.length === 0)
      return Promise.reject(new Error(this.closed ? "match pool closed" : "no match thread available"));
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    return this.send(slot, msg);
  }

  private send<T>(slot: Slot, msg: Message): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (v: never) => void, reject });
      slot.worker.postMessage({ id, ...msg });
    });
  }
}

/**
 * The engine's referential and identity with matching and embedding done by the pool's threads: what the lake
 * and the routes need, so that ingest and /v1/match use every thread.
 */
export function pooled(engine: Engine, pool: MatchPool) {
  return {
    modelId: engine.modelId,
    referential: engine.referential,
    embedder: {
      dimension: engine.embedder.dimension,
      embed: (texts: readonly string[], role?: EmbedRole) => pool.embed(texts, role),
    },
    match: (input: MatchInput) => pool.match(input),
    extractSkills: (text: string) => pool.extractSkills(text),
  };
}
