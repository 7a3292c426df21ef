/**
 * Trend analyses for the API: requests are served from the latest analysis of their parameters (memory, then the
 * lake's trend_analyses table) with its timestamp; a missing analysis is computed once (concurrent requests
 * share it), a stale one is returned at once and refreshed in the background. The counts are read in SQL; the
 * detector, the vector attachment and the report run in a worker thread, so /health and the other routes never
 * wait for an analysis.
 */
import { Worker } from "node:worker_threads";
import type { Config } from "../config.js";
import { OverloadedError } from "./admission.js";
import type { Lake, TrendEvidenceRow } from "../lake/index.js";
import {
  DETECTOR,
  sourceSplits,
  trendOptions,
  type PhraseSums,
  type TrendQuery,
  type TrendReport,
} from "../trends/index.js";

type Counts = Awaited<ReturnType<Lake["trendCounts"]>> & { sums?: PhraseSums[] };

export const TREND_ANALYSES = {
  /** An analysis older than this is served, and refreshed in the background. */
  staleMs: 10 * 60_000,
  /** Documents read per final phrase for its details (métiers, co-occurring items, offer snippets). */
  phraseDocuments: 200,
  /** Concurrent per-phrase reads when the worker asks for details. */
  readConcurrency: 4,
  /** Longest an analysis may run in its thread: then the thread is stopped and the request answered 503. */
  budgetMs: 120_000,
} as const;

export interface Analysis {
  report: TrendReport;
  computedAt: Date;
}

/** The lake part the analyses need. */
type AnalysesLake = Pick<
  Lake,
  | "trendCounts"
  | "usesTrendAggregates"
  | "trendSums"
  | "phraseSeries"
  | "phraseDocuments"
  | "latestTrendAnalysis"
  | "saveTrendAnalysis"
>;

/** One key per parameter set (dates as ISO strings, every option spelled out). */
export function paramsKey(q: TrendQuery): string {
  const o = trendOptions(q);
  return JSON.stringify([
    o.from?.toISOString() ?? null,
    o.to?.toISOString() ?? null,
    o.split?.toISOString() ?? null,
    o.metier ?? null,
    o.period,
    o.limit,
    o.minSupport,
    o.minSources,
  ]);
}

export class TrendAnalyses {
  private readonly cache = new Map<string, Analysis>();
  private readonly inflight = new Map<string, Promise<Analysis>>();
  private worker: Promise<Worker> | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: TrendReport) => void; reject: (e: Error) => void }>();
  private closed = false;

  constructor(
    private readonly lake: AnalysesLake,
    private readonly config: Config,
    private readonly staleMs: number = TREND_ANALYSES.staleMs,
    private readonly budgetMs: number = TREND_ANALYSES.budgetMs,
  ) {}

  /** The latest analysis of these parameters; computed now only when none exists yet. */
  async get(q: TrendQuery): Promise<Analysis> {
    const key = paramsKey(q);
    let hit = this.cache.get(key);
    if (!hit) {
      const stored = await this.lake.latestTrendAnalysis(key);
      if (stored) this.cache.set(key, (hit = { report: stored.report as TrendReport, computedAt: stored.computedAt }));
    }
    if (!hit) return this.refresh(q);
    if (Date.now() - hit.computedAt.getTime() > this.staleMs)
      void this.refresh(q).catch((e: unknown) =>
        console.error("trends: background refresh failed:", (e as Error).message),
      );
    return hit;
  }

  /** Computes the analysis of these parameters (once at a time per key) and stores it. */
  refresh(q: TrendQuery): Promise<Analysis> {
    const key = paramsKey(q);
    const running = this.inflight.get(key);
    if (running) return running;
    const job = (async () => {
      const o = trendOptions(q);
      const filter = {
        ...(o.from ? { from: o.from } : {}),
        ...(o.to ? { to: o.to } : {}),
        ...(o.metier ? { metier: o.metier } : {}),
        unit: o.period,
        minSupport: o.minSupport,
        minSources: o.minSources,
      };
      // On the monthly aggregates the phrases arrive as one row of sums each (SQL); otherwise as cells.
      const aggregates = this.lake.usesTrendAggregates(filter);
      const counts: Counts = await this.lake.trendCounts({ ...filter, withPhrases: !aggregates });
      if (aggregates)
        counts.sums = await this.lake.trendSums({
          ...filter,
          splits: sourceSplits(counts.totals),
          sourcePrior: DETECTOR.sourcePrior,
        });
      const report = await this.analyzeInWorker(counts, o);
      const computedAt = new Date();
      await this.lake.saveTrendAnalysis(key, report.documents.total, report, computedAt);
      const a = { report, computedAt };
      this.cache.set(key, a);
      return a;
    })().finally(() => this.inflight.delete(key));
    this.inflight.set(key, job);
    return job;
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new Error("trend analyses closed"));
    this.pending.clear();
    if (w) await (await w.catch(() => null))?.terminate();
  }

  private async analyzeInWorker(counts: Counts, options: ReturnType<typeof trendOptions>): Promise<TrendReport> {
    const w = await this.spawn();
    const id = this.nextId++;
    return new Promise<TrendReport>((resolve, reject) => {
      // A runaway analysis (a huge lake, a pathological window) holds no thread and no client past its budget.
      const timer = setTimeout(() => this.overBudget(w), this.budgetMs);
      timer.unref();
      const done =
        <A>(f: (a: A) => void) =>
        (a: A) => (clearTimeout(timer), f(a));
      this.pending.set(id, { resolve: done(resolve), reject: done(reject) });
      w.postMessage({ id, op: "analyze", counts, options });
    });
  }

  /** Stops the thread of an analysis over budget; its requests (and any other on that thread) answer 503. */
  private overBudget(w: Worker): void {
    const s = Math.ceil(this.budgetMs / 1000);
    const message = `the trend analysis took longer than its ${s} s budget and was stopped; retry later`;
    const err = new OverloadedError(503, s, message);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.worker = null;
    void w.terminate();
  }

  private spawn(): Promise<Worker> {
    if (this.closed) return Promise.reject(new Error("trend analyses closed"));
    if (this.worker) return this.worker;
    // Under tsx (npm start, tests) the worker needs tsx's loader; a compiled build runs the .js file directly.
    const entry = import.meta.url.endsWith(".ts")
      ? new URL("./trends-worker-tsx.mjs", import.meta.url)
      : new URL("./trends-worker.js", import.meta.url);
    const w = new Worker(entry, { workerData: this.config, env: { ...process.env, DOTENV_CONFIG_QUIET: "true" } });
    // A worker that does not hold the process open: the service's own handles decide when it exits.
    w.unref();
    const ready = new Promise<Worker>((resolve, reject) => {
      type Msg = {
        ready?: boolean;
        id?: number;
        ok?: boolean;
        report?: TrendReport;
        error?: string;
        ask?: number;
        phrases?: string[];
        from?: Date;
        to?: Date;
        series?: boolean;
      };
      w.on("message", (m: Msg) => {
        if (m.ready) return resolve(w);
        if (m.ask !== undefined)
          return void this.answer(
            w,
            m.ask,
            m.phrases ?? [],
            { ...(m.from ? { from: m.from } : {}), ...(m.to ? { to: m.to } : {}) },
            m.series === true,
          );
        const p = this.pending.get(m.id!);
        if (!p) return;
        this.pending.delete(m.id!);
        if (m.ok) p.resolve(m.report!);
        else p.reject(new Error(m.error));
      });
      const fail = (err: Error) => {
        if (this.worker === ready) this.worker = null;
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        reject(err);
      };
      w.on("error", fail);
      w.on("exit", (code) => fail(new Error(`trend analysis thread exited with code ${code}`)));
    });
    this.worker = ready;
    return ready;
  }

  /** The worker asks for the documents of its final phrases: read here, where the database connection lives. */
  private async answer(
    w: Worker,
    ask: number,
    phrases: string[],
    window: { from?: Date; to?: Date },
    withSeries: boolean,
  ): Promise<void> {
    try {
      const rows: Record<string, TrendEvidenceRow[]> = {};
      for (let i = 0; i < phrases.length; i += TREND_ANALYSES.readConcurrency) {
        const part = phrases.slice(i, i + TREND_ANALYSES.readConcurrency);
        const got = await Promise.all(
          part.map((p) => this.lake.phraseDocuments(p, { ...window, limit: TREND_ANALYSES.phraseDocuments })),
        );
        part.forEach((p, j) => (rows[p] = got[j]!));
      }
      // Series of the asked phrases from the aggregates (with sums, the counts carried no phrase cells).
      const series = withSeries ? await this.lake.phraseSeries(phrases, window) : undefined;
      w.postMessage({ reply: ask, rows, series });
    } catch (e) {
      w.postMessage({ reply: ask, rows: {}, error: e instanceof Error ? e.message : String(e) });
    }
  }
}
